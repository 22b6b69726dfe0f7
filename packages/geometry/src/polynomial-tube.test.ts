import fc from 'fast-check';
import { boxArb } from '../test/arbitraries';
import { maxAbsDiff } from '../test/max-error';
import {
  decodePolynomialTube,
  encodePolynomialTube,
  evaluatePolynomialTube,
  fitPolynomialTube,
  normalizedTimestamps,
} from './polynomial-tube';

describe('polynomial tube encoding (CFAD Eq. 1–4)', () => {
  test('normalised timestamps (Eq. 4)', () => {
    expect(Array.from(normalizedTimestamps([11, 12, 13, 14, 15]))).toEqual([0, 0.25, 0.5, 0.75, 1]);
    expect(Array.from(normalizedTimestamps([7]))).toEqual([0]);
    expect(() => normalizedTimestamps([1, 3, 3])).toThrow('frame 2 (3) ≤ frame 1 (3)');
  });
  test('least-squares golden values (numpy.linalg.lstsq on the Vandermonde, k = 3)', () => {
    const t = [0, 0.1, 0.25, 0.4, 0.5, 0.65, 0.8, 0.9, 1.0];
    const y = new Float64Array([
      3, 1, 10, 12, 5, 2, 11, 13, 4, 4, 15, 12, 8, 3, 16, 19, 2, 2, 12, 14, 6, 1, 13, 16, 7, 2, 9,
      11, 4, 4, 12, 15, 5, 5, 14, 13,
    ]);
    const numpy = [
      3.4737358505188416, 0.8588732566784281, 9.03862126196275, 11.413784049625324,
      7.272246130569022, 22.422732271144795, 46.80217775888738, 20.50769149132312,
      -7.589531505473906, -60.66938779563733, -110.7062398259624, -32.4159641006704,
      1.7443907562987118, 42.87418219457651, 68.63824550025068, 13.485024253940255,
    ];
    const theta = fitPolynomialTube(t, y, 3);
    numpy.forEach((v, i) => {
      expect(theta[i]).toBeCloseTo(v, 10);
    });
  });
  test('an exact polynomial of order ≤ k is recovered, k ≤ 8 (property)', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 8 }).chain((k) =>
          fc.tuple(
            fc.constant(k),
            fc.integer({ min: 0, max: k }),
            fc.array(fc.double({ min: -50, max: 50, noNaN: true }), {
              minLength: 36,
              maxLength: 36,
            }),
            fc.integer({ min: k + 1, max: 60 }),
          ),
        ),
        ([k, j, coef, T]) => {
          const truth = new Float64Array(4 * (k + 1));
          truth.set(coef.slice(0, 4 * (j + 1)));
          const t = normalizedTimestamps(Array.from({ length: T }, (_, i) => i * 3 + 7));
          const values = evaluatePolynomialTube(truth.subarray(0, 4 * (j + 1)), t);
          const theta = fitPolynomialTube(t, values, k);
          expect(maxAbsDiff(theta, truth)).toBeLessThan(1e-6);
          expect(maxAbsDiff(evaluatePolynomialTube(theta, t), values)).toBeLessThan(1e-8);
        },
      ),
    );
  });
  test('too few samples and repeated times are reported', () => {
    expect(() => fitPolynomialTube([0, 1], new Float64Array(8), 2)).toThrow(
      'order 2 needs at least 3 samples, got 2',
    );
    expect(() => fitPolynomialTube([0, 0.5, 0.5], new Float64Array(12), 2)).toThrow(
      'do not determine coefficient 2',
    );
    expect(() => fitPolynomialTube([0, 1], new Float64Array(7), 1)).toThrow('expected 8 (T × 4)');
  });
  test('anchor-relative encode/decode reproduces a tube that moves polynomially', () => {
    fc.assert(
      fc.property(boxArb, boxArb, fc.integer({ min: 1, max: 4 }), (start, anchor, k) => {
        // box centre moves on a quadratic path, size grows linearly
        const T = 12;
        const boxes = new Float64Array(4 * T);
        const t = normalizedTimestamps(Array.from({ length: T }, (_, i) => i + 1));
        for (let i = 0; i < T; i++) {
          const dx = 30 * t[i]! - 10 * t[i]! * t[i]!;
          const grow = 1 + 0.5 * t[i]!;
          const w = (start[2] - start[0]) * grow;
          const h = (start[3] - start[1]) * grow;
          boxes.set([start[0] + dx, start[1], start[0] + dx + w, start[1] + h], 4 * i);
        }
        const theta = encodePolynomialTube(boxes, t, anchor, 8);
        const back = decodePolynomialTube(theta, anchor, t);
        expect(maxAbsDiff(back, boxes)).toBeLessThan(1e-4);
        // a lower order still gives a finite, sensible fit
        const coarse = decodePolynomialTube(encodePolynomialTube(boxes, t, anchor, k), anchor, t);
        expect(coarse.every(Number.isFinite)).toBe(true);
      }),
    );
  });
});
