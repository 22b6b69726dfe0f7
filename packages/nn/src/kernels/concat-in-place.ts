import * as tf from '@tensorflow/tfjs-core';
import { copyRun, SHORT_RUN } from './copy-run';
import {
  HEAP_ARRAY_DTYPES,
  type HeapArray,
  heapView,
  replaceWasmKernel,
  type WasmKernelArgs,
} from './wasm-kernel-scope';

/**
 * Concatenates row-major arrays along an axis: input i contributes `inner[i]` elements (its
 * extent along the axis times every later axis) to each of the `outer` rows of `out` (the product
 * of the earlier axes). Each input is copied row by row: long rows with {@link copyRun}, short
 * ones in a loop written out here, with no call per row (63 → 51 ms for the trunk stem's stack
 * of a 52-frame 112 px video).
 */
export function concatInto(
  inputs: readonly HeapArray[],
  inner: readonly number[],
  outer: number,
  out: HeapArray,
): void {
  const row = inner.reduce((a, b) => a + b, 0);
  let offset = 0;
  inputs.forEach((x, i) => {
    const n = inner[i]!;
    if (n >= SHORT_RUN) for (let o = 0; o < outer; o++) copyRun(x, o * n, out, o * row + offset, n);
    else
      for (let o = 0, from = 0, to = offset; o < outer; o++, to += row)
        for (let j = 0; j < n; j++) out[to + j] = x[from++]!;
    offset += n;
  });
}

let tfjsConcat: tf.KernelFunc | undefined;

/**
 * `Concat` on tfjs-wasm with short runs copied element by element ({@link concatInto}).
 * tfjs-wasm's kernel makes one `subarray` + `set` per row and input, which is what the trunk's
 * 3-tap temporal stacks cost: 200 of 340 ms for the backbone of a 52-frame 112 px video, whose
 * stem stacks runs of 3 channels. Strings and mixed dtypes keep tfjs-wasm's kernel.
 */
export function concatInPlaceWasm(args: WasmKernelArgs): tf.TensorInfo {
  const inputs = args.inputs as unknown as tf.TensorInfo[];
  const dtype = inputs[0]?.dtype;
  if (dtype === undefined || !HEAP_ARRAY_DTYPES.has(dtype) || inputs.some((t) => t.dtype !== dtype))
    return (tfjsConcat as tf.KernelFunc)(args as never) as tf.TensorInfo;
  const { axis } = args.attrs as unknown as tf.ConcatAttrs;
  const shapes = inputs.map((t) => t.shape);
  const a = tf.util.parseAxisParam(axis, shapes[0]!)[0]!;
  tf.backend_util.assertParamsConsistent(shapes, a);
  const outShape = tf.backend_util.computeOutShape(shapes, a);
  const { backend } = args;
  const out = backend.makeOutput(outShape, dtype);
  if (tf.util.sizeFromShape(outShape) === 0) return out;
  const outer = tf.util.sizeFromShape(outShape.slice(0, a));
  const inner = shapes.map((s) => tf.util.sizeFromShape(s.slice(a)));
  const view = (t: tf.TensorInfo) => heapView(backend, t); // after the allocation
  concatInto(inputs.map(view), inner, outer, view(out));
  return out;
}

/** Replaces tfjs-wasm's `Concat` with {@link concatInPlaceWasm}. Idempotent. */
export function registerConcatInPlaceWasm(): boolean {
  const concat = replaceWasmKernel('Concat', concatInPlaceWasm);
  if (concat.replaced) tfjsConcat = concat.original;
  return concat.replaced;
}
