import fc from 'fast-check';
import { maxAbsDiff } from '../test/max-error';
import { extrapolateTubelet } from './extrapolation';

describe('extrapolateTubelet (STEP Eq. 4)', () => {
  test('known values', () => {
    const b = new Float64Array([0, 0, 10, 10, 1, 0, 11, 10]);
    expect(Array.from(extrapolateTubelet(b, 2, { before: 1, after: 2 }))).toEqual([
      -1, 0, 9, 10, 0, 0, 10, 10, 1, 0, 11, 10, 2, 0, 12, 10, 3, 0, 13, 10,
    ]);
  });
  test('Eq. 4 with K = 3 uses the slope over the last K boxes', () => {
    // T = 4; the last three boxes move by +2/frame in y; the first three by +1/frame in x
    const b = new Float64Array([0, 0, 1, 1, 1, 0, 2, 1, 2, 2, 3, 3, 2, 4, 3, 5]);
    const r = extrapolateTubelet(b, 3, { before: 0, after: 3 });
    // B_{+1,k} = B_T + (k / (K − 1)) (B_T − B_{T−K+1}), B_T − B_2 = [1, 4, 1, 4]
    expect(Array.from(r.subarray(16))).toEqual([2.5, 6, 3.5, 7, 3, 8, 4, 9, 3.5, 10, 4.5, 11]);
    const l = extrapolateTubelet(b, 3, { before: 2, after: 0 });
    // B_K − B_1 = [2, 2, 2, 2] → −1 per frame per coordinate
    expect(Array.from(l.subarray(0, 8))).toEqual([-2, -2, -1, -1, -1, -1, 0, 0]);
  });
  test('K = 1 repeats the end boxes; linear motion is continued exactly (property)', () => {
    expect(Array.from(extrapolateTubelet([1, 2, 3, 4], 1))).toEqual([
      1, 2, 3, 4, 1, 2, 3, 4, 1, 2, 3, 4,
    ]);
    fc.assert(
      fc.property(
        fc.array(fc.double({ min: -5, max: 5, noNaN: true }), { minLength: 8, maxLength: 8 }),
        fc.integer({ min: 2, max: 8 }),
        fc.integer({ min: 0, max: 8 }),
        (pv, K, n) => {
          const T = K + 2;
          const box = (f: number) => [0, 1, 2, 3].map((c) => pv[c]! * 10 + pv[4 + c]! * f);
          const b = Float64Array.from(Array.from({ length: T }, (_, f) => box(f)).flat());
          const r = extrapolateTubelet(b, K, { before: n, after: n });
          const expected = Array.from({ length: T + 2 * n }, (_, f) => box(f - n)).flat();
          expect(maxAbsDiff(r, expected)).toBeLessThan(1e-9);
        },
      ),
    );
  });
  test('K larger than the tubelet is an error', () => {
    expect(() => extrapolateTubelet(new Float64Array(8), 3)).toThrow('K = 3 for 2 boxes');
  });
});
