import * as tf from '@tensorflow/tfjs-core';
import {
  type HeapArray,
  heapView,
  replaceWasmKernel,
  type WasmKernelArgs,
} from './wasm-kernel-scope';

/**
 * `out[i] = a[i′] === b[i″] ? 1 : 0` over the broadcast of `aShape` and `bShape` to `outShape`
 * (numpy rules: shapes aligned at the last axis, size-1 axes repeat). Runs of the last axis are
 * walked with a step of 0 or 1 in each input.
 */
export function equalBroadcast(
  a: HeapArray,
  aShape: readonly number[],
  b: HeapArray,
  bShape: readonly number[],
  outShape: readonly number[],
  out: Uint8Array,
): void {
  const rank = outShape.length;
  // per output axis, the input's stride along it (0 where the input repeats)
  const strides = (shape: readonly number[]) => {
    const s = new Array<number>(rank).fill(0);
    let stride = 1;
    for (let k = shape.length - 1, axis = rank - 1; k >= 0; k--, axis--) {
      s[axis] = shape[k] === 1 ? 0 : stride;
      stride *= shape[k]!;
    }
    return s;
  };
  const sa = strides(aShape);
  const sb = strides(bShape);
  const last = rank > 0 ? outShape[rank - 1]! : 1;
  const stepA = rank > 0 ? sa[rank - 1]! : 0;
  const stepB = rank > 0 ? sb[rank - 1]! : 0;
  const rows = last > 0 ? out.length / last : 0;
  const index = new Array<number>(Math.max(0, rank - 1)).fill(0);
  let ia = 0;
  let ib = 0;
  for (let row = 0; row < rows; row++) {
    const o = row * last;
    for (let j = 0; j < last; j++) out[o + j] = a[ia + j * stepA] === b[ib + j * stepB] ? 1 : 0;
    // the next row: the odometer over the leading axes, moving both input offsets
    for (let axis = rank - 2; axis >= 0; axis--) {
      ia += sa[axis]!;
      ib += sb[axis]!;
      if (++index[axis]! < outShape[axis]!) break;
      ia -= sa[axis]! * outShape[axis]!;
      ib -= sb[axis]! * outShape[axis]!;
      index[axis] = 0;
    }
  }
}

let tfjsEqual: tf.KernelFunc | undefined;

/**
 * `Equal` on tfjs-wasm when the inputs' shapes differ (a broadcast), in JS over the heap views
 * ({@link equalBroadcast}). tfjs-wasm's broadcasting comparison takes 37 ms for [44, 30, 96] ==
 * [44, 1, 96] here, against 2.5 ms for the same shapes unbroadcast; tfjs's gradient of `Max` (a
 * temporal max pooling) makes exactly that comparison. Equal shapes and other dtypes keep tfjs-wasm's
 * kernel.
 */
export function equalBroadcastWasm(args: WasmKernelArgs): tf.TensorInfo {
  const { a, b } = args.inputs as { a: tf.TensorInfo; b: tf.TensorInfo };
  const plain = (t: tf.TensorInfo) => t.dtype === 'float32' || t.dtype === 'int32';
  if (tf.util.arraysEqual(a.shape, b.shape) || a.dtype !== b.dtype || !plain(a))
    return (tfjsEqual as tf.KernelFunc)(args as never) as tf.TensorInfo;
  const { backend } = args;
  const shape = tf.backend_util.assertAndGetBroadcastShape(a.shape, b.shape);
  const out = backend.makeOutput(shape, 'bool');
  const view = (t: tf.TensorInfo) => heapView(backend, t); // after the allocations
  equalBroadcast(view(a), a.shape, view(b), b.shape, shape, view(out) as Uint8Array);
  return out;
}

/** Replaces tfjs-wasm's `Equal` with {@link equalBroadcastWasm}. Idempotent. */
export function registerEqualBroadcastWasm(): boolean {
  const equal = replaceWasmKernel('Equal', equalBroadcastWasm);
  if (equal.replaced) tfjsEqual = equal.original;
  return equal.replaced;
}
