import * as tf from '@tensorflow/tfjs-core';
import {
  HEAP_ARRAY_DTYPES,
  type HeapArray,
  heapView,
  replaceWasmKernel,
  type WasmKernelArgs,
} from './wasm-kernel-scope';

/**
 * Writes `x` (row-major, `shape`) tiled `reps` times along each axis into `out`. Each axis's first
 * copy is written once (down to runs of the last axis), then repeated with `copyWithin` as one
 * block, so the work is one pass over the output in large copies.
 */
export function tileInto(
  x: HeapArray,
  shape: readonly number[],
  reps: readonly number[],
  out: HeapArray,
): void {
  const rank = shape.length;
  // elements of one index of axis a in the output (the product of the output's later axes)
  const outInner = new Array<number>(rank + 1).fill(1);
  for (let a = rank - 1; a >= 0; a--) outInner[a] = outInner[a + 1]! * shape[a]! * reps[a]!;
  const xInner = new Array<number>(rank + 1).fill(1);
  for (let a = rank - 1; a >= 0; a--) xInner[a] = xInner[a + 1]! * shape[a]!;
  const fill = (axis: number, from: number, to: number) => {
    const block = shape[axis]! * outInner[axis + 1]!;
    if (axis === rank - 1) out.set(x.subarray(from, from + shape[axis]!), to);
    else
      for (let i = 0; i < shape[axis]!; i++)
        fill(axis + 1, from + i * xInner[axis + 1]!, to + i * outInner[axis + 1]!);
    for (let r = 1; r < reps[axis]!; r++) out.copyWithin(to + r * block, to, to + block);
  };
  if (rank === 0) out.set(x.subarray(0, 1));
  else if (outInner[0]! > 0) fill(0, 0, 0);
}

let tfjsTile: tf.KernelFunc | undefined;

/**
 * `Tile` on tfjs-wasm, copying runs of the input where it lies on the heap ({@link tileInto}).
 * tfjs-wasm's kernel computes every output element's source index: 28 ms for a [44, 1, 96] → [44,
 * 30, 96] tile here (STEP's head tiles each tubelet's global feature over its frames), against
 * well under a millisecond in runs. Strings keep tfjs-wasm's kernel.
 */
export function tileInPlaceWasm(args: WasmKernelArgs): tf.TensorInfo {
  const { x } = args.inputs as { x: tf.TensorInfo };
  if (!HEAP_ARRAY_DTYPES.has(x.dtype))
    return (tfjsTile as tf.KernelFunc)(args as never) as tf.TensorInfo;
  const { reps } = args.attrs as unknown as tf.TileAttrs;
  const { backend } = args;
  const out = backend.makeOutput(
    x.shape.map((n, a) => n * reps[a]!),
    x.dtype,
  );
  const view = (t: tf.TensorInfo) => heapView(backend, t); // after the allocations
  tileInto(view(x), x.shape, reps, view(out));
  return out;
}

/** Replaces tfjs-wasm's `Tile` with {@link tileInPlaceWasm}. Idempotent. */
export function registerTileInPlaceWasm(): boolean {
  const tile = replaceWasmKernel('Tile', tileInPlaceWasm);
  if (tile.replaced) tfjsTile = tile.original;
  return tile.replaced;
}

/**
 * The gradient of `Tile` as one reshape and one sum: `dy` of shape `[r₀·n₀, r₁·n₁, …]` viewed as
 * `[r₀, n₀, r₁, n₁, …]` and summed over the `r` axes. tfjs's own gradient adds one slice per
 * repetition (30 slices and adds for a tile over 30 frames) and handles rank ≤ 4 only. Same values
 * up to the order of the float additions. Registered for every backend.
 */
export const tileGradConfig: tf.GradConfig = {
  kernelName: 'Tile',
  inputsToSave: ['x'],
  gradFunc: (dy, saved, attrs) => {
    const [x] = saved as [tf.Tensor];
    const { reps } = attrs as unknown as tf.TileAttrs;
    const dyTensor = dy as tf.Tensor;
    return {
      x: () => {
        const split = x.shape.flatMap((n, a) => [reps[a]!, n]);
        const repAxes = x.shape.map((_, a) => 2 * a);
        return tf.sum(tf.reshape(dyTensor, split), repAxes);
      },
    };
  },
};

let tileGradRegistered = false;

/** Registers {@link tileGradConfig} in place of tfjs's `Tile` gradient. Idempotent. */
export function registerTileGradient(): boolean {
  if (tileGradRegistered) return false;
  tf.registerGradient(tileGradConfig);
  tileGradRegistered = true;
  return true;
}
