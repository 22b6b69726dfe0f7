import * as tf from '@tensorflow/tfjs-core';
import type { WasmKernelArgs } from './wasm-kernel-scope';

/** Kernel name of the fused Adam update (registered for cpu and wasm). */
export const ADAM_UPDATE_KERNEL = 'TubekitAdamUpdate';

/** Attributes of {@link ADAM_UPDATE_KERNEL}: the hyper-parameters and the 1-based step `t`. */
export interface AdamUpdateAttrs {
  learningRate: number;
  beta1: number;
  beta2: number;
  epsilon: number;
  weightDecay: number;
  /** Decoupled weight decay (AdamW) instead of L2 in the gradient. */
  decoupled: boolean;
  t: number;
}

/**
 * One Adam step over flat arrays, PyTorch's `torch.optim.Adam` / `AdamW` rule (Kingma & Ba, "Adam:
 * A Method for Stochastic Optimization", ICLR 2015, Algorithm 1; Loshchilov & Hutter, "Decoupled
 * Weight Decay Regularization", ICLR 2019): g ← g + wd·p (L2) or p ← p·(1 − lr·wd) (decoupled);
 * m ← β₁m + (1−β₁)g; v ← β₂v + (1−β₂)g²; p ← p − lr·(m / (1−β₁ᵗ)) / (√(v / (1−β₂ᵗ)) + ε).
 * Writes the new p, m, v to the `out` arrays (element-wise, in float64 before rounding).
 */
export function adamStep(
  p: Float32Array,
  g: Float32Array,
  m: Float32Array,
  v: Float32Array,
  out: { p: Float32Array; m: Float32Array; v: Float32Array },
  a: AdamUpdateAttrs,
): void {
  const { learningRate: lr, beta1: b1, beta2: b2, epsilon: eps, weightDecay: wd } = a;
  const l2 = a.decoupled ? 0 : wd;
  const shrink = a.decoupled ? 1 - lr * wd : 1;
  const c1 = 1 - b1 ** a.t;
  const c2 = 1 - b2 ** a.t;
  for (let i = 0; i < p.length; i++) {
    const pi = p[i] as number;
    const gi = (g[i] as number) + l2 * pi;
    const mi = b1 * (m[i] as number) + (1 - b1) * gi;
    const vi = b2 * (v[i] as number) + (1 - b2) * gi * gi;
    out.m[i] = mi;
    out.v[i] = vi;
    out.p[i] = pi * shrink - (lr * (mi / c1)) / (Math.sqrt(vi / c2) + eps);
  }
}

type AdamInputs = { param: tf.TensorInfo; grad: tf.TensorInfo; m: tf.TensorInfo; v: tf.TensorInfo };

/**
 * The fused Adam update on wasm: one pass over the heap per variable instead of ~14 element-wise
 * kernels (each a dispatch, a heap allocation and a pass). Outputs [p, m, v].
 */
function adamUpdateWasm({ inputs, backend, attrs }: WasmKernelArgs): tf.TensorInfo[] {
  const { param, grad, m, v } = inputs as AdamInputs;
  const outs = [param, m, v].map((t) => backend.makeOutput(t.shape, 'float32'));
  // Views after every allocation (allocating can grow, and so detach, the heap).
  const view = (t: tf.TensorInfo) => backend.typedArrayFromHeap(t) as Float32Array;
  const [op, om, ov] = outs.map(view) as [Float32Array, Float32Array, Float32Array];
  adamStep(view(param), view(grad), view(m), view(v), { p: op, m: om, v: ov }, attrs as never);
  return outs;
}

/** The same update on tfjs's cpu backend (the reference the wasm kernel is tested against). */
function adamUpdateCpu({
  inputs,
  backend,
  attrs,
}: {
  inputs: tf.NamedTensorInfoMap;
  backend: tf.KernelBackend;
  attrs?: tf.NamedAttrMap;
}): tf.TensorInfo[] {
  const { param, grad, m, v } = inputs as AdamInputs;
  const cpu = backend as unknown as {
    data: { get(id: tf.DataId): { values: Float32Array } };
    makeTensorInfo(shape: number[], dtype: tf.DataType, values: Float32Array): tf.TensorInfo;
  };
  const read = (t: tf.TensorInfo) => cpu.data.get(t.dataId).values;
  const n = tf.util.sizeFromShape(param.shape);
  const out = { p: new Float32Array(n), m: new Float32Array(n), v: new Float32Array(n) };
  adamStep(read(param), read(grad), read(m), read(v), out, attrs as never);
  return [
    cpu.makeTensorInfo(param.shape, 'float32', out.p),
    cpu.makeTensorInfo(m.shape, 'float32', out.m),
    cpu.makeTensorInfo(v.shape, 'float32', out.v),
  ];
}

/** Registration records of the fused Adam update (cpu and wasm). */
export const adamUpdateKernelConfigs: tf.KernelConfig[] = [
  {
    kernelName: ADAM_UPDATE_KERNEL,
    backendName: 'wasm',
    kernelFunc: adamUpdateWasm as unknown as tf.KernelFunc,
  },
  {
    kernelName: ADAM_UPDATE_KERNEL,
    backendName: 'cpu',
    kernelFunc: adamUpdateCpu as unknown as tf.KernelFunc,
  },
];
