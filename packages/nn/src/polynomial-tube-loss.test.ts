import * as tf from '@tensorflow/tfjs-core';
import { encodeBoxDeltas, fitPolynomialTube, normalizedTimestamps } from '@tubekit/geometry';
import { gradientCheck } from './grad-check';
import { initBackend } from './init-backend';
import { polynomialTubeLoss } from './polynomial-tube-loss';

beforeAll(async () => {
  await initBackend({ backend: 'wasm', log: () => {} });
});

describe('polynomialTubeLoss (CFAD Eqs. 2–4)', () => {
  test('hand-worked: per-anchor mean of squared L2 over every box, mean over anchors', () => {
    // anchor 0, k = 1: dx(t) = 1 + 2t, other columns 0; targets at t = 0, 0.5, 1: dx = 1, 3, 3
    // squared errors 0, (2 − 3)² = 1, (3 − 3)² = 0 → ℓ_0 = 1/3
    // anchor 1: θ = 0, one box at t = 0 with deltas (1, 1, 1, 1) → ℓ_1 = 4
    const theta = tf.tensor3d([1, 0, 0, 0, 2, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0], [2, 2, 4]);
    const targets = [
      { times: [0, 0.5, 1], deltas: [1, 0, 0, 0, 3, 0, 0, 0, 3, 0, 0, 0] },
      { times: [0], deltas: [1, 1, 1, 1] },
    ];
    const before = tf.memory().numTensors;
    const none = polynomialTubeLoss(theta, targets, { reduction: 'none' });
    expect(Array.from(none.dataSync())).toEqual([expect.closeTo(1 / 3, 6), 4]);
    const mean = polynomialTubeLoss(theta, targets);
    expect(mean.dataSync()[0]).toBeCloseTo((1 / 3 + 4) / 2, 6);
    const sum = polynomialTubeLoss(theta, targets, { reduction: 'sum' });
    expect(sum.dataSync()[0]).toBeCloseTo(1 / 3 + 4, 6);
    tf.dispose([none, mean, sum]);
    expect(tf.memory().numTensors).toBe(before);
    theta.dispose();
  });

  test("geometry's least-squares fit is the minimum: zero gradient there, larger loss nearby", () => {
    // a curved tube of 9 boxes against one anchor, order k = 2
    const frames = Array.from({ length: 9 }, (_, i) => 20 + i);
    const boxes = new Float64Array(
      frames.flatMap((_frame, i) => [
        10 + 3 * i + 0.4 * i * i,
        5 + i,
        50 + 4 * i,
        60 + Math.sin(i),
      ]),
    );
    const anchor = [12, 8, 38, 58];
    const times = normalizedTimestamps(frames);
    const deltas = encodeBoxDeltas(boxes, anchor);
    const best = fitPolynomialTube(times, deltas, 2);
    const theta = tf.tensor3d(Float32Array.from(best), [1, 3, 4]);
    const f = (t: tf.Tensor) =>
      polynomialTubeLoss(t as tf.Tensor3D, [{ times, deltas }]) as tf.Scalar;
    const g = tf.grad(f)(theta);
    expect(Math.max(...Array.from(g.dataSync()).map(Math.abs))).toBeLessThan(1e-5);
    const atBest = f(theta).dataSync()[0]!;
    const nudged = tf.add(theta, tf.fill([1, 3, 4], 0.01)) as tf.Tensor3D;
    expect(f(nudged).dataSync()[0]!).toBeGreaterThan(atBest);
    tf.dispose([theta, g, nudged]);
  });

  test('gradient check against central differences (k = 4)', () => {
    const theta = tf.randomNormal([3, 5, 4], 0, 0.5, 'float32', 2) as tf.Tensor3D;
    const targets = [4, 7, 2].map((T, a) => ({
      times: Array.from({ length: T }, (_, i) => (T === 1 ? 0 : i / (T - 1))),
      deltas: Array.from({ length: 4 * T }, (_, i) => Math.sin(i + a)),
    }));
    const { maxError } = gradientCheck(
      (t) => polynomialTubeLoss(t as tf.Tensor3D, targets) as tf.Scalar,
      [theta],
      { samples: 20 },
    );
    expect(maxError).toBeLessThan(2e-2);
    theta.dispose();
  });

  test('no positive anchor: zero loss', () => {
    const empty = tf.zeros([0, 3, 4]) as tf.Tensor3D;
    const l = polynomialTubeLoss(empty, []);
    expect(l.dataSync()[0]).toBe(0);
    tf.dispose([empty, l]);
  });

  test('bad input is named', () => {
    const theta = tf.zeros([1, 2, 4]) as tf.Tensor3D;
    expect(() => polynomialTubeLoss(theta, [])).toThrow(
      'polynomialTubeLoss: 0 targets for 1 anchors; expected one each',
    );
    expect(() =>
      polynomialTubeLoss(theta, [{ times: [0, 1.5], deltas: new Float64Array(8) }]),
    ).toThrow(
      'polynomialTubeLoss: target 0 time 1 is 1.5; expected a normalised time in [0, 1] (Eq. 4)',
    );
    expect(() =>
      polynomialTubeLoss(theta, [{ times: [0, 1], deltas: new Float64Array(4) }]),
    ).toThrow('polynomialTubeLoss: target 0 has 2 times but 4 delta values; expected 8');
    expect(() => polynomialTubeLoss(tf.zeros([1, 2, 3]) as tf.Tensor3D, [])).toThrow(
      'polynomialTubeLoss: theta [1, 2, 3]; expected [P, k+1, 4]',
    );
    theta.dispose();
  });
});
