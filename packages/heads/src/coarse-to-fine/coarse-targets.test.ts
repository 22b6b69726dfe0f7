import { createRng, initBackend, tf } from '@tubekit/nn';
import { coarseLoss, coarseTargets } from './coarse-targets';

beforeAll(async () => {
  await initBackend({ backend: 'wasm', log: () => {} });
});

// K = 2: the tube sits on anchor 0 for its first segment and on anchor 1 for its second
const anchors = new Float64Array([0, 0, 10, 10, 50, 50, 60, 60, 90, 90, 99, 99]);
const tube = {
  start: 1,
  label: 2,
  boxes: new Float64Array([0, 0, 10, 10, 0, 0, 10, 10, 50, 50, 60, 60, 50, 50, 60, 60]),
};

describe('coarseTargets (CFAD §3.2 segment-wise matching, Eqs. 3–4)', () => {
  test('GT span: first segment positive, a later segment ignored, no overlap negative', () => {
    const t = coarseTargets(anchors, [tube], 1, 4, { segmentLength: 2, rng: createRng(1) });
    expect(Array.from(t.rows)).toEqual([0, 2]);
    expect(Array.from(t.labels)).toEqual([3, 0]);
    expect(t.targets).toHaveLength(1);
    expect(Array.from(t.targets[0]!.times)).toEqual([0, 1 / 3, 2 / 3, 1]);
    // enc([50, 50, 60, 60], [0, 0, 10, 10]) = [(55 − 5)/10, 5, log 1, log 1]
    expect(Array.from(t.targets[0]!.deltas)).toEqual([
      0, 0, 0, 0, 0, 0, 0, 0, 5, 5, 0, 0, 5, 5, 0, 0,
    ]);
  });

  test('proposal span: only the GT boxes inside it, times renormalised by the proposal', () => {
    const t = coarseTargets(anchors, [tube], 2.5, 4, { segmentLength: 2, rng: createRng(1) });
    expect(Array.from(t.rows)).toEqual([1, 0, 2]);
    expect(Array.from(t.labels)).toEqual([3, 0, 0]);
    expect(Array.from(t.targets[0]!.times)).toEqual([1 / 3, 1]);
    expect(Array.from(t.targets[0]!.deltas)).toEqual([0, 0, 0, 0, 0, 0, 0, 0]);
  });

  test('negatives are capped at 3× the positives', () => {
    const many = new Float64Array(4 * 20);
    many.set(anchors.subarray(0, 4));
    for (let i = 1; i < 20; i++) many.set([200 + i, 200, 210 + i, 210], 4 * i);
    const t = coarseTargets(many, [tube], 1, 4, { segmentLength: 2, rng: createRng(1) });
    expect(t.rows.length).toBe(4);
    expect(() => coarseTargets(anchors, [tube], 3, 3, { rng: createRng(1) })).toThrow(/empty/);
  });

  test('coarseLoss (Eq. 2): mean CE over labelled anchors + mean per-anchor (1/T)Σ‖θᵀt − enc‖²', () => {
    const t = coarseTargets(anchors, [tube], 1, 4, { segmentLength: 2, rng: createRng(1) });
    const logits = tf.zeros([1, 3, 4]) as tf.Tensor3D; // C = 3: CE = log 4 per anchor
    const theta = tf.zeros([1, 3, 2, 4]) as tf.Tensor4D;
    const before = tf.memory().numTensors;
    const loss = coarseLoss({ logits, theta }, [t]);
    // ‖enc‖² = 0, 0, 50, 50 over 4 boxes → 25
    expect(loss.dataSync()[0]).toBeCloseTo(Math.log(4) + 25, 4);
    loss.dispose();
    expect(tf.memory().numTensors).toBe(before);
    // θ at the least-squares optimum of a line through the deltas: its loss is the residual only
    const g = tf.grad((th: tf.Tensor) => coarseLoss({ logits, theta: th as tf.Tensor4D }, [t]))(
      theta,
    );
    // ∂/∂θ₀ₓ of (1/4)Σ(θ₀ + θ₁t − d)² at 0 = −(2/4)Σd = −(2/4)(5 + 5) = −5 for anchor 0 only
    const gv = g.dataSync(); // [1, 3, 2, 4]: anchor a, row j, coordinate c at (a·2 + j)·4 + c
    expect(gv[0]).toBeCloseTo(-5, 4);
    expect(gv[16]).toBe(0);
    tf.dispose([logits, theta, g]);
    expect(() => coarseLoss({ logits, theta }, [])).toThrow(/0 targets for 1/);
  });
});
