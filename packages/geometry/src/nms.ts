/**
 * Options of every NMS in tubekit ({@link boxNMS}, {@link tubeletNMS}, {@link tubeNMS}).
 *
 * - Hard NMS (default): visit candidates by descending score (ties: lower index first); keep one
 *   unless a kept candidate overlaps it by **more than** `iouThreshold` (the test of ACT, MOC,
 *   YOWO and torchvision: keep if IoU ≤ threshold).
 * - Soft NMS (Bodla et al., "Soft-NMS — Improving Object Detection With One Line of Code", ICCV
 *   2017): repeatedly keep the highest current score and rescale the others: `linear` multiplies by
 *   `1 − IoU` when IoU > `iouThreshold`; `gaussian` multiplies every other score by
 *   `exp(−IoU² / sigma)` (Bodla's Eq. for the Gaussian penalty; `iouThreshold` is not used).
 *
 * Cost: box and tubelet NMS (N > 64) index candidates in a uniform spatial grid, so only pairs
 * that can intersect are tested — about O(N log N + N·m) for m overlapping neighbours instead of
 * O(N²); soft NMS picks the next candidate from a heap. Tube NMS tests every pair (O(N²) tube
 * IoUs). Results are identical to the textbook loops (checked by property tests).
 */
export interface NMSOptions {
  /** Suppress (or, soft linear, rescale) when overlap > this. */
  iouThreshold: number;
  /**
   * Drop candidates whose (final, for soft NMS) score is below this. Default: keep all. Bodla's
   * reference soft-NMS prunes at 0.001 — pass it to reproduce that.
   */
  scoreThreshold?: number;
  /** Return at most this many (the highest final scores). Default: all. */
  topK?: number;
  /** Inclusive-pixel (+1) IoU (ACT/MOC/VOC devkit). Default `false` (continuous). */
  pixelInclusive?: boolean;
  /** Soft NMS penalty; absent = hard NMS. */
  soft?: { method: 'linear' } | { method: 'gaussian'; sigma: number };
}

/** A spatial index over kept candidates (internal; see `BoxGrid`). */
export interface NeighbourIndex {
  add(i: number): void;
  near(i: number, out: Int32Array): number;
}

/** What an NMS returns. */
export interface NMSResult {
  /** Kept candidate indices, by descending final score; ties by lower index. */
  keep: Int32Array;
  /** Final score of each kept candidate (`scores[keep[i]]` for hard NMS, rescaled for soft). */
  scores: Float64Array;
}

/**
 * The single greedy NMS engine behind box, tubelet and tube NMS (internal).
 *
 * `overlap(i, j)` returns the overlap of candidates i and j on the scale of `extra.threshold`
 * (default `options.iouThreshold`); `extra.singlePassRescore` selects MOC's variant (see
 * `tubeletNMS`); `extra.index`, when given, is an empty spatial index over the candidates: hard
 * NMS adds kept candidates and asks it for those that can overlap candidate i at all (the others
 * are not tested); soft NMS adds every candidate and rescales only those near the chosen one. It
 * must return every registered candidate with a non-zero overlap.
 */
export function greedyNMS(
  n: number,
  scores: ArrayLike<number>,
  options: NMSOptions,
  overlap: (i: number, j: number) => number,
  what: string,
  extra: { threshold?: number; singlePassRescore?: boolean; index?: NeighbourIndex } = {},
): NMSResult {
  validate(n, scores, options, what);
  const threshold = extra.threshold ?? options.iouThreshold;
  const singlePassRescore = extra.singlePassRescore === true;
  const index = singlePassRescore ? undefined : extra.index;
  const minScore = options.scoreThreshold ?? Number.NEGATIVE_INFINITY;
  const topK = options.topK ?? n;
  const soft = options.soft;
  if (index !== undefined && soft === undefined && threshold < 0)
    throw new RangeError(`${what}: internal error, a spatial index needs a threshold ≥ 0`);
  if (soft !== undefined && !singlePassRescore)
    return softNMS(n, scores, soft, overlap, threshold, minScore, topK, index);

  // Hard NMS (and MOC's single-pass rescoring): candidates by descending score, ties by index.
  const order = sortedCandidates(
    n,
    scores,
    singlePassRescore ? Number.NEGATIVE_INFINITY : minScore,
  );
  const kept = new Int32Array(order.length);
  let nKept = 0;
  const limit = singlePassRescore ? order.length : topK;
  const weight = singlePassRescore ? new Float64Array(n).fill(1) : undefined;
  const near = index === undefined ? kept : new Int32Array(n);
  for (let r = 0; r < order.length && nKept < limit; r++) {
    const i = order[r]!;
    let suppressed = false;
    const nNear = index === undefined ? nKept : index.near(i, near);
    for (let k = 0; k < nNear; k++) {
      const ov = overlap(near[k]!, i);
      if (ov > threshold) {
        suppressed = true;
        if (weight !== undefined) weight[i] = 1 - ov;
        break;
      }
    }
    if (!suppressed) {
      kept[nKept++] = i;
      index?.add(i);
    }
  }
  if (weight === undefined) {
    const keep = kept.slice(0, nKept);
    const out = new Float64Array(nKept);
    for (let r = 0; r < nKept; r++) out[r] = scores[keep[r]!]!;
    return { keep, scores: out };
  }
  const finalScores = new Float64Array(n);
  for (let i = 0; i < n; i++) finalScores[i] = scores[i]! * weight[i]!;
  const all = sortedCandidates(n, finalScores, minScore);
  const keep = all.slice(0, Math.min(topK, all.length));
  const out = new Float64Array(keep.length);
  for (let r = 0; r < keep.length; r++) out[r] = finalScores[keep[r]!]!;
  return { keep, scores: out };
}

function softNMS(
  n: number,
  scores: ArrayLike<number>,
  soft: NonNullable<NMSOptions['soft']>,
  overlap: (i: number, j: number) => number,
  threshold: number,
  minScore: number,
  topK: number,
  index: NeighbourIndex | undefined,
): NMSResult {
  // Bodla's loop: take the highest current score (ties: lower index), rescale the others, prune
  // those below minScore. A max-heap with lazy invalidation replaces the linear argmax, and a
  // spatial index (when given) limits rescaling to candidates that can overlap the chosen one —
  // the others keep their score, since both penalties are 1 at zero overlap.
  const current = new Float64Array(n);
  const state = new Uint8Array(n); // 0 alive, 1 kept, 2 pruned
  const heap = new ScoreHeap(n);
  for (let i = 0; i < n; i++) {
    current[i] = scores[i]!;
    if (current[i]! >= minScore) {
      heap.push(i, current[i]!);
      index?.add(i);
    } else state[i] = 2;
  }
  const gaussian = soft.method === 'gaussian';
  const sigma = soft.method === 'gaussian' ? soft.sigma : 0;
  const kept = new Int32Array(n);
  const near = new Int32Array(n);
  let nKept = 0;
  while (heap.size > 0) {
    const m = heap.popValid(current, state);
    if (m < 0) break;
    state[m] = 1;
    kept[nKept++] = m;
    const count = index === undefined ? n : index.near(m, near);
    for (let r = 0; r < count; r++) {
      const i = index === undefined ? r : near[r]!;
      if (state[i] !== 0) continue;
      const ov = overlap(m, i);
      const before = current[i]!;
      let after = before;
      if (gaussian) after = before * Math.exp(-(ov * ov) / sigma);
      else if (ov > threshold) after = before * (1 - ov);
      if (after === before) continue;
      current[i] = after;
      if (after < minScore) state[i] = 2;
      else heap.push(i, after);
    }
  }
  const order = kept.slice(0, nKept).sort((a, b) => current[b]! - current[a]! || a - b);
  const keep = order.slice(0, Math.min(topK, nKept));
  const out = new Float64Array(keep.length);
  for (let r = 0; r < keep.length; r++) out[r] = current[keep[r]!]!;
  return { keep, scores: out };
}

/**
 * Binary max-heap of (score, index) ordered by score descending, then index ascending; entries
 * whose score no longer matches the candidate's current score, or whose candidate is no longer
 * alive, are skipped when popped (lazy deletion). Storage grows by doubling.
 */
class ScoreHeap {
  private keys: Float64Array;
  private ids: Int32Array;
  size = 0;

  constructor(capacity: number) {
    this.keys = new Float64Array(Math.max(16, capacity));
    this.ids = new Int32Array(Math.max(16, capacity));
  }

  private before(a: number, b: number): boolean {
    const ka = this.keys[a]!;
    const kb = this.keys[b]!;
    return ka > kb || (ka === kb && this.ids[a]! < this.ids[b]!);
  }

  private swap(a: number, b: number): void {
    const k = this.keys[a]!;
    this.keys[a] = this.keys[b]!;
    this.keys[b] = k;
    const i = this.ids[a]!;
    this.ids[a] = this.ids[b]!;
    this.ids[b] = i;
  }

  push(id: number, key: number): void {
    if (this.size === this.keys.length) {
      const keys = new Float64Array(this.size * 2);
      keys.set(this.keys);
      this.keys = keys;
      const ids = new Int32Array(this.size * 2);
      ids.set(this.ids);
      this.ids = ids;
    }
    let c = this.size++;
    this.keys[c] = key;
    this.ids[c] = id;
    while (c > 0) {
      const parent = (c - 1) >> 1;
      if (!this.before(c, parent)) break;
      this.swap(c, parent);
      c = parent;
    }
  }

  /** Pop the best entry that is still current and alive; -1 when none is left. */
  popValid(current: Float64Array, state: Uint8Array): number {
    while (this.size > 0) {
      const id = this.ids[0]!;
      const key = this.keys[0]!;
      this.size--;
      if (this.size > 0) {
        this.keys[0] = this.keys[this.size]!;
        this.ids[0] = this.ids[this.size]!;
        let c = 0;
        for (;;) {
          const l = 2 * c + 1;
          const r = l + 1;
          let best = c;
          if (l < this.size && this.before(l, best)) best = l;
          if (r < this.size && this.before(r, best)) best = r;
          if (best === c) break;
          this.swap(c, best);
          c = best;
        }
      }
      if (state[id] === 0 && current[id] === key) return id;
    }
    return -1;
  }
}

/** Indices with score ≥ minScore, by descending score, ties by lower index. */
function sortedCandidates(n: number, scores: ArrayLike<number>, minScore: number): Int32Array {
  let m = 0;
  const idx = new Int32Array(n);
  for (let i = 0; i < n; i++) if (scores[i]! >= minScore) idx[m++] = i;
  return idx.subarray(0, m).sort((a, b) => scores[b]! - scores[a]! || a - b);
}

function validate(n: number, scores: ArrayLike<number>, options: NMSOptions, what: string): void {
  if (scores.length !== n)
    throw new RangeError(`${what}: ${scores.length} scores for ${n} candidates; expected one each`);
  for (let i = 0; i < n; i++)
    if (Number.isNaN(scores[i]))
      throw new RangeError(`${what}: score ${i} is NaN; expected a number`);
  if (typeof options.iouThreshold !== 'number' || Number.isNaN(options.iouThreshold))
    throw new RangeError(`${what}: iouThreshold = ${options.iouThreshold}; expected a number`);
  if (options.scoreThreshold !== undefined && Number.isNaN(options.scoreThreshold))
    throw new RangeError(`${what}: scoreThreshold is NaN; expected a number`);
  if (options.topK !== undefined && !(Number.isInteger(options.topK) && options.topK >= 0))
    throw new RangeError(`${what}: topK = ${options.topK}; expected an integer ≥ 0`);
  const soft = options.soft;
  if (soft !== undefined) {
    if (soft.method === 'gaussian') {
      if (!(soft.sigma > 0))
        throw new RangeError(`${what}: soft.sigma = ${soft.sigma}; expected a number > 0`);
    } else if (soft.method !== 'linear') {
      throw new TypeError(
        `${what}: soft.method = ${String((soft as { method: unknown }).method)}; expected 'linear' or 'gaussian'`,
      );
    }
  }
}
