import {
  binaryCrossEntropy,
  createNamedWeight,
  createRng,
  type NamedWeight,
  tf,
  tidyValues,
  variableScope,
} from '@tubekit/nn';

/** Load-time options of {@link ActionnessClassifiers}. */
export interface ActionnessClassifiersOptions {
  /** Classes C (one binary classifier each). */
  numClasses: number;
  /** Width of a box's feature (`CrossStreamDetector.boxFeatureWidth`). */
  inChannels: number;
  /** Seed of the N(0, 0.01²) initialisation. */
  seed: number;
}

/**
 * PCSC's temporal refinement classifiers (Su et al. CVPR 2019, §3.4; spec S9): one binary
 * actionness classifier per class — a linear layer and a sigmoid on a box's cooperated RoI feature
 * (`CrossStreamDetector.boxFeatures`). Trained on the boxes of tubes linked on training videos,
 * labelled 1 when the box overlaps the class's ground truth by IoU > 0.5 ("confusing samples"
 * near temporal boundaries included), with a class-balanced binary cross-entropy (the loss is NS;
 * *our choice*: positives weighted by negatives / positives of the batch). At test, a tube of class
 * c is scored per box by classifier c, then `actionnessTrimming` of @tubekit/linking filters it.
 *
 * @example
 * ```ts
 * const tr = new ActionnessClassifiers({ numClasses: 4, inChannels: 128, seed: 1 });
 * const p = tr.probabilities(features, classes); // [N] in (0, 1)
 * ```
 */
export class ActionnessClassifiers {
  readonly options: ActionnessClassifiersOptions;
  readonly weights: readonly NamedWeight[];
  private readonly w: NamedWeight;
  private readonly b: NamedWeight;

  constructor(options: ActionnessClassifiersOptions) {
    const { numClasses: C, inChannels: D } = options;
    for (const [k, v] of Object.entries({ numClasses: C, inChannels: D }))
      if (!(Number.isInteger(v) && v >= 1))
        throw new RangeError(`ActionnessClassifiers: ${k} = ${v}; expected an integer ≥ 1`);
    this.options = options;
    const rng = createRng(options.seed);
    const scope = variableScope('actionness');
    this.w = createNamedWeight(
      scope,
      'classifiers.weight',
      [C, D],
      Float32Array.from({ length: C * D }, () => 0.01 * rng.normal()),
      { kind: 'conv' },
    );
    this.b = createNamedWeight(scope, 'classifiers.bias', [C], new Float32Array(C), {
      kind: 'vector',
    });
    this.weights = [this.w, this.b];
  }

  /** `[N]` logits of classifier `classes[n]` (1-based) on row n of `features` `[N, D]`. */
  logits(features: tf.Tensor2D, classes: ArrayLike<number>): tf.Tensor1D {
    const { numClasses: C, inChannels: D } = this.options;
    const N = features.shape[0];
    if (features.shape[1] !== D || classes.length !== N)
      throw new RangeError(
        `ActionnessClassifiers: features [${features.shape}] and ${classes.length} classes; expected [N, ${D}] and N`,
      );
    const idx = new Int32Array(N);
    for (let n = 0; n < N; n++) {
      const c = classes[n]!;
      if (!(Number.isInteger(c) && c >= 1 && c <= C))
        throw new RangeError(`ActionnessClassifiers: row ${n} has class ${c}; expected 1…${C}`);
      idx[n] = c - 1;
    }
    return tf.tidy(() => {
      const w = tf.gather(this.w.variable, idx) as tf.Tensor2D;
      const b = tf.gather(this.b.variable, idx) as tf.Tensor1D;
      return tf.add(tf.sum(tf.mul(features, w), 1), b) as tf.Tensor1D;
    });
  }

  /** Actionness probabilities `[N]` (sigmoid of {@link logits}), as plain numbers. */
  probabilities(features: tf.Tensor2D, classes: ArrayLike<number>): Float64Array {
    return Float64Array.from(tidyValues(() => tf.sigmoid(this.logits(features, classes))));
  }

  /**
   * Class-balanced BCE of a batch: positives weighted by `negatives / positives` (1 when either
   * is absent), averaged over the rows.
   */
  loss(features: tf.Tensor2D, classes: ArrayLike<number>, labels: ArrayLike<number>): tf.Scalar {
    let pos = 0;
    for (let n = 0; n < labels.length; n++) {
      if (labels[n] !== 0 && labels[n] !== 1)
        throw new RangeError(`ActionnessClassifiers: label ${n} is ${labels[n]}; expected 0 or 1`);
      pos += labels[n]!;
    }
    const neg = labels.length - pos;
    const positiveWeight = pos > 0 && neg > 0 ? neg / pos : 1;
    return tf.tidy(
      () =>
        binaryCrossEntropy(this.logits(features, classes), tf.tensor1d(Float32Array.from(labels)), {
          positiveWeight,
        }) as tf.Scalar,
    );
  }

  /** Disposes the weights. */
  dispose(): void {
    for (const w of this.weights) w.variable.dispose();
  }
}
