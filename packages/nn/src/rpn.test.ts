import * as tf from '@tensorflow/tfjs-core';
import { gridAnchors } from '@tubekit/geometry';
import { gradientCheck } from './grad-check';
import { initBackend } from './init-backend';
import { RpnHead } from './layers/rpn-head';
import { createRng } from './random';
import { rpnLoss } from './rpn-loss';
import { rpnProposals, rpnScores } from './rpn-proposals';
import { rpnTargets } from './rpn-targets';

beforeAll(async () => {
  await initBackend({ backend: 'wasm', log: () => {} });
});

describe('rpnTargets', () => {
  const anchors = new Float64Array([
    0,
    0,
    10,
    10, // IoU 1 with gt 0 → positive
    0,
    0,
    10,
    20, // 0.5 → ignored
    50,
    50,
    60,
    60, // gt 1's best anchor (IoU 100/480) → forced positive
    5,
    0,
    15,
    10, // 1/3 → ignored
    0,
    0,
    20,
    20, // 0.25 → negative
  ]);
  const gt = new Float64Array([0, 0, 10, 10, 40, 40, 60, 64]);

  test('hand-worked labels, classes and delta targets', () => {
    const t = rpnTargets(anchors, gt, { rng: createRng(0) }, [3, 2]);
    expect(Array.from(t.labels)).toEqual([3, -1, 2, -1, 0]);
    expect(Array.from(t.positives)).toEqual([0, 2]);
    expect(Array.from(t.negatives)).toEqual([4]);
    expect(Array.from(t.deltas.subarray(0, 4))).toEqual([0, 0, 0, 0]);
    // anchor 2: centre (55, 55), 10 × 10; gt 1: centre (50, 52), 20 × 24
    const d = Array.from(t.deltas.subarray(8, 12));
    for (const [c, v] of [-0.5, -0.3, Math.log(2), Math.log(2.4)].entries())
      expect(d[c]).toBeCloseTo(v, 6);
    expect(Array.from(t.deltas.subarray(16, 20))).toEqual([0, 0, 0, 0]);
    // class-agnostic
    expect(Array.from(rpnTargets(anchors, gt, { rng: createRng(0) }).labels)).toEqual([
      1, -1, 1, -1, 0,
    ]);
  });

  test('cross-boundary anchors are ignored on request; the batch is balanced; no GT → background', () => {
    const t = rpnTargets(anchors, gt, {
      rng: createRng(0),
      insideImage: { width: 30, height: 30 },
    });
    expect(Array.from(t.labels)).toEqual([1, -1, -1, -1, 0]);
    // the best anchor of a ground truth is chosen among anchors inside the image
    const edge = new Float64Array([-4, 0, 16, 20, 4, 4, 16, 16]); // IoU 2/3 (crosses), 0.36
    const square = new Float64Array([0, 0, 20, 20]);
    const image = { width: 30, height: 30 };
    expect(Array.from(rpnTargets(edge, square, { rng: createRng(0) }).labels)).toEqual([1, -1]);
    expect(
      Array.from(rpnTargets(edge, square, { rng: createRng(0), insideImage: image }).labels),
    ).toEqual([-1, 1]);
    const small = rpnTargets(anchors, gt, { rng: createRng(0), batchSize: 2 });
    expect(small.positives.length).toBe(1);
    expect(small.negatives.length).toBe(1);
    const none = rpnTargets(anchors, new Float64Array(0), { rng: createRng(0) });
    expect(Array.from(none.labels)).toEqual([0, 0, 0, 0, 0]);
    expect(() => rpnTargets(anchors, gt, { rng: createRng(0) }, [1, 0])).toThrow(
      'rpnTargets: class of ground truth 1 is 0; expected an integer ≥ 1',
    );
  });
});

describe('rpnLoss', () => {
  const targets = {
    labels: Int32Array.from([1, 0, -1]),
    deltas: new Float32Array(12),
    positives: Int32Array.from([0]),
    negatives: Int32Array.from([1]),
  };

  test('hand-worked: BCE over sampled anchors + smooth-L1 of positives / sampled count', () => {
    const logits = tf.tensor3d([0, 0, 2], [1, 3, 1]);
    const deltas = tf.tensor3d([0.5, 0, 0, 0, 9, 9, 9, 9, 9, 9, 9, 9], [1, 3, 4]);
    const before = tf.memory().numTensors;
    const r = rpnLoss({ logits, deltas }, [targets]);
    const smooth = 0.5 - 0.5 / 9; // |d| = 0.5 ≥ β = 1/9
    expect(r.classification.dataSync()[0]).toBeCloseTo(Math.log(2), 5);
    expect(r.regression.dataSync()[0]).toBeCloseTo(smooth / 2, 5);
    expect(r.total.dataSync()[0]).toBeCloseTo(Math.log(2) + smooth / 2, 5);
    tf.dispose([r.total, r.classification, r.regression]);
    expect(tf.memory().numTensors).toBe(before);
    // softmax over K = 3 classes: uniform logits → log 3 per sampled anchor
    const soft = rpnLoss({ logits: tf.zeros([1, 3, 3]) as tf.Tensor3D, deltas }, [
      { ...targets, labels: Int32Array.from([2, 0, -1]) },
    ]);
    expect(soft.classification.dataSync()[0]).toBeCloseTo(Math.log(3), 5);
    expect(() =>
      rpnLoss({ logits: tf.zeros([1, 3, 2]) as tf.Tensor3D, deltas }, [
        { ...targets, labels: Int32Array.from([2, 0, -1]) },
      ]),
    ).toThrow('rpnLoss: image 0 anchor 0 has class 2; the head scores 2 classes');
    expect(() => rpnLoss({ logits, deltas }, [])).toThrow(
      'rpnLoss: 0 target sets for a batch of 1 images',
    );
    tf.dispose([logits, deltas, soft.total, soft.classification, soft.regression]);
  });

  test('gradient check in logits and deltas (sigmoid and softmax)', () => {
    for (const K of [1, 3]) {
      const logits = tf.randomNormal([1, 3, K], 0, 1, 'float32', K) as tf.Tensor3D;
      const deltas = tf.randomNormal([1, 3, 4], 0, 0.5, 'float32', 7) as tf.Tensor3D;
      const t = { ...targets, deltas: Float32Array.from({ length: 12 }, (_, i) => (i % 5) * 0.1) };
      const { maxError } = gradientCheck(
        (l, d) =>
          tf.tidy(() => {
            const r = rpnLoss({ logits: l as tf.Tensor3D, deltas: d as tf.Tensor3D }, [t], {
              beta: 0.05,
            });
            return r.total;
          }),
        [logits, deltas],
        { epsilon: 1e-2 },
      );
      expect(maxError).toBeLessThan(2e-2);
      tf.dispose([logits, deltas]);
    }
  });
});

describe('rpnScores / rpnProposals', () => {
  test('scores: sigmoid, 1 − p(background), or one class', () => {
    const one = rpnScores(tf.tensor3d([0, Math.log(3)], [1, 2, 1]));
    expect(Array.from(one.dataSync())).toEqual([0.5, expect.closeTo(0.75, 6)]);
    const logits = tf.tensor3d([0, 0, Math.log(2)], [1, 1, 3]); // p = [1/4, 1/4, 1/2]
    expect(rpnScores(logits).dataSync()[0]).toBeCloseTo(0.75, 6);
    expect(rpnScores(logits, 2).dataSync()[0]).toBeCloseTo(0.5, 6);
    expect(() => rpnScores(logits, 3)).toThrow(
      'rpnScores: scoreClass = 3; expected an integer in [1, 2]',
    );
  });

  test('hand-worked: decode, clip, minSize, NMS and top-k', () => {
    const anchors = new Float64Array([0, 0, 10, 10, 1, 1, 11, 11, 20, 20, 30, 30]);
    const zero = new Float64Array(12);
    const image = { width: 25, height: 25 };
    const p = rpnProposals([0.9, 0.8, 0.7], zero, anchors, { image, nmsThreshold: 0.5 });
    expect(Array.from(p.anchors)).toEqual([0, 2]);
    expect(Array.from(p.boxes)).toEqual([0, 0, 10, 10, 20, 20, 25, 25]); // clipped
    expect(Array.from(p.scores)).toEqual([0.9, 0.7]);
    // IoU(0, 1) = 81/119 ≈ 0.68 survives 0.7
    expect(Array.from(rpnProposals([0.9, 0.8, 0.7], zero, anchors, { image }).anchors)).toEqual([
      0, 1, 2,
    ]);
    expect(
      Array.from(rpnProposals([0.9, 0.8, 0.7], zero, anchors, { image, minSize: 6 }).anchors),
    ).toEqual([0, 1]);
    expect(
      Array.from(rpnProposals([0.7, 0.8, 0.9], zero, anchors, { image, preNmsTopK: 1 }).anchors),
    ).toEqual([2]);
    expect(
      Array.from(rpnProposals([0.9, 0.8, 0.7], zero, anchors, { image, postNmsTopK: 2 }).anchors),
    ).toEqual([0, 1]);
    const moved = new Float64Array(12);
    moved[0] = 0.5; // anchor 0 shifted right by half its width
    expect(
      Array.from(rpnProposals([0.9, 0.1, 0.1], moved, anchors, { image, preNmsTopK: 1 }).boxes),
    ).toEqual([5, 0, 15, 10]);
    expect(() => rpnProposals([0.9], zero, anchors, { image })).toThrow(
      /1 scores, 3 delta rows and 3 anchors/,
    );
  });
});

describe('RPN end to end on a toy', () => {
  test('the loss falls when the head learns one box; proposals find it; no tensor leaks', () => {
    const rpn = new RpnHead({ inChannels: 4, hiddenChannels: 8, anchors: 2, seed: 0 });
    const features = tf.randomNormal([1, 4, 4, 4], 0, 1, 'float32', 5) as tf.Tensor4D;
    const anchors = gridAnchors({ height: 4, width: 4, stride: 8, sizes: [12, 12, 20, 20] });
    const gt = new Float64Array([6, 6, 22, 22]);
    const targets = rpnTargets(anchors, gt, { rng: createRng(1), positiveIoU: 0.5, batchSize: 16 });
    const optimizer = tf.train.adam(0.05);
    const losses: number[] = [];
    let afterFirstStep = 0;
    for (let step = 0; step < 40; step++) {
      const cost = optimizer.minimize(
        () => rpnLoss(rpn.forward(features), [targets]).total,
        true,
        rpn.trainableVariables as tf.Variable[],
      );
      losses.push(cost!.dataSync()[0]!);
      cost!.dispose();
      if (step === 0) afterFirstStep = tf.memory().numTensors; // the optimizer's slots now exist
    }
    expect(tf.memory().numTensors).toBe(afterFirstStep);
    expect(losses[losses.length - 1]!).toBeLessThan(0.3 * losses[0]!);
    const out = rpn.forward(features);
    const scores = rpnScores(out.logits);
    const p = rpnProposals(scores.dataSync(), out.deltas.dataSync(), anchors, {
      image: { width: 32, height: 32 },
      postNmsTopK: 1,
    });
    const [x1, y1, x2, y2] = Array.from(p.boxes);
    const inter =
      Math.max(0, Math.min(x2!, 22) - Math.max(x1!, 6)) *
      Math.max(0, Math.min(y2!, 22) - Math.max(y1!, 6));
    const iou = inter / ((x2! - x1!) * (y2! - y1!) + 256 - inter);
    expect(iou).toBeGreaterThan(0.7);
    tf.dispose([out.logits, out.deltas, scores]);
    expect(tf.memory().numTensors).toBe(afterFirstStep);
    optimizer.dispose();
    features.dispose();
    rpn.dispose();
  });
});
