import * as tf from '@tensorflow/tfjs-core';
import { createRng } from '../random';
import {
  createNamedWeight,
  heNormal,
  type NamedWeight,
  pointwiseConv,
  variableScope,
} from './named-weight';

/** Options of {@link RpnHead} (load time). */
export interface RpnHeadOptions {
  /** Channels of the input feature map. */
  readonly inChannels: number;
  /** Channels of the 3×3 conv layers. Default `inChannels` (Faster R-CNN, FPN). */
  readonly hiddenChannels?: number;
  /**
   * Number of 3×3 conv + ReLU layers before the 1×1 outputs. Default 1 (Faster R-CNN §3.1);
   * CFAD's refine module uses "cascaded 2D convolution blocks" (spec: 2).
   */
  readonly convLayers?: number;
  /** Anchors per cell `A` (the rows of `gridAnchors`' `sizes`). */
  readonly anchors: number;
  /**
   * Score outputs per anchor `K`. 1 (default): a class-agnostic objectness logit (sigmoid, as
   * detectron2 and torchvision). ≥ 2: softmax logits over `K` classes with background at index 0 —
   * Faster R-CNN's 2-way objectness at `K = 2`, CFAD's class-specific RPN (§3.3) at `K = C + 1`.
   * Box deltas are class-agnostic (4 per anchor) either way.
   */
  readonly scoreClasses?: number;
  /** Seed of the initialisation: He-normal convs, N(0, 0.01²) outputs (Faster R-CNN §3.1.3), zero biases. */
  readonly seed: number;
}

/** What {@link RpnHead.forward} returns; row `r = (y·W + x)·A + a` matches `gridAnchors`. */
export interface RpnOutput {
  /** `[B, H·W·A, K]` score logits. */
  logits: tf.Tensor3D;
  /** `[B, H·W·A, 4]` box deltas `[dx, dy, dw, dh]` (R-CNN codec, `encodeBoxDeltas`). */
  deltas: tf.Tensor3D;
}

/**
 * A generic region proposal network head (Ren et al., Faster R-CNN, NeurIPS 2015, §3.1): shared
 * 3×3 conv + ReLU layer(s) over a `[B, H, W, C]` feature map, then two sibling 1×1 convs giving,
 * for each of the `A` anchors of every cell, `K` score logits and 4 box deltas. One head per
 * feature map or FPN level (weights may be shared across levels by calling it on each); CFAD's
 * refine module (§3.3) and PCSC's per-stream RPNs (§3.2) use it. Targets: {@link rpnTargets};
 * loss: {@link rpnLoss}; proposals: {@link rpnProposals}.
 *
 * Weights: `conv{i}.weight|bias` (`[3, 3, Cin, Chid]`), `cls.weight|bias` (`[1, 1, Chid, A·K]`),
 * `reg.weight|bias` (`[1, 1, Chid, A·4]`); output channels are anchor-major (`a·K + k`).
 *
 * @example
 * ```ts
 * const rpn = new RpnHead({ inChannels: 64, anchors: 3, seed: 0 });
 * const { logits, deltas } = rpn.forward(features); // [B, H·W·3, 1], [B, H·W·3, 4]
 * ```
 */
export class RpnHead {
  readonly name = 'rpn-head';
  readonly weights: readonly NamedWeight[];
  readonly trainableVariables: readonly tf.Variable[];
  /** `K`, score outputs per anchor. */
  readonly scoreClasses: number;
  /** `A`, anchors per cell. */
  readonly anchors: number;
  private readonly inChannels: number;
  private readonly convs: { kernel: NamedWeight; bias: NamedWeight }[] = [];
  private readonly cls: { kernel: NamedWeight; bias: NamedWeight };
  private readonly reg: { kernel: NamedWeight; bias: NamedWeight };

  constructor(options: RpnHeadOptions) {
    const cin = options.inChannels;
    const hid = options.hiddenChannels ?? cin;
    const layers = options.convLayers ?? 1;
    const A = options.anchors;
    const K = options.scoreClasses ?? 1;
    for (const [name, v, min] of [
      ['inChannels', cin, 1],
      ['hiddenChannels', hid, 1],
      ['convLayers', layers, 0],
      ['anchors', A, 1],
      ['scoreClasses', K, 1],
    ] as const)
      if (!(Number.isInteger(v) && v >= min))
        throw new Error(`RpnHead: ${name} = ${v}; expected an integer ≥ ${min}`);
    this.inChannels = cin;
    this.anchors = A;
    this.scoreClasses = K;
    const rng = createRng(options.seed);
    const scope = variableScope(this.name);
    const bias = (name: string, n: number) =>
      createNamedWeight(scope, `${name}.bias`, [n], new Float32Array(n), { kind: 'vector' });
    let c = cin;
    for (let i = 0; i < layers; i++) {
      this.convs.push({
        kernel: createNamedWeight(
          scope,
          `conv${i}.weight`,
          [3, 3, c, hid],
          heNormal(9 * c * hid, 9 * c, rng),
          {
            kind: 'conv',
          },
        ),
        bias: bias(`conv${i}`, hid),
      });
      c = hid;
    }
    const small = (n: number) => {
      const v = new Float32Array(n);
      for (let i = 0; i < n; i++) v[i] = 0.01 * rng.normal();
      return v;
    };
    const out = (name: string, cout: number) => ({
      kernel: createNamedWeight(scope, `${name}.weight`, [1, 1, c, cout], small(c * cout), {
        kind: 'conv',
      }),
      bias: bias(name, cout),
    });
    this.cls = out('cls', A * K);
    this.reg = out('reg', A * 4);
    this.weights = [
      ...this.convs.flatMap((l) => [l.kernel, l.bias]),
      this.cls.kernel,
      this.cls.bias,
      this.reg.kernel,
      this.reg.bias,
    ];
    this.trainableVariables = this.weights.map((w) => w.variable);
  }

  /** Score logits and deltas for every anchor of every cell of `features` `[B, H, W, C]`. */
  forward(features: tf.Tensor4D): RpnOutput {
    if (features.rank !== 4 || features.shape[3] !== this.inChannels)
      throw new Error(
        `RpnHead: expects [B, H, W, ${this.inChannels}], got [${features.shape.join(', ')}]`,
      );
    const [B, H, W] = features.shape;
    return tf.tidy(() => {
      let x: tf.Tensor4D = features;
      for (const l of this.convs)
        x = tf.relu(
          tf.add(tf.conv2d(x, l.kernel.variable as tf.Tensor4D, 1, 'same'), l.bias.variable),
        ) as tf.Tensor4D;
      const n = H * W * this.anchors;
      const logits = tf.reshape(
        pointwiseConv(x, this.cls.kernel.variable, this.cls.bias.variable),
        [B, n, this.scoreClasses],
      ) as tf.Tensor3D;
      const deltas = tf.reshape(
        pointwiseConv(x, this.reg.kernel.variable, this.reg.bias.variable),
        [B, n, 4],
      ) as tf.Tensor3D;
      return { logits, deltas };
    });
  }

  /** Disposes the weights. */
  dispose(): void {
    for (const w of this.weights) w.variable.dispose();
  }
}
