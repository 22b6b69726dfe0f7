import * as tf from '@tensorflow/tfjs-core';
import type { LossReduction } from './losses';

/** The regression target of one positive anchor for {@link polynomialTubeLoss}. */
export interface PolynomialTubeTarget {
  /** `T_a` normalised timestamps `t̂_i` of the matched tube's boxes (CFAD Eq. 4; `normalizedTimestamps`). */
  times: ArrayLike<number>;
  /** `T_a × 4` encoded boxes `enc(b_i, b_a)` relative to the anchor (`encodeBoxDeltas`). */
  deltas: ArrayLike<number>;
}

/** Options of {@link polynomialTubeLoss}. */
export interface PolynomialTubeLossOptions {
  /**
   * `'mean'` (default): divided by the number of positive anchors `|B⁺|`, the `1/|B⁺|·L_r` of CFAD
   * Eq. 2; `'sum'`: `L_r` of Eq. 3; `'none'`: the `[P]` per-anchor terms.
   */
  reduction?: LossReduction;
}

/**
 * The coarse-tube regression loss of CFAD (Li et al. ECCV 2020, §3.2, Eqs. 1–4): for each positive
 * anchor `a` with coefficients `θ_a` (`(k+1) × 4`, Eq. 1: `Â(t; θ) = θᵀ[1, t, …, t^k]`) and its
 * matched tube's boxes at normalised times `t̂_i` (Eq. 4),
 * `ℓ_a = (1/T_a) Σ_i ‖Â(t̂_i; θ_a) − enc(b_i, b_a)‖²` — squared L2 over **every** GT box, not
 * smooth-L1 (Eq. 3), so long tubes are not over-weighted. `L_r = Σ_a ℓ_a`; Eq. 2 divides it by
 * `|B⁺|` (`reduction: 'mean'`). The polynomial is evaluated as a constant Vandermonde matrix
 * times θ, so the loss is differentiable in θ. For a fixed anchor its minimum is the least-squares
 * fit `encodePolynomialTube` / `fitPolynomialTube` of @tubekit/geometry computes. Leaks no tensors.
 *
 * @param theta - `[P, k+1, 4]` coefficients of the `P` positive anchors (row `j` multiplies `t̂^j`).
 * @param targets - `P` targets, one per anchor, in the same order.
 * @example
 * ```ts
 * const times = normalizedTimestamps(frames);
 * const deltas = encodeBoxDeltas(tubeBoxes, anchorBox);
 * const loss = polynomialTubeLoss(theta, [{ times, deltas }]); // scalar, mean over anchors
 * ```
 */
export function polynomialTubeLoss(
  theta: tf.Tensor3D,
  targets: readonly PolynomialTubeTarget[],
  options: PolynomialTubeLossOptions = {},
): tf.Tensor {
  if (theta.rank !== 3 || theta.shape[2] !== 4)
    throw new Error(`polynomialTubeLoss: theta [${theta.shape.join(', ')}]; expected [P, k+1, 4]`);
  const [P, p] = theta.shape;
  if (targets.length !== P)
    throw new Error(
      `polynomialTubeLoss: ${targets.length} targets for ${P} anchors; expected one each`,
    );
  let R = 0;
  targets.forEach((t, a) => {
    const T = t.times.length;
    if (T === 0) throw new Error(`polynomialTubeLoss: target ${a} has no boxes`);
    if (t.deltas.length !== 4 * T)
      throw new Error(
        `polynomialTubeLoss: target ${a} has ${T} times but ${t.deltas.length} delta values; expected ${4 * T}`,
      );
    for (let i = 0; i < T; i++) {
      const x = t.times[i]!;
      if (!(x >= 0 && x <= 1))
        throw new Error(
          `polynomialTubeLoss: target ${a} time ${i} is ${x}; expected a normalised time in [0, 1] (Eq. 4)`,
        );
    }
    R += T;
  });
  // Rows of all targets stacked: Vandermonde V [R, k+1], targets Y [R, 4], the anchor of each row,
  // and S [P, R] with S[a, r] = 1/T_a on the rows of anchor a (the per-anchor mean of Eq. 3).
  const V = new Float32Array(R * p);
  const Y = new Float32Array(R * 4);
  const rowAnchor = new Int32Array(R);
  const S = new Float32Array(P * R);
  let r = 0;
  targets.forEach((t, a) => {
    const T = t.times.length;
    for (let i = 0; i < T; i++, r++) {
      let power = 1;
      for (let j = 0; j < p; j++) {
        V[r * p + j] = power;
        power *= t.times[i]!;
      }
      for (let c = 0; c < 4; c++) Y[4 * r + c] = t.deltas[4 * i + c]!;
      rowAnchor[r] = a;
      S[a * R + r] = 1 / T;
    }
  });
  const reduction = options.reduction ?? 'mean';
  if (R === 0)
    // no positive anchor: a zero that still depends on θ (zero gradient), as the empty sum of Eq. 3
    return tf.tidy(() => (reduction === 'none' ? tf.zeros([0]) : tf.mul(tf.sum(theta), 0)));
  return tf.tidy(() => {
    const thetaRows = tf.gather(theta, tf.tensor1d(rowAnchor, 'int32')); // [R, k+1, 4]
    const v = tf.reshape(tf.tensor2d(V, [R, p]), [R, p, 1]);
    const pred = tf.sum(tf.mul(thetaRows, v), 1); // [R, 4]
    const err = tf.sum(tf.square(tf.sub(pred, tf.tensor2d(Y, [R, 4]))), 1, true); // [R, 1]
    const perAnchor = tf.reshape(tf.matMul(tf.tensor2d(S, [P, R]), err), [P]);
    if (reduction === 'none') return perAnchor;
    const sum = tf.sum(perAnchor);
    return reduction === 'sum' ? sum : tf.div(sum, Math.max(P, 1));
  });
}
