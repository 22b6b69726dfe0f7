let scratch = new Float64Array(256);

/**
 * Mean of the `k` largest of `scores[from … to)` (all of them when fewer): the tube score of
 * Saha's and Singh's trimmers (k = 40) and Singh's path order (k = 4, 20).
 *
 * @example
 * ```ts
 * topKMean([0.1, 0.9, 0.5], 2); // 0.7
 * ```
 */
export function topKMean(
  scores: ArrayLike<number>,
  k: number,
  from = 0,
  to = scores.length,
): number {
  const n = to - from;
  if (n <= 0 || k <= 0) return 0;
  let s = 0;
  if (k >= n) {
    for (let i = from; i < to; i++) s += scores[i]!;
    return s / n;
  }
  if (scratch.length < n) scratch = new Float64Array(2 * n);
  for (let i = 0; i < n; i++) scratch[i] = scores[from + i]!;
  const sorted = scratch.subarray(0, n).sort();
  for (let i = n - k; i < n; i++) s += sorted[i]!;
  return s / k;
}
