import * as tf from '@tensorflow/tfjs-core';
import { gradientCheck } from '../grad-check';
import { initBackend } from '../init-backend';
import { Hourglass1d } from './hourglass-1d';

beforeAll(async () => {
  await initBackend({ backend: 'wasm', log: () => {} });
});

describe('Hourglass1d', () => {
  it('keeps [N, T, C] for any length and leaks nothing', () => {
    const hg = new Hourglass1d({ channels: 4, depth: 3, seed: 0 });
    expect(hg.weights.map((w) => w.name)).toEqual([
      'skip0.weight',
      'skip0.bias',
      'down0.weight',
      'down0.bias',
      'skip1.weight',
      'skip1.bias',
      'down1.weight',
      'down1.bias',
      'skip2.weight',
      'skip2.bias',
      'down2.weight',
      'down2.bias',
      'bottom.weight',
      'bottom.bias',
    ]);
    const before = tf.memory().numTensors;
    for (const t of [1, 7, 16, 33]) {
      const x = tf.randomNormal([2, t, 4], 0, 1, 'float32', t);
      const y = hg.forward(x);
      expect(y.shape).toEqual([2, t, 4]);
      tf.dispose([x, y]);
    }
    expect(tf.memory().numTensors).toBe(before);
    hg.dispose();
  });

  it('sees context beyond its own kernel: an impulse reaches distant steps through the coarse levels', () => {
    const hg = new Hourglass1d({ channels: 1, depth: 2, kernelSize: 3, seed: 4 });
    for (const w of hg.weights)
      w.variable.assign(w.kind === 'conv' ? tf.onesLike(w.variable) : tf.zerosLike(w.variable));
    const x = tf.tensor(
      Float32Array.from({ length: 16 }, (_, i) => (i === 0 ? 1 : 0)),
      [1, 16, 1],
    );
    const y = hg.forward(x).dataSync();
    // skip branch alone reaches t ≤ 1; level 1 doubles, level 2 quadruples the reach
    expect(y[1]).toBeGreaterThan(0);
    expect(y[6]).toBeGreaterThan(0);
    expect(y[15]).toBe(0);
    tf.dispose(x);
    hg.dispose();
  });

  it('passes a numerical gradient check and trains its variables', () => {
    const hg = new Hourglass1d({ channels: 3, depth: 2, seed: 1 });
    const x = tf.randomNormal([1, 9, 3], 0, 1, 'float32', 3);
    const { maxError } = gradientCheck((t) => hg.forward(t).square().sum() as tf.Scalar, [x], {
      samples: 8,
    });
    expect(maxError).toBeLessThan(5e-2);
    const { grads, value } = tf.variableGrads(
      () => hg.forward(x).mean() as tf.Scalar,
      hg.trainableVariables as tf.Variable[],
    );
    expect(Object.keys(grads)).toHaveLength(10);
    tf.dispose([x, value, ...Object.values(grads)]);
    expect(() => hg.forward(tf.zeros([1, 9, 2]))).toThrow(/expects \[N, T, 3\], got \[1, 9, 2\]/);
    hg.dispose();
  });
});
