import type { Rng } from '@tubekit/nn';

/**
 * Which sampled timestamps the Refine Module refines: CFAD's learned selector (`p_i ≥ α`, §3.3;
 * α swept 0.15…0.45 in Fig. 4b, spec default 0.25), or Fig. 4(b)'s baselines — `count` samples at a
 * fixed step over `s_i` (uniform) or a random subset (random) — or none (the "no refine" rows).
 */
export type TimestampChoice =
  | { kind: 'learned'; alpha: number }
  | { kind: 'uniform'; count: number }
  | { kind: 'random'; count: number; rng: Rng }
  | { kind: 'none' };

/**
 * The sample indices (ascending) a {@link TimestampChoice} refines among `N` samples with
 * selector probabilities `p`. Uniform takes `round(j·(N−1)/(count−1))` for `j < count` (the middle
 * sample when `count = 1`); random draws `count` distinct indices.
 *
 * @example
 * ```ts
 * chooseTimestamps([0.9, 0.1, 0.3, 0.8], { kind: 'learned', alpha: 0.25 }); // [0, 2, 3]
 * chooseTimestamps([0, 0, 0, 0, 0], { kind: 'uniform', count: 3 }); // [0, 2, 4]
 * ```
 */
export function chooseTimestamps(p: ArrayLike<number>, choice: TimestampChoice): Int32Array {
  const N = p.length;
  switch (choice.kind) {
    case 'none':
      return new Int32Array(0);
    case 'learned': {
      const out: number[] = [];
      for (let i = 0; i < N; i++) if (p[i]! >= choice.alpha) out.push(i);
      return Int32Array.from(out);
    }
    case 'uniform': {
      const c = Math.min(N, Math.max(0, Math.round(choice.count)));
      if (c === 0) return new Int32Array(0);
      if (c === 1) return Int32Array.of(Math.floor((N - 1) / 2));
      return Int32Array.from(
        new Set(Array.from({ length: c }, (_, j) => Math.round((j * (N - 1)) / (c - 1)))),
      );
    }
    case 'random': {
      const c = Math.min(N, Math.max(0, Math.round(choice.count)));
      const idx = Array.from({ length: N }, (_, i) => i);
      choice.rng.shuffle(idx);
      return Int32Array.from(idx.slice(0, c)).sort();
    }
  }
}
