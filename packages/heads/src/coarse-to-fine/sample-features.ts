import { tf } from '@tubekit/nn';

/**
 * The `N` sample times of CFAD's feature sampling (Li et al. ECCV 2020, §3.1: "uniformly sample N
 * 2D features along the time axis within interval (t_s, t_e)"): `τ_i = t_s + s_i·(t_e − t_s)` with
 * `s_i = i/(N−1)` (spec S4; the same `s_i` as the key timestamps of §3.3). Times are in whatever
 * unit the span is (tubekit: original frame numbers, fractional).
 *
 * @example
 * ```ts
 * sampleTimes(11, 15, 5); // [11, 12, 13, 14, 15]
 * ```
 */
export function sampleTimes(start: number, end: number, N: number): Float64Array {
  if (!(Number.isInteger(N) && N >= 2)) throw new RangeError(`sampleTimes: N = ${N}; expected ≥ 2`);
  if (!(end >= start)) throw new RangeError(`sampleTimes: span [${start}, ${end}] is reversed`);
  const out = new Float64Array(N);
  for (let i = 0; i < N; i++) out[i] = start + ((end - start) * i) / (N - 1);
  return out;
}

/**
 * Feature maps at fractional positions of a per-frame feature sequence (CFAD §3.1 feature
 * sampling, spec S4): row `i` is the linear interpolation of the two frames nearest to
 * `positions[i]` (0-based rows of `features`; clamped at both ends). Differentiable in `features`
 * (a gather and a weighted sum), so the coarse module's loss fine-tunes the trunk's neck.
 *
 * @param features - `[T, H, W, C]` per-frame features (the trunk's neck of a resampled clip).
 * @param positions - `N` fractional row positions.
 * @returns `[N, H, W, C]`. Call inside `tf.tidy` or a gradient.
 * @example
 * ```ts
 * const F = sampleFeatures(neck, [0, 2.5, 7]); // row 1 = ½·neck[2] + ½·neck[3]
 * ```
 */
export function sampleFeatures(features: tf.Tensor4D, positions: ArrayLike<number>): tf.Tensor4D {
  const T = features.shape[0];
  const N = positions.length;
  if (T < 1 || N < 1)
    throw new RangeError(`sampleFeatures: ${T} frames, ${N} positions; expected ≥ 1 each`);
  const lo = new Int32Array(N);
  const hi = new Int32Array(N);
  const w = new Float32Array(N);
  for (let i = 0; i < N; i++) {
    const p = positions[i]!;
    if (!Number.isFinite(p)) throw new RangeError(`sampleFeatures: position ${i} is ${p}`);
    const c = Math.min(Math.max(p, 0), T - 1);
    lo[i] = Math.floor(c);
    hi[i] = Math.min(lo[i]! + 1, T - 1);
    w[i] = c - lo[i]!;
  }
  return tf.tidy(() => {
    const a = tf.gather(features, tf.tensor1d(lo, 'int32'));
    const b = tf.gather(features, tf.tensor1d(hi, 'int32'));
    const wt = tf.tensor4d(w, [N, 1, 1, 1]);
    return tf.add(a, tf.mul(wt, tf.sub(b, a))) as tf.Tensor4D;
  });
}
