/**
 * Seeded pseudo-random numbers that are identical on every machine: only 32-bit integer
 * operations (`Math.imul`, shifts, xor) and one exact division by 2^32 — no `Math.random`, no
 * platform-dependent math.
 *
 * The generator is sfc32 (Chris Doty-Humphrey's Small Fast Chaotic PRNG, PractRand-clean), seeded
 * through the murmur3 finaliser so that nearby seeds give unrelated streams. It is internal to
 * SynthTubes and the clip sampler: `@tubekit/geometry`'s `createRandom` (mulberry32, 2³² period)
 * is the general-purpose generator; SynthTubes also needs stateless counter hashing
 * (`hash2(seed, pixel)` for per-pixel noise of any frame rendered in any order, `hash3(seed,
 * split, index)` for per-video seeds) and a longer period for its ~10⁷ draws per dataset.
 */

/**
 * murmur3's 32-bit finaliser: a bijective avalanche mix of a 32-bit integer.
 *
 * @example
 * mix32(1) // 0x514e28b7 (as an unsigned number)
 */
export function mix32(x: number): number {
  x |= 0;
  x ^= x >>> 16;
  x = Math.imul(x, 0x85ebca6b);
  x ^= x >>> 13;
  x = Math.imul(x, 0xc2b2ae35);
  x ^= x >>> 16;
  return x >>> 0;
}

/**
 * Hashes a list of 32-bit integers (non-integers are truncated) into one unsigned 32-bit integer (order matters). Used to derive
 * independent streams (`hash32(seed, videoIndex)`) and per-pixel noise.
 *
 * @example
 * const videoSeed = hash32(1234, 7);
 */
export function hash32(...values: number[]): number {
  let h = 0x9e3779b9;
  for (const v of values) h = mix32((Math.imul(h ^ (v | 0), 0x01000193) + 0x7f4a7c15) | 0);
  return h;
}

/** {@link hash32} of two integers without the rest-parameter array (per-pixel hot path). */
export function hash2(a: number, b: number): number {
  let h = mix32((Math.imul(0x9e3779b9 ^ (a | 0), 0x01000193) + 0x7f4a7c15) | 0);
  h = mix32((Math.imul(h ^ (b | 0), 0x01000193) + 0x7f4a7c15) | 0);
  return h;
}

/** {@link hash32} of three integers without the rest-parameter array. */
export function hash3(a: number, b: number, c: number): number {
  return mix32((Math.imul(hash2(a, b) ^ (c | 0), 0x01000193) + 0x7f4a7c15) | 0);
}

/**
 * A seeded sfc32 generator.
 *
 * @example
 * const rng = new Prng(42);
 * rng.next();          // uniform in [0, 1)
 * rng.uniform(2, 5);   // uniform in [2, 5)
 * rng.int(1, 6);       // integer in 1…6 inclusive
 */
export class Prng {
  private a: number;
  private b: number;
  private c: number;
  private d: number;

  /** @param seed any number; its low 32 bits and the next 21 bits are used. */
  constructor(seed: number) {
    const lo = seed >>> 0;
    const hi = Math.floor(seed / 4294967296) >>> 0;
    this.a = mix32(lo ^ 0x6a09e667);
    this.b = mix32(hi ^ 0xbb67ae85);
    this.c = mix32(lo + 0x3c6ef372);
    this.d = 1;
    for (let i = 0; i < 12; i++) this.nextUint32();
  }

  /** The next unsigned 32-bit integer. */
  nextUint32(): number {
    const a = this.a;
    const b = this.b;
    const c = this.c;
    const d = this.d;
    const t = (((a + b) | 0) + d) | 0;
    this.d = (d + 1) | 0;
    this.a = b ^ (b >>> 9);
    this.b = (c + (c << 3)) | 0;
    const r = (c << 21) | (c >>> 11);
    this.c = (r + t) | 0;
    return t >>> 0;
  }

  /** Uniform in [0, 1), a multiple of 2^-32 (exact on every platform). */
  next(): number {
    return this.nextUint32() / 4294967296;
  }

  /** Uniform in [lo, hi). */
  uniform(lo: number, hi: number): number {
    return lo + (hi - lo) * this.next();
  }

  /** Uniform integer in lo…hi, both inclusive. */
  int(lo: number, hi: number): number {
    return lo + Math.floor(this.next() * (hi - lo + 1));
  }

  /** `true` with probability p. */
  chance(p: number): boolean {
    return this.next() < p;
  }

  /** ±1 with equal probability. */
  sign(): 1 | -1 {
    return this.nextUint32() & 1 ? 1 : -1;
  }

  /** A seed for an independent child stream (e.g. one per video). */
  fork(): number {
    return this.nextUint32();
  }

  /** Fisher–Yates shuffle in place; returns the array. */
  shuffle<T>(items: T[]): T[] {
    for (let i = items.length - 1; i > 0; i--) {
      const j = Math.floor(this.next() * (i + 1));
      const tmp = items[i] as T;
      items[i] = items[j] as T;
      items[j] = tmp;
    }
    return items;
  }
}
