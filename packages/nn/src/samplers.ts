import type { Rng } from './random';

/** Result of {@link assignProposals}. */
export interface ProposalAssignment {
  /** 1 for a positive proposal, 0 otherwise, per proposal `[N]`. */
  positive: Uint8Array;
  /**
   * 1 for a proposal in the ignore band (neither positive nor negative: no loss), per proposal
   * `[N]`; all 0 without {@link AssignOptions.negativeBelow}. Negatives are the proposals that are
   * neither positive nor ignored.
   */
  ignored: Uint8Array;
  /** The ground truth each proposal overlaps most (its regression target), −1 when there is none. */
  assignedGt: Int32Array;
  /** That highest overlap, per proposal. */
  maxOverlap: Float64Array;
}

/** Options of {@link assignProposals}: the ignore band and the matching rules. */
export interface AssignOptions {
  /**
   * Lower edge of the ignore band: a proposal that is not positive is negative only when its best
   * overlap is **below** this, and ignored otherwise (Faster R-CNN's RPN: positive ≥ 0.7, negative
   * < 0.3, the rest ignored; CFAD §3.2 segment-wise matching; PCSC §3.5, where an overlap of
   * exactly 0.5 is neither). Default: `threshold`, so with the default strict positive test only an
   * overlap equal to `threshold` is ignored; leave it out (and `negativeOverlaps` too) for STEP's
   * rule, where every non-positive is negative.
   */
  negativeBelow?: number;
  /** Positive when the best overlap is ≥ `threshold` instead of > (mmdet `MaxIoUAssigner`). Default false. */
  positiveAtThreshold?: boolean;
  /**
   * Force each ground truth's best proposal(s) positive (non-zero overlaps only; ties all kept).
   * Default true (STEP §3.4, Faster R-CNN's RPN); PCSC's head labels (§3.5) do not.
   */
  bestPerGroundTruth?: boolean;
  /**
   * `[N·G]` overlaps for the negative test only (default: `overlaps`). CFAD's segment-wise matching
   * (§3.2, Fig. 3a) tests positives on the first K boxes of a tube and negatives against every
   * K-box segment: pass the first-segment overlaps as `overlaps` and the best segment's as these.
   */
  negativeOverlaps?: ArrayLike<number>;
}

/**
 * Labels proposals against ground truth by overlap — the one matcher of tubekit (STEP §3.4 and
 * Faster R-CNN's RPN; CFAD's segment-wise matching and PCSC's head labels through
 * {@link AssignOptions}). First, for each ground truth, the proposal(s) with the highest overlap
 * become positive (so every ground truth has a positive, ties all kept, zero overlaps excluded;
 * `bestPerGroundTruth`); then every proposal whose best overlap exceeds `threshold` (τ_s; or
 * reaches it with `positiveAtThreshold`) is positive. Of the rest, those whose best
 * (`negativeOverlaps`) overlap is below `negativeBelow` are negative and the others ignored;
 * without an ignore band the rest are all negative. Each proposal is assigned to the single
 * ground truth it overlaps most (lowest index on ties).
 *
 * @param overlaps `[N·G]` row-major proposal × ground-truth overlaps (for tubelets: the mean
 *   per-frame IoU over the K frames, e.g. `meanFrameIoU` of @tubekit/geometry)
 * @param shape N proposals × G ground truths (G = 0 → all negative)
 * @example
 * ```ts
 * const a = assignProposals(new Float64Array([0.9, 0.1, 0.3, 0.2, 0.05, 0.4]), { proposals: 3, groundTruths: 2 }, 0.5);
 * // proposal 0 (0.9 > 0.5, best for gt 0) and proposal 2 (0.4, best for gt 1) are positive
 * const rpn = assignProposals(ious, { proposals: A, groundTruths: G }, 0.7, { negativeBelow: 0.3, positiveAtThreshold: true });
 * // rpn.positive, rpn.ignored (best IoU in [0.3, 0.7), not a GT's best), the rest negative
 * ```
 */
export function assignProposals(
  overlaps: ArrayLike<number>,
  shape: { proposals: number; groundTruths: number },
  threshold: number,
  options: AssignOptions = {},
): ProposalAssignment {
  const { proposals: N, groundTruths: G } = shape;
  if (overlaps.length !== N * G)
    throw new Error(
      `assignProposals: ${overlaps.length} overlaps for ${N} proposals × ${G} ground truths`,
    );
  const negOverlaps = options.negativeOverlaps;
  if (negOverlaps !== undefined && negOverlaps.length !== N * G)
    throw new Error(
      `assignProposals: ${negOverlaps.length} negativeOverlaps for ${N} proposals × ${G} ground truths`,
    );
  const band = options.negativeBelow !== undefined || negOverlaps !== undefined;
  const negativeBelow = options.negativeBelow ?? threshold;
  if (band && !(negativeBelow <= threshold))
    throw new Error(
      `assignProposals: negativeBelow = ${negativeBelow}; expected a number ≤ threshold (${threshold})`,
    );
  const atThreshold = options.positiveAtThreshold === true;
  const positive = new Uint8Array(N);
  const ignored = new Uint8Array(N);
  const assignedGt = new Int32Array(N).fill(-1);
  const maxOverlap = new Float64Array(N);
  if (G === 0) return { positive, ignored, assignedGt, maxOverlap };
  const bestPerGt = new Float64Array(G);
  for (let i = 0; i < N; i++) {
    let best = -1;
    let bestV = Number.NEGATIVE_INFINITY;
    let bestNeg = Number.NEGATIVE_INFINITY;
    for (let g = 0; g < G; g++) {
      const v = overlaps[i * G + g];
      if (v > bestV) {
        bestV = v;
        best = g;
      }
      if (v > bestPerGt[g]) bestPerGt[g] = v;
      if (negOverlaps !== undefined && negOverlaps[i * G + g] > bestNeg)
        bestNeg = negOverlaps[i * G + g];
    }
    assignedGt[i] = best;
    maxOverlap[i] = bestV;
    if (bestV > threshold || (atThreshold && bestV === threshold)) positive[i] = 1;
    else if (band && (negOverlaps === undefined ? bestV : bestNeg) >= negativeBelow) ignored[i] = 1;
  }
  if (options.bestPerGroundTruth !== false)
    for (let i = 0; i < N; i++)
      for (let g = 0; g < G; g++) {
        const v = overlaps[i * G + g];
        if (v > 0 && v === bestPerGt[g]) {
          positive[i] = 1;
          ignored[i] = 0;
        }
      }
  return { positive, ignored, assignedGt, maxOverlap };
}

/** Options of {@link sampleProposals}. */
export interface SampleOptions {
  /**
   * `[N]` proposals to leave out of both pools (the ignore band, {@link ProposalAssignment.ignored}).
   * Default: none.
   */
  ignored?: Uint8Array;
  /** Samples per image/clip, positives + negatives. */
  batchSize: number;
  /** Target fraction of positives (default 0.5: "roughly balanced", STEP §3.4); negatives fill the rest. */
  positiveFraction?: number;
  /**
   * `'uniform'` (balanced random sampling, Faster R-CNN) or per-proposal sampling weights `[N]`
   * (STEP's hard-aware sampling: the previous step's classification score, or the highest overlap
   * at the first step). Weighted draws are without replacement with probability proportional to
   * the weight (Efraimidis–Spirakis keys u^{1/w}); zero-weight proposals come only after all others.
   */
  weights: 'uniform' | ArrayLike<number>;
  /** The seeded generator the draws come from. */
  rng: Rng;
  /**
   * Negatives per drawn positive (STEP §3.4, "roughly balanced" per clip even when a clip has few
   * positives): when set, `max(1, round(negativesPerPositive × positives drawn))` negatives are drawn
   * (at most all of them) instead of filling `batchSize`; `batchSize · positiveFraction` then only
   * caps the positives. Must be ≥ 0.
   */
  negativesPerPositive?: number;
}

/** Result of {@link sampleProposals}: chosen proposal indices, ascending. */
export interface SampledProposals {
  positives: Int32Array;
  negatives: Int32Array;
}

/**
 * Draws a positive/negative training subset of proposals — the one sampler behind balanced
 * sampling (`weights: 'uniform'`) and STEP's hard-aware sampling (`weights: scores`, STEP §3.4:
 * negatives with high classification scores, i.e. confident but wrong, are drawn more often).
 * Takes up to `batchSize·positiveFraction` positives, then fills the batch with negatives.
 *
 * @example
 * ```ts
 * const { positives, negatives } = sampleProposals(assignment.positive, {
 *   batchSize: 64, weights: previousScores, rng: createRng(0),
 * });
 * ```
 */
export function sampleProposals(positive: Uint8Array, options: SampleOptions): SampledProposals {
  const n = positive.length;
  const { weights, rng } = options;
  if (weights !== 'uniform' && weights.length !== n)
    throw new Error(`sampleProposals: ${weights.length} weights for ${n} proposals`);
  const pos: number[] = [];
  const neg: number[] = [];
  const ignored = options.ignored;
  if (ignored !== undefined && ignored.length !== n)
    throw new Error(`sampleProposals: ${ignored.length} ignored flags for ${n} proposals`);
  for (let i = 0; i < n; i++) if (!ignored?.[i]) (positive[i] ? pos : neg).push(i);
  const wantPos = Math.min(
    pos.length,
    Math.floor(options.batchSize * (options.positiveFraction ?? 0.5)),
  );
  const ratio = options.negativesPerPositive;
  if (ratio !== undefined && !(ratio >= 0))
    throw new Error(`sampleProposals: negativesPerPositive is ${ratio}; expected a number ≥ 0`);
  const wantNeg = Math.min(
    neg.length,
    ratio === undefined ? options.batchSize - wantPos : Math.max(1, Math.round(ratio * wantPos)),
  );
  const draw = (pool: number[], k: number): Int32Array => {
    if (k >= pool.length) return Int32Array.from(pool);
    const keys = new Float64Array(pool.length);
    for (let j = 0; j < pool.length; j++) {
      const u = rng.next();
      if (weights === 'uniform') keys[j] = u;
      else {
        const w = weights[pool[j]];
        if (!(w >= 0))
          throw new Error(
            `sampleProposals: weight of proposal ${pool[j]} is ${w}; weights must be ≥ 0`,
          );
        // log-key: ln(u)/w, larger is earlier; w = 0 → −∞ (after all positive-weight items; ties by u).
        keys[j] = w > 0 ? Math.log(Math.max(u, 1e-300)) / w : Number.NEGATIVE_INFINITY;
      }
    }
    const order = Array.from(pool.keys()).sort((a, b) => keys[b] - keys[a] || a - b);
    // Zero-weight items share −∞ keys; order them uniformly at random.
    const out = Int32Array.from(order.slice(0, k), (j) => pool[j]);
    if (weights !== 'uniform') {
      const firstInf = order.findIndex((j) => keys[j] === Number.NEGATIVE_INFINITY);
      if (firstInf >= 0 && firstInf < k) {
        const rest = order.slice(firstInf).map((j) => pool[j]);
        rng.shuffle(rest);
        for (let j = firstInf; j < k; j++) out[j] = rest[j - firstInf];
      }
    }
    return out.sort();
  };
  return { positives: draw(pos, wantPos), negatives: draw(neg, wantNeg) };
}
