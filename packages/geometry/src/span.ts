/**
 * Packed 1-D spans: `N × 2` rows `[start, end]` in a `Float32Array` or `Float64Array`, e.g. the
 * temporal proposals `(t_s, t_e)` of CFAD's temporal proposal network (Li et al. ECCV 2020, §3.1)
 * or R-C3D's segments (Xu et al. ICCV 2017, §3.2). Units are the caller's (frames, feature cells
 * or seconds); a span with `end < start` is invalid.
 */
export type SpanArray = Float32Array | Float64Array;

/**
 * Number of spans in a packed `N × 2` array; throws when the length is odd or a span is not
 * finite or ends before it starts, naming the row.
 *
 * @example
 * ```ts
 * spanCount(new Float64Array([0, 4, 2, 9]), 'proposals'); // 2
 * ```
 */
export function spanCount(spans: ArrayLike<number>, what: string): number {
  if (spans.length % 2 !== 0)
    throw new RangeError(`${what}: length ${spans.length}; expected N × 2 packed [start, end]`);
  const n = spans.length / 2;
  for (let i = 0; i < n; i++) {
    const s = spans[2 * i]!;
    const e = spans[2 * i + 1]!;
    if (!(Number.isFinite(s) && Number.isFinite(e) && e >= s))
      throw new RangeError(`${what}: span ${i} is [${s}, ${e}]; expected finite start ≤ end`);
  }
  return n;
}
