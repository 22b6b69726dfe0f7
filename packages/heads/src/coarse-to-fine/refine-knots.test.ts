import { fuseTubeScore, knotsToTube, refineKnots } from './refine-knots';

describe('CFAD refinement (§3.3, Eq. 7)', () => {
  // coarse knot 1: centre (20, 40), 20 × 40 → Ω(0.8) = [4, 36] × [8, 72]
  const coarse = new Float64Array([0, 0, 10, 10, 10, 20, 30, 60, 0, 0, 10, 10]);

  test('the best-scoring proposal whose centre lies in Ω replaces the coarse box', () => {
    const boxes = new Float64Array([100, 100, 120, 120, 12, 22, 32, 62, 0, 0, 40, 80]);
    const r = refineKnots(coarse, [{ sample: 1, boxes, scores: [0.99, 0.6, 0.7] }], 0.8);
    expect(Array.from(r.knots.subarray(4, 8))).toEqual([0, 0, 40, 80]);
    expect(Array.from(r.refined)).toEqual([0, 1, 0]);
    expect(r.rpnScores).toEqual([0.7]);
    // σ = 0.4: Ω = [12, 28] × [24, 56]; centre (20, 40) of proposal 2 is still inside, (22, 42) too
    expect(
      refineKnots(coarse, [{ sample: 1, boxes, scores: [0.99, 0.8, 0.7] }], 0.4).rpnScores,
    ).toEqual([0.8]);
  });

  test('no proposal inside Ω keeps the coarse box', () => {
    const r = refineKnots(coarse, [{ sample: 0, boxes: [100, 100, 120, 120], scores: [1] }], 0.8);
    expect(Array.from(r.knots)).toEqual(Array.from(coarse));
    expect(r.rpnScores).toEqual([]);
    expect(() => refineKnots(coarse, [{ sample: 3, boxes: [], scores: [] }], 0.8)).toThrow(
      /sample 3/,
    );
  });

  test('score: ½ class + ½ mean RPN, or the class score alone', () => {
    expect(fuseTubeScore(0.8, [0.6, 0.4])).toBeCloseTo(0.65, 12);
    expect(fuseTubeScore(0.8, [])).toBe(0.8);
  });

  test('knots → one box per frame of the span (spline, linear for 2 knots)', () => {
    const line = knotsToTube([1, 3], new Float64Array([0, 0, 10, 10, 4, 0, 14, 10]));
    expect(line.start).toBe(1);
    expect(Array.from(line.boxes).filter((_, i) => i % 4 === 0)).toEqual([0, 2, 4]);
    // x1 = t² at fractional knot times: the not-a-knot spline reproduces a parabola exactly
    const t = [1, 2.5, 4, 5.5, 7];
    const knots = Float64Array.from(t.flatMap((v) => [v * v, 0, v * v + 1, 1]));
    const tube = knotsToTube(t, knots);
    expect(tube.boxes.length).toBe(4 * 7);
    for (let f = 1; f <= 7; f++) expect(tube.boxes[4 * (f - 1)]).toBeCloseTo(f * f, 9);
  });

  test('with the frame, boxes where the spline overshoots are clipped and kept ≥ 1 px', () => {
    // x1 rises to the frame's right edge and x2 stays on it: between the knots the spline takes
    // x1 past 64 and above x2
    const times = [0, 4, 8, 12];
    const knots = new Float64Array([0, 10, 20, 30, 40, 10, 64, 30, 63, 10, 64, 30, 60, 10, 64, 30]);
    const free = knotsToTube(times, knots).boxes;
    const inverted = (b: Float64Array, i: number) => b[i * 4]! > b[i * 4 + 2]! || b[i * 4]! > 64;
    expect(Array.from({ length: 13 }, (_, i) => inverted(free, i)).some(Boolean)).toBe(true);
    const clipped = knotsToTube(times, knots, { width: 64, height: 48 }).boxes;
    for (let i = 0; i < 13; i++) {
      const [x1, y1, x2, y2] = clipped.subarray(4 * i, 4 * i + 4);
      expect(x1! >= 0 && x2! <= 64 && x2! - x1! >= 1 && y1! >= 0 && y2! <= 48).toBe(true);
    }
    expect(Array.from(clipped.subarray(0, 4))).toEqual([0, 10, 20, 30]); // a knot inside the frame stays
  });
});
