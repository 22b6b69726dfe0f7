/** Options of {@link assignAndSample} (STEP §3.4, "Hard-Aware Sampling"). */
export interface TubeletSamplingOptions {
  /** Overlap threshold τₛ of this step: proposals with overlap > τₛ join the positive pool. */
  iouThreshold: number;
  /** At most this many positives per clip (they are sampled from the pool). */
  maxPositives: number;
  /** Negatives per positive (default 1: "roughly balanced"); at least one negative is drawn. */
  negativeRatio?: number;
  /**
   * `true`: sampling probability ∝ the hardness score (STEP's hard-aware sampling); `false`:
   * uniform sampling (the ablation).
   */
  hardAware: boolean;
  /** Uniform [0, 1) source (seeded). */
  rand: () => number;
}

/** The sampled training set of one clip at one step. */
export interface TubeletSamples {
  /** Proposal indices of the sampled positives. */
  positives: number[];
  /** For each positive, the index of the one GT tube it is assigned to. */
  positiveGt: number[];
  /** Proposal indices of the sampled negatives. */
  negatives: number[];
}

/** Draws `n` distinct indices from `pool` with probability ∝ `weight` (uniform when all are 0). */
function weightedWithoutReplacement(
  pool: number[],
  weight: (i: number) => number,
  n: number,
  rand: () => number,
): number[] {
  const left = pool.slice();
  const out: number[] = [];
  while (out.length < n && left.length) {
    let total = 0;
    for (const i of left) total += Math.max(weight(i), 0) + 1e-6;
    let r = rand() * total;
    let pick = left.length - 1;
    for (let j = 0; j < left.length; j++) {
      r -= Math.max(weight(left[j]), 0) + 1e-6;
      if (r <= 0) {
        pick = j;
        break;
      }
    }
    out.push(left[pick]);
    left.splice(pick, 1);
  }
  return out;
}

/**
 * STEP's label assignment and hard-aware sampling for one clip (§3.4): every GT tube first gets
 * the proposal with the highest overlap as a positive; proposals whose best overlap exceeds τₛ join
 * the positive pool, the rest the negative pool; positives and (about as many) negatives are drawn
 * with probability ∝ their score (`hardness`: the previous step's classification score, or the
 * best overlap at the first step), so confident low-overlap negatives are drawn more often. Each
 * positive is assigned to exactly one GT tube, the one it overlaps most.
 *
 * @param overlaps `M × G` row-major mean per-frame IoU of each proposal with each GT over the
 *   target clip's frames.
 * @param hardness `M` scores used as sampling weights.
 *
 * @example
 * const s = assignAndSample(new Float64Array([0.7, 0.1]), 2, 1, new Float64Array([0.7, 0.1]),
 *   { iouThreshold: 0.5, maxPositives: 4, hardAware: true, rand: Math.random });
 * // s.positives = [0], s.positiveGt = [0], s.negatives = [1]
 */
export function assignAndSample(
  overlaps: Float64Array,
  M: number,
  G: number,
  hardness: Float64Array,
  options: TubeletSamplingOptions,
): TubeletSamples {
  if (overlaps.length !== M * G)
    throw new Error(
      `assignAndSample: overlaps has ${overlaps.length} values, expected M·G = ${M * G}`,
    );
  const best = new Int32Array(M).fill(-1);
  const bestIoU = new Float64Array(M);
  for (let m = 0; m < M; m++)
    for (let g = 0; g < G; g++) {
      const v = overlaps[m * G + g];
      if (v > bestIoU[m]) {
        bestIoU[m] = v;
        best[m] = g;
      }
    }
  const forced = new Map<number, number>();
  for (let g = 0; g < G; g++) {
    let arg = -1;
    let v = 0;
    for (let m = 0; m < M; m++)
      if (overlaps[m * G + g] > v && !forced.has(m)) {
        v = overlaps[m * G + g];
        arg = m;
      }
    if (arg >= 0) forced.set(arg, g);
  }
  const pool: number[] = [];
  const negPool: number[] = [];
  for (let m = 0; m < M; m++) {
    if (forced.has(m)) continue;
    if (bestIoU[m] > options.iouThreshold) pool.push(m);
    else negPool.push(m);
  }
  const weight = options.hardAware ? (i: number) => hardness[i] : () => 1;
  const positives = [...forced.keys()].slice(0, options.maxPositives);
  const positiveGt = positives.map((m) => forced.get(m) as number);
  for (const m of weightedWithoutReplacement(
    pool,
    weight,
    options.maxPositives - positives.length,
    options.rand,
  )) {
    positives.push(m);
    positiveGt.push(best[m]);
  }
  const nNeg = Math.max(1, Math.round(positives.length * (options.negativeRatio ?? 1)));
  const negatives = weightedWithoutReplacement(negPool, weight, nNeg, options.rand);
  return { positives, positiveGt, negatives };
}
