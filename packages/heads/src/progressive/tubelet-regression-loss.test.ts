import { initBackend, tf } from '@tubekit/nn';
import { tubeletSmoothL1 } from './tubelet-regression-loss';

beforeAll(async () => {
  await initBackend({ log: () => undefined });
});

describe('tubeletSmoothL1', () => {
  it('averages smooth-ℓ1 over each tubelet’s frames with a target, then over the positives', () => {
    // 2 tubelets × 2 frames; tubelet 0 has a target on both frames, tubelet 1 on frame 1 only
    const predicted = tf.tensor3d(
      [
        [
          [0.5, 0, 0, 0], // |d| = 0.5 → 0.125
          [2, 0, 0, -3], // |d| = 2 → 1.5, |d| = 3 → 2.5
        ],
        [
          [9, 9, 9, 9], // masked
          [0, 0.2, 0, 0], // target 0.2 → 0
        ],
      ],
      [2, 2, 4],
    );
    const target = new Float32Array([0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0.2, 0, 0]);
    const mask = new Float32Array([1, 1, 0, 1]);
    const loss = tubeletSmoothL1(predicted, target, mask, 2);
    // tubelet 0: (0.125 + 4) / 2; tubelet 1: 0 / 1; over 2 positives
    expect(loss.dataSync()[0]).toBeCloseTo((0.125 + 4) / 2 / 2, 6);
    tf.dispose([predicted, loss]);
  });

  it('is 0 without positives instead of dividing by 0', () => {
    const predicted = tf.ones([1, 2, 4]);
    const loss = tubeletSmoothL1(predicted, new Float32Array(8), new Float32Array(2), 0);
    expect(loss.dataSync()[0]).toBe(0);
    tf.dispose([predicted, loss]);
  });
});
