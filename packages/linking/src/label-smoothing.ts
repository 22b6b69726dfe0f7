/** Reused DP buffers (single-threaded; grown on demand, never shrunk). */
const scratch = { back: new Int32Array(1024), a: new Float64Array(16), b: new Float64Array(16) };

/**
 * Label smoothing by dynamic programming (the energy maximisation of Saha et al. 2016 and Singh
 * et al. 2017, used by STEP [20, 27]): the labelling l_1 … l_T maximising
 * `Σ_t unary[t, l_t] − alpha · #{t : l_t ≠ l_{t−1}}`.
 *
 * Exact Viterbi in O(T · L) time (the best switch comes from the best previous label, so no
 * L × L loop) and O(T · L) memory for back-pointers (a buffer reused across calls). Ties: staying on the same label beats
 * switching; among equal labels the lower index wins.
 *
 * @param unary - `T × L` row-major scores.
 * @param T - frames.
 * @param L - labels.
 * @param alpha - switch penalty (≥ 0).
 * @param out - optional output of length ≥ T.
 * @returns the label of each frame.
 * @example
 * ```ts
 * // Two labels, a one-frame blip to label 1 is smoothed away with alpha = 1.
 * smoothLabels(new Float64Array([1, 0, 0.4, 0.6, 1, 0]), 3, 2, 1); // Int32Array [0, 0, 0]
 * ```
 */
export function smoothLabels(
  unary: ArrayLike<number>,
  T: number,
  L: number,
  alpha: number,
  out: Int32Array = new Int32Array(T),
): Int32Array {
  if (!(alpha >= 0)) throw new RangeError(`smoothLabels: alpha must be ≥ 0, got ${alpha}`);
  if (unary.length < T * L)
    throw new RangeError(
      `smoothLabels: unary has ${unary.length} numbers, expected T·L = ${T * L}`,
    );
  if (T === 0) return out;
  if (scratch.back.length < T * L) scratch.back = new Int32Array(2 * T * L);
  if (scratch.a.length < L) {
    scratch.a = new Float64Array(L);
    scratch.b = new Float64Array(L);
  }
  const back = scratch.back;
  let score = scratch.a;
  let next = scratch.b;
  for (let l = 0; l < L; l++) score[l] = unary[l]!;
  for (let t = 1; t < T; t++) {
    let best = 0;
    for (let l = 1; l < L; l++) if (score[l]! > score[best]!) best = l;
    const switched = score[best]! - alpha;
    for (let l = 0; l < L; l++) {
      const stay = score[l]!;
      if (stay >= switched) {
        next[l] = stay + unary[t * L + l]!;
        back[t * L + l] = l;
      } else {
        next[l] = switched + unary[t * L + l]!;
        back[t * L + l] = best;
      }
    }
    const swap = score;
    score = next;
    next = swap;
  }
  let label = 0;
  for (let l = 1; l < L; l++) if (score[l]! > score[label]!) label = l;
  for (let t = T - 1; t >= 0; t--) {
    out[t] = label;
    label = back[t * L + label]!;
  }
  return out;
}
