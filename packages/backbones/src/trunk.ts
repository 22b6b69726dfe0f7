import {
  type CheckpointContents,
  convKernelProviderInstalled,
  createNamedWeight,
  createRng,
  fusedConv2d,
  heNormal,
  type NamedWeight,
  type OrtBridgeInput,
  type Rng,
  runOnnxGraph,
  tf,
  variableScope,
} from '@tubekit/nn';
import {
  type TrunkBackboneConv,
  type TrunkLevelStride,
  trunkBackboneConvs,
  trunkBackboneGraph,
} from './trunk-backbone-graph';

/** Options of a {@link Trunk}. */
export interface TrunkOptions {
  /** Input channels per frame: 3 (RGB or encoded flow); 6 for RGB ⊕ flow. */
  channels: number;
  /** Widths of the stride-2, stride-4 and stride-8 stages (default 16, 32, 64). */
  widths?: readonly [number, number, number];
  /** Channels of the neck's output (default 64). */
  neckChannels?: number;
  /** Seed of the weight initialisation (He normal). */
  seed: number;
}

/** One feature map of a frame sequence: `[T, H/stride, W/stride, C]`, one row per input frame. */
export interface TrunkLevel {
  /** Input pixels per feature cell (RoIAlign's `spatialScale` is `1 / stride`). */
  stride: number;
  tensor: tf.Tensor4D;
}

/** Multi-level per-frame features of a frame sequence, finest first. */
export interface TrunkFeatures {
  levels: TrunkLevel[];
}

interface Conv {
  w: NamedWeight;
  b: NamedWeight;
}

/**
 * Replicate-padded 3-tap temporal stack of `B` stacked sequences of `T` frames, `[B·T, h, w, c]` →
 * `[B·T, h, w, 3c]` (frames t−1, t, t+1 on channels; a sequence's first and last frames repeat at
 * its ends, never crossing into the next sequence), so a following convolution is a (2+1)-D
 * spatio-temporal layer computed once per frame.
 */
function temporalTaps(x: tf.Tensor4D, T: number): tf.Tensor4D {
  const [BT, h, w, c] = x.shape;
  const B = BT / T;
  const s = tf.reshape(x, [B, T, h * w, c]);
  const cut = (from: number, size: number) => tf.slice(s, [0, from], [B, size]);
  const prev = T === 1 ? s : tf.concat([cut(0, 1), cut(0, T - 1)], 1);
  const next = T === 1 ? s : tf.concat([cut(1, T - 1), cut(T - 1, 1)], 1);
  return tf.reshape(tf.concat([prev, s, next], 3), [BT, h, w, 3 * c]);
}

function sequenceLengthOf(frames: number, sequenceLength: number | undefined, op: string): number {
  const T = sequenceLength ?? frames;
  if (!(Number.isInteger(T) && T >= 1 && frames % T === 0))
    throw new Error(`${op}: ${frames} frames are not a whole number of sequences of ${T} frames`);
  return T;
}

/**
 * The detection trunk shared by tubekit's heads (STEP, CFAD, PCSC): a small learned convolutional
 * backbone over whole frames of one stream (RGB, flow, or both stacked), run **once per frame**
 * of a contiguous frame sequence, plus a neck the heads fine-tune.
 *
 * It plays the role of the papers' pretrained VGG16 (STEP, PCSC) or I3D (CFAD) on a CPU budget:
 * - stem: a 3 × 3 convolution with stride 2 over frames t−1, t, t+1 stacked on channels — the
 *   clip's first temporal layer, so an RGB trunk can respond to motion (STEP's RGB stream learns
 *   motion through its 3-D layers; SynthTubes' classes differ only in motion);
 * - stage 4: two 3 × 3 convolutions (stride 2, then 1) → level **stride 4**;
 * - stage 8: a 3 × 3 convolution with stride 2 and a residual 3-tap temporal layer → level
 *   **stride 8**;
 * - neck (fine-tuned by the heads): a 3 × 3 convolution and a residual 3-tap temporal layer on the
 *   stride-8 level.
 *
 * Features of a frame depend only on that frame and its neighbours, so a video's features are
 * computed once and every step, proposal and overlapping window gathers its RoIs from them
 * (`roiAlign` of `@tubekit/nn` with per-box frame indices). Levels serve an FPN (PCSC), spatial
 * pooling of the clip's maps serves CFAD's temporal proposals, and the neck serves STEP's RoIs.
 *
 * @example
 * const trunk = new Trunk({ channels: 3, seed: 1 });
 * const feats = trunk.backbone(frames);      // frames [T, 112, 112, 3] → strides 4 and 8
 * const neck = trunk.neck(feats);            // [T, 14, 14, 64]
 */
export class Trunk {
  readonly options: Required<TrunkOptions>;
  private readonly scope: string;
  private readonly stem: Conv;
  private readonly c4a: Conv;
  private readonly c4b: Conv;
  private readonly c8: Conv;
  private readonly t8: Conv;
  private readonly n8: Conv;
  private readonly nt: Conv;

  constructor(options: TrunkOptions) {
    this.options = { widths: [16, 32, 64], neckChannels: 64, ...options };
    const { channels, widths, neckChannels: N, seed } = this.options;
    if (!(Number.isInteger(channels) && channels >= 1))
      throw new Error(`Trunk: channels must be a positive integer, got ${channels}`);
    this.scope = variableScope('trunk');
    const rng = createRng(seed);
    const [stem, c4a, c4b, c8, t8] = trunkBackboneConvs({ channels, widths });
    this.stem = this.conv(rng, 'backbone/stem', stem.filterShape);
    this.c4a = this.conv(rng, 'backbone/c4a', c4a.filterShape);
    this.c4b = this.conv(rng, 'backbone/c4b', c4b.filterShape);
    this.c8 = this.conv(rng, 'backbone/c8', c8.filterShape);
    this.t8 = this.conv(rng, 'backbone/t8', t8.filterShape, 0.5);
    const w8 = widths[2];
    this.n8 = this.conv(rng, 'neck/conv', [3, 3, w8, N]);
    this.nt = this.conv(rng, 'neck/temporal', [1, 1, 3 * N, N], 0.5);
  }

  private conv(rng: Rng, name: string, shape: [number, number, number, number], gain = 1): Conv {
    const fanIn = shape[0] * shape[1] * shape[2];
    const size = fanIn * shape[3];
    const w = heNormal(size, fanIn, rng);
    if (gain !== 1) for (let i = 0; i < size; i++) w[i] *= gain;
    return {
      w: createNamedWeight(this.scope, `${name}.weight`, shape, w, { kind: 'conv' }),
      b: createNamedWeight(this.scope, `${name}.bias`, [shape[3]], new Float32Array(shape[3]), {
        kind: 'vector',
      }),
    };
  }

  /** Stride of the neck's output (8). */
  get neckStride(): number {
    return 8;
  }

  /** The backbone's weights (frozen by the heads after pretraining). */
  backboneWeights(): NamedWeight[] {
    return [this.stem, this.c4a, this.c4b, this.c8, this.t8].flatMap((c) => [c.w, c.b]);
  }

  /** The neck's weights (fine-tuned jointly by every step of a head). */
  neckWeights(): NamedWeight[] {
    return [this.n8, this.nt].flatMap((c) => [c.w, c.b]);
  }

  /** All weights, backbone first. */
  weights(): NamedWeight[] {
    return [...this.backboneWeights(), ...this.neckWeights()];
  }

  /**
   * relu(conv(x) + b). With onnxruntime convolutions on (`useOnnxConvolutions` of @tubekit/nn)
   * it is nn's `fusedConv2d`, whose convolutions onnxruntime runs; otherwise tfjs's conv2d, add
   * and relu, so the default (wasm) numbers — and the trunks and models cached with them — stay
   * as they were (the fused kernel rounds differently: ~1e-6 relative).
   */
  private apply(x: tf.Tensor4D, c: Conv, stride: 1 | 2): tf.Tensor4D {
    if (convKernelProviderInstalled())
      return fusedConv2d({
        x,
        filter: c.w.variable as tf.Tensor4D,
        strides: stride,
        pad: 'same',
        bias: c.b.variable as tf.Tensor1D,
        activation: 'relu',
      });
    return tf.relu(
      tf.add(tf.conv2d(x, c.w.variable as tf.Tensor4D, stride, 'same'), c.b.variable),
    ) as tf.Tensor4D;
  }

  /** Residual 3-tap temporal layer: `x + relu(W · [x(t−1), x(t), x(t+1)] + b)`. */
  private temporal(x: tf.Tensor4D, c: Conv, T: number): tf.Tensor4D {
    return tf.add(x, this.apply(temporalTaps(x, T), c, 1)) as tf.Tensor4D;
  }

  /**
   * Backbone features of contiguous frame sequences stacked as `[B·T, H, W, channels]` (values in
   * [0, 1]; centred internally; `sequenceLength` T defaults to all frames): levels of stride 4 and 8.
   * `H` and `W` must be multiples of 8. Call inside `tf.tidy` (or dispose the levels).
   */
  backbone(frames: tf.Tensor4D, sequenceLength?: number): TrunkFeatures {
    const T = sequenceLengthOf(frames.shape[0], sequenceLength, 'Trunk.backbone');
    const [, H, W, ch] = frames.shape;
    if (ch !== this.options.channels)
      throw new Error(
        `Trunk.backbone: frames have ${ch} channels, expected ${this.options.channels}`,
      );
    if (H % 8 !== 0 || W % 8 !== 0)
      throw new Error(`Trunk.backbone: frame size ${W}×${H} must be a multiple of 8`);
    const x = tf.sub(frames, 0.5) as tf.Tensor4D;
    const s2 = this.apply(temporalTaps(x, T), this.stem, 2);
    const s4 = this.apply(this.apply(s2, this.c4a, 2), this.c4b, 1);
    const s8 = this.temporal(this.apply(s4, this.c8, 2), this.t8, T);
    return {
      levels: [
        { stride: 4, tensor: s4 },
        { stride: 8, tensor: s8 },
      ],
    };
  }

  /**
   * The stride-8 backbone features of `frames`, `[S·T, H, W, channels]` row-major (S contiguous
   * sequences of `sequenceLength` T frames, default all; values in [0, 1]), as values
   * `[S·T, H/8, W/8, widths[2]]`, for a frozen backbone: {@link frozenLevels} at stride 8 (a quick
   * 112 px frame stored by `BackboneFeatureBank` in 1.2 ms on onnxruntime instead of 3.5 ms layer
   * by layer).
   */
  frozenBackbone(
    frames: Float32Array,
    size: { height: number; width: number },
    sequenceLength?: number,
  ): Float32Array {
    return this.levelValues('Trunk.frozenBackbone', frames, size, [8], sequenceLength)[0]!;
  }

  /**
   * The backbone's levels at `strides` (in that order) of `frames`, `[S·T, H, W, channels]`
   * row-major (S contiguous sequences of `sequenceLength` T frames, default all; values in
   * [0, 1]), as values `[S·T, H/s, W/s, c_s]` (`c_4 = widths[1]`, `c_8 = widths[2]`), for a frozen
   * backbone: no gradient, no tensor left behind. With onnxruntime convolutions on
   * (`useOnnxConvolutions` of @tubekit/nn) the whole backbone runs as one onnxruntime graph
   * ({@link trunkBackboneGraph} through nn's `runOnnxGraph`); otherwise {@link backbone} on tfjs.
   * The two agree up to float rounding.
   */
  frozenLevels(
    frames: Float32Array,
    size: { height: number; width: number },
    strides: readonly TrunkLevelStride[],
    sequenceLength?: number,
  ): Float32Array[] {
    return this.levelValues('Trunk.frozenLevels', frames, size, strides, sequenceLength);
  }

  /** {@link frozenLevels}, its errors naming `caller`. */
  private levelValues(
    caller: string,
    frames: Float32Array,
    size: { height: number; width: number },
    strides: readonly TrunkLevelStride[],
    sequenceLength?: number,
  ): Float32Array[] {
    const { height: H, width: W } = size;
    const ch = this.options.channels;
    const N = frames.length / (H * W * ch);
    if (!(Number.isInteger(N) && N >= 1))
      throw new Error(`${caller}: ${frames.length} values are not whole frames of ${W}×${H}×${ch}`);
    if (H % 8 !== 0 || W % 8 !== 0)
      throw new Error(`${caller}: frame size ${W}×${H} must be a multiple of 8`);
    if (
      strides.length === 0 ||
      strides.some((s) => s !== 4 && s !== 8) ||
      new Set(strides).size !== strides.length
    )
      throw new RangeError(
        `${caller}: strides ${JSON.stringify(strides)}; expected distinct 4 and/or 8`,
      );
    const T = sequenceLengthOf(N, sequenceLength, caller);
    const [, w4, w8] = this.options.widths;
    const levelShape = (stride: TrunkLevelStride) => [
      N,
      H / stride,
      W / stride,
      stride === 4 ? w4 : w8,
    ];
    if (!convKernelProviderInstalled()) {
      const tensors = tf.tidy(() => {
        const { levels } = this.backbone(tf.tensor4d(frames, [N, H, W, ch]), T);
        return strides.map((stride) => levels.find((l) => l.stride === stride)!.tensor);
      });
      try {
        return tensors.map((t) => t.dataSync() as Float32Array);
      } finally {
        tf.dispose(tensors);
      }
    }
    const shape = { height: H, width: W, channels: ch, widths: this.options.widths };
    const convs: Record<TrunkBackboneConv['name'], Conv> = {
      stem: this.stem,
      c4a: this.c4a,
      c4b: this.c4b,
      c8: this.c8,
      t8: this.t8,
    };
    const weight = (name: string, shape: readonly number[], w: NamedWeight): OrtBridgeInput => ({
      name,
      shape,
      write: (target) => target.set(w.variable.dataSync() as Float32Array),
    });
    return runOnnxGraph(
      `tubekit trunk backbone ${H}x${W}x${ch} widths ${this.options.widths} strides ${strides}`,
      () => trunkBackboneGraph(shape, strides),
      [
        { name: 'x', shape: [N / T, T, H, W, ch], write: (target) => target.set(frames) },
        ...trunkBackboneConvs(shape).flatMap((c) => [
          weight(`${c.name}.w`, c.filterShape, convs[c.name].w),
          weight(`${c.name}.b`, [c.filterShape[3]], convs[c.name].b),
        ]),
      ],
      strides.map((stride) => ({ name: `y${stride}`, shape: levelShape(stride) })),
    );
  }

  /**
   * The neck on the stride-8 level: `[B·T, H/8, W/8, neckChannels]` (same sequences as
   * {@link backbone}). Call inside `tf.tidy`.
   */
  neck(features: TrunkFeatures, sequenceLength?: number): tf.Tensor4D {
    const level = features.levels.find((l) => l.stride === 8);
    if (!level) throw new Error('Trunk.neck: the features have no stride-8 level');
    const T = sequenceLengthOf(level.tensor.shape[0], sequenceLength, 'Trunk.neck');
    return this.temporal(this.apply(level.tensor, this.n8, 1), this.nt, T);
  }

  /**
   * Loads the trunk's weights from a checkpoint written by {@link pretrainTrunk} (or any
   * `Trainer` checkpoint holding `param/<name>` tensors for every trunk weight).
   *
   * With `inputChannels`, the checkpoint is a trunk of another stream with fewer input channels
   * (cross-modality initialisation, as TSN initialises its flow network from RGB weights: Wang et
   * al., "Temporal Segment Networks", ECCV 2016, §3.2): channel `i` of the checkpoint's input goes
   * to channel `inputChannels[i]` of this trunk, in each of the stem's 3 temporal taps, and the
   * stem's weights of every other input channel start at zero. Every other weight is copied, so
   * the loaded trunk computes exactly what the checkpoint's trunk computes on those channels,
   * whatever the others hold; training then learns the new channels. Early fusion's RGB ⊕ flow
   * trunk starts so from the flow trunk (`inputChannels: [3, 4, 5]`).
   */
  load(
    contents: CheckpointContents,
    source = 'checkpoint',
    options: { inputChannels?: readonly number[] } = {},
  ): void {
    const byName = new Map(contents.tensors.map((t) => [t.name, t]));
    const { inputChannels } = options;
    const ch = this.options.channels;
    if (inputChannels) {
      const bad = inputChannels.find(
        (c, i) => !(Number.isInteger(c) && c >= 0 && c < ch) || inputChannels.indexOf(c) !== i,
      );
      if (bad !== undefined || inputChannels.length === 0)
        throw new Error(
          `Trunk.load: inputChannels must be distinct channels in 0…${ch - 1}, got [${inputChannels}]`,
        );
    }
    for (const w of this.weights()) {
      const t = byName.get(`param/trunk/${w.name}`);
      if (!t) throw new Error(`${source}: has no tensor "param/trunk/${w.name}"`);
      const shape = w.variable.shape;
      if (inputChannels && w === this.stem.w) {
        const [kh, kw, cin, cout] = shape as [number, number, number, number];
        const from = inputChannels.length;
        const expected = [kh, kw, 3 * from, cout];
        if (!tf.util.arraysEqual(t.shape, expected))
          throw new Error(
            `${source}: "param/trunk/${w.name}" has shape [${t.shape}], a trunk of ${from} input channels has [${expected}]`,
          );
        const data = new Float32Array(kh * kw * cin * cout);
        for (let k = 0; k < kh * kw; k++)
          for (let tap = 0; tap < 3; tap++)
            inputChannels.forEach((c, i) => {
              const src = (k * 3 * from + tap * from + i) * cout;
              const dst = (k * cin + tap * ch + c) * cout;
              data.set(t.data.subarray(src, src + cout), dst);
            });
        tf.tidy(() => w.variable.assign(tf.tensor(data, shape)));
        continue;
      }
      if (!tf.util.arraysEqual(t.shape, shape))
        throw new Error(
          `${source}: "param/trunk/${w.name}" has shape [${t.shape}], the trunk expects [${shape}]`,
        );
      tf.tidy(() => w.variable.assign(tf.tensor(t.data, t.shape)));
    }
  }

  /** Frees the weights. */
  dispose(): void {
    for (const w of this.weights()) w.variable.dispose();
  }
}
