/**
 * A standard-normal draw (Box–Muller) from a uniform source — the heads' weight initialisation
 * draws from `@tubekit/geometry`'s seeded `createRandom(seed).next`, so a seed fixes the weights.
 *
 * @example
 * const rand = createRandom(7).next;
 * gaussian(rand); // same value on every run
 */
export function gaussian(rand: () => number): number {
  const u = Math.max(rand(), 1e-12);
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * rand());
}
