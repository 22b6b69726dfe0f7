/**
 * The elementwise mean of results of the same shape, one per seed: numbers are averaged (over
 * the finite ones; NaN when none is), arrays and objects are averaged member by member, anything
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
    return (finite.length ? finite.reduce((a, v) => a + v, 0) / finite.length : Number.NaN) as T;
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
