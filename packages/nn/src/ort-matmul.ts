import type * as tf from '@tensorflow/tfjs-core';
import type { WasmKernelArgs } from './kernels/wasm-kernel-scope';
import { encodeOnnxModel } from './onnx-model-encode';
import type { OrtBridgeInput } from './ort-sync-bridge';

/** The sizes of one product `[M, K] · [K, N]` (operands as stored, transposed or not). */
export interface MatMulSizes {
  M: number;
  K: number;
  N: number;
}

/**
 * The sizes of a `BatchMatMul` whose batch is 1 (every leading axis 1: a dense layer's product),
 * or `undefined` for a real batch or non-float32 operands.
 */
export function singleMatMulSizes(
  a: tf.TensorInfo,
  b: tf.TensorInfo,
  transposeA: boolean,
  transposeB: boolean,
): MatMulSizes | undefined {
  if (a.dtype !== 'float32' || b.dtype !== 'float32') return undefined;
  if (a.shape.length < 2 || b.shape.length < 2) return undefined;
  const batch = (s: readonly number[]) => s.slice(0, -2).reduce((p, n) => p * n, 1);
  if (batch(a.shape) !== 1 || batch(b.shape) !== 1) return undefined;
  const [a0, a1] = a.shape.slice(-2) as [number, number];
  const [b0, b1] = b.shape.slice(-2) as [number, number];
  return transposeA
    ? { M: a1, K: a0, N: transposeB ? b0 : b1 }
    : { M: a0, K: a1, N: transposeB ? b0 : b1 };
}

/** Multiply-adds per float that crosses the bridge (both operands and the product). */
export function matMulMacsPerFloat({ M, K, N }: MatMulSizes): number {
  return (M * K * N) / (M * K + K * N + M * N);
}

/**
 * `y = op(a) · op(b)` as one ONNX `Gemm` (`transA`, `transB`) with symbolic sizes, so one session
 * serves every shape of a transpose combination.
 */
export function matMulModel(transposeA: boolean, transposeB: boolean): Uint8Array {
  return encodeOnnxModel({
    nodes: [
      {
        opType: 'Gemm',
        inputs: ['a', 'b'],
        outputs: ['y'],
        attributes: { transA: { int: transposeA ? 1 : 0 }, transB: { int: transposeB ? 1 : 0 } },
      },
    ],
    initializers: [],
    inputs: [
      { name: 'a', shape: transposeA ? ['K', 'M'] : ['M', 'K'] },
      { name: 'b', shape: transposeB ? ['N', 'K'] : ['K', 'N'] },
    ],
    outputs: [{ name: 'y', shape: ['M', 'N'] }],
    opsetVersion: 17,
  });
}

/** How {@link onnxMatMul} runs a graph: `runGraph` of `ort-convolutions.ts`. */
export type RunOnnxGraph = (
  key: string,
  model: () => Uint8Array,
  feeds: OrtBridgeInput[],
  output: { name: string; shape: number[] },
) => tf.TensorInfo;

/**
 * A dense layer's `BatchMatMul` (batch 1, float32) on onnxruntime when it does at least
 * `minMacsPerFloat` multiply-adds per float copied across the bridge; `undefined` otherwise (the
 * wasm kernel runs it). The output keeps tfjs's shape: the operands' leading 1s, then `[M, N]`.
 */
export function onnxMatMul(
  args: WasmKernelArgs,
  minMacsPerFloat: number,
  values: (t: tf.TensorInfo) => Float32Array,
  run: RunOnnxGraph,
): tf.TensorInfo | undefined {
  const { a, b } = args.inputs as { a: tf.TensorInfo; b: tf.TensorInfo };
  const attrs = (args.attrs ?? {}) as { transposeA?: boolean; transposeB?: boolean };
  const tA = attrs.transposeA === true;
  const tB = attrs.transposeB === true;
  const sizes = singleMatMulSizes(a, b, tA, tB);
  if (!sizes || matMulMacsPerFloat(sizes) < minMacsPerFloat) return undefined;
  const lead = new Array<number>(Math.max(a.shape.length, b.shape.length) - 2).fill(1);
  const feed = (name: string, t: tf.TensorInfo): OrtBridgeInput => ({
    name,
    shape: t.shape.slice(-2),
    write: (target) => target.set(values(t)),
  });
  return run(
    `matmul transA=${tA} transB=${tB}`,
    () => matMulModel(tA, tB),
    [feed('a', a), feed('b', b)],
    {
      name: 'y',
      shape: [...lead, sizes.M, sizes.N],
    },
  );
}
