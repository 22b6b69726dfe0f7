import type * as tf from '@tensorflow/tfjs-core';
import { copyRun } from './copy-run';
import {
  HEAP_ARRAY_DTYPES,
  type HeapArray,
  heapView,
  replaceWasmKernel,
  type WasmKernelArgs,
} from './wasm-kernel-scope';

/** Throws a `RangeError` naming the first index outside `[0, n)`, as tfjs's CPU kernel does. */
export function checkGatherIndices(indices: ArrayLike<number>, n: number): void {
  for (let j = 0; j < indices.length; j++) {
    const i = indices[j]!;
    if (!(i >= 0 && i < n))
      throw new RangeError(`GatherV2: the index value ${i} is not in [0, ${n - 1}]`);
  }
}

/**
 * Writes the slices of `x` (row-major, `shape`) at `indices` (each in `[0, shape[axis])`:
 * {@link checkGatherIndices}) along `axis` into `out`: for every index of the axes before `axis`,
 * one run of the later axes' elements per index.
 */
export function gatherInto(
  x: HeapArray,
  shape: readonly number[],
  axis: number,
  indices: ArrayLike<number>,
  out: HeapArray,
): void {
  const n = shape[axis]!;
  let outer = 1;
  for (let a = 0; a < axis; a++) outer *= shape[a]!;
  let inner = 1;
  for (let a = axis + 1; a < shape.length; a++) inner *= shape[a]!;
  const J = indices.length;
  for (let o = 0; o < outer; o++)
    for (let j = 0; j < J; j++)
      copyRun(x, (o * n + indices[j]!) * inner, out, (o * J + j) * inner, inner);
}

let tfjsGather: tf.KernelFunc | undefined;

/**
 * `GatherV2` on tfjs-wasm, copying the gathered slices as runs where the input lies on the heap
 * ({@link gatherInto}). tfjs-wasm's kernel computes every output element's source index: gathering
 * the rows of a video's trunk maps for PCSC's key-centred stacks, or a pyramid's RoI features back
 * into the boxes' order, took a third of PCSC's detection time here. Batch dimensions and strings
 * keep tfjs-wasm's kernel.
 */
export function gatherInPlaceWasm(args: WasmKernelArgs): tf.TensorInfo {
  const { x, indices } = args.inputs as { x: tf.TensorInfo; indices: tf.TensorInfo };
  const { axis, batchDims } = args.attrs as unknown as tf.GatherV2Attrs;
  if (!HEAP_ARRAY_DTYPES.has(x.dtype) || (batchDims ?? 0) !== 0)
    return (tfjsGather as tf.KernelFunc)(args as never) as tf.TensorInfo;
  const { backend } = args;
  const a = axis < 0 ? axis + x.shape.length : axis;
  checkGatherIndices(heapView(backend, indices), x.shape[a]!);
  const out = backend.makeOutput(
    [...x.shape.slice(0, a), ...indices.shape, ...x.shape.slice(a + 1)],
    x.dtype,
  );
  // views after the allocation (it can grow, and so detach, the heap)
  gatherInto(heapView(backend, x), x.shape, a, heapView(backend, indices), heapView(backend, out));
  return out;
}

/** Replaces tfjs-wasm's `GatherV2` with {@link gatherInPlaceWasm}. Idempotent. */
export function registerGatherInPlaceWasm(): boolean {
  const gather = replaceWasmKernel('GatherV2', gatherInPlaceWasm);
  if (gather.replaced) tfjsGather = gather.original;
  return gather.replaced;
}
