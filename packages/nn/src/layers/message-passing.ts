import * as tf from '@tensorflow/tfjs-core';
import { createRng } from '../random';
import {
  createNamedWeight,
  heNormal,
  type NamedWeight,
  pointwiseConv,
  variableScope,
} from './named-weight';

/** Options of {@link MessagePassing} (load time). */
export interface MessagePassingOptions {
  /** Channels of the source and target feature maps. */
  readonly channels: number;
  /** Channels after the first 1×1 layer (default ⌊C / 2⌋; PCSC only says "reduces"). */
  readonly hiddenChannels?: number;
  /** 2: `[N, H, W, C]`; 3: `[N, T, H, W, C]` (fixes the kernel shapes for weight import). */
  readonly dims: 2 | 3;
  /** Apply a ReLU after the second layer too (default false: the message may be negative). */
  readonly finalRelu?: boolean;
  /** Seed of the He-normal initialisation. */
  readonly seed: number;
}

/**
 * Two-layer 1×1 message passing between streams (PCSC, Su et al. CVPR 2020, §3.3 Eq. 1):
 * C'_target = f_θ(C_source) ⊕ C_target, with f_θ = 1×1 conv (C → hidden) → ReLU → 1×1 conv
 * (hidden → C). Weights `reduce.weight|bias`, `restore.weight|bias`.
 *
 * @example
 * ```ts
 * const mp = new MessagePassing({ channels: 832, dims: 3, seed: 0 });
 * const rgbRefined = mp.forward(flowFeatures, rgbFeatures);
 * ```
 */
export class MessagePassing {
  readonly name = 'message-passing';
  readonly weights: readonly NamedWeight[];
  readonly trainableVariables: readonly tf.Variable[];
  private readonly options: MessagePassingOptions;
  private readonly reduce: { kernel: NamedWeight; bias: NamedWeight };
  private readonly restore: { kernel: NamedWeight; bias: NamedWeight };

  constructor(options: MessagePassingOptions) {
    this.options = options;
    const c = options.channels;
    const h = options.hiddenChannels ?? Math.max(1, Math.floor(c / 2));
    const rng = createRng(options.seed);
    const scope = variableScope(this.name);
    const ones = new Array(options.dims).fill(1);
    const conv = (name: string, cin: number, cout: number) => ({
      kernel: createNamedWeight(
        scope,
        `${name}.weight`,
        [...ones, cin, cout],
        heNormal(cin * cout, cin, rng),
        {
          kind: 'conv',
        },
      ),
      bias: createNamedWeight(scope, `${name}.bias`, [cout], new Float32Array(cout), {
        kind: 'vector',
      }),
    });
    this.reduce = conv('reduce', c, h);
    this.restore = conv('restore', h, c);
    this.weights = [this.reduce.kernel, this.reduce.bias, this.restore.kernel, this.restore.bias];
    this.trainableVariables = this.weights.map((w) => w.variable);
  }

  /** The message f_θ(source), same shape as `source`. */
  message(source: tf.Tensor): tf.Tensor {
    const { dims, channels } = this.options;
    if (source.rank !== dims + 2 || source.shape[source.rank - 1] !== channels) {
      throw new Error(
        `MessagePassing: expects [N, ${dims === 3 ? 'T, ' : ''}H, W, ${channels}], got [${source.shape.join(', ')}]`,
      );
    }
    return tf.tidy(() => {
      const h = tf.relu(
        pointwiseConv(source, this.reduce.kernel.variable, this.reduce.bias.variable),
      );
      const m = pointwiseConv(h, this.restore.kernel.variable, this.restore.bias.variable);
      return this.options.finalRelu ? tf.relu(m) : m;
    });
  }

  /** `target + f_θ(source)`; both tensors have the same shape. */
  forward(source: tf.Tensor, target: tf.Tensor): tf.Tensor {
    if (source.shape.join(',') !== target.shape.join(',')) {
      throw new Error(
        `MessagePassing: source [${source.shape.join(', ')}] and target [${target.shape.join(', ')}] differ`,
      );
    }
    return tf.tidy(() => tf.add(this.message(source), target));
  }

  /** Disposes the weights. */
  dispose(): void {
    for (const w of this.weights) w.variable.dispose();
  }
}
