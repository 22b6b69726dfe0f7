import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import * as tf from '@tensorflow/tfjs-core';

/** A tensor's data on the wasm heap when its dtype is one of {@link HEAP_ARRAY_DTYPES}. */
export type HeapArray = Float32Array | Int32Array | Uint8Array;

/** The dtypes whose heap data is a plain typed array (strings are not). */
export const HEAP_ARRAY_DTYPES: ReadonlySet<tf.DataType> = new Set(['float32', 'int32', 'bool']);

/**
 * A view of tensor `t`'s data on the wasm heap. Take views after the kernel's allocations:
 * allocating can grow, and so detach, the heap.
 */
export function heapView(backend: BackendWasm, t: tf.TensorInfo): HeapArray {
  return backend.typedArrayFromHeap(t) as HeapArray;
}

/** The arguments tfjs passes to a kernel function on the wasm backend. */
export interface WasmKernelArgs {
  inputs: tf.NamedTensorInfoMap;
  backend: BackendWasm;
  attrs?: tf.NamedAttrMap;
}

/**
 * Composes a kernel out of the wasm backend's own kernels, the way tfjs backends build kernels on
 * kernels: `run` calls another wasm kernel directly (no engine, no tape) and remembers its output;
 * `dispose` frees every intermediate except those passed in `keep`.
 */
export class WasmKernelScope {
  private readonly made: tf.TensorInfo[] = [];
  constructor(readonly backend: BackendWasm) {}

  /** Runs the wasm kernel `name` and tracks its output for disposal. */
  run(
    name: string,
    inputs: tf.NamedTensorInfoMap | tf.TensorInfo[],
    attrs: tf.NamedAttrMap = {},
  ): tf.TensorInfo {
    const kernel = tf.getKernel(name, 'wasm');
    if (!kernel) throw new Error(`@tubekit/nn: the wasm backend has no ${name} kernel`);
    const out = kernel.kernelFunc({
      inputs: inputs as tf.NamedTensorInfoMap,
      backend: this.backend,
      attrs,
    }) as tf.TensorInfo;
    this.made.push(out);
    return out;
  }

  /** Tracks an output made outside {@link run} (e.g. by `backend.makeOutput`) for disposal. */
  track(t: tf.TensorInfo): tf.TensorInfo {
    this.made.push(t);
    return t;
  }

  reshape(x: tf.TensorInfo, shape: number[]): tf.TensorInfo {
    return this.run('Reshape', { x }, { shape });
  }

  /** Frees every tracked intermediate except `keep` (whose reference is handed to the caller). */
  dispose(keep?: tf.TensorInfo): void {
    for (const t of this.made) if (t !== keep) this.backend.disposeData(t.dataId);
    this.made.length = 0;
  }
}

/**
 * Runs a kernel body on typed arrays: allocates the output on the wasm heap first (allocation can
 * grow and detach the heap), then hands out views of the inputs and the output.
 */
export function heapKernel(
  backend: BackendWasm,
  inputs: tf.TensorInfo[],
  outShape: number[],
  outDtype: tf.DataType,
  body: (views: tf.TypedArray[], out: tf.TypedArray) => void,
): tf.TensorInfo {
  const out = backend.makeOutput(outShape, outDtype);
  const outView = backend.typedArrayFromHeap(out);
  outView.fill(0);
  const views = inputs.map((t) => backend.typedArrayFromHeap(t));
  body(views, outView);
  return out;
}

/**
 * Registers `kernelFunc` as the wasm kernel `name` in place of the one registered now (tfjs-wasm's
 * own), keeping that kernel's setup function. Returns whether it replaced anything this call
 * (`false` when `kernelFunc` is already the registered one: idempotent) and the kernel it replaced,
 * which the replacement calls as its fallback or fast path.
 */
export function replaceWasmKernel(
  name: string,
  kernelFunc: (args: WasmKernelArgs) => tf.TensorInfo,
): { replaced: boolean; original?: tf.KernelFunc } {
  const func = kernelFunc as unknown as tf.KernelFunc;
  const existing = tf.getKernel(name, 'wasm');
  if (existing?.kernelFunc === func) return { replaced: false };
  if (existing) tf.unregisterKernel(name, 'wasm');
  tf.registerKernel({
    kernelName: name,
    backendName: 'wasm',
    kernelFunc: func,
    setupFunc: existing?.setupFunc,
  });
  return { replaced: true, original: existing?.kernelFunc };
}
