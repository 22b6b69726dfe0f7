import {
  binaryCrossEntropy,
  createNamedWeight,
  createRng,
  Hourglass1d,
  type NamedWeight,
  tf,
  variableScope,
} from '@tubekit/nn';

/** Options of a {@link KeyTimestampSelector} (load time). */
export interface KeyTimestampSelectorOptions {
  /** Channels of the sampled feature maps. */
  channels: number;
  /** Samples per proposal N (sets the hourglass depth). */
  samples: number;
  seed: number;
}

/**
 * CFAD's key-timestamp selector (Li et al. ECCV 2020, §3.3): each sampled map `F_i` is squeezed
 * by global average pooling to `[N, C]`, a 1-D hourglass (nn's `Hourglass1d`) runs along time and
 * a 1×1 convolution gives one logit per sample; `p_i = σ(logit)` is the importance of timestamp
 * `s_i`, and samples with `p_i ≥ α` are refined. Trained with binary cross-entropy on the labels
 * of the greedy spline selection of Eq. 5 (geometry's `selectKeyTimestamps`, ε = 0.8).
 * Spec choices (S6.1): average pooling; depth `min(2, ⌊log₂ N⌋ − 1)` (at least 1); sigmoid.
 *
 * @example
 * ```ts
 * const sel = new KeyTimestampSelector({ channels: 64, samples: 16, seed: 1 });
 * const p = tf.sigmoid(sel.forward(F)); // F [B, 16, 14, 14, 64] → [B, 16]
 * ```
 */
export class KeyTimestampSelector {
  readonly weights: NamedWeight[];
  private readonly hourglass: Hourglass1d;
  private readonly out: { w: NamedWeight; b: NamedWeight };
  private readonly channels: number;

  constructor(options: KeyTimestampSelectorOptions) {
    const { channels: C, samples: N, seed } = options;
    if (!(Number.isInteger(N) && N >= 2))
      throw new RangeError(`KeyTimestampSelector: samples = ${N}; expected an integer ≥ 2`);
    this.channels = C;
    const rng = createRng(seed);
    const depth = Math.max(1, Math.min(2, Math.floor(Math.log2(N)) - 1));
    this.hourglass = new Hourglass1d({ channels: C, depth, seed: rng.int(2 ** 31) });
    const scope = variableScope('cfad-selector');
    this.out = {
      w: createNamedWeight(
        scope,
        'out.weight',
        [1, C, 1],
        Float32Array.from({ length: C }, () => 0.01 * rng.normal()),
        { kind: 'conv' },
      ),
      b: createNamedWeight(scope, 'out.bias', [1], new Float32Array(1), { kind: 'vector' }),
    };
    this.weights = [...this.hourglass.weights, this.out.w, this.out.b];
  }

  /** `[B, N, H, W, C]` → `[B, N]` logits. Differentiable; call inside `tf.tidy` or a gradient. */
  forward(features: tf.Tensor5D): tf.Tensor2D {
    const [B, N, , , C] = features.shape;
    if (C !== this.channels)
      throw new Error(
        `KeyTimestampSelector: features have ${C} channels, expected ${this.channels}`,
      );
    return tf.tidy(() => {
      const pooled = tf.mean(features, [2, 3]) as tf.Tensor3D;
      const h = this.hourglass.forward(pooled) as tf.Tensor3D;
      const y = tf.add(
        tf.conv1d(h, this.out.w.variable as tf.Tensor3D, 1, 'same'),
        this.out.b.variable,
      );
      return tf.reshape(y, [B, N]) as tf.Tensor2D;
    });
  }

  /** Mean binary cross-entropy of `[B, N]` logits against Eq. 5's 0/1 labels (`B × N`). */
  loss(logits: tf.Tensor2D, labels: Uint8Array): tf.Scalar {
    return tf.tidy(
      () =>
        tf.div(
          binaryCrossEntropy(logits, tf.tensor2d(Float32Array.from(labels), logits.shape), {
            reduction: 'sum',
          }),
          logits.size,
        ) as tf.Scalar,
    );
  }

  /** Disposes the weights. */
  dispose(): void {
    for (const w of this.weights) w.variable.dispose();
  }
}
