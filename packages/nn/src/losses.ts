import * as tf from '@tensorflow/tfjs-core';

/**
 * How a per-sample loss is reduced: `'mean'` (divided by the number of samples, or by the sum of
 * `weights` when given), `'sum'`, or `'none'` (the per-sample vector).
 */
export type LossReduction = 'mean' | 'sum' | 'none';

/** Options common to every loss. */
export interface LossOptions {
  /** Per-sample weights `[N]` (e.g. a mask selecting sampled proposals). */
  weights?: tf.Tensor1D | Float32Array;
  /** Default `'mean'`. */
  reduction?: LossReduction;
}

function reduce(perSample: tf.Tensor1D, options: LossOptions): tf.Tensor {
  const reduction = options.reduction ?? 'mean';
  let l: tf.Tensor1D = perSample;
  let total: tf.Scalar | number = perSample.shape[0];
  if (options.weights !== undefined) {
    const w = options.weights instanceof tf.Tensor ? options.weights : tf.tensor1d(options.weights);
    if (w.shape[0] !== perSample.shape[0])
      throw new Error(`loss: ${w.shape[0]} weights for ${perSample.shape[0]} samples`);
    l = tf.mul(l, w);
    total = tf.maximum(tf.sum(w), 1e-12) as tf.Scalar;
  }
  if (reduction === 'none') return l;
  const s = tf.sum(l);
  if (reduction === 'sum') return s;
  return tf.div(s, total);
}

function labelTensor(labels: tf.Tensor1D | Int32Array | number[]): tf.Tensor1D {
  return labels instanceof tf.Tensor
    ? (labels.toInt() as tf.Tensor1D)
    : tf.tensor1d(Int32Array.from(labels), 'int32');
}

/** Options of {@link softmaxCrossEntropy}. */
export interface SoftmaxCrossEntropyOptions extends LossOptions {
  /** Label smoothing ε: the target is (1 − ε)·onehot + ε/C (default 0). */
  labelSmoothing?: number;
}

/**
 * Multi-class cross-entropy from logits: ℓᵢ = −log softmax(zᵢ)[uᵢ] (STEP Eq. 2's L_cls; Fast R-CNN's
 * classification loss), computed with a log-sum-exp that is stable for large logits.
 *
 * @param logits `[N, C]` unnormalised scores
 * @param labels `[N]` class indices in [0, C) (background is a class like any other)
 * @example
 * ```ts
 * const loss = softmaxCrossEntropy(tf.tensor2d([[2, 0, 0]]), [0]);   // −log(e²/(e²+2)) ≈ 0.2395
 * ```
 */
export function softmaxCrossEntropy(
  logits: tf.Tensor2D,
  labels: tf.Tensor1D | Int32Array | number[],
  options: SoftmaxCrossEntropyOptions = {},
): tf.Tensor {
  return tf.tidy(() => {
    const [N, C] = logits.shape;
    const y = labelTensor(labels);
    if (y.shape[0] !== N)
      throw new Error(`softmaxCrossEntropy: ${N} logit rows but ${y.shape[0]} labels`);
    let target: tf.Tensor = tf.oneHot(y, C).toFloat();
    const eps = options.labelSmoothing ?? 0;
    if (eps > 0) target = tf.add(tf.mul(target, 1 - eps), eps / C);
    const perSample = tf.neg(tf.sum(tf.mul(target, tf.logSoftmax(logits)), 1)) as tf.Tensor1D;
    return reduce(perSample, options);
  });
}

/** Options of {@link binaryCrossEntropy}. */
export interface BinaryCrossEntropyOptions extends LossOptions {
  /** Weight of the positive term (PyTorch `pos_weight`), default 1. */
  positiveWeight?: number;
}

/**
 * Binary cross-entropy from logits, summed over the last axis (independent labels per class, as
 * multi-label AVA heads use): ℓ = Σ_c [(1 − t)·x + (1 + (w − 1)·t)·(log(1 + e^{−|x|}) + max(−x, 0))],
 * which equals −[w·t·log σ(x) + (1 − t)·log(1 − σ(x))] without overflow (PyTorch
 * `binary_cross_entropy_with_logits`).
 *
 * @param logits `[N]` or `[N, C]`
 * @param targets same shape, in [0, 1]
 */
export function binaryCrossEntropy(
  logits: tf.Tensor,
  targets: tf.Tensor,
  options: BinaryCrossEntropyOptions = {},
): tf.Tensor {
  return tf.tidy(() => {
    if (!tf.util.arraysEqual(logits.shape, targets.shape))
      throw new Error(
        `binaryCrossEntropy: logits [${logits.shape}] and targets [${targets.shape}] differ`,
      );
    const x = logits;
    const t = targets.toFloat();
    const w = options.positiveWeight ?? 1;
    const softplusNeg = tf.add(tf.log1p(tf.exp(tf.neg(tf.abs(x)))), tf.relu(tf.neg(x)));
    const coef = w === 1 ? 1 : tf.add(1, tf.mul(t, w - 1));
    let l = tf.add(tf.mul(tf.sub(1, t), x), tf.mul(coef, softplusNeg));
    if (l.rank === 2) l = tf.sum(l, 1);
    return reduce(l as tf.Tensor1D, options);
  });
}

/** Options of {@link smoothL1}. */
export interface SmoothL1Options extends LossOptions {
  /** Transition point β (default 1; Fast R-CNN's σ relates as β = 1/σ²). */
  beta?: number;
}

/**
 * Smooth-L1 (Huber) regression loss (Girshick, Fast R-CNN Eq. 3): per element 0.5·d²/β when
 * |d| < β, else |d| − 0.5·β; per sample it is the **mean** over the remaining axes, so for
 * `[N, K, 4]` tubelet offsets it is STEP's L_loc averaged over the K frames (and 4 coordinates).
 *
 * @param pred `[N, …]` predictions; `target` the same shape
 */
export function smoothL1(
  pred: tf.Tensor,
  target: tf.Tensor,
  options: SmoothL1Options = {},
): tf.Tensor {
  return tf.tidy(() => {
    if (!tf.util.arraysEqual(pred.shape, target.shape))
      throw new Error(`smoothL1: pred [${pred.shape}] and target [${target.shape}] differ`);
    const beta = options.beta ?? 1;
    const d = tf.abs(tf.sub(pred, target));
    // With m = min(|d|, β): 0.5·m²/β + (|d| − m) is the Huber form without a comparison op
    // (tfjs has no gradient for Less, so a `where` on it cannot be differentiated).
    const m = tf.minimum(d, beta);
    const el = beta > 0 ? tf.add(tf.div(tf.mul(0.5, tf.square(m)), beta), tf.sub(d, m)) : d;
    const N = pred.shape[0];
    const perSample = pred.rank === 1 ? el : tf.mean(tf.reshape(el, [N, -1]), 1);
    return reduce(perSample as tf.Tensor1D, options);
  });
}

/** Options of {@link iouLoss}. */
export interface IoULossOptions extends LossOptions {
  /**
   * `'iou'`: 1 − IoU; `'log-iou'`: −ln IoU (UnitBox, Yu et al. 2016); `'giou'`: 1 − GIoU
   * (Rezatofighi et al., CVPR 2019). Default `'iou'`.
   */
  kind?: 'iou' | 'log-iou' | 'giou';
  /** Inclusive-pixel areas (+1 on widths/heights, ACT / VOC devkit convention); default false. */
  pixelInclusive?: boolean;
}

/**
 * IoU-based box regression loss between predicted and target boxes `[…, 4]` as `[x1, y1, x2, y2]`
 * (continuous pixels, or inclusive pixels with `pixelInclusive`); every box of a sample (e.g. the K
 * boxes of a tubelet `[N, K, 4]`) is averaged into that sample's loss. Differentiable in `pred`.
 */
export function iouLoss(
  pred: tf.Tensor,
  target: tf.Tensor,
  options: IoULossOptions = {},
): tf.Tensor {
  return tf.tidy(() => {
    if (!tf.util.arraysEqual(pred.shape, target.shape) || pred.shape[pred.rank - 1] !== 4)
      throw new Error(
        `iouLoss: pred [${pred.shape}] and target [${target.shape}] must match and end in 4`,
      );
    const N = pred.shape[0];
    const p = tf.reshape(pred, [-1, 4]);
    const t = tf.reshape(target, [-1, 4]);
    const one = options.pixelInclusive ? 1 : 0;
    const [px1, py1, px2, py2] = tf.split(p, 4, 1);
    const [tx1, ty1, tx2, ty2] = tf.split(t, 4, 1);
    const area = (x1: tf.Tensor, y1: tf.Tensor, x2: tf.Tensor, y2: tf.Tensor) =>
      tf.mul(tf.relu(tf.add(tf.sub(x2, x1), one)), tf.relu(tf.add(tf.sub(y2, y1), one)));
    const inter = area(
      tf.maximum(px1, tx1),
      tf.maximum(py1, ty1),
      tf.minimum(px2, tx2),
      tf.minimum(py2, ty2),
    );
    const union = tf.sub(tf.add(area(px1, py1, px2, py2), area(tx1, ty1, tx2, ty2)), inter);
    const iou = tf.div(inter, tf.maximum(union, 1e-9));
    const kind = options.kind ?? 'iou';
    let l: tf.Tensor;
    if (kind === 'log-iou') l = tf.neg(tf.log(tf.maximum(iou, 1e-9)));
    else if (kind === 'giou') {
      const hull = area(
        tf.minimum(px1, tx1),
        tf.minimum(py1, ty1),
        tf.maximum(px2, tx2),
        tf.maximum(py2, ty2),
      );
      const giou = tf.sub(iou, tf.div(tf.sub(hull, union), tf.maximum(hull, 1e-9)));
      l = tf.sub(1, giou);
    } else l = tf.sub(1, iou);
    const perSample = tf.mean(tf.reshape(l, [N, -1]), 1) as tf.Tensor1D;
    return reduce(perSample, options);
  });
}
