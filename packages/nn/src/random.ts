/**
 * A seeded pseudo-random generator (Mulberry32 stream, seed scrambled by a golden-ratio multiply):
 * the same seed gives the same sequence on every platform. Everything random in @tubekit/nn takes
 * one of these; its 32-bit `state()` can be stored in a checkpoint and resumed with {@link restoreRng}.
 */
export interface Rng {
  /** Uniform float in [0, 1). */
  next(): number;
  /** Uniform integer in [0, n). */
  int(n: number): number;
  /** Standard normal deviate (Box–Muller). */
  normal(): number;
  /** Fisher–Yates shuffle of `a` in place; returns `a`. */
  shuffle<A extends { length: number; [i: number]: unknown }>(a: A): A;
  /** The generator's 32-bit state; {@link restoreRng} continues the sequence from it. */
  state(): number;
}

/**
 * Creates an {@link Rng} from an integer seed.
 *
 * @example
 * ```ts
 * const rng = createRng(7);
 * rng.next();   // uniform in [0, 1)
 * rng.int(10);  // integer in [0, 10)
 * ```
 */
export function createRng(seed: number): Rng {
  if (!Number.isInteger(seed)) throw new Error(`createRng: seed must be an integer, got ${seed}`);
  return restoreRng((Math.imul(seed | 0, 0x9e3779b9) ^ 0x85ebca6b) >>> 0);
}

/** Continues a generator from a state saved by `rng.state()`. */
export function restoreRng(state: number): Rng {
  let s = state >>> 0;
  const next = (): number => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return {
    next,
    int: (n) => Math.floor(next() * n),
    normal: () => {
      const u = 1 - next();
      const v = next();
      return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
    },
    shuffle: (a) => {
      for (let i = a.length - 1; i > 0; i--) {
        const j = Math.floor(next() * (i + 1));
        const t = a[i];
        a[i] = a[j];
        a[j] = t;
      }
      return a;
    },
    state: () => s,
  };
}
