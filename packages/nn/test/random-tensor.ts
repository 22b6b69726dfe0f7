import * as tf from '@tensorflow/tfjs-core';
import { createRng } from '../src/random';

/** A tensor of `shape` with standard normal values drawn from seed `seed` (the same every run). */
export function randomTensor<R extends tf.Rank = tf.Rank>(
  shape: number[],
  seed: number,
): tf.Tensor<R> {
  const rng = createRng(seed);
  const n = shape.reduce((a, b) => a * b, 1);
  const values = Float32Array.from({ length: n }, () => rng.normal());
  return tf.tensor<tf.Rank>(values, shape) as tf.Tensor<R>;
}
