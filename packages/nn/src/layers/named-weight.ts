import * as tf from '@tensorflow/tfjs-core';
import type { Rng } from '../random';

/**
 * One named weight of a tubekit model (backbone or shared layer), in tfjs's channels-last layout.
 * Weight import/export (`@tubekit/backbones` `importWeights` / `exportWeights`) works on lists
 * of these.
 */
export interface NamedWeight {
  /** Stable name used in weight files, e.g. `conv1_1.weight`, `theta.bias`. */
  readonly name: string;
  /** The tfjs variable holding it. */
  readonly variable: tf.Variable;
  /** `false` for statistics that are not learnt by gradient (batch-norm running mean/variance). */
  readonly trainable: boolean;
  /**
   * `'conv'`: a convolution kernel `[kT?, kH?, kW, in, out]` (PyTorch/ONNX store `[out, in,
   * kT?, kH?, kW]`); `'vector'`: a per-channel vector (bias, batch-norm parameters).
   */
  readonly kind: 'conv' | 'vector';
}

let instanceCounter = 0;

/**
 * A fresh prefix that keeps tfjs variable names unique across model instances (tfjs refuses two
 * variables with one name).
 *
 * @example
 * const scope = variableScope('non-local'); // 'tubekit/non-local#3'
 */
export function variableScope(name: string): string {
  instanceCounter += 1;
  return `tubekit/${name}#${instanceCounter}`;
}

/**
 * Creates a {@link NamedWeight} whose variable is named `${scope}/${name}`.
 *
 * @example
 * const bias = createNamedWeight(scope, 'conv1.bias', [16], new Float32Array(16), { kind: 'vector' });
 */
export function createNamedWeight(
  scope: string,
  name: string,
  shape: readonly number[],
  values: Float32Array,
  options: { kind: NamedWeight['kind']; trainable?: boolean },
): NamedWeight {
  const trainable = options.trainable ?? true;
  const variable = tf.tidy(() =>
    tf.variable(tf.tensor(values, [...shape]), trainable, `${scope}/${name}`),
  );
  return { name, variable, trainable, kind: options.kind };
}

/**
 * `count` draws from N(0, 2 / fanIn) — He et al. (ICCV 2015) initialisation for ReLU networks.
 *
 * @example
 * const w = heNormal(3 * 3 * 16 * 32, 3 * 3 * 16, createRng(0));
 */
export function heNormal(count: number, fanIn: number, rng: Rng): Float32Array {
  const values = new Float32Array(count);
  const std = Math.sqrt(2 / fanIn);
  for (let i = 0; i < count; i++) values[i] = rng.normal() * std;
  return values;
}

/**
 * A 1×1 (×1) convolution on a channels-last tensor of any rank, computed as one matrix product:
 * `[N, …, Cin] → [N, …, Cout]`. `kernel` has shape `[1, …, 1, Cin, Cout]`.
 */
export function pointwiseConv(x: tf.Tensor, kernel: tf.Tensor, bias?: tf.Tensor): tf.Tensor {
  return tf.tidy(() => {
    const cin = kernel.shape[kernel.rank - 2] as number;
    const cout = kernel.shape[kernel.rank - 1] as number;
    const flat = tf.reshape(x, [-1, cin]);
    let y = tf.matMul(flat, tf.reshape(kernel, [cin, cout]));
    if (bias) y = tf.add(y, bias);
    return tf.reshape(y, [...x.shape.slice(0, -1), cout]);
  });
}
