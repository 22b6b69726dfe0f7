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
    const idle = sampleProposals(new Uint8Array(8), {
      ...opts,
      minNegatives: 6,
      rng: createRng(5),
    });
    expect(idle.negatives.length).toBe(6);
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
