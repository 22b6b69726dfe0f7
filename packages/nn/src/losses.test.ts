import * as tf from '@tensorflow/tfjs-core';
import { gradientCheck } from './grad-check';
import { initBackend } from './init-backend';
import { binaryCrossEntropy, iouLoss, smoothL1, softmaxCrossEntropy } from './losses';

beforeAll(async () => {
  await initBackend({ backend: 'wasm', log: () => {} });
});

const value = (t: tf.Tensor) => {
  const v = t.dataSync()[0];
  t.dispose();
  return v;
};

describe('losses', () => {
  test('softmax cross-entropy: closed form, stable for huge logits, weights and label smoothing', () => {
    const logits = tf.tensor2d([
      [2, 0, 0],
      [0, 1000, 0],
    ]);
    expect(value(softmaxCrossEntropy(logits, [0, 1], { reduction: 'sum' }))).toBeCloseTo(
      -Math.log(Math.exp(2) / (Math.exp(2) + 2)),
      5,
    );
    expect(
      value(softmaxCrossEntropy(logits, [0, 2], { weights: new Float32Array([0, 1]) })),
    ).toBeCloseTo(1000, 2);
    const smooth = value(softmaxCrossEntropy(tf.tensor2d([[0, 0]]), [0], { labelSmoothing: 0.2 }));
    expect(smooth).toBeCloseTo(Math.log(2), 5);
    expect(() => softmaxCrossEntropy(logits, [0])).toThrow(/2 logit rows but 1 labels/);
    logits.dispose();
  });

  test('binary cross-entropy from logits equals the probability form and handles ±100', () => {
    const x = tf.tensor2d([
      [0.3, -1.2],
      [100, -100],
    ]);
    const t = tf.tensor2d([
      [1, 0],
      [0, 0],
    ]);
    const s = (v: number) => 1 / (1 + Math.exp(-v));
    const row0 = -Math.log(s(0.3)) - Math.log(1 - s(-1.2));
    const per = binaryCrossEntropy(x, t, { reduction: 'none' });
    const pv = per.dataSync();
    expect(pv[0]).toBeCloseTo(row0, 5);
    expect(pv[1]).toBeCloseTo(100, 3);
    expect(
      value(binaryCrossEntropy(tf.tensor1d([0.5]), tf.tensor1d([1]), { positiveWeight: 3 })),
    ).toBeCloseTo(-3 * Math.log(s(0.5)), 5);
    tf.dispose([x, t, per]);
  });

  test('smooth-L1: quadratic below β, linear above, mean over frames and coordinates', () => {
    const p = tf.tensor3d([
      [
        [0, 0, 0, 0],
        [2, 0, 0, 0],
      ],
    ]); // 1 sample, K = 2 frames
    const t = tf.zeros([1, 2, 4]);
    // element losses: 0 ×7 and |2| − 0.5 = 1.5 → mean over 8 = 0.1875
    expect(value(smoothL1(p, t))).toBeCloseTo(0.1875, 6);
    expect(value(smoothL1(tf.tensor1d([0.5]), tf.tensor1d([0]), { beta: 1 }))).toBeCloseTo(
      0.125,
      6,
    );
    tf.dispose([p, t]);
  });

  test('IoU losses: known overlaps, GIoU for disjoint boxes, pixel-inclusive convention', () => {
    const a = tf.tensor2d([
      [0, 0, 10, 10],
      [0, 0, 10, 10],
    ]);
    const b = tf.tensor2d([
      [0, 0, 10, 10],
      [20, 0, 30, 10],
    ]);
    const per = iouLoss(a, b, { reduction: 'none' }).dataSync();
    expect(per[0]).toBeCloseTo(0, 6);
    expect(per[1]).toBeCloseTo(1, 6);
    // GIoU of the disjoint pair: 0 − (300 − 200)/300 → loss 1 + 1/3
    expect(iouLoss(a, b, { kind: 'giou', reduction: 'none' }).dataSync()[1]).toBeCloseTo(4 / 3, 5);
    const half = tf.tensor2d([[0, 0, 10, 5]]);
    const full = tf.tensor2d([[0, 0, 10, 10]]);
    expect(value(iouLoss(half, full))).toBeCloseTo(0.5, 6);
    expect(value(iouLoss(half, full, { pixelInclusive: true }))).toBeCloseTo(1 - 66 / 121, 6);
    expect(value(iouLoss(half, full, { kind: 'log-iou' }))).toBeCloseTo(Math.log(2), 5);
    tf.dispose([a, b, half, full]);
  });

  test('every loss passes a numeric gradient check on wasm', () => {
    const logits = tf.tensor2d([
      [0.2, -0.4, 1.1],
      [0.7, 0.1, -0.3],
    ]);
    expect(
      gradientCheck((z) => softmaxCrossEntropy(z as tf.Tensor2D, [2, 0]) as tf.Scalar, [logits])
        .maxError,
    ).toBeLessThan(1e-2);
    const tb = tf.tensor2d([
      [1, 0, 1],
      [0, 0, 1],
    ]);
    expect(
      gradientCheck((z) => binaryCrossEntropy(z, tb) as tf.Scalar, [logits]).maxError,
    ).toBeLessThan(1e-2);
    const target = tf.tensor2d([
      [0.5, -0.5, 3.0],
      [0.0, 0.4, -2.0],
    ]);
    expect(
      gradientCheck((z) => smoothL1(z, target) as tf.Scalar, [logits], { epsilon: 1e-3 }).maxError,
    ).toBeLessThan(1e-2);
    const pb = tf.tensor2d([
      [1, 2, 11, 9],
      [3, 1, 8, 12],
    ]);
    const gb = tf.tensor2d([
      [0, 0, 10, 10],
      [2, 2, 9, 9],
    ]);
    expect(
      gradientCheck((z) => iouLoss(z, gb, { kind: 'giou' }) as tf.Scalar, [pb]).maxError,
    ).toBeLessThan(1e-2);
    tf.dispose([logits, tb, target, pb, gb]);
  });
});
