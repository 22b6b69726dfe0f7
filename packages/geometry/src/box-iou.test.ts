import fc from 'fast-check';
import { boxArb, intBoxArb } from '../test/arbitraries';
import { boxArea, boxAreas, boxCount, boxIntersection } from './box-area';
import { boxIoU, boxIoUAt, matchedIoU, oneToManyIoU, pairwiseIoU } from './box-iou';

describe('box area and intersection', () => {
  test('continuous and inclusive areas', () => {
    expect(boxArea([10, 10, 50, 30])).toBe(800);
    expect(boxArea([10, 10, 50, 30], { pixelInclusive: true })).toBe(41 * 21);
    expect(boxArea([5, 5, 4, 9])).toBe(0);
    expect(boxArea([5, 5, 4, 9], { pixelInclusive: true })).toBe(0);
    expect(boxArea([5, 5, 5, 9], { pixelInclusive: true })).toBe(5);
    expect(Array.from(boxAreas(new Float64Array([0, 0, 2, 2, 0, 0, 1, 3])))).toEqual([4, 3]);
  });
  test('intersection', () => {
    expect(boxIntersection([0, 0, 10, 10], [5, 5, 20, 20])).toBe(25);
    expect(boxIntersection([0, 0, 10, 10], [10, 0, 20, 10])).toBe(0);
    expect(boxIntersection([0, 0, 10, 10], [10, 0, 20, 10], { pixelInclusive: true })).toBe(11);
  });
  test('boxCount rejects ragged arrays with a clear message', () => {
    expect(() => boxCount(new Float64Array(7), 'gt boxes')).toThrow(
      'gt boxes: packed [x1, y1, x2, y2] rows expected, but length 7 is not a multiple of 4',
    );
  });
});

describe('box IoU', () => {
  test('known values, continuous vs inclusive', () => {
    expect(boxIoU([0, 0, 10, 10], [5, 0, 15, 10])).toBeCloseTo(1 / 3, 15);
    expect(boxIoU([0, 0, 9, 9], [5, 0, 14, 9], { pixelInclusive: true })).toBeCloseTo(1 / 3, 15);
    // Touching edges: 0 in continuous pixels, one shared pixel column when inclusive.
    expect(boxIoU([0, 0, 10, 10], [10, 0, 20, 10])).toBe(0);
    expect(boxIoU([0, 0, 10, 10], [10, 0, 20, 10], { pixelInclusive: true })).toBeCloseTo(
      11 / (121 + 121 - 11),
      15,
    );
    expect(boxIoU([0, 0, 4, 4], [1, 1, 3, 3])).toBe(0.25);
  });
  test('empty boxes give 0, never NaN', () => {
    expect(boxIoU([3, 3, 3, 3], [3, 3, 3, 3])).toBe(0);
    expect(boxIoU([3, 3, 2, 2], [0, 0, 5, 5])).toBe(0);
  });
  test('symmetric, in [0, 1], identity is 1 (property)', () => {
    fc.assert(
      fc.property(boxArb, boxArb, fc.boolean(), (a, b, inclusive) => {
        const o = { pixelInclusive: inclusive };
        const ab = boxIoU(a, b, o);
        expect(ab).toBe(boxIoU(b, a, o));
        expect(ab).toBeGreaterThanOrEqual(0);
        expect(ab).toBeLessThanOrEqual(1);
        expect(boxIoU(a, a, o)).toBeCloseTo(1, 12);
      }),
    );
  });
  test('inclusive IoU of integer boxes equals continuous IoU of the boxes grown by 1', () => {
    fc.assert(
      fc.property(intBoxArb, intBoxArb, (a, b) => {
        const grow = (x: number[]) => [x[0]!, x[1]!, x[2]! + 1, x[3]! + 1];
        expect(boxIoU(a, b, { pixelInclusive: true })).toBeCloseTo(boxIoU(grow(a), grow(b)), 12);
      }),
    );
  });
  test('one-to-many, pairwise and matched agree with the single-pair IoU', () => {
    fc.assert(
      fc.property(
        fc.array(boxArb, { minLength: 0, maxLength: 6 }),
        fc.array(boxArb, { minLength: 0, maxLength: 6 }),
        fc.boolean(),
        (as, bs, inclusive) => {
          const o = { pixelInclusive: inclusive };
          const a = Float64Array.from(as.flat());
          const b = Float32Array.from(bs.flat());
          const m = pairwiseIoU(a, b, o);
          expect(m.length).toBe(as.length * bs.length);
          for (let i = 0; i < as.length; i++) {
            const row = oneToManyIoU(as[i]!, b, o);
            for (let j = 0; j < bs.length; j++) {
              const ref = boxIoU(as[i]!, b.subarray(4 * j, 4 * j + 4), o);
              expect(m[i * bs.length + j]).toBeCloseTo(ref, 12);
              expect(row[j]).toBe(boxIoUAt(as[i]!, 0, b, j, inclusive));
            }
          }
          const k = Math.min(as.length, bs.length);
          const matched = matchedIoU(a.subarray(0, 4 * k), b.subarray(0, 4 * k), o);
          for (let i = 0; i < k; i++) expect(matched[i]).toBe(boxIoUAt(a, i, b, i, inclusive));
        },
      ),
    );
  });
  test('out buffers are reused and checked', () => {
    const a = new Float64Array([0, 0, 1, 1, 0, 0, 2, 2]);
    const out = new Float64Array(4);
    expect(pairwiseIoU(a, a, {}, out)).toBe(out);
    expect(Array.from(out)).toEqual([1, 0.25, 0.25, 1]);
    expect(() => pairwiseIoU(a, a, {}, new Float64Array(3))).toThrow('out has length 3, need ≥ 4');
    expect(() => matchedIoU(a, a.subarray(0, 4))).toThrow('a has 2 boxes but b has 1');
  });
});
