import fc from 'fast-check';
import { boxArb } from '../test/arbitraries';
import { maxAbsDiff } from '../test/max-error';
import { decodeBoxDelta, decodeBoxDeltas, encodeBoxDelta, encodeBoxDeltas } from './box-delta';

describe('R-CNN box-delta codec', () => {
  test('known values (Ren et al. Eq. 2)', () => {
    expect(Array.from(encodeBoxDelta([10, 10, 30, 50], [0, 0, 20, 40]))).toEqual([0.5, 0.25, 0, 0]);
    const d = encodeBoxDelta([0, 0, 40, 10], [0, 0, 20, 20]);
    expect(d[0]).toBe(0.5);
    expect(d[1]).toBe(-0.25);
    expect(d[2]).toBeCloseTo(Math.log(2), 15);
    expect(d[3]).toBeCloseTo(Math.log(0.5), 15);
    // means/stds: detectron2 weights (10, 10, 5, 5) = stds [0.1, 0.1, 0.2, 0.2]
    const n = encodeBoxDelta([10, 10, 30, 50], [0, 0, 20, 40], { stds: [0.1, 0.1, 0.2, 0.2] });
    expect(Array.from(n)).toEqual([5, 2.5, 0, 0]);
    // py-faster-rcnn +1 widths
    const p = encodeBoxDelta([0, 0, 19, 9], [0, 0, 9, 9], { pixelInclusive: true });
    expect(p[0]).toBe(0.5);
    expect(p[2]).toBeCloseTo(Math.log(2), 15);
  });
  test('a shared anchor broadcasts; mismatched anchors and empty boxes are errors', () => {
    const boxes = new Float64Array([0, 0, 10, 10, 5, 5, 15, 15]);
    const d = encodeBoxDeltas(boxes, [0, 0, 10, 10]);
    expect(Array.from(d)).toEqual([0, 0, 0, 0, 0.5, 0.5, 0, 0]);
    expect(() => encodeBoxDeltas(boxes, new Float64Array(12))).toThrow(
      'anchors have length 12; expected 4 (one shared anchor) or 8 (one per row)',
    );
    expect(() => encodeBoxDeltas([0, 0, 0, 5], [0, 0, 1, 1])).toThrow('row 0 has box 0×5');
    expect(() => encodeBoxDelta([0, 0, 1, 1], [0, 0, 1, 1], { stds: [1, 1, 0, 1] })).toThrow(
      'expected positive values',
    );
  });
  test('maxLogRatio caps only when asked', () => {
    const big = decodeBoxDelta([0, 0, 10, 0], [0, 0, 10, 10]);
    expect(big[2]! - big[0]!).toBeCloseTo(10 * Math.exp(10), 6);
    const capped = decodeBoxDelta([0, 0, 10, 0], [0, 0, 10, 10], {
      maxLogRatio: Math.log(1000 / 16),
    });
    expect(capped[2]! - capped[0]!).toBeCloseTo(10 * (1000 / 16), 9);
  });
  test('decode(encode(b)) = b for every option set (property)', () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(boxArb, boxArb), { minLength: 1, maxLength: 6 }),
        fc.boolean(),
        fc.boolean(),
        (pairs, inclusive, normalised) => {
          const boxes = Float64Array.from(pairs.flatMap(([b]) => b));
          const anchors = Float64Array.from(pairs.flatMap(([, a]) => a));
          const o = {
            pixelInclusive: inclusive,
            ...(normalised ? { means: [0.1, -0.2, 0, 0.05], stds: [0.1, 0.1, 0.2, 0.2] } : {}),
          };
          const back = decodeBoxDeltas(encodeBoxDeltas(boxes, anchors, o), anchors, o);
          expect(maxAbsDiff(back, boxes)).toBeLessThan(1e-8);
        },
      ),
    );
  });
});
