/**
 * NumPy's pairwise sum of `values[from … to)` in float32 (`np.add.reduce` on a contiguous float32
 * array: fewer than 8 values summed in order from 0; up to 128 with eight running partial sums
 * combined as ((r0+r1)+(r2+r3))+((r4+r5)+(r6+r7)) plus the remainder in order; longer runs split
 * at half rounded down to a multiple of 8). Every addition is rounded to float32.
 */
function pairwiseSum32(values: ArrayLike<number>, from: number, to: number): number {
  const f = Math.fround;
  const n = to - from;
  if (n < 8) {
    let s = 0;
    for (let i = from; i < to; i++) s = f(s + values[i]!);
    return s;
  }
  if (n <= 128) {
    const r = [0, 1, 2, 3, 4, 5, 6, 7].map((j) => f(values[from + j]!));
    let i = from + 8;
    for (const end = to - (n % 8); i < end; i += 8)
      for (let j = 0; j < 8; j++) r[j] = f(r[j]! + values[i + j]!);
    let s = f(f(f(r[0]! + r[1]!) + f(r[2]! + r[3]!)) + f(f(r[4]! + r[5]!) + f(r[6]! + r[7]!)));
    for (; i < to; i++) s = f(s + values[i]!);
    return s;
  }
  let half = Math.floor(n / 2);
  half -= half % 8;
  return f(pairwiseSum32(values, from, from + half) + pairwiseSum32(values, from + half, to));
}

/**
 * `np.mean` of float32 values, bit for bit: NumPy's float32 pairwise sum, then one float32
 * division by the count. YOWO scores a tube (`np.mean(b[:, 5])` of its `np.float32` array) this
 * way, and ranks and suppresses tubes by that score, so the float64 mean would reorder near-ties.
 *
 * @param values - float32 values (already rounded, e.g. with `Math.fround`).
 * @example
 * ```ts
 * float32Mean(new Float64Array([0.9, 0.9, 0.9].map(Math.fround)), 0, 3); // 0.8999999165534973
 * ```
 */
export function float32Mean(values: ArrayLike<number>, from: number, to: number): number {
  return Math.fround(pairwiseSum32(values, from, to) / (to - from));
}
