import * as tf from '@tensorflow/tfjs-core';
import { replaceWasmKernel, type WasmKernelArgs, WasmKernelScope } from './wasm-kernel-scope';

let tfjsKernel: tf.KernelFunc | undefined;

/**
 * Runs a `BatchMatMul` elsewhere (onnxruntime: `useOnnxConvolutions({ denseLayers: true })`), or
 * returns `undefined` to leave it to tfjs-wasm.
 */
export type MatMulProvider = (args: WasmKernelArgs) => tf.TensorInfo | undefined;

let provider: MatMulProvider | undefined;

/** Sets (or, with `undefined`, clears) the {@link MatMulProvider} that `BatchMatMul` on wasm asks first. */
export function setMatMulProvider(next: MatMulProvider | undefined): void {
  provider = next;
}

/** Swaps the last two axes of a rank ≥ 2 tensor on the wasm heap. */
function transposeLastTwo(scope: WasmKernelScope, x: tf.TensorInfo): tf.TensorInfo {
  const r = x.shape.length;
  const perm = Array.from({ length: r }, (_, i) => i);
  perm[r - 2] = r - 1;
  perm[r - 1] = r - 2;
  return scope.run('Transpose', { x }, { perm });
}

/**
 * The product when an operand is empty (a side of 0): zeros of the output shape, as the
 * mathematics gives (a sum over no terms is 0). tfjs-wasm's kernel fails there (XNNPACK refuses
 * the operator, says so on stderr, and the output keeps whatever the heap held): a dense layer on
 * no rows has the weight gradient `Xᵀ·dY` with an inner side of 0, e.g. a detection head on a
 * training batch without RoIs. `undefined` when both operands have elements.
 */
function emptyProduct(
  { inputs, backend }: WasmKernelArgs,
  transposeA: boolean,
  transposeB: boolean,
): tf.TensorInfo | undefined {
  const { a, b } = inputs as { a: tf.TensorInfo; b: tf.TensorInfo };
  if (tf.util.sizeFromShape(a.shape) > 0 && tf.util.sizeFromShape(b.shape) > 0) return undefined;
  const ra = a.shape.length;
  const rb = b.shape.length;
  const M = a.shape[transposeA ? ra - 1 : ra - 2]!;
  const N = b.shape[transposeB ? rb - 2 : rb - 1]!;
  const batch = tf.broadcast_util.assertAndGetBroadcastShape(
    a.shape.slice(0, -2),
    b.shape.slice(0, -2),
  );
  const out = backend.makeOutput([...batch, M, N], a.dtype);
  backend.typedArrayFromHeap(out).fill(0);
  return out;
}

/**
 * `BatchMatMul` on tfjs-wasm with transposed operands: tfjs-wasm multiplies `Aᵀ·B` and `A·Bᵀ`
 * several times slower than `A·B` (measured 24 ms against 3 ms for `[768, 264]·[264, 128]`), and
 * those are exactly the products of every dense layer's gradient (`dW = Xᵀ·dY`, `dX = dY·Wᵀ`). This
 * kernel materialises the transposes (a copy, linear in the operand) and calls tfjs-wasm's own
 * kernel on plain operands; without transposes it is tfjs-wasm's kernel unchanged. A product with
 * an empty operand is zeros of its shape ({@link emptyProduct}).
 */
export function batchMatMulTransposedWasm(args: WasmKernelArgs): tf.TensorInfo {
  const original = tfjsKernel;
  if (!original)
    throw new Error('@tubekit/nn BatchMatMul (wasm): tfjs-wasm has no BatchMatMul kernel');
  const { transposeA, transposeB } = (args.attrs ?? {}) as {
    transposeA?: boolean;
    transposeB?: boolean;
  };
  const empty = emptyProduct(args, !!transposeA, !!transposeB);
  if (empty) return empty;
  const elsewhere = provider?.(args);
  if (elsewhere) return elsewhere;
  if (!transposeA && !transposeB) return original(args as never) as tf.TensorInfo;
  const scope = new WasmKernelScope(args.backend);
  try {
    let { a, b } = args.inputs as { a: tf.TensorInfo; b: tf.TensorInfo };
    if (transposeA) a = transposeLastTwo(scope, a);
    if (transposeB) b = transposeLastTwo(scope, b);
    return original({
      ...args,
      inputs: { ...args.inputs, a, b },
      attrs: { ...args.attrs, transposeA: false, transposeB: false },
    } as never) as tf.TensorInfo;
  } finally {
    scope.dispose(); // the transposed copies; the output is not the scope's
  }
}

/** tfjs-wasm's own `BatchMatMul` kernel function (for benchmarks against it). */
export function tfjsBatchMatMulWasm(): tf.KernelFunc | undefined {
  return tfjsKernel;
}

/**
 * Replaces tfjs-wasm's `BatchMatMul` (`_FusedMatMul` is left alone) with
 * {@link batchMatMulTransposedWasm}, keeping the original as the kernel it calls. Idempotent.
 */
export function registerBatchMatMulTransposedWasm(): boolean {
  const { replaced, original } = replaceWasmKernel('BatchMatMul', batchMatMulTransposedWasm);
  if (replaced) tfjsKernel = original;
  return replaced;
}
