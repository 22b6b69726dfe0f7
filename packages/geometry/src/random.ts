/**
 * A seeded pseudo-random number generator: `next()` returns a float in [0, 1).
 *
 * The algorithm is mulberry32 (Tommy Ettinger, public domain): 32-bit state, period 2³², fast
 * and good enough for k-means seeding and test data; not for cryptography.
 */
export interface SeededRandom {
  /** Next float in [0, 1). */
  next(): number;
  /** Next integer in [0, n). */
  nextInt(n: number): number;
}

/**
 * Create a {@link SeededRandom}: the same seed gives the same sequence on every platform.
 *
 * @param seed - any finite number (its low 32 bits are used).
 * @example
 * ```ts
 * const rng = createRandom(42);
 * rng.next(); // always the same value for seed 42
 * ```
 */
export function createRandom(seed: number): SeededRandom {
  if (!Number.isFinite(seed))
    throw new RangeError(`createRandom: seed ${seed}; expected a finite number`);
  let state = seed >>> 0;
  const next = (): number => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return { next, nextInt: (n: number) => Math.floor(next() * n) };
}
