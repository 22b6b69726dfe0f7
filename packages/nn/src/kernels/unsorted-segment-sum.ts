import * as tf from '@tensorflow/tfjs-core';
import { heapKernel, type WasmKernelArgs } from './wasm-kernel-scope';

/**
 * `UnsortedSegmentSum` for the wasm backend (missing in tfjs-backend-wasm 4.22; it is the gradient
 * of `tf.gather`, so RoI align by gather needs it): out[s, …] = Σ_{i: ids[i] = s} x[i, …], with
 * `segmentIds` shaped like a prefix of `x`'s shape (TensorFlow semantics). Ids outside
 * [0, numSegments) are dropped, as in TensorFlow.
 */
export function unsortedSegmentSumWasm({ inputs, backend, attrs }: WasmKernelArgs): tf.TensorInfo {
  const { x, segmentIds } = inputs as { x: tf.TensorInfo; segmentIds: tf.TensorInfo };
  const { numSegments } = attrs as unknown as tf.UnsortedSegmentSumAttrs;
  const idRank = segmentIds.shape.length;
  for (let d = 0; d < idRank; d++)
    if (segmentIds.shape[d] !== x.shape[d])
      throw new Error(
        `@tubekit/nn UnsortedSegmentSum: segmentIds shape [${segmentIds.shape}] is not a prefix of x shape [${x.shape}]`,
      );
  const rest = x.shape.slice(idRank);
  const inner = tf.util.sizeFromShape(rest);
  const count = tf.util.sizeFromShape(segmentIds.shape);
  return heapKernel(backend, [x, segmentIds], [numSegments, ...rest], x.dtype, ([xv, ids], out) => {
    for (let i = 0; i < count; i++) {
      const s = ids[i];
      if (s < 0 || s >= numSegments) continue;
      const src = i * inner;
      const dst = s * inner;
      for (let j = 0; j < inner; j++) out[dst + j] += xv[src + j];
    }
  });
}

/** Registration record of {@link unsortedSegmentSumWasm}. */
export const unsortedSegmentSumWasmConfig: tf.KernelConfig = {
  kernelName: 'UnsortedSegmentSum',
  backendName: 'wasm',
  kernelFunc: unsortedSegmentSumWasm as unknown as tf.KernelFunc,
};
