import * as tf from '@tensorflow/tfjs-core';
import { fusedConv2d } from '../src/fused-conv2d';
import { randomTensor } from './random-tensor';

/**
 * A stride-2 `same` conv + bias + ReLU training step for leak and kernel-count tests: `x` (no
 * gradient), filter and bias variables of the given shapes, and `step()`, which takes the
 * gradients of the summed squared output inside a `tf.tidy` and reads them.
 */
export function convTrainingStep(
  xShape: [number, number, number, number],
  filterShape: [number, number, number, number],
  seed: number,
): { x: tf.Tensor4D; w: tf.Variable; b: tf.Variable; step: () => void } {
  const x = randomTensor<tf.Rank.R4>(xShape, seed);
  const w = tf.variable(randomTensor(filterShape, seed + 1));
  const b = tf.variable(randomTensor([filterShape[3]], seed + 2));
  const step = () =>
    tf.tidy(() => {
      const { grads } = tf.variableGrads(
        () =>
          fusedConv2d({
            x,
            filter: w as tf.Tensor4D,
            strides: 2,
            pad: 'same',
            bias: b as tf.Tensor1D,
            activation: 'relu',
          })
            .square()
            .sum() as tf.Scalar,
        [w, b],
      );
      for (const g of Object.values(grads)) g.sum().dataSync();
    });
  return { x, w, b, step };
}

/** One `fusedConv2d` test case: input and filter shapes, stride, padding, bias, ReLU. */
export interface FusedConvCase {
  name: string;
  x: number[];
  w: number[];
  s: number | [number, number];
  pad: 'same' | 'valid';
  bias: boolean;
  relu: boolean;
}

/** The summed squared output of `fusedConv2d` under case `c`, of `(x, filter[, bias])`. */
export const fusedConvLoss =
  (c: FusedConvCase) =>
  (...t: tf.Tensor[]): tf.Scalar =>
    fusedConv2d({
      x: t[0] as tf.Tensor4D,
      filter: t[1] as tf.Tensor4D,
      strides: c.s,
      pad: c.pad,
      bias: t[2] as tf.Tensor1D | undefined,
      activation: c.relu ? 'relu' : 'linear',
    })
      .square()
      .sum() as tf.Scalar;

/** `f(args)` and its gradients with respect to every argument, as arrays. */
export const valueAndGrads = (f: (...t: tf.Tensor[]) => tf.Scalar, args: tf.Tensor[]) =>
  tf.tidy(() => {
    const { value, grads } = tf.valueAndGrads(f)(args);
    return [value, ...grads].map((g) => Float32Array.from(g.dataSync()));
  });
