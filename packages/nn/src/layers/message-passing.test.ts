import * as tf from '@tensorflow/tfjs-core';
import { gradientCheck } from '../grad-check';
import { initBackend } from '../init-backend';
import { MessagePassing } from './message-passing';

beforeAll(async () => {
  await initBackend({ backend: 'wasm', log: () => {} });
});

describe('MessagePassing (PCSC Eq. 1)', () => {
  it('adds relu(x·W1 + b1)·W2 + b2 of the source to the target', () => {
    const mp = new MessagePassing({ channels: 2, hiddenChannels: 1, dims: 2, seed: 0 });
    const [w1, b1, w2, b2] = mp.weights.map((w) => w.variable);
    w1!.assign(tf.tensor([1, -1], [1, 1, 2, 1]));
    b1!.assign(tf.tensor([0.5]));
    w2!.assign(tf.tensor([2, -3], [1, 1, 1, 2]));
    b2!.assign(tf.tensor([0, 1]));
    const source = tf.tensor([3, 1, 0, 4], [1, 1, 2, 2]); // pixels (3, 1) and (0, 4)
    const target = tf.tensor([10, 20, 30, 40], [1, 1, 2, 2]);
    const before = tf.memory().numTensors;
    const y = mp.forward(source, target);
    // pixel 1: h = relu(3 − 1 + 0.5) = 2.5 → m = (5, −7.5 + 1) ; pixel 2: h = relu(−3.5) = 0 → m = (0, 1)
    expect(Array.from(y.dataSync())).toEqual([15, 13.5, 30, 41]);
    y.dispose();
    expect(tf.memory().numTensors).toBe(before);
    tf.dispose([source, target]);
    mp.dispose();
  });

  it('works on clips, checks shapes and gradients', () => {
    const mp = new MessagePassing({ channels: 6, dims: 3, seed: 2 });
    expect(mp.weights.map((w) => w.variable.shape)).toEqual([
      [1, 1, 1, 6, 3],
      [3],
      [1, 1, 1, 3, 6],
      [6],
    ]);
    const s = tf.randomNormal([1, 2, 3, 3, 6], 0, 1, 'float32', 1);
    const t = tf.randomNormal([1, 2, 3, 3, 6], 0, 1, 'float32', 2);
    const y = mp.forward(s, t);
    expect(y.shape).toEqual([1, 2, 3, 3, 6]);
    const { maxError } = gradientCheck((a) => mp.message(a).square().sum() as tf.Scalar, [s], {
      samples: 8,
    });
    expect(maxError).toBeLessThan(5e-2);
    expect(() => mp.forward(s, tf.zeros([1, 2, 3, 3, 5]))).toThrow(
      /source \[1, 2, 3, 3, 6\] and target \[1, 2, 3, 3, 5\] differ/,
    );
    tf.dispose([s, t, y]);
    mp.dispose();
  });
});
