import fc from 'fast-check';
import { selectKeyTimestamps } from './key-timestamps';

/** 10 × 10 boxes at y = 0 with the given x1 per frame. */
const tubeOf = (xs: number[], start = 1) => ({
  start,
  boxes: Float64Array.from(xs.flatMap((x) => [x, 0, x + 10, 10])),
});

describe('selectKeyTimestamps (CFAD Eq. 5)', () => {
  test('constant speed: the two endpoints already interpolate the tube', () => {
    const r = selectKeyTimestamps(tubeOf([0, 5, 10, 15, 20, 25, 30, 35, 40]), { samples: 5 });
    expect(Array.from(r.labels)).toEqual([1, 0, 0, 0, 1]);
    expect(Array.from(r.order)).toEqual([0, 4]);
    expect(r.iouTrace[0]).toBeCloseTo(1, 12);
    expect(Array.from(r.times)).toEqual([1, 3, 5, 7, 9]);
  });

  test('quadratic path: any interior knot makes the parabola exact; the tie goes to the lowest i', () => {
    // x1(f) = 2.5 (f − 1)(9 − f): 0, 17.5, 30, 37.5, 40, …; the endpoint line x1 = 0 overlaps
    // only frames 1 and 9 (shift ≥ 10 elsewhere), so IoU = 2/9 ≤ 0.8 and one knot is added.
    const xs = Array.from({ length: 9 }, (_, k) => 2.5 * k * (8 - k));
    const r = selectKeyTimestamps(tubeOf(xs), { samples: 5 });
    expect(r.iouTrace[0]).toBeCloseTo(2 / 9, 12);
    expect(r.iouTrace[1]).toBeCloseTo(1, 12);
    expect(Array.from(r.labels)).toEqual([1, 1, 0, 0, 1]);
    expect(Array.from(r.order)).toEqual([0, 4, 1]);
  });

  test('triangle path: the hand-worked Eq. 5 scores pick s_1 over s_2, and ε decides when to stop', () => {
    // x1 = 0, 10, 20, 30, 40, 30, 20, 10, 0 (frames 1…9); samples at frames 1, 3, 5, 7, 9.
    // Endpoints only: line x1 = 0 → IoU 1 at frames 1, 9, else 0 → 2/9.
    // + s_2 (40 at frame 5): parabola 40 − 2.5(f − 5)², shifts 0, 7.5, 10, 7.5, 0 … → 25/63.
    // + s_1 (20 at frame 3): parabola −5/3 (f − 1)(f − 9), shifts 0, 5/3, 0, 5, 40/3, 5, 0, 5/3, 0
    //   → (4 + 2·5/7 + 2·1/3) / 9 = 128/189 ≈ 0.677; s_3 gives the same parabola (tie → s_1).
    const xs = [0, 10, 20, 30, 40, 30, 20, 10, 0];
    const r = selectKeyTimestamps(tubeOf(xs, 11), { samples: 5, epsilon: 0.6 });
    expect(Array.from(r.order)).toEqual([0, 4, 1]);
    expect(r.iouTrace[0]).toBeCloseTo(2 / 9, 12);
    expect(r.iouTrace[1]).toBeCloseTo(128 / 189, 12);
    expect(Array.from(r.labels)).toEqual([1, 1, 0, 0, 1]);
    expect(Array.from(r.times)).toEqual([11, 13, 15, 17, 19]);
    // at ε = 0.8 it goes on; with all five knots the spline passes through every sample
    const all = selectKeyTimestamps(tubeOf(xs), { samples: 5, epsilon: 0.8 });
    expect(all.order[2]).toBe(1);
    expect(all.order.length).toBeGreaterThan(3);
    // ε = 0 stops at once only if IoU > 0: here 2/9 > 0
    expect(Array.from(selectKeyTimestamps(tubeOf(xs), { samples: 5, epsilon: 0 }).order)).toEqual([
      0, 4,
    ]);
  });

  test('knot boxes at fractional frames come from linear interpolation of the GT', () => {
    // T = 4 frames, N = 3 → τ = 1, 2.5, 4; the knot at 2.5 is halfway between frames 2 and 3
    const r = selectKeyTimestamps(tubeOf([0, 10, 30, 30]), { samples: 3, epsilon: 0.99 });
    expect(Array.from(r.times)).toEqual([1, 2.5, 4]);
    expect(Array.from(r.labels)).toEqual([1, 1, 1]);
  });

  test('property: endpoints always labelled; stops early only above ε; labels = order', () => {
    const caseArb = fc.tuple(
      fc.array(fc.integer({ min: -30, max: 30 }), { minLength: 2, maxLength: 24 }),
      fc.integer({ min: 2, max: 8 }),
      fc.double({ min: 0, max: 1, noNaN: true }),
    );
    fc.assert(
      fc.property(caseArb, ([xs, N, eps]) => {
        const r = selectKeyTimestamps(tubeOf(xs), { samples: N, epsilon: eps });
        expect(r.labels[0]).toBe(1);
        expect(r.labels[N - 1]).toBe(1);
        const labelled = Array.from(r.labels).reduce((a, b) => a + b, 0);
        expect(labelled).toBe(r.order.length);
        expect(new Set(r.order).size).toBe(r.order.length);
        expect(r.iouTrace.length).toBe(r.order.length - 1);
        for (let k = 0; k < r.iouTrace.length - 1; k++)
          expect(r.iouTrace[k]).toBeLessThanOrEqual(eps);
        if (r.order.length < N) expect(r.iouTrace[r.iouTrace.length - 1]).toBeGreaterThan(eps);
      }),
      { numRuns: 60 },
    );
  });

  test('bad input', () => {
    expect(() => selectKeyTimestamps(tubeOf([0]), { samples: 4 })).toThrow(
      'selectKeyTimestamps: the tube has 1 frame(s); expected at least 2 to place N samples',
    );
    expect(() => selectKeyTimestamps(tubeOf([0, 1]), { samples: 1 })).toThrow(
      'selectKeyTimestamps: samples = 1; expected an integer ≥ 2',
    );
    expect(() => selectKeyTimestamps(tubeOf([0, 1]), { samples: 3, epsilon: 1.5 })).toThrow(
      /epsilon = 1.5; expected a number in \[0, 1\]/,
    );
  });
});
