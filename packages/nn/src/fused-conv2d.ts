import * as tf from '@tensorflow/tfjs-core';

/** Options of {@link fusedConv2d} (those of `tf.fused.conv2d` that it supports). */
export interface FusedConv2dOptions {
  /** Input `[B, H, W, Cin]` (NHWC). */
  x: tf.Tensor4D;
  /** Filter `[KH, KW, Cin, Cout]`. */
  filter: tf.Tensor4D;
  /** Strides [height, width] or one number for both (default 1). */
  strides?: number | [number, number];
  /** tfjs padding: `'same'`, `'valid'`, one number, or explicit `[[0,0],[t,b],[l,r],[0,0]]`. */
  pad: 'same' | 'valid' | number | tf.backend_util.ExplicitPadding;
  /** Per-output-channel bias `[Cout]`, added before the activation. */
  bias?: tf.Tensor1D;
  /** `'relu'`: max(0, ·) after the bias (default `'linear'`). */
  activation?: 'linear' | 'relu';
}

/** The kernel name of {@link fusedConv2d}'s forward pass (registered for cpu and wasm). */
export const FUSED_CONV2D_KERNEL = 'TubekitFusedConv2D';
/** Filter and bias gradients in one GEMM (wasm, see `conv2dBackpropFilterBiasWasm`). */
export const FILTER_BIAS_GRAD_KERNEL = 'TubekitConv2DBackpropFilterBias';

interface FusedAttrs {
  strides: [number, number];
  pad: FusedConv2dOptions['pad'];
  activation: 'linear' | 'relu';
  hasBias: boolean;
}

/**
 * Kernels, registered on the cpu and wasm backends, that run {@link fusedConv2d}'s convolutions in
 * place of the backend's own (`useOnnxConvolutions` installs onnxruntime's). Each takes the inputs
 * and attributes of the kernel it replaces.
 */
export interface ConvKernelProvider {
  /**
   * Whether the provider runs this operation (forward, dX, or dW with db) of a convolution of this
   * geometry (else the backend's kernel does).
   */
  handles(conv: tf.backend_util.Conv2DInfo, op: ConvOp): boolean;
  /** Forward: inputs `{x, filter, bias?}`, attributes `{strides, pad, activation, hasBias}`. */
  forward: string;
  /** dX: inputs `{dy, filter}`, attributes those of `Conv2DBackpropInput`. */
  inputGrad: string;
  /**
   * dW and db: inputs `{x, dy}`, attributes those of `Conv2DBackpropFilter`; output
   * `[KH·KW·Cin + 1, Cout]`, dW's rows then db (the layout of `TubekitConv2DBackpropFilterBias`).
   */
  filterBiasGrad: string;
}

/** The operations of a convolution that a {@link ConvKernelProvider} may take. */
export type ConvOp = 'forward' | 'inputGrad' | 'filterBiasGrad';

let provider: ConvKernelProvider | undefined;

/** Installs (or, with `undefined`, removes) the {@link ConvKernelProvider} of {@link fusedConv2d}. */
export function setConvKernelProvider(next: ConvKernelProvider | undefined): void {
  provider = next;
}

/**
 * Whether a {@link ConvKernelProvider} is installed (`useOnnxConvolutions`): code whose
 * convolutions are plain tfjs ops can route them through {@link fusedConv2d} only then, keeping
 * its numbers unchanged otherwise.
 */
export function convKernelProviderInstalled(): boolean {
  return provider !== undefined;
}

/** The provider that runs a convolution of these shapes, if one is installed and takes it. */
function providerFor(
  xShape: number[],
  filterShape: number[],
  a: FusedAttrs,
  op: ConvOp,
): ConvKernelProvider | undefined {
  if (!provider) return undefined;
  const info = tf.backend_util.computeConv2DInfo(
    xShape as [number, number, number, number],
    filterShape as [number, number, number, number],
    a.strides,
    1,
    a.pad,
    undefined,
    false,
    'channelsLast',
  );
  return provider.handles(info, op) ? provider : undefined;
}

/**
 * The forward kernel, on every backend that has tfjs's `FusedConv2D`: that kernel (bias and ReLU
 * applied by the convolution itself, e.g. in XNNPACK's output clamp) under a name whose gradient is
 * {@link fusedConv2dGradConfig}.
 */
function fusedConv2dKernel(backendName: string): tf.KernelConfig {
  return {
    kernelName: FUSED_CONV2D_KERNEL,
    backendName,
    kernelFunc: (args) => {
      const a = args.attrs as unknown as FusedAttrs;
      const { x, filter } = args.inputs as { x: tf.TensorInfo; filter: tf.TensorInfo };
      const other = providerFor(x.shape, filter.shape, a, 'forward');
      const kernel = tf.getKernel(other ? other.forward : 'FusedConv2D', backendName);
      if (!kernel)
        throw new Error(
          `@tubekit/nn fusedConv2d: ${backendName} has no ${other?.forward ?? 'FusedConv2D'}`,
        );
      if (other) return kernel.kernelFunc(args);
      return kernel.kernelFunc({
        ...args,
        attrs: {
          strides: a.strides,
          pad: a.pad,
          activation: a.activation,
          dataFormat: 'NHWC',
          dilations: [1, 1],
          dimRoundingMode: undefined,
          leakyreluAlpha: 0,
        } as unknown as tf.NamedAttrMap,
      });
    },
  };
}

/** {@link fusedConv2d}'s forward kernels for the cpu and wasm backends. */
export const fusedConv2dKernelConfigs: tf.KernelConfig[] = [
  fusedConv2dKernel('cpu'),
  fusedConv2dKernel('wasm'),
];

/**
 * Gradient of {@link fusedConv2d}: dYₐ = dY ⊙ [y > 0] for ReLU (y is the saved output), then
 * dX = Conv2DBackpropInput(dYₐ, W) only when the input needs a gradient, and dW, db together: on
 * a backend with `TubekitConv2DBackpropFilterBias` (wasm) one GEMM gives both, computed once when
 * the gradient is taken (freed with the other intermediates of `tf.grads`); elsewhere
 * `Conv2DBackpropFilter` and a sum over [B, H, W]. With a {@link ConvKernelProvider} that takes
 * the geometry, its kernels compute dX and (dW, db).
 */
export const fusedConv2dGradConfig: tf.GradConfig = {
  kernelName: FUSED_CONV2D_KERNEL,
  inputsToSave: ['x', 'filter'],
  outputsToSave: [true],
  gradFunc: (dy, saved, attrs) => {
    const [x, filter, y] = saved as [tf.Tensor4D, tf.Tensor4D, tf.Tensor4D];
    const a = attrs as unknown as FusedAttrs;
    const dY = dy as tf.Tensor4D;
    const dYa = a.activation === 'relu' ? tf.mul(dY, tf.step(y)) : dY;
    const conv = { strides: a.strides, pad: a.pad, dataFormat: 'NHWC', dimRoundingMode: undefined };
    const engine = tf.engine();
    const forX = providerFor(x.shape, filter.shape, a, 'inputGrad');
    const other = providerFor(x.shape, filter.shape, a, 'filterBiasGrad');
    const grads: Record<string, () => tf.Tensor> = {
      x: () =>
        engine.runKernel(forX ? forX.inputGrad : 'Conv2DBackpropInput', { dy: dYa, filter }, {
          ...conv,
          inputShape: x.shape,
        } as unknown as tf.NamedAttrMap) as tf.Tensor,
    };
    const filterAttrs = { ...conv, filterShape: filter.shape } as unknown as tf.NamedAttrMap;
    if (other || (a.hasBias && tf.getKernel(FILTER_BIAS_GRAD_KERNEL, tf.getBackend()))) {
      const both = engine.runKernel(
        other ? other.filterBiasGrad : FILTER_BIAS_GRAD_KERNEL,
        { x, dy: dYa },
        filterAttrs,
      ) as tf.Tensor2D;
      const [rows, cout] = both.shape;
      grads.filter = () => tf.reshape(tf.slice(both, [0, 0], [rows - 1, cout]), filter.shape);
      grads.bias = () => tf.reshape(tf.slice(both, [rows - 1, 0], [1, cout]), [cout]);
    } else {
      grads.filter = () =>
        engine.runKernel('Conv2DBackpropFilter', { x, dy: dYa }, filterAttrs) as tf.Tensor;
      grads.bias = () => tf.sum(dYa, [0, 1, 2]);
    }
    return grads;
  },
};

/** Registers {@link fusedConv2dGradConfig} unless it is the registered gradient already. */
export function registerFusedConv2dGradient(): boolean {
  if (tf.getGradient(FUSED_CONV2D_KERNEL) === fusedConv2dGradConfig) return false;
  tf.registerGradient(fusedConv2dGradConfig);
  return true;
}

/**
 * 2-D convolution + bias + ReLU whose forward pass stays fused while training. `tf.fused.conv2d`
 * unfuses as soon as gradients are recorded (a convolution, a broadcast `Add` and a `Relu`, then
 * their three gradients, the bias one a transpose and a sum on wasm); this op runs tfjs's
 * `FusedConv2D` kernel in both cases and has its own gradient (`fusedConv2dGradConfig`): the ReLU
 * mask once, dX only when needed, and on wasm dW and db as one GEMM (the im2col matrix with a row of
 * ones; Chellapilla et al. 2006). Dilation is 1 and the layout NHWC. On a backend without the
 * registered kernel (not cpu or wasm) it is `tf.fused.conv2d`.
 *
 * @example
 * ```ts
 * const y = fusedConv2d({ x, filter: w, strides: 2, pad: 'same', bias: b, activation: 'relu' });
 * ```
 */
export function fusedConv2d(options: FusedConv2dOptions): tf.Tensor4D {
  const { x, filter, bias } = options;
  const strides: [number, number] =
    typeof options.strides === 'number'
      ? [options.strides, options.strides]
      : (options.strides ?? [1, 1]);
  const activation = options.activation ?? 'linear';
  const cout = filter.shape[3];
  if (bias && (bias.rank !== 1 || bias.shape[0] !== cout))
    throw new Error(`fusedConv2d: bias must have shape [${cout}], got [${bias.shape}]`);
  if (!tf.getKernel(FUSED_CONV2D_KERNEL, tf.getBackend()))
    return tf.fused.conv2d({ x, filter, strides, pad: options.pad, bias, activation });
  const inputs: tf.NamedTensorMap = bias ? { x, filter, bias } : { x, filter };
  return tf.engine().runKernel(FUSED_CONV2D_KERNEL, inputs, {
    strides,
    pad: options.pad,
    activation,
    hasBias: bias !== undefined,
  } as unknown as tf.NamedAttrMap) as tf.Tensor4D;
}
