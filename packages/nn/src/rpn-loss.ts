import * as tf from '@tensorflow/tfjs-core';
import type { RpnOutput } from './layers/rpn-head';
import { binaryCrossEntropy, smoothL1, softmaxCrossEntropy } from './losses';
import type { RpnTargets } from './rpn-targets';

/** Options of {@link rpnLoss}. */
export interface RpnLossOptions {
  /** Smooth-L1 β. Default 1/9 (Detectron, torchvision's RPN). */
  beta?: number;
  /** Weight λ of the box term. Default 1. */
  boxWeight?: number;
}

/** What {@link rpnLoss} returns (scalars; the caller disposes them). */
export interface RpnLossTerms {
  /** `classification + boxWeight · regression`. */
  total: tf.Scalar;
  /** Mean cross-entropy over the sampled anchors of all images. */
  classification: tf.Scalar;
  /** Smooth-L1 summed over the 4 deltas of sampled positives, divided by the number sampled. */
  regression: tf.Scalar;
}

/**
 * The RPN loss (Faster R-CNN §3.1.2, Eq. 1, with torchvision's normalisation): cross-entropy over
 * the sampled anchors (sigmoid BCE for one objectness logit, softmax over `K` classes otherwise,
 * background 0) averaged over them, plus smooth-L1 on the positives' deltas normalised by the
 * number of sampled anchors. Differentiable in `output`; leaks no tensors.
 *
 * @param output - {@link RpnHead.forward}'s output for `B` images.
 * @param targets - `B` {@link rpnTargets} results, one per image, same anchor order.
 * @example
 * ```ts
 * const { total } = rpnLoss(rpn.forward(x), [rpnTargets(anchors, gt, { rng })]);
 * ```
 */
export function rpnLoss(
  output: RpnOutput,
  targets: readonly RpnTargets[],
  options: RpnLossOptions = {},
): RpnLossTerms {
  const [B, n, K] = output.logits.shape;
  if (targets.length !== B)
    throw new Error(`rpnLoss: ${targets.length} target sets for a batch of ${B} images`);
  const labels = new Int32Array(B * n);
  const targetDeltas = new Float32Array(4 * B * n);
  const sampled = new Float32Array(B * n);
  const positive = new Float32Array(B * n);
  let count = 0;
  targets.forEach((t, b) => {
    if (t.labels.length !== n || t.deltas.length !== 4 * n)
      throw new Error(
        `rpnLoss: targets of image ${b} cover ${t.labels.length} anchors; the head gave ${n}`,
      );
    for (let i = 0; i < n; i++) {
      const l = t.labels[i]!;
      if (l >= K && K > 1)
        throw new Error(
          `rpnLoss: image ${b} anchor ${i} has class ${l}; the head scores ${K} classes`,
        );
      if (l < 0) continue;
      labels[b * n + i] = l;
      sampled[b * n + i] = 1;
      count++;
      if (l > 0) positive[b * n + i] = 1;
    }
    targetDeltas.set(t.deltas, 4 * b * n);
  });
  return tf.tidy(() => {
    const logits = tf.reshape(output.logits, [B * n, K]);
    const classification = (
      K === 1
        ? binaryCrossEntropy(tf.reshape(logits, [B * n]), tf.tensor1d(positive), {
            weights: sampled,
          })
        : softmaxCrossEntropy(logits as tf.Tensor2D, labels, { weights: sampled })
    ) as tf.Scalar;
    const perAnchor = smoothL1(
      tf.reshape(output.deltas, [B * n, 4]),
      tf.tensor2d(targetDeltas, [B * n, 4]),
      {
        beta: options.beta ?? 1 / 9,
        reduction: 'none',
      },
    );
    const regression = tf.div(
      tf.mul(tf.sum(tf.mul(perAnchor, tf.tensor1d(positive))), 4),
      Math.max(1, count),
    ) as tf.Scalar;
    const total = tf.add(classification, tf.mul(regression, options.boxWeight ?? 1)) as tf.Scalar;
    return { total, classification, regression };
  });
}
