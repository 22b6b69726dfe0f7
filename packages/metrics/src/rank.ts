const f64 = new Float64Array(1);
const u32 = new Uint32Array(f64.buffer);
const HI = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1 ? 1 : 0; // little-endian: high word at index 1

/**
 * Indices `0 … n−1` ordered by descending score, ties by ascending index (stable, so equal scores
 * keep the order in which detections were added; the references' tie order is NumPy's or
 * MATLAB's sort and is not specified more precisely). A stable LSD radix sort on the IEEE-754
 * bits (8 bits per pass, passes where every key shares the byte are skipped), O(n) with no
 * comparator calls.
 *
 * @param scores - scores; only the first `n` are read. NaN is not expected (the evaluators reject it).
 * @param float32 - compare scores rounded to float32 (Singh's single-precision score store).
 * @example
 * ```ts
 * rankByScore(new Float64Array([0.2, 0.9, 0.2]), 3); // Int32Array [1, 0, 2]
 * ```
 */
export function rankByScore(scores: ArrayLike<number>, n: number, float32 = false): Int32Array {
  const hi = new Uint32Array(n);
  const lo = new Uint32Array(n);
  for (let i = 0; i < n; i++) {
    let v = scores[i]! + 0; // −0 → +0
    if (float32) v = Math.fround(v);
    f64[0] = v;
    let h = u32[HI]!;
    let l = u32[1 - HI]!;
    // order-preserving map to unsigned, then inverted for a descending sort
    if (h & 0x80000000) {
      h = ~h >>> 0;
      l = ~l >>> 0;
    } else h = (h | 0x80000000) >>> 0;
    hi[i] = ~h >>> 0;
    lo[i] = ~l >>> 0;
  }
  let order = new Int32Array(n);
  for (let i = 0; i < n; i++) order[i] = i;
  let next = new Int32Array(n);
  const count = new Int32Array(256);
  for (let pass = 0; pass < 8; pass++) {
    const words = pass < 4 ? lo : hi;
    const shift = (pass & 3) * 8;
    count.fill(0);
    for (let i = 0; i < n; i++) count[(words[i]! >>> shift) & 255]++;
    let single = false;
    for (let b = 0; b < 256; b++) {
      if (count[b] === n) single = true;
      if (count[b] !== 0) break;
    }
    if (single) continue;
    let sum = 0;
    for (let b = 0; b < 256; b++) {
      const c = count[b]!;
      count[b] = sum;
      sum += c;
    }
    for (let i = 0; i < n; i++) {
      const o = order[i]!;
      next[count[(words[o]! >>> shift) & 255]!++] = o;
    }
    const t = order;
    order = next;
    next = t;
  }
  return order;
}
