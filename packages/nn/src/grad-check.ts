import * as tf from '@tensorflow/tfjs-core';
import { createRng } from './random';

/** Options of {@link gradientCheck}. */
export interface GradientCheckOptions {
  /** Central-difference step (default 1e-2; float32 tensors need a large step). */
  epsilon?: number;
  /** How many entries of each input to probe (default 12; all when the input is smaller). */
  samples?: number;
  /** Seed of the entry choice (default 0). */
  seed?: number;
}

/** What {@link gradientCheck} found, per input and overall. */
export interface GradientCheckResult {
  /** max |analytic − numeric| / max(1, |numeric|) over the probed entries. */
  maxError: number;
  /** The same, per input. */
  perInput: number[];
}

/**
 * Compares tfjs's analytic gradient of a scalar function with central finite differences
 * (∂f/∂xᵢ ≈ (f(x + εeᵢ) − f(x − εeᵢ)) / 2ε) on a seeded sample of entries, on the active backend.
 * Used to verify every kernel tubekit registers; handy for custom layers too. Leaks no tensors.
 *
 * @example
 * ```ts
 * const x = tf.randomNormal([1, 5, 5, 2]), w = tf.randomNormal([3, 3, 2, 4]);
 * const { maxError } = gradientCheck((x, w) => tf.conv2d(x as tf.Tensor4D, w as tf.Tensor4D, 1, 'same').square().sum(), [x, w]);
 * ```
 */
export function gradientCheck(
  f: (...xs: tf.Tensor[]) => tf.Scalar,
  xs: tf.Tensor[],
  options: GradientCheckOptions = {},
): GradientCheckResult {
  const eps = options.epsilon ?? 1e-2;
  const rng = createRng(options.seed ?? 0);
  const analytic = tf.tidy(() =>
    tf
      .grads(f)(xs)
      .map((g) => g.dataSync().slice()),
  );
  const perInput = xs.map((x, k) => {
    const base = Float32Array.from(x.dataSync());
    const n = base.length;
    const want = Math.min(n, options.samples ?? 12);
    const idx =
      want === n
        ? Array.from({ length: n }, (_, i) => i)
        : Array.from({ length: want }, () => rng.int(n));
    let worst = 0;
    for (const i of idx) {
      const plus = Math.fround(base[i] + eps);
      const minus = Math.fround(base[i] - eps);
      const evalAt = (value: number): number =>
        tf.tidy(() => {
          const v = base.slice();
          v[i] = value;
          const args = xs.map((t, j) => (j === k ? tf.tensor(v, x.shape, x.dtype) : t));
          return f(...args).dataSync()[0];
        });
      const numeric = (evalAt(plus) - evalAt(minus)) / (plus - minus);
      const err = Math.abs(analytic[k][i] - numeric) / Math.max(1, Math.abs(numeric));
      if (err > worst) worst = err;
    }
    return worst;
  });
  return { maxError: Math.max(0, ...perInput), perInput };
}
