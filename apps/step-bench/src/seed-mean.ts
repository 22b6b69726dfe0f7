/**
 * The elementwise mean of results of the same shape, one per seed: numbers are averaged (over
 * the finite ones; NaN when none is; a number every seed shares is kept exactly), arrays and objects are averaged member by member, anything
 * else (strings, the seed-independent parts) is taken from the first run.
 *
 * @example
 * meanOverSeeds([{ a: 1, b: [2] }, { a: 3, b: [4] }]); // { a: 2, b: [3] }
 */
export function meanOverSeeds<T>(runs: readonly T[]): T {
  const first = runs[0];
  if (first === undefined) throw new Error('meanOverSeeds: no runs');
  if (typeof first === 'number') {
    const finite = (runs as readonly number[]).filter(Number.isFinite);
    if (finite.length === 0) return Number.NaN as T;
    // a value every seed shares (a setting such as α = 0.35) stays exact: summing 3 × 0.35 and
    // dividing by 3 would give 0.3499999999999999
    if (finite.every((v) => v === finite[0])) return finite[0] as T;
    return (finite.reduce((a, v) => a + v, 0) / finite.length) as T;
  }
  if (Array.isArray(first))
    return first.map((_, i) => meanOverSeeds(runs.map((r) => (r as unknown[])[i]))) as T;
  if (first !== null && typeof first === 'object')
    return Object.fromEntries(
      Object.keys(first).map((k) => [
        k,
        meanOverSeeds(runs.map((r) => (r as Record<string, unknown>)[k])),
      ]),
    ) as T;
  return first;
}
