import { tf } from '@tubekit/nn';

/**
 * STEP Eq. 3 on `N` tubelets of `T` frames: smooth-ℓ1 between predicted and target per-frame box
 * deltas (`[N, T, 4]`), averaged over each tubelet's frames that have a target (`mask`, `N × T`,
 * 1 where frame t of tubelet n has a GT box), summed over tubelets and divided by `positives`
 * (the tubelets with a target; at least 1). Smooth-ℓ1 is Fast R-CNN's, ½·min(|d|,1)² + (|d| −
 * min(|d|,1)). Call inside `tf.tidy` or a gradient scope.
 *
 * @example
 * const loss = tubeletSmoothL1(pickedDeltas, targets, mask, positives);
 */
export function tubeletSmoothL1(
  predicted: tf.Tensor,
  target: Float32Array,
  mask: Float32Array,
  positives: number,
): tf.Scalar {
  const [N, T] = predicted.shape as [number, number, number];
  const d = tf.sub(predicted, tf.tensor3d(target, [N, T, 4]));
  const a = tf.abs(d);
  const q = tf.minimum(a, 1);
  const l = tf.add(tf.mul(0.5, tf.square(q)), tf.sub(a, q));
  const perFrame = tf.mul(tf.sum(l, 2), tf.tensor2d(mask, [N, T])); // [N, T]
  const frames = new Float32Array(N);
  for (let n = 0; n < N; n++) {
    let f = 0;
    for (let t = 0; t < T; t++) f += mask[n * T + t];
    frames[n] = f > 0 ? 1 / f : 0;
  }
  return tf.div(
    tf.sum(tf.mul(tf.sum(perFrame, 1), tf.tensor1d(frames))),
    Math.max(1, positives),
  ) as tf.Scalar;
}
