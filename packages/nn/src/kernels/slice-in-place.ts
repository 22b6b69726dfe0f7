import * as tf from '@tensorflow/tfjs-core';
import { copyRun } from './copy-run';
import {
  HEAP_ARRAY_DTYPES,
  type HeapArray,
  heapView,
  replaceWasmKernel,
  type WasmKernelArgs,
} from './wasm-kernel-scope';

/**
 * Copies the box `[begin, begin + size)` of a row-major array of `shape` into `out`. Trailing axes
 * the box spans whole are copied as one run, so a slice along the first axis is one copy.
 */
export function copyBox(
  x: HeapArray,
  shape: readonly number[],
  begin: readonly number[],
  size: readonly number[],
  out: HeapArray,
): void {
  const rank = shape.length;
  // the last axis the box does not span whole; every axis after it joins the run
  let k = rank - 1;
  let run = 1;
  while (k >= 0 && begin[k] === 0 && size[k] === shape[k]) run *= shape[k--]!;
  if (k < 0) {
    out.set(x.subarray(0, run));
    return;
  }
  const stride = new Array<number>(rank).fill(1);
  for (let a = rank - 2; a >= 0; a--) stride[a] = stride[a + 1]! * shape[a + 1]!;
  const length = size[k]! * run;
  let outer = 1;
  for (let a = 0; a < k; a++) outer *= size[a]!;
  const index = new Array<number>(k).fill(0);
  for (let o = 0; o < outer; o++) {
    let from = begin[k]! * stride[k]!;
    for (let a = 0; a < k; a++) from += (begin[a]! + index[a]!) * stride[a]!;
    copyRun(x, from, out, o * length, length);
    for (let a = k - 1; a >= 0; a--) {
      if (++index[a]! < size[a]!) break;
      index[a] = 0;
    }
  }
}

let tfjsSlice: tf.KernelFunc | undefined;
let tfjsSplitV: tf.KernelFunc | undefined;

/**
 * `Slice` on tfjs-wasm reading its input where it lies on the heap. tfjs-wasm's own kernel first
 * copies the whole input out of the heap (`readSync`), so every slice costs the input's size, and
 * a `SplitV` into F parts, which slices F times, costs F times the input (36 % of a STEP
 * `anticipation` training iteration while roiAlign split its feature stack per frame). Strings
 * keep tfjs-wasm's kernel.
 */
export function sliceInPlaceWasm(args: WasmKernelArgs): tf.TensorInfo {
  const { x } = args.inputs as { x: tf.TensorInfo };
  if (!HEAP_ARRAY_DTYPES.has(x.dtype))
    return (tfjsSlice as tf.KernelFunc)(args as never) as tf.TensorInfo;
  const { begin, size } = args.attrs as unknown as tf.SliceAttrs;
  const [b, s] = tf.slice_util.parseSliceParams(x as tf.TensorInfo as tf.Tensor, begin, size);
  const { backend } = args;
  const out = backend.makeOutput(s, x.dtype);
  const view = (t: tf.TensorInfo) => heapView(backend, t); // after the allocations
  copyBox(view(x), x.shape, b, s, view(out));
  return out;
}

/** `SplitV` on tfjs-wasm: every part copied straight from the input on the heap ({@link sliceInPlaceWasm}). */
export function splitVInPlaceWasm(args: WasmKernelArgs): tf.TensorInfo[] {
  const { x } = args.inputs as { x: tf.TensorInfo };
  if (!HEAP_ARRAY_DTYPES.has(x.dtype))
    return (tfjsSplitV as tf.KernelFunc)(args as never) as tf.TensorInfo[];
  const { numOrSizeSplits, axis } = args.attrs as unknown as tf.SplitVAttrs;
  const a = tf.util.parseAxisParam(axis, x.shape)[0]!;
  const sizes = tf.backend_util.prepareSplitSize(
    x as tf.TensorInfo as tf.Tensor,
    numOrSizeSplits,
    a,
  );
  const { backend } = args;
  const outs = sizes.map((n) => {
    const shape = [...x.shape];
    shape[a] = n;
    return backend.makeOutput(shape, x.dtype);
  });
  const view = (t: tf.TensorInfo) => heapView(backend, t); // after the allocations
  const input = view(x);
  const begin = new Array<number>(x.shape.length).fill(0);
  outs.forEach((out, i) => {
    copyBox(input, x.shape, begin, out.shape, view(out));
    begin[a] += sizes[i]!;
  });
  return outs;
}

/** Replaces tfjs-wasm's `Slice` and `SplitV` with the in-place versions. Idempotent. */
export function registerSliceInPlaceWasm(): boolean {
  const slice = replaceWasmKernel('Slice', sliceInPlaceWasm);
  if (slice.replaced) tfjsSlice = slice.original;
  const split = replaceWasmKernel(
    'SplitV',
    splitVInPlaceWasm as unknown as (args: WasmKernelArgs) => tf.TensorInfo,
  );
  if (split.replaced) tfjsSplitV = split.original;
  return slice.replaced || split.replaced;
}
