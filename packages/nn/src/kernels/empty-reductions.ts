import * as tf from '@tensorflow/tfjs-core';
import { replaceWasmKernel, type WasmKernelArgs } from './wasm-kernel-scope';

/**
 * What a reduction over no values gives on tfjs's cpu backend, the reference: the identity of a
 * sum (0) or a product (1); `NaN` for a maximum or minimum; 0 for a mean (NumPy gives `NaN`).
 */
const EMPTY_REDUCTION_VALUES = {
  Sum: 0,
  Prod: 1,
  Max: Number.NaN,
  Min: Number.NaN,
  Mean: 0,
} as const;

/** The reductions {@link registerEmptyReductionsWasm} guards. */
export type GuardedReduction = keyof typeof EMPTY_REDUCTION_VALUES;

const tfjsKernels = new Map<GuardedReduction, tf.KernelFunc>();

/**
 * A reduction on tfjs-wasm that reduces over no values (an input with a side of 0) gives what
 * tfjs's cpu backend gives ({@link EMPTY_REDUCTION_VALUES}) in every output element: tfjs-wasm's
 * kernel leaves whatever the heap held there (measured: `sum(zeros([0, 5]), 0)` gave values near
 * 3.6e-41, a 1×1 convolution's bias gradient on a batch of 0 rows `Infinity`). Every other input
 * goes to tfjs-wasm's kernel unchanged.
 */
function emptyReductionWasm(name: GuardedReduction): (args: WasmKernelArgs) => tf.TensorInfo {
  return (args) => {
    const { x } = args.inputs as { x: tf.TensorInfo };
    if (tf.util.sizeFromShape(x.shape) === 0) {
      const { axis, reductionIndices, keepDims } = (args.attrs ?? {}) as {
        axis?: number | number[];
        reductionIndices?: number | number[]; // Max's name for the axes
        keepDims?: boolean;
      };
      const axes = tf.util.parseAxisParam(
        axis ?? reductionIndices ?? x.shape.map((_, i) => i),
        x.shape,
      );
      const [reduced] = tf.backend_util.computeOutAndReduceShapes(x.shape, axes);
      const shape = keepDims ? tf.backend_util.expandShapeToKeepDim(reduced, axes) : reduced;
      const dtype: tf.DataType =
        name === 'Mean' ? 'float32' : x.dtype === 'bool' ? 'int32' : x.dtype;
      const out = args.backend.makeOutput(shape, dtype);
      args.backend.typedArrayFromHeap(out).fill(EMPTY_REDUCTION_VALUES[name]);
      return out;
    }
    const original = tfjsKernels.get(name);
    if (!original) throw new Error(`@tubekit/nn ${name} (wasm): tfjs-wasm has no ${name} kernel`);
    return original(args as never) as tf.TensorInfo;
  };
}

/** One guard per reduction, made once (a replacement is recognised by its function). */
const GUARDS = Object.fromEntries(
  (Object.keys(EMPTY_REDUCTION_VALUES) as GuardedReduction[]).map((n) => [
    n,
    emptyReductionWasm(n),
  ]),
) as Record<GuardedReduction, (args: WasmKernelArgs) => tf.TensorInfo>;

/**
 * Replaces tfjs-wasm's `Sum`, `Prod`, `Max`, `Min` and `Mean` with kernels that give cpu's values
 * over no values and call tfjs-wasm's own otherwise. Idempotent; returns the names replaced by
 * this call.
 */
export function registerEmptyReductionsWasm(): GuardedReduction[] {
  const replaced: GuardedReduction[] = [];
  for (const name of Object.keys(GUARDS) as GuardedReduction[]) {
    const r = replaceWasmKernel(name, GUARDS[name]);
    if (!r.replaced) continue;
    if (r.original) tfjsKernels.set(name, r.original);
    replaced.push(name);
  }
  return replaced;
}
