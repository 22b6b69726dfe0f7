import { boxCount } from './box-area';
import { output } from './box-convert';

/** Options of {@link extrapolateTubelet}. */
export interface ExtrapolateOptions {
  /** Frames to add before the first box. Default `K`. */
  before?: number;
  /** Frames to add after the last box. Default `K`. */
  after?: number;
}

/**
 * STEP's temporal extension by linear extrapolation (Yang et al., CVPR 2019, Eq. 4): assuming
 * linear motion within one clip of `K` frames, frame `k` after the end is
 * `B_T + (k / (K − 1)) (B_T − B_{T−K+1})` and frame `k` before the start is
 * `B_1 − (k / (K − 1)) (B_K − B_1)` (STEP applies the same function on the left).
 *
 * The velocity is measured over the last (first) `K` boxes; `K = 1` has no velocity and repeats
 * the end box. STEP extends proposals of length `Ks` by `K` on each side: `before = after = K`.
 *
 * @param boxes - `T × 4` tubelet boxes, `T ≥ K`.
 * @param K - clip length the velocity is measured over (≥ 1).
 * @param out - optional `(before + T + after) × 4` output.
 * @returns `(before + T + after) × 4` boxes: extrapolated, original, extrapolated.
 * @example
 * ```ts
 * // a box moving +1 px/frame in x, K = 2
 * const b = new Float64Array([0, 0, 10, 10, 1, 0, 11, 10]);
 * extrapolateTubelet(b, 2, { before: 1, after: 2 });
 * // [-1,0,9,10,  0,0,10,10,  1,0,11,10,  2,0,12,10,  3,0,13,10]
 * ```
 */
export function extrapolateTubelet(
  boxes: ArrayLike<number>,
  K: number,
  options?: ExtrapolateOptions,
  out?: Float64Array,
): Float64Array {
  const T = boxCount(boxes, 'extrapolateTubelet boxes');
  const before = options?.before ?? K;
  const after = options?.after ?? K;
  if (!(Number.isInteger(K) && K >= 1 && K <= T))
    throw new RangeError(
      `extrapolateTubelet: K = ${K} for ${T} boxes; expected an integer 1 ≤ K ≤ T`,
    );
  if (!(Number.isInteger(before) && before >= 0 && Number.isInteger(after) && after >= 0))
    throw new RangeError(
      `extrapolateTubelet: before = ${before}, after = ${after}; expected integers ≥ 0`,
    );
  const r = output(out, 4 * (before + T + after), 'extrapolateTubelet');
  for (let i = 0; i < 4 * T; i++) r[4 * before + i] = boxes[i]!;
  const last = 4 * (T - 1);
  const firstOfLast = 4 * (T - K);
  const endOfFirst = 4 * (K - 1);
  for (let c = 0; c < 4; c++) {
    const vEnd = K > 1 ? (boxes[last + c]! - boxes[firstOfLast + c]!) / (K - 1) : 0;
    const vStart = K > 1 ? (boxes[endOfFirst + c]! - boxes[c]!) / (K - 1) : 0;
    for (let k = 1; k <= after; k++) r[4 * (before + T - 1 + k) + c] = boxes[last + c]! + k * vEnd;
    for (let k = 1; k <= before; k++) r[4 * (before - k) + c] = boxes[c]! - k * vStart;
  }
  return r;
}
