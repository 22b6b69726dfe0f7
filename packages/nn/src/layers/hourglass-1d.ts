import * as tf from '@tensorflow/tfjs-core';
import { createRng } from '../random';
import { createNamedWeight, heNormal, type NamedWeight, variableScope } from './named-weight';

/** Options of {@link Hourglass1d} (load time). */
export interface Hourglass1dOptions {
  /** Channels C of the input and output sequences. */
  readonly channels: number;
  /** Number of down/up levels (default 2: resolutions T, T/2, T/4). */
  readonly depth?: number;
  /** Temporal kernel of every convolution (odd, default 3). */
  readonly kernelSize?: number;
  /** Seed of the He-normal initialisation. */
  readonly seed: number;
}

/**
 * A temporal (1-D) hourglass: the encoder–decoder of Newell et al. (ECCV 2016, Fig. 3) over the
 * time axis of a feature sequence, as temporal proposal networks use to see context at several
 * time scales (CFAD's TPN). Level ℓ: `down{ℓ}` conv + ReLU then max-pool /2, recursion, nearest
 * upsampling ×2 (cropped to the level's length), plus the skip branch `skip{ℓ}` (conv + ReLU at
 * full resolution); the innermost level is `bottom` conv + ReLU. Convolutions are 'same'-padded,
 * stride 1, with bias; kernels `[k, Cin, Cout]` (PyTorch `Conv1d` stores `[Cout, Cin, k]`).
 * Any length T ≥ 1 works; the output has the input's shape `[N, T, C]`.
 *
 * @example
 * ```ts
 * const hg = new Hourglass1d({ channels: 32, seed: 0 });
 * const y = hg.forward(tf.zeros([2, 96, 32]));   // [2, 96, 32]
 * ```
 */
export class Hourglass1d {
  readonly name = 'hourglass-1d';
  readonly weights: readonly NamedWeight[];
  readonly trainableVariables: readonly tf.Variable[];
  private readonly channels: number;
  private readonly depth: number;
  private readonly convs = new Map<string, { kernel: NamedWeight; bias: NamedWeight }>();

  constructor(options: Hourglass1dOptions) {
    const c = options.channels;
    const k = options.kernelSize ?? 3;
    this.depth = options.depth ?? 2;
    if (k % 2 !== 1) throw new Error(`Hourglass1d: kernelSize must be odd, got ${k}`);
    if (!Number.isInteger(this.depth) || this.depth < 1)
      throw new Error(`Hourglass1d: depth must be ≥ 1, got ${this.depth}`);
    this.channels = c;
    const rng = createRng(options.seed);
    const scope = variableScope(this.name);
    const add = (name: string) =>
      this.convs.set(name, {
        kernel: createNamedWeight(
          scope,
          `${name}.weight`,
          [k, c, c],
          heNormal(k * c * c, k * c, rng),
          { kind: 'conv' },
        ),
        bias: createNamedWeight(scope, `${name}.bias`, [c], new Float32Array(c), {
          kind: 'vector',
        }),
      });
    for (let l = 0; l < this.depth; l++) {
      add(`skip${l}`);
      add(`down${l}`);
    }
    add('bottom');
    this.weights = [...this.convs.values()].flatMap((p) => [p.kernel, p.bias]);
    this.trainableVariables = this.weights.map((w) => w.variable);
  }

  private conv(name: string, x: tf.Tensor3D): tf.Tensor3D {
    const p = this.convs.get(name) as { kernel: NamedWeight; bias: NamedWeight };
    const y = tf.add(tf.conv1d(x, p.kernel.variable as tf.Tensor3D, 1, 'same'), p.bias.variable);
    return tf.relu(y) as tf.Tensor3D;
  }

  private level(x: tf.Tensor3D, l: number): tf.Tensor3D {
    if (l === this.depth) return this.conv('bottom', x);
    const [n, t, c] = x.shape;
    const skip = this.conv(`skip${l}`, x);
    const down = this.conv(`down${l}`, x);
    const pooled = tf.reshape(
      tf.maxPool(tf.reshape(down, [n, t, 1, c]) as tf.Tensor4D, [2, 1], [2, 1], 'same'),
      [n, Math.ceil(t / 2), c],
    ) as tf.Tensor3D;
    const inner = this.level(pooled, l + 1);
    const half = inner.shape[1];
    // nearest upsampling ×2: interleave each step with itself, then crop to t
    const up = tf.reshape(tf.stack([inner, inner], 2), [n, 2 * half, c]) as tf.Tensor3D;
    const cropped = 2 * half === t ? up : tf.slice(up, [0, 0, 0], [n, t, c]);
    return tf.add(skip, cropped) as tf.Tensor3D;
  }

  /** `[N, T, C]` → `[N, T, C]`. Differentiable; call inside `tf.tidy` or a gradient. */
  forward(x: tf.Tensor): tf.Tensor {
    if (x.rank !== 3 || x.shape[2] !== this.channels) {
      throw new Error(`Hourglass1d: expects [N, T, ${this.channels}], got [${x.shape.join(', ')}]`);
    }
    return tf.tidy(() => this.level(x as tf.Tensor3D, 0));
  }

  /** Disposes the weights. */
  dispose(): void {
    for (const w of this.weights) w.variable.dispose();
  }
}
