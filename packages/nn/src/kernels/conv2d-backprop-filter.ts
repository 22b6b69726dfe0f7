import * as tf from '@tensorflow/tfjs-core';
import { gemmWasm, im2colTransposed } from './im2col';
import { type WasmKernelArgs, WasmKernelScope } from './wasm-kernel-scope';

/**
 * `Conv2DBackpropFilter` for the wasm backend (tfjs-backend-wasm 4.22 has none, so `tf.grad` of a
 * `conv2d` fails there). The filter gradient
 * dW[kh,kw,ci,co] = Σ_{b,oh,ow} X_pad[b, kh + oh·sh, kw + ow·sw, ci] · dY[b,oh,ow,co]
 * is one GEMM: the transposed im2col matrix `[KH·KW·Cin, B·OH·OW]` times dY as
 * `[B·OH·OW, Cout]`, run as a 1×1 XNNPACK convolution; a 1×1 stride-1 filter needs no im2col (the
 * channels-first input is the matrix). Measured on the issue-12 trunk this is 1.0–2.5× faster than
 * the former single XNNPACK convolution with dY as its filter (whose inner loop is only B channels
 * deep). NHWC only (tfjs's wasm conv2d is NHWC only too).
 */
export function conv2dBackpropFilterWasm(args: WasmKernelArgs): tf.TensorInfo {
  return filterGradient(args, false);
}

/**
 * The filter and bias gradients of a convolution in one GEMM: the im2col matrix of
 * {@link conv2dBackpropFilterWasm} with a row of ones appended, so the product `[KH·KW·Cin + 1,
 * Cout]` holds dW in its first KH·KW·Cin rows and db = Σ_{b,oh,ow} dY[b,oh,ow,:] in its last row.
 * Replaces the separate bias-gradient `Sum` (which tfjs-wasm runs as a full transpose and an
 * innermost reduction) by 1/(KH·KW·Cin) more GEMM work. Kernel `TubekitConv2DBackpropFilterBias`,
 * inputs `{x, dy}`, attributes those of `Conv2DBackpropFilter`.
 */
export function conv2dBackpropFilterBiasWasm(args: WasmKernelArgs): tf.TensorInfo {
  return filterGradient(args, true);
}

function filterGradient(
  { inputs, backend, attrs }: WasmKernelArgs,
  withBias: boolean,
): tf.TensorInfo {
  const { x, dy } = inputs as { x: tf.TensorInfo; dy: tf.TensorInfo };
  const a = attrs as unknown as tf.Conv2DBackpropFilterAttrs;
  if (a.dataFormat === 'NCHW')
    throw new Error('@tubekit/nn Conv2DBackpropFilter (wasm): only dataFormat NHWC is supported');
  const info = tf.backend_util.computeConv2DInfo(
    x.shape as [number, number, number, number],
    a.filterShape,
    a.strides,
    1,
    a.pad,
    a.dimRoundingMode,
    false,
    'channelsLast',
  );
  const { batchSize, inChannels, outChannels, outHeight, outWidth, filterHeight, filterWidth } =
    info;
  const scope = new WasmKernelScope(backend);
  try {
    // [Cin, B·H·W] (the same as [Cin, B, H, W]): tfjs-wasm's 2-D transpose is 2–4× faster than
    // its rank-4 one for this permutation.
    const pixels = tf.util.sizeFromShape(x.shape) / inChannels;
    const xT = scope.run(
      'Transpose',
      { x: scope.reshape(x, [pixels, inChannels]) },
      { perm: [1, 0] },
    );
    const N = batchSize * outHeight * outWidth;
    const pointwise =
      !withBias &&
      filterHeight === 1 &&
      filterWidth === 1 &&
      info.strideHeight === 1 &&
      info.strideWidth === 1 &&
      info.padInfo.top === 0 &&
      info.padInfo.left === 0;
    const cols = pointwise
      ? scope.reshape(xT, [inChannels, N])
      : im2colTransposed(scope, xT, info, withBias);
    const dW = gemmWasm(scope, cols, scope.reshape(dy, [N, outChannels]));
    const out = withBias
      ? dW
      : scope.reshape(dW, [filterHeight, filterWidth, inChannels, outChannels]);
    scope.dispose(out);
    return out;
  } catch (e) {
    scope.dispose();
    throw e;
  }
}

/** Registration records of {@link conv2dBackpropFilterWasm} and {@link conv2dBackpropFilterBiasWasm}. */
export const conv2dBackpropFilterWasmConfigs: tf.KernelConfig[] = [
  {
    kernelName: 'Conv2DBackpropFilter',
    backendName: 'wasm',
    kernelFunc: conv2dBackpropFilterWasm as unknown as tf.KernelFunc,
  },
  {
    kernelName: 'TubekitConv2DBackpropFilterBias',
    backendName: 'wasm',
    kernelFunc: conv2dBackpropFilterBiasWasm as unknown as tf.KernelFunc,
  },
];
