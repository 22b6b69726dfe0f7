import {
  conv3d,
  createNamedWeight,
  float32RawTensor,
  fusedConv2d,
  heNormal,
  type NamedWeight,
  type RawTensor,
  type Rng,
  tf,
} from '@tubekit/nn';
import type { FeatureMapSize } from './backbone';
import type { OnnxNodeSpec } from './onnx-model';
import { weightToRawTensor } from './weight-io';

/**
 * The building blocks shared by every tfjs backbone here (plain VGG-style nets, I3D): a unit that
 * maps a feature map to a feature map, knows its output size and its FLOPs, and owns its weights.
 * `dims` 2 works on `[N, H, W, C]` (frames = 1), `dims` 3 on `[N, T, H, W, C]`.
 */
export interface Module {
  readonly weights: readonly NamedWeight[];
  forward(x: tf.Tensor): tf.Tensor;
  outputSize(input: FeatureMapSize): FeatureMapSize;
  /** 2 × multiply-accumulates for one sample. */
  flops(input: FeatureMapSize): number;
  /**
   * Appends this module's ONNX nodes (channels-first tensors, `NCHW` / `NCTHW`) reading tensor
   * `input`; returns the name of its output tensor.
   */
  toOnnx(graph: OnnxGraphBuilder, input: string): string;
}

/** Collects nodes and initializers while a backbone is written as an ONNX graph. */
export class OnnxGraphBuilder {
  readonly nodes: OnnxNodeSpec[] = [];
  readonly initializers: RawTensor[] = [];
  private counter = 0;

  /** A fresh tensor name starting with `base`. */
  fresh(base: string): string {
    this.counter += 1;
    return `${base}:${this.counter}`;
  }

  /** Adds a node with one output and returns the output name. */
  node(
    opType: string,
    inputs: string[],
    attributes: OnnxNodeSpec['attributes'] = {},
    base = opType,
  ): string {
    const out = this.fresh(base);
    this.nodes.push({ opType, inputs, outputs: [out], name: out, attributes });
    return out;
  }

  /** Adds a weight as an initializer (kernels converted to channels-first) and returns its name. */
  weight(w: NamedWeight): string {
    this.initializers.push(weightToRawTensor(w, 'channels-first'));
    return w.name;
  }

  /** Adds a constant float vector initializer. */
  constant(base: string, values: Float32Array): string {
    const name = this.fresh(base);
    this.initializers.push(float32RawTensor(name, [values.length], values));
    return name;
  }
}

function makeWeight(
  scope: string,
  name: string,
  shape: number[],
  values: Float32Array,
  trainable: boolean,
  kind: NamedWeight['kind'],
): NamedWeight {
  return createNamedWeight(scope, name, shape, values, { trainable, kind });
}

/** Normalises a kernel / stride given per axis for `dims` spatial(-temporal) axes. */
function perAxis(v: readonly number[], dims: 2 | 3, what: string): number[] {
  if (v.length !== dims)
    throw new Error(`${what} must have ${dims} entries, got [${v.join(', ')}]`);
  return [...v];
}

/** `[frames, height, width]` of a size for `dims` (frames ignored in 2-D). */
function axesOf(s: FeatureMapSize, dims: 2 | 3): number[] {
  return dims === 3 ? [s.frames, s.height, s.width] : [s.height, s.width];
}

function sizeFrom(axes: number[], dims: 2 | 3, channels: number): FeatureMapSize {
  return dims === 3
    ? { frames: axes[0] as number, height: axes[1] as number, width: axes[2] as number, channels }
    : { frames: 1, height: axes[0] as number, width: axes[1] as number, channels };
}

/** Options of {@link ConvUnit}. */
export interface ConvUnitOptions {
  readonly dims: 2 | 3;
  readonly inChannels: number;
  readonly outChannels: number;
  /** Kernel per axis: `[kH, kW]` or `[kT, kH, kW]`. */
  readonly kernel: readonly number[];
  /** Stride per axis (default 1). */
  readonly stride?: readonly number[];
  /** Name of the kernel/bias weights: `${convName}.weight`, `${convName}.bias`. */
  readonly convName: string;
  /** Adds a bias (default `true` without batch norm). */
  readonly bias: boolean;
  /**
   * Frozen batch normalisation after the convolution (running statistics, as detection
   * backbones are fine-tuned — detectron2's FrozenBatchNorm2d): weights `${name}.weight` (γ,
   * only with `scale`), `${name}.bias` (β), `${name}.running_mean`, `${name}.running_var`.
   */
  readonly batchNorm?: { readonly name: string; readonly epsilon: number; readonly scale: boolean };
  /** Apply ReLU at the end (default true). */
  readonly relu?: boolean;
  /** Kernel initialisation (default `'he-normal'`); see {@link WeightInit}. */
  readonly init?: WeightInit;
}

/**
 * How new weights start: `'he-normal'` draws kernels from N(0, 2 / fan_in) (He et al. 2015)
 * with the seeded generator; `'zeros'` allocates zeros without drawing — for weights that are
 * about to be replaced by `importWeights` (saves seconds on VGG16/I3D). Biases and batch-norm
 * β / running mean start at 0, γ / running variance at 1 either way.
 */
export type WeightInit = 'he-normal' | 'zeros';

/**
 * Convolution ('same' padding, TensorFlow convention: for even inputs with stride 2 the extra
 * padding goes to the bottom/right) + optional bias + optional frozen batch norm + ReLU.
 * 3-D convolutions use @tubekit/nn's `conv3d` (a sum of 2-D convolutions over the temporal
 * kernel, fast and differentiable on wasm); 2-D ones @tubekit/nn's `fusedConv2d` (fused in training too).
 * Weights are He-initialised (normal, σ = √(2 / fan_in)) from the given generator.
 */
export class ConvUnit implements Module {
  readonly weights: NamedWeight[] = [];
  private readonly kernel: NamedWeight;
  private readonly biasW?: NamedWeight;
  private readonly bn?: {
    gamma?: NamedWeight;
    beta: NamedWeight;
    mean: NamedWeight;
    variance: NamedWeight;
    epsilon: number;
  };
  private readonly stride: number[];
  private readonly kernelSize: number[];

  constructor(
    readonly options: ConvUnitOptions,
    scope: string,
    rng: Rng,
  ) {
    const { dims, inChannels, outChannels } = options;
    this.kernelSize = perAxis(options.kernel, dims, `${options.convName}: kernel`);
    this.stride = perAxis(
      options.stride ?? new Array(dims).fill(1),
      dims,
      `${options.convName}: stride`,
    );
    const fanIn = this.kernelSize.reduce((a, b) => a * b, 1) * inChannels;
    const shape = [...this.kernelSize, inChannels, outChannels];
    const n = fanIn * outChannels;
    const values = new Float32Array(n);
    if ((options.init ?? 'he-normal') === 'he-normal') values.set(heNormal(n, fanIn, rng));
    this.kernel = makeWeight(scope, `${options.convName}.weight`, shape, values, true, 'conv');
    this.weights.push(this.kernel);
    if (options.bias) {
      this.biasW = makeWeight(
        scope,
        `${options.convName}.bias`,
        [outChannels],
        new Float32Array(outChannels),
        true,
        'vector',
      );
      this.weights.push(this.biasW);
    }
    if (options.batchNorm) {
      const b = options.batchNorm.name;
      const vec = (suffix: string, fill: number, trainable: boolean) =>
        makeWeight(
          scope,
          `${b}.${suffix}`,
          [outChannels],
          new Float32Array(outChannels).fill(fill),
          trainable,
          'vector',
        );
      const gamma = options.batchNorm.scale ? vec('weight', 1, true) : undefined;
      const beta = vec('bias', 0, true);
      const mean = vec('running_mean', 0, false);
      const variance = vec('running_var', 1, false);
      this.bn = { gamma, beta, mean, variance, epsilon: options.batchNorm.epsilon };
      if (gamma) this.weights.push(gamma);
      this.weights.push(beta, mean, variance);
    }
  }

  forward(x: tf.Tensor): tf.Tensor {
    return tf.tidy(() => {
      const { dims } = this.options;
      const relu = this.options.relu ?? true;
      let y: tf.Tensor;
      if (dims === 2 && !this.bn) {
        y = fusedConv2d({
          x: x as tf.Tensor4D,
          filter: this.kernel.variable as tf.Tensor4D,
          strides: this.stride as [number, number],
          pad: 'same',
          bias: this.biasW?.variable as tf.Tensor1D | undefined,
          activation: relu ? 'relu' : 'linear',
        });
        return y;
      }
      y =
        dims === 2
          ? tf.conv2d(
              x as tf.Tensor4D,
              this.kernel.variable as tf.Tensor4D,
              this.stride as [number, number],
              'same',
            )
          : conv3d(x as tf.Tensor5D, this.kernel.variable as tf.Tensor5D, {
              strides: this.stride as [number, number, number],
              pad: 'same',
            });
      if (this.biasW) y = tf.add(y, this.biasW.variable);
      if (this.bn) {
        const inv = tf.rsqrt(tf.add(this.bn.variance.variable, this.bn.epsilon));
        const scale = this.bn.gamma ? tf.mul(inv, this.bn.gamma.variable) : inv;
        const shift = tf.sub(this.bn.beta.variable, tf.mul(this.bn.mean.variable, scale));
        y = tf.add(tf.mul(y, scale), shift);
      }
      return relu ? tf.relu(y) : y;
    });
  }

  outputSize(input: FeatureMapSize): FeatureMapSize {
    this.checkChannels(input);
    const axes = axesOf(input, this.options.dims).map((a, i) =>
      Math.ceil(a / (this.stride[i] as number)),
    );
    return sizeFrom(axes, this.options.dims, this.options.outChannels);
  }

  flops(input: FeatureMapSize): number {
    const out = this.outputSize(input);
    const cells = axesOf(out, this.options.dims).reduce((a, b) => a * b, 1);
    const k = this.kernelSize.reduce((a, b) => a * b, 1);
    return 2 * cells * out.channels * k * this.options.inChannels;
  }

  toOnnx(graph: OnnxGraphBuilder, input: string): string {
    const inputs = [input, graph.weight(this.kernel)];
    if (this.biasW) inputs.push(graph.weight(this.biasW));
    let y = graph.node(
      'Conv',
      inputs,
      {
        kernel_shape: { ints: this.kernelSize },
        strides: { ints: this.stride },
        auto_pad: { string: 'SAME_UPPER' },
      },
      this.options.convName,
    );
    if (this.bn) {
      const c = this.options.outChannels;
      const gamma = this.bn.gamma
        ? graph.weight(this.bn.gamma)
        : graph.constant('ones', new Float32Array(c).fill(1));
      y = graph.node(
        'BatchNormalization',
        [
          y,
          gamma,
          graph.weight(this.bn.beta),
          graph.weight(this.bn.mean),
          graph.weight(this.bn.variance),
        ],
        { epsilon: { float: this.bn.epsilon } },
        this.options.batchNorm?.name,
      );
    }
    return (this.options.relu ?? true) ? graph.node('Relu', [y]) : y;
  }

  private checkChannels(input: FeatureMapSize): void {
    if (input.channels !== this.options.inChannels) {
      throw new Error(
        `${this.options.convName}: expects ${this.options.inChannels} input channels, got ${input.channels}`,
      );
    }
  }
}

/** Options of {@link MaxPool}. */
export interface MaxPoolOptions {
  readonly dims: 2 | 3;
  readonly kernel: readonly number[];
  readonly stride: readonly number[];
  /**
   * `'valid'`: floor((in − k) / s) + 1 outputs (torchvision's VGG `MaxPool2d(2, 2)`);
   * `'same'`: ⌈in / s⌉ outputs, padding ignored by the max (TensorFlow `SAME`, as I3D).
   */
  readonly padding: 'same' | 'valid';
}

/** Max pooling over the spatial (and temporal) axes. */
export class MaxPool implements Module {
  readonly weights: NamedWeight[] = [];
  constructor(readonly options: MaxPoolOptions) {
    perAxis(options.kernel, options.dims, 'max-pool kernel');
    perAxis(options.stride, options.dims, 'max-pool stride');
  }

  /**
   * 3-D pooling runs as a spatial 2-D max pool over every frame followed by a temporal one (max
   * over a box is separable and SAME padding is per axis, so the result is identical): tfjs-wasm
   * 4.22's `MaxPool3D` starts its running maximum at FLT_MIN instead of −∞ and returns ≈0 for
   * windows of negative values; its 2-D `MaxPool` is correct and has a gradient on every backend.
   */
  forward(x: tf.Tensor): tf.Tensor {
    const { dims, kernel, stride, padding } = this.options;
    if (dims === 2) {
      return tf.maxPool(
        x as tf.Tensor4D,
        kernel as [number, number],
        stride as [number, number],
        padding,
      );
    }
    return tf.tidy(() => {
      const [kt, kh, kw] = kernel as [number, number, number];
      const [st, sh, sw] = stride as [number, number, number];
      const [n, t, h0, w0, c] = x.shape as [number, number, number, number, number];
      let y = x;
      let h = h0;
      let w = w0;
      if (kh > 1 || kw > 1 || sh > 1 || sw > 1) {
        const spatial = tf.maxPool(
          tf.reshape(y, [n * t, h, w, c]) as tf.Tensor4D,
          [kh, kw],
          [sh, sw],
          padding,
        );
        h = spatial.shape[1];
        w = spatial.shape[2];
        y = tf.reshape(spatial, [n, t, h, w, c]);
      }
      if (kt > 1 || st > 1) {
        const temporal = tf.maxPool(
          tf.reshape(y, [n, t, h * w, c]) as tf.Tensor4D,
          [kt, 1],
          [st, 1],
          padding,
        );
        y = tf.reshape(temporal, [n, temporal.shape[1], h, w, c]);
      }
      return y;
    });
  }

  outputSize(input: FeatureMapSize): FeatureMapSize {
    const { dims, kernel, stride, padding } = this.options;
    const axes = axesOf(input, dims).map((a, i) => {
      const k = kernel[i] as number;
      const s = stride[i] as number;
      return padding === 'same' ? Math.ceil(a / s) : Math.floor((a - k) / s) + 1;
    });
    if (axes.some((a) => a < 1)) {
      throw new Error(
        `max pool ${kernel.join('×')} leaves an empty map from ${JSON.stringify(input)}`,
      );
    }
    return sizeFrom(axes, dims, input.channels);
  }

  flops(): number {
    return 0;
  }

  toOnnx(graph: OnnxGraphBuilder, input: string): string {
    const { kernel, stride, padding } = this.options;
    return graph.node('MaxPool', [input], {
      kernel_shape: { ints: kernel },
      strides: { ints: stride },
      auto_pad: { string: padding === 'same' ? 'SAME_UPPER' : 'VALID' },
    });
  }
}

/** Widths of an Inception-v1 block: `[b0, b1a, b1b, b2a, b2b, b3b]` (GoogLeNet Table 1 order). */
export type InceptionWidths = readonly [number, number, number, number, number, number];

/**
 * Inflated Inception-v1 block (I3D, Carreira & Zisserman 2017, Fig. 3): four branches —
 * 1×1×1; 1×1×1 → 3×3×3; 1×1×1 → 3×3×3; 3×3×3 max-pool (stride 1, SAME) → 1×1×1 —
 * concatenated on channels. Each conv is conv (no bias) + frozen BN + ReLU, named like
 * pytorch-i3d: `${name}.b0`, `.b1a`, `.b1b`, `.b2a`, `.b2b`, `.b3b`.
 */
export class InceptionBlock implements Module {
  readonly weights: NamedWeight[] = [];
  private readonly units: Record<'b0' | 'b1a' | 'b1b' | 'b2a' | 'b2b' | 'b3b', ConvUnit>;
  private readonly pool = new MaxPool({
    dims: 3,
    kernel: [3, 3, 3],
    stride: [1, 1, 1],
    padding: 'same',
  });
  readonly outChannels: number;

  constructor(
    name: string,
    readonly inChannels: number,
    widths: InceptionWidths,
    batchNorm: { epsilon: number; scale: boolean },
    scope: string,
    rng: Rng,
    init: WeightInit,
  ) {
    const [c0, c1a, c1b, c2a, c2b, c3b] = widths;
    const unit = (branch: string, cin: number, cout: number, k: number) =>
      new ConvUnit(
        {
          dims: 3,
          inChannels: cin,
          outChannels: cout,
          kernel: [k, k, k],
          convName: `${name}.${branch}.conv3d`,
          bias: false,
          batchNorm: { name: `${name}.${branch}.bn`, ...batchNorm },
          init,
        },
        scope,
        rng,
      );
    this.units = {
      b0: unit('b0', inChannels, c0, 1),
      b1a: unit('b1a', inChannels, c1a, 1),
      b1b: unit('b1b', c1a, c1b, 3),
      b2a: unit('b2a', inChannels, c2a, 1),
      b2b: unit('b2b', c2a, c2b, 3),
      b3b: unit('b3b', inChannels, c3b, 1),
    };
    for (const u of Object.values(this.units)) this.weights.push(...u.weights);
    this.outChannels = c0 + c1b + c2b + c3b;
  }

  forward(x: tf.Tensor): tf.Tensor {
    return tf.tidy(() => {
      const u = this.units;
      const b0 = u.b0.forward(x);
      const b1 = u.b1b.forward(u.b1a.forward(x));
      const b2 = u.b2b.forward(u.b2a.forward(x));
      const b3 = u.b3b.forward(this.pool.forward(x));
      return tf.concat([b0, b1, b2, b3], -1);
    });
  }

  toOnnx(graph: OnnxGraphBuilder, input: string): string {
    const u = this.units;
    const b0 = u.b0.toOnnx(graph, input);
    const b1 = u.b1b.toOnnx(graph, u.b1a.toOnnx(graph, input));
    const b2 = u.b2b.toOnnx(graph, u.b2a.toOnnx(graph, input));
    const b3 = u.b3b.toOnnx(graph, this.pool.toOnnx(graph, input));
    return graph.node('Concat', [b0, b1, b2, b3], { axis: { int: 1 } });
  }

  outputSize(input: FeatureMapSize): FeatureMapSize {
    if (input.channels !== this.inChannels) {
      throw new Error(`inception block expects ${this.inChannels} channels, got ${input.channels}`);
    }
    return { ...input, channels: this.outChannels };
  }

  flops(input: FeatureMapSize): number {
    const u = this.units;
    return (
      u.b0.flops(input) +
      u.b1a.flops(input) +
      u.b1b.flops(u.b1a.outputSize(input)) +
      u.b2a.flops(input) +
      u.b2b.flops(u.b2a.outputSize(input)) +
      u.b3b.flops(input)
    );
  }
}
