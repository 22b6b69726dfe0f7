import fc from 'fast-check';
import { boxArb } from '../test/arbitraries';
import { maxAbsDiff } from '../test/max-error';
import { cxcywhToXyxy, xywhToXyxy, xyxyToCxcywh, xyxyToXywh } from './box-convert';

describe('box format conversions', () => {
  test('known values', () => {
    expect(Array.from(xyxyToXywh(new Float64Array([10, 20, 50, 80])))).toEqual([10, 20, 40, 60]);
    expect(Array.from(xyxyToXywh([1, 1, 10, 10], { pixelInclusive: true }))).toEqual([
      1, 1, 10, 10,
    ]);
    expect(Array.from(xywhToXyxy([1, 1, 10, 10], { pixelInclusive: true }))).toEqual([
      1, 1, 10, 10,
    ]);
    expect(Array.from(xyxyToCxcywh([10, 20, 50, 80]))).toEqual([30, 50, 40, 60]);
    expect(Array.from(xyxyToCxcywh([0, 0, 9, 9], { pixelInclusive: true }))).toEqual([
      5, 5, 10, 10,
    ]);
    expect(Array.from(cxcywhToXyxy([30, 50, 40, 60]))).toEqual([10, 20, 50, 80]);
  });
  test('in place and into Float32Array', () => {
    const b = new Float64Array([10, 20, 50, 80, 0, 0, 1, 1]);
    expect(xyxyToXywh(b, {}, b)).toBe(b);
    expect(Array.from(b)).toEqual([10, 20, 40, 60, 0, 0, 1, 1]);
    const f = new Float32Array(4);
    expect(cxcywhToXyxy([2, 2, 2, 2], {}, f)).toBe(f);
  });
  test('round trips (property)', () => {
    fc.assert(
      fc.property(fc.array(boxArb, { maxLength: 5 }), fc.boolean(), (rows, inclusive) => {
        const b = Float64Array.from(rows.flat());
        const o = { pixelInclusive: inclusive };
        const back1 = xywhToXyxy(xyxyToXywh(b, o), o);
        const back2 = cxcywhToXyxy(xyxyToCxcywh(b, o), o);
        expect(maxAbsDiff(back1, b)).toBeLessThan(1e-9);
        expect(maxAbsDiff(back2, b)).toBeLessThan(1e-9);
      }),
    );
  });
});
