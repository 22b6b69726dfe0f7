import * as tf from '@tensorflow/tfjs-core';
import { createRng } from '../random';
import {
  createNamedWeight,
  heNormal,
  type NamedWeight,
  pointwiseConv,
  variableScope,
} from './named-weight';

/** Options of {@link NonLocalBlock} (load time). */
export interface NonLocalBlockOptions {
  /** Channels C of the input and output. */
  readonly channels: number;
  /** Channels of the θ/φ/g embeddings (default ⌊C / 2⌋, as the paper). */
  readonly innerChannels?: number;
  /** 2: feature maps `[N, H, W, C]`; 3: clips `[N, T, H, W, C]`. */
  readonly dims: 2 | 3;
  /**
   * Pairwise function f (paper §3.2): `'embedded-gaussian'` softmax(θᵀφ) (default) or
   * `'dot-product'` θᵀφ / N_positions.
   */
  readonly pairwise?: 'embedded-gaussian' | 'dot-product';
  /** Max-pool φ and g by 2×2 spatially (paper §3.3 "subsampling"); default false. */
  readonly subsample?: boolean;
  /** Seed of the initialisation. */
  readonly seed: number;
}

/**
 * Non-local block (Wang, Girshick, Gupta & He, "Non-local Neural Networks", CVPR 2018, Eq. 1–2,
 * 6; Fig. 2): z = W_z · (f(θ(x), φ(x)) g(x)) + x, with θ, φ, g and W_z 1×1(×1) convolutions and f
 * over all positions (space and time). CFAD cascades one before its 3-D conv head. The paper puts
 * a batch norm with γ = 0 after W_z so that the block starts as the identity; here W_z and its
 * bias start at zero for the same effect (no batch norm). θ, φ, g are He-initialised.
 * Weights: `theta|phi|g|W.weight` (`[1, 1, (1,) Cin, Cout]`) and `.bias`.
 *
 * @example
 * ```ts
 * const nl = new NonLocalBlock({ channels: 64, dims: 3, seed: 0 });
 * const z = nl.forward(tf.zeros([1, 4, 7, 7, 64]));   // [1, 4, 7, 7, 64]
 * nl.dispose();
 * ```
 */
export class NonLocalBlock {
  readonly name = 'non-local';
  readonly weights: readonly NamedWeight[];
  readonly trainableVariables: readonly tf.Variable[];
  private readonly options: NonLocalBlockOptions;
  private readonly inner: number;
  private readonly w: Record<
    'theta' | 'phi' | 'g' | 'W',
    { kernel: NamedWeight; bias: NamedWeight }
  >;

  constructor(options: NonLocalBlockOptions) {
    this.options = options;
    const c = options.channels;
    this.inner = options.innerChannels ?? Math.max(1, Math.floor(c / 2));
    const rng = createRng(options.seed);
    const scope = variableScope(this.name);
    const ones = new Array(options.dims).fill(1);
    const conv = (name: string, cin: number, cout: number, zero: boolean) => ({
      kernel: createNamedWeight(
        scope,
        `${name}.weight`,
        [...ones, cin, cout],
        zero ? new Float32Array(cin * cout) : heNormal(cin * cout, cin, rng),
        { kind: 'conv' },
      ),
      bias: createNamedWeight(scope, `${name}.bias`, [cout], new Float32Array(cout), {
        kind: 'vector',
      }),
    });
    this.w = {
      theta: conv('theta', c, this.inner, false),
      phi: conv('phi', c, this.inner, false),
      g: conv('g', c, this.inner, false),
      W: conv('W', this.inner, c, true),
    };
    this.weights = Object.values(this.w).flatMap((p) => [p.kernel, p.bias]);
    this.trainableVariables = this.weights.map((w) => w.variable);
  }

  /** `[N, (T,) H, W, C]` → same shape. Differentiable; call inside `tf.tidy` or a gradient. */
  forward(x: tf.Tensor): tf.Tensor {
    const { dims, channels } = this.options;
    if (x.rank !== dims + 2 || x.shape[x.rank - 1] !== channels) {
      throw new Error(
        `NonLocalBlock: expects [N, ${dims === 3 ? 'T, ' : ''}H, W, ${channels}], got [${x.shape.join(', ')}]`,
      );
    }
    return tf.tidy(() => {
      const n = x.shape[0] as number;
      const apply = (p: { kernel: NamedWeight; bias: NamedWeight }, t: tf.Tensor) =>
        pointwiseConv(t, p.kernel.variable, p.bias.variable);
      let pooled = x;
      if (this.options.subsample) {
        // 2×2 spatial max pool per frame with 2-D pooling (tfjs-wasm 4.22's MaxPool3D returns
        // ≈0 instead of the maximum for windows of negative values)
        const [h, w] = x.shape.slice(-3, -1) as [number, number];
        const frames = tf.reshape(x, [-1, h, w, channels]) as tf.Tensor4D;
        const p = tf.maxPool(frames, [2, 2], [2, 2], 'same');
        pooled = tf.reshape(p, [...x.shape.slice(0, -3), p.shape[1], p.shape[2], channels]);
      }
      const theta = tf.reshape(apply(this.w.theta, x), [n, -1, this.inner]);
      const phi = tf.reshape(apply(this.w.phi, pooled), [n, -1, this.inner]);
      const g = tf.reshape(apply(this.w.g, pooled), [n, -1, this.inner]);
      const affinity = tf.matMul(theta, phi, false, true); // [N, P, P']
      const f =
        (this.options.pairwise ?? 'embedded-gaussian') === 'embedded-gaussian'
          ? tf.softmax(affinity, -1)
          : tf.div(affinity, phi.shape[1] as number);
      const y = tf.reshape(tf.matMul(f, g), [...x.shape.slice(0, -1), this.inner]);
      return tf.add(apply(this.w.W, y), x);
    });
  }

  /** Disposes the weights. */
  dispose(): void {
    for (const w of this.weights) w.variable.dispose();
  }
}
