import * as tf from '@tensorflow/tfjs';
import { type WasmKernelArgs, WasmKernelScope } from './wasm-kernel-scope';

/**
 * `Conv2DBackpropFilter` for the wasm backend (tfjs-backend-wasm 4.22 has none, so `tf.grad` of a
 * `conv2d` fails there). The filter gradient
 * dW[kh,kw,ci,co] = Σ_{b,oh,ow} X_pad[b, kh + oh·sh, kw + ow·sw, ci] · dY[b,oh,ow,co]
 * is itself a valid convolution — input X as `[Cin, H, W, B]`, filter dY as `[OH, OW, B, Cout]`
 * dilated by the stride — so it runs as one XNNPACK `Conv2D` between two transposes, on the wasm
 * backend's own kernels. NHWC only (tfjs's wasm conv2d is NHWC only too).
 */
export function conv2dBackpropFilterWasm({
  inputs,
  backend,
  attrs,
}: WasmKernelArgs): tf.TensorInfo {
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
  const { strideHeight: sh, strideWidth: sw, padInfo } = info;
  const scope = new WasmKernelScope(backend);
  try {
    // Exactly the rows/columns the taps read: (OH − 1)·sh + KH from the padded top.
    const rows = (outHeight - 1) * sh + filterHeight;
    const cols = (outWidth - 1) * sw + filterWidth;
    const bottom = rows - padInfo.top - info.inHeight;
    const right = cols - padInfo.left - info.inWidth;
    let src = x;
    if (bottom < 0 || right < 0)
      src = scope.run(
        'Slice',
        { x },
        {
          begin: [0, 0, 0, 0],
          size: [
            batchSize,
            info.inHeight + Math.min(0, bottom),
            info.inWidth + Math.min(0, right),
            inChannels,
          ],
        },
      );
    if (padInfo.top > 0 || padInfo.left > 0 || bottom > 0 || right > 0)
      src = scope.run(
        'PadV2',
        { x: src },
        {
          paddings: [
            [0, 0],
            [padInfo.top, Math.max(0, bottom)],
            [padInfo.left, Math.max(0, right)],
            [0, 0],
          ],
          constantValue: 0,
        },
      );
    // dW[kh,kw,ci,co] = Σ_{b,oh,ow} X[b, kh + oh·sh, kw + ow·sw, ci] · dY[b,oh,ow,co] is a valid
    // convolution of X as [Cin, rows, cols, B] with dY as a [OH, OW, B, Cout] filter dilated by the
    // stride: one XNNPACK convolution, output [Cin, KH, KW, Cout].
    const xT = scope.run('Transpose', { x: src }, { perm: [3, 1, 2, 0] });
    const dyT = scope.run('Transpose', { x: dy }, { perm: [1, 2, 0, 3] });
    const conv = scope.run('Conv2D', { x: xT, filter: dyT }, {
      strides: [1, 1],
      pad: 'valid',
      dataFormat: 'NHWC',
      dilations: [sh, sw],
      dimRoundingMode: undefined,
    } as unknown as tf.NamedAttrMap);
    const out = scope.run('Transpose', { x: conv }, { perm: [1, 2, 0, 3] });
    if (!tf.util.arraysEqual(out.shape, [filterHeight, filterWidth, inChannels, outChannels]))
      throw new Error(
        `@tubekit/nn Conv2DBackpropFilter (wasm): internal shape [${out.shape}] ≠ [${a.filterShape}]`,
      );
    scope.dispose(out);
    return out;
  } catch (e) {
    scope.dispose();
    throw e;
  }
}

/** Registration record of {@link conv2dBackpropFilterWasm}. */
export const conv2dBackpropFilterWasmConfig: tf.KernelConfig = {
  kernelName: 'Conv2DBackpropFilter',
  backendName: 'wasm',
  kernelFunc: conv2dBackpropFilterWasm as unknown as tf.KernelFunc,
};
