import * as tf from '@tensorflow/tfjs-core';
import { heapKernel, type WasmKernelArgs } from './wasm-kernel-scope';

type DepthwiseInfo = ReturnType<typeof tf.backend_util.computeConv2DInfo>;

function depthwiseInfo(
  xShape: number[],
  filterShape: number[],
  attrs: tf.DepthwiseConv2dNativeBackpropFilterAttrs | tf.DepthwiseConv2dNativeBackpropInputAttrs,
): DepthwiseInfo {
  return tf.backend_util.computeConv2DInfo(
    xShape as [number, number, number, number],
    filterShape as [number, number, number, number],
    attrs.strides,
    attrs.dilations,
    attrs.pad,
    attrs.dimRoundingMode,
    true,
  );
}

/**
 * Visits every (output pixel, filter tap) pair of an NHWC depthwise convolution whose input pixel is
 * inside the image, with the flat offsets of the input pixel, the output pixel and the filter tap.
 * The one loop nest both depthwise backprops share.
 */
function forEachTap(
  info: DepthwiseInfo,
  visit: (xOff: number, yOff: number, wOff: number) => void,
): void {
  const {
    batchSize,
    inHeight,
    inWidth,
    inChannels,
    outHeight,
    outWidth,
    outChannels,
    filterHeight,
    filterWidth,
  } = info;
  const { strideHeight, strideWidth, dilationHeight, dilationWidth, padInfo } = info;
  for (let b = 0; b < batchSize; b++)
    for (let oh = 0; oh < outHeight; oh++)
      for (let kh = 0; kh < filterHeight; kh++) {
        const ih = oh * strideHeight - padInfo.top + kh * dilationHeight;
        if (ih < 0 || ih >= inHeight) continue;
        for (let ow = 0; ow < outWidth; ow++) {
          const yOff = ((b * outHeight + oh) * outWidth + ow) * outChannels;
          for (let kw = 0; kw < filterWidth; kw++) {
            const iw = ow * strideWidth - padInfo.left + kw * dilationWidth;
            if (iw < 0 || iw >= inWidth) continue;
            visit(
              ((b * inHeight + ih) * inWidth + iw) * inChannels,
              yOff,
              (kh * filterWidth + kw) * outChannels,
            );
          }
        }
      }
}

/**
 * `DepthwiseConv2dNativeBackpropFilter` for the wasm backend (missing in tfjs-backend-wasm 4.22):
 * dW[kh,kw,c,m] = Σ_{b,oh,ow} x[b, oh·s−top+kh·d, ow·s−left+kw·d, c] · dy[b,oh,ow,c·M+m], computed on
 * the wasm heap in float64 accumulators. NHWC, any stride/dilation/padding tfjs accepts.
 */
export function depthwiseBackpropFilterWasm({
  inputs,
  backend,
  attrs,
}: WasmKernelArgs): tf.TensorInfo {
  const { x, dy } = inputs as { x: tf.TensorInfo; dy: tf.TensorInfo };
  const a = attrs as unknown as tf.DepthwiseConv2dNativeBackpropFilterAttrs;
  const info = depthwiseInfo(x.shape, a.filterShape, a);
  const { inChannels, outChannels } = info;
  const mult = outChannels / inChannels;
  const acc = new Float64Array(tf.util.sizeFromShape(a.filterShape));
  return heapKernel(backend, [x, dy], a.filterShape, 'float32', ([xv, dyv], out) => {
    forEachTap(info, (xOff, yOff, wOff) => {
      for (let c = 0; c < inChannels; c++) {
        const xc = xv[xOff + c];
        if (xc === 0) continue;
        const base = c * mult;
        for (let m = 0; m < mult; m++) acc[wOff + base + m] += xc * dyv[yOff + base + m];
      }
    });
    out.set(acc);
  });
}

/**
 * `DepthwiseConv2dNativeBackpropInput` for the wasm backend (missing in tfjs-backend-wasm 4.22):
 * dx[b,ih,iw,c] = Σ_{kh,kw,m} dy[b,oh,ow,c·M+m] · W[kh,kw,c,m] over the output pixels that read (ih,iw).
 */
export function depthwiseBackpropInputWasm({
  inputs,
  backend,
  attrs,
}: WasmKernelArgs): tf.TensorInfo {
  const { dy, filter } = inputs as { dy: tf.TensorInfo; filter: tf.TensorInfo };
  const a = attrs as unknown as tf.DepthwiseConv2dNativeBackpropInputAttrs;
  const info = depthwiseInfo(a.inputShape, filter.shape, a);
  const { inChannels, outChannels } = info;
  const mult = outChannels / inChannels;
  const acc = new Float64Array(tf.util.sizeFromShape(a.inputShape));
  return heapKernel(backend, [dy, filter], a.inputShape, 'float32', ([dyv, wv], out) => {
    forEachTap(info, (xOff, yOff, wOff) => {
      for (let c = 0; c < inChannels; c++) {
        const base = c * mult;
        let s = 0;
        for (let m = 0; m < mult; m++) s += dyv[yOff + base + m] * wv[wOff + base + m];
        acc[xOff + c] += s;
      }
    });
    out.set(acc);
  });
}

/** Registration records of the two depthwise backprop kernels. */
export const depthwiseBackpropWasmConfigs: tf.KernelConfig[] = [
  {
    kernelName: 'DepthwiseConv2dNativeBackpropFilter',
    backendName: 'wasm',
    kernelFunc: depthwiseBackpropFilterWasm as unknown as tf.KernelFunc,
  },
  {
    kernelName: 'DepthwiseConv2dNativeBackpropInput',
    backendName: 'wasm',
    kernelFunc: depthwiseBackpropInputWasm as unknown as tf.KernelFunc,
  },
];
