/**
 * Rows of a columnar container grouped by an integer key in `0 … groups−1` (a counting sort):
 * the rows of group g are `rows[offsets[g] … offsets[g+1]−1]`, in their original order.
 */
export function groupRows(
  key: ArrayLike<number>,
  length: number,
  groups: number,
): { rows: Int32Array; offsets: Int32Array } {
  const offsets = new Int32Array(groups + 1);
  for (let i = 0; i < length; i++) offsets[key[i]! + 1]++;
  for (let g = 0; g < groups; g++) offsets[g + 1] += offsets[g]!;
  const fill = offsets.slice(0, groups);
  const rows = new Int32Array(length);
  for (let i = 0; i < length; i++) rows[fill[key[i]!]!++] = i;
  return { rows, offsets };
}
