import fc from 'fast-check';
import { maxAbsDiff } from '../test/max-error';
import { evaluateCubicSpline, fitCubicSpline, type SplineBoundary } from './cubic-spline';

const knotsArb = fc
  .array(
    fc.tuple(
      fc.double({ min: 0.2, max: 5, noNaN: true }),
      fc.double({ min: -100, max: 100, noNaN: true }),
    ),
    { minLength: 1, maxLength: 12 },
  )
  .map((rows) => {
    let t = 0;
    const times: number[] = [];
    const values: number[] = [];
    for (const [dt, v] of rows) {
      t += dt;
      times.push(t);
      values.push(v, -v, 2 * v + 1, v * v * 0.01);
    }
    return { times, values: Float64Array.from(values) };
  });

describe('cubic spline', () => {
  test('passes through its knots, both boundaries (property)', () => {
    fc.assert(
      fc.property(
        knotsArb,
        fc.constantFrom<SplineBoundary>('natural', 'not-a-knot'),
        (k, boundary) => {
          const s = fitCubicSpline(k.times, k.values, { boundary });
          expect(maxAbsDiff(evaluateCubicSpline(s, k.times), k.values)).toBeLessThan(1e-8);
        },
      ),
    );
  });
  test('not-a-knot reproduces any cubic; natural reproduces lines (property)', () => {
    fc.assert(
      fc.property(
        fc.array(fc.double({ min: -3, max: 3, noNaN: true }), { minLength: 4, maxLength: 4 }),
        fc.array(fc.double({ min: 0.3, max: 3, noNaN: true }), { minLength: 3, maxLength: 9 }),
        (c, gaps) => {
          const times = [0];
          for (const g of gaps) times.push(times[times.length - 1]! + g);
          const cubic = (t: number) => c[0]! + c[1]! * t + c[2]! * t * t + c[3]! * t * t * t;
          const line = (t: number) => c[0]! + c[1]! * t;
          const s3 = fitCubicSpline(times, times.map(cubic), { boundary: 'not-a-knot', dims: 1 });
          const s1 = fitCubicSpline(times, times.map(line), { boundary: 'natural', dims: 1 });
          const end = times[times.length - 1]!;
          const q = Array.from({ length: 17 }, (_, i) => (i * end) / 16);
          expect(maxAbsDiff(evaluateCubicSpline(s3, q), q.map(cubic))).toBeLessThan(1e-7);
          expect(maxAbsDiff(evaluateCubicSpline(s1, q), q.map(line))).toBeLessThan(1e-9);
        },
      ),
    );
  });
  test('natural: zero curvature at the ends; three-knot not-a-knot is the parabola', () => {
    const s = fitCubicSpline([0, 1, 2, 4], new Float64Array([0, 3, 1, 5]), {
      boundary: 'natural',
      dims: 1,
    });
    expect(s.secondDerivatives[0]).toBe(0);
    expect(s.secondDerivatives[3]).toBe(0);
    const p = fitCubicSpline([0, 1, 3], new Float64Array([0, 1, 9]), {
      boundary: 'not-a-knot',
      dims: 1,
    });
    expect(evaluateCubicSpline(p, [2])[0]).toBeCloseTo(4, 12);
  });
  test('golden values from scipy 1.17.1 CubicSpline (not-a-knot and natural)', () => {
    // CubicSpline([0, 1, 2, 3, 4], [0, 1, 0, 1, 0], bc_type=…)(0.5)
    const t5 = [0, 1, 2, 3, 4];
    const y5 = new Float64Array([0, 1, 0, 1, 0]);
    const nak5 = fitCubicSpline(t5, y5, { boundary: 'not-a-knot', dims: 1 });
    const nat5 = fitCubicSpline(t5, y5, { boundary: 'natural', dims: 1 });
    expect(evaluateCubicSpline(nak5, [0.5])[0]).toBeCloseTo(1.125, 14);
    expect(evaluateCubicSpline(nat5, [0.5])[0]).toBeCloseTo(
      0.5 + ((0.125 - 0.5) * (-30 / 7)) / 6,
      14,
    );
    // uneven knots, four box columns: CubicSpline(t, y, bc_type=…)(q).ravel()
    const t = [0, 0.7, 1.9, 2.5, 4.2, 5];
    const y = new Float64Array([
      3, 1, 10, 12, 5, 2, 11, 13, 4, 4, 15, 12, 8, 3, 16, 19, 2, 2, 12, 14, 6, 1, 13, 16,
    ]);
    const q = [0.1, 1.3, 2.2, 3.3, 4.9];
    const scipyNotAKnot = [
      3.7902298726014894, 1.018632308736428, 10.003019456904052, 12.738286011232448,
      3.5180264417845235, 3.460613378934125, 12.98440942108495, 10.657903475135583,
      6.0446688888219695, 3.5843747098941146, 15.709345309020875, 15.478335127386519,
      6.682947199372986, 2.2495484436495112, 14.481328392716392, 19.610345168372767,
      4.717242541262536, 1.2081011940088902, 12.581778455901672, 14.975834976890017,
    ];
    const scipyNatural = [
      3.425738595826452, 1.1136467464200832, 10.09821155046849, 12.292025285608421,
      3.771549494425444, 3.3912595320644736, 12.904622562988552, 10.97267570716345,
      6.05008171356818, 3.588401680963025, 15.730533766218825, 15.47767970917043, 6.158532727055239,
      2.302139827700671, 14.2686907376852, 19.080926507364065, 5.264934769941015, 1.14869549284196,
      12.78523472357171, 15.53475300050971,
    ];
    const nak = evaluateCubicSpline(fitCubicSpline(t, y, { boundary: 'not-a-knot' }), q);
    const nat = evaluateCubicSpline(fitCubicSpline(t, y, { boundary: 'natural' }), q);
    scipyNotAKnot.forEach((v, i) => {
      expect(nak[i]).toBeCloseTo(v, 12);
    });
    scipyNatural.forEach((v, i) => {
      expect(nat[i]).toBeCloseTo(v, 12);
    });
  });
  test('outside policy and invalid knots', () => {
    const s = fitCubicSpline([0, 1], new Float64Array([0, 10]), { boundary: 'natural', dims: 1 });
    expect(() => evaluateCubicSpline(s, [2])).toThrow('query 0 (2) is outside the knots [0, 1]');
    expect(Array.from(evaluateCubicSpline(s, [2, -1], { outside: 'hold' }))).toEqual([10, 0]);
    expect(Array.from(evaluateCubicSpline(s, [2], { outside: 'extrapolate' }))).toEqual([20]);
    expect(() =>
      fitCubicSpline([0, 1, 1], new Float64Array(3), { boundary: 'natural', dims: 1 }),
    ).toThrow('time 2 (1) ≤ time 1 (1)');
    expect(() =>
      fitCubicSpline([0, 1], new Float64Array(3), { boundary: 'natural', dims: 1 }),
    ).toThrow('3 values for 2 knots × 1; expected 2');
  });
});
