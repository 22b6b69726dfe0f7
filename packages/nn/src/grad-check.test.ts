import * as tf from '@tensorflow/tfjs-core';
import { gradientCheck } from './grad-check';
import { initBackend } from './init-backend';

beforeAll(async () => {
  await initBackend({ backend: 'wasm', log: () => {} });
});

describe('gradientCheck', () => {
  test('accepts a correct gradient and flags a wrong one, without leaking tensors', () => {
    const x = tf.tensor1d([0.3, -1.2, 2.0]);
    const before = tf.memory().numTensors;
    const good = gradientCheck((v) => tf.sum(tf.mul(tf.square(v), v)) as tf.Scalar, [x]);
    expect(good.maxError).toBeLessThan(1e-2);
    // y = x² with a deliberately wrong gradient 3x instead of 2x.
    const wrongSquare = tf.customGrad(((v: tf.Tensor, save: tf.GradSaveFunc) => {
      save([v]);
      return {
        value: tf.square(v),
        gradFunc: (dy: tf.Tensor, [s]: tf.Tensor[]) => tf.mul(dy, tf.mul(s, 3)),
      };
    }) as unknown as Parameters<typeof tf.customGrad>[0]);
    const bad = gradientCheck((v) => tf.sum(wrongSquare(v) as tf.Tensor) as tf.Scalar, [x]);
    expect(bad.maxError).toBeGreaterThan(0.2);
    expect(tf.memory().numTensors).toBe(before);
    x.dispose();
  });
});
