import { segmentIoUs } from '@tubekit/geometry';
import { createRng } from './random';
import { assignProposals, sampleProposals } from './samplers';

describe('assignProposals', () => {
  test('best proposal per ground truth is positive even below τ; others by threshold', () => {
    const a = assignProposals(
      new Float64Array([0.9, 0.1, 0.3, 0.2, 0.05, 0.4, 0.6, 0.0]),
      { proposals: 4, groundTruths: 2 },
      0.5,
    );
    expect(Array.from(a.positive)).toEqual([1, 0, 1, 1]);
    expect(Array.from(a.assignedGt)).toEqual([0, 0, 1, 0]);
    expect(Array.from(a.maxOverlap)).toEqual([0.9, 0.3, 0.4, 0.6]);
  });
  test('no ground truth: all negative, unassigned; wrong sizes are named', () => {
    const a = assignProposals([], { proposals: 3, groundTruths: 0 }, 0.5);
    expect(Array.from(a.positive)).toEqual([0, 0, 0]);
    expect(Array.from(a.assignedGt)).toEqual([-1, -1, -1]);
    expect(() => assignProposals([0.1, 0.2, 0.3], { proposals: 2, groundTruths: 2 }, 0.5)).toThrow(
      /3 overlaps for 2 proposals × 2/,
    );
  });
});

describe('assignProposals ignore band (RPN, CFAD, PCSC)', () => {
  // 5 proposals × 1 ground truth
  const ious = new Float64Array([0.8, 0.7, 0.5, 0.3, 0.1]);
  const shape = { proposals: 5, groundTruths: 1 };

  test('Faster R-CNN RPN: positive ≥ 0.7, negative < 0.3, [0.3, 0.7) ignored', () => {
    const a = assignProposals(ious, shape, 0.7, { negativeBelow: 0.3, positiveAtThreshold: true });
    expect(Array.from(a.positive)).toEqual([1, 1, 0, 0, 0]);
    expect(Array.from(a.ignored)).toEqual([0, 0, 1, 1, 0]);
    // strict positive test (default): 0.7 itself is in the band
    const strict = assignProposals(ious, shape, 0.7, { negativeBelow: 0.3 });
    expect(Array.from(strict.positive)).toEqual([1, 0, 0, 0, 0]);
    expect(Array.from(strict.ignored)).toEqual([0, 1, 1, 1, 0]);
  });

  test('the forced best proposal of a ground truth leaves the band', () => {
    const low = new Float64Array([0.5, 0.4, 0.1, 0.45]);
    const a = assignProposals(low, { proposals: 4, groundTruths: 1 }, 0.7, { negativeBelow: 0.3 });
    expect(Array.from(a.positive)).toEqual([1, 0, 0, 0]);
    expect(Array.from(a.ignored)).toEqual([0, 1, 0, 1]);
    const unforced = assignProposals(low, { proposals: 4, groundTruths: 1 }, 0.7, {
      negativeBelow: 0.3,
      bestPerGroundTruth: false,
    });
    expect(Array.from(unforced.positive)).toEqual([0, 0, 0, 0]);
    expect(Array.from(unforced.ignored)).toEqual([1, 1, 0, 1]);
  });

  test('PCSC head labels: > 0.5 positive, < 0.5 negative, exactly 0.5 neither', () => {
    const a = assignProposals(ious, shape, 0.5, { negativeBelow: 0.5, bestPerGroundTruth: false });
    expect(Array.from(a.positive)).toEqual([1, 1, 0, 0, 0]);
    expect(Array.from(a.ignored)).toEqual([0, 0, 1, 0, 0]);
    // no options: STEP's rule, nothing ignored
    expect(Array.from(assignProposals(ious, shape, 0.5).ignored)).toEqual([0, 0, 0, 0, 0]);
  });

  test('CFAD segment-wise: positives on the first segment, negatives against every segment', () => {
    // 3 anchors × 2 tubes: first-segment overlaps and best-segment overlaps
    const first = new Float64Array([0.6, 0.1, 0.2, 0.2, 0.1, 0.0]);
    const anySegment = new Float64Array([0.6, 0.4, 0.2, 0.25, 0.1, 0.1]);
    const a = assignProposals(first, { proposals: 3, groundTruths: 2 }, 0.5, {
      negativeBelow: 0.3,
      negativeOverlaps: anySegment,
      bestPerGroundTruth: false,
    });
    expect(Array.from(a.positive)).toEqual([1, 0, 0]);
    expect(Array.from(a.ignored)).toEqual([0, 0, 0]); // anchor 1: best segment 0.25 < 0.3
    const b = assignProposals(first, { proposals: 3, groundTruths: 2 }, 0.5, {
      negativeBelow: 0.2,
      negativeOverlaps: anySegment,
      bestPerGroundTruth: false,
    });
    expect(Array.from(b.ignored)).toEqual([0, 1, 0]);
  });

  test("with geometry's segmentIoUs: CFAD's K-box segment test end to end", () => {
    // K = 2; the tube sits on anchor 0 for its first segment and on anchor 1 for its second
    const tube = {
      start: 1,
      boxes: new Float64Array([0, 0, 10, 10, 0, 0, 10, 10, 50, 50, 60, 60, 50, 50, 60, 60]),
    };
    const anchors = new Float64Array([0, 0, 10, 10, 50, 50, 60, 60, 90, 90, 99, 99]);
    const seg = segmentIoUs(anchors, [tube], 2);
    const a = assignProposals(seg.first, { proposals: 3, groundTruths: 1 }, 0.5, {
      negativeBelow: 0.3,
      negativeOverlaps: seg.best,
      bestPerGroundTruth: false,
    });
    // anchor 0: positive; anchor 1: first segment 0 but a later segment 1 → ignored, not negative
    expect(Array.from(a.positive)).toEqual([1, 0, 0]);
    expect(Array.from(a.ignored)).toEqual([0, 1, 0]);
  });

  test('bad band and sizes are named; the sampler skips ignored proposals', () => {
    expect(() => assignProposals(ious, shape, 0.5, { negativeBelow: 0.6 })).toThrow(
      'assignProposals: negativeBelow = 0.6; expected a number ≤ threshold (0.5)',
    );
    expect(() => assignProposals(ious, shape, 0.5, { negativeOverlaps: [0.1] })).toThrow(
      'assignProposals: 1 negativeOverlaps for 5 proposals × 1 ground truths',
    );
    const a = assignProposals(ious, shape, 0.7, { negativeBelow: 0.3, positiveAtThreshold: true });
    const s = sampleProposals(a.positive, {
      batchSize: 10,
      weights: 'uniform',
      rng: createRng(0),
      ignored: a.ignored,
    });
    expect(Array.from(s.positives)).toEqual([0, 1]);
    expect(Array.from(s.negatives)).toEqual([4]);
    expect(() =>
      sampleProposals(a.positive, {
        batchSize: 4,
        weights: 'uniform',
        rng: createRng(0),
        ignored: new Uint8Array(2),
      }),
    ).toThrow('sampleProposals: 2 ignored flags for 5 proposals');
  });
});

describe('sampleProposals', () => {
  const positive = new Uint8Array(200);
  for (let i = 0; i < 200; i += 10) positive[i] = 1; // 20 positives, 180 negatives

  test('balanced: at most half positives, negatives fill the batch, same seed → same draw', () => {
    const a = sampleProposals(positive, { batchSize: 32, weights: 'uniform', rng: createRng(3) });
    expect(a.positives.length).toBe(16);
    expect(a.negatives.length).toBe(16);
    for (const i of a.positives) expect(positive[i]).toBe(1);
    for (const i of a.negatives) expect(positive[i]).toBe(0);
    expect(new Set(a.negatives).size).toBe(16);
    const b = sampleProposals(positive, { batchSize: 32, weights: 'uniform', rng: createRng(3) });
    expect(b).toEqual(a);
    const few = sampleProposals(positive, { batchSize: 64, weights: 'uniform', rng: createRng(3) });
    expect(few.positives.length).toBe(20);
    expect(few.negatives.length).toBe(44);
  });

  test('negativesPerPositive: negatives follow the drawn positives (at least one), not the batch', () => {
    const opts = { batchSize: 64, weights: 'uniform' as const, negativesPerPositive: 1 };
    const a = sampleProposals(positive, { ...opts, rng: createRng(5) });
    expect(a.positives.length).toBe(20);
    expect(a.negatives.length).toBe(20);
    const c = sampleProposals(positive, { ...opts, negativesPerPositive: 2.5, rng: createRng(5) });
    expect(c.negatives.length).toBe(50);
    const none = sampleProposals(new Uint8Array(8), { ...opts, rng: createRng(5) });
    expect(none.positives.length).toBe(0);
    expect(none.negatives.length).toBe(1);
    expect(() =>
      sampleProposals(positive, { ...opts, negativesPerPositive: -1, rng: createRng(5) }),
    ).toThrow(/negativesPerPositive is -1/);
  });

  test('hard-aware: high-score negatives are drawn far more often than low-score ones', () => {
    const scores = new Float64Array(200).map((_, i) => (i % 2 === 1 ? 0.9 : 0.05)); // odd = hard
    const rng = createRng(11);
    let hard = 0;
    let easy = 0;
    for (let r = 0; r < 50; r++) {
      const { negatives } = sampleProposals(positive, { batchSize: 20, weights: scores, rng });
      for (const i of negatives) i % 2 === 1 ? hard++ : easy++;
    }
    expect(hard / (hard + easy)).toBeGreaterThan(0.85);
  });

  test('zero weights come last; negative weights are rejected', () => {
    const pos = new Uint8Array(6);
    const w = [0, 0, 1, 0, 1, 0];
    const { negatives } = sampleProposals(pos, {
      batchSize: 3,
      positiveFraction: 0,
      weights: w,
      rng: createRng(1),
    });
    expect(negatives.length).toBe(3);
    expect(negatives).toContain(2);
    expect(negatives).toContain(4);
    expect(() =>
      sampleProposals(pos, { batchSize: 3, weights: [1, -1, 1, 1, 1, 1], rng: createRng(1) }),
    ).toThrow(/weight of proposal 1 is -1/);
  });
});
