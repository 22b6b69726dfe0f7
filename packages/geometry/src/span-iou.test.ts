import fc from 'fast-check';
import { matchedSpanIoU, pairwiseSpanIoU } from './span-iou';
import { temporalIoUOfSpans } from './temporal-iou';

const spanArb = fc
  .tuple(fc.double({ min: -50, max: 50, noNaN: true }), fc.double({ min: 0, max: 40, noNaN: true }))
  .map(([s, l]) => [s, s + l] as [number, number]);
const spansArb = (min: number, max: number) =>
  fc.array(spanArb, { minLength: min, maxLength: max }).map((r) => Float64Array.from(r.flat()));

describe('pairwiseSpanIoU / matchedSpanIoU', () => {
  test('hand-worked continuous overlaps', () => {
    const a = new Float64Array([0, 4, 10, 20]);
    const b = new Float64Array([2, 6, 4, 8, 12, 14]);
    // [0,4]∩[2,6] = 2, ∪ = 6; [0,4] and [4,8] touch → 0; [10,20] ⊃ [12,14] → 2/10
    expect(Array.from(pairwiseSpanIoU(a, b))).toEqual([2 / 6, 0, 0, 0, 0, 0.2]);
    expect(Array.from(matchedSpanIoU(a, new Float64Array([2, 6, 10, 20])))).toEqual([2 / 6, 1]);
  });
  test('inclusive-frame conventions follow temporalIoUOfSpans', () => {
    const a = new Float64Array([1, 10]);
    const b = new Float64Array([10, 20]);
    expect(pairwiseSpanIoU(a, b, { convention: 'act' })[0]).toBeCloseTo(1 / 20, 15);
    expect(pairwiseSpanIoU(a, b)[0]).toBe(0);
  });
  test('property: symmetric, in [0, 1], 1 on itself, equals the kernel', () => {
    fc.assert(
      fc.property(spansArb(0, 6), spansArb(0, 6), (a, b) => {
        const ab = pairwiseSpanIoU(a, b);
        const ba = pairwiseSpanIoU(b, a);
        const n = a.length / 2;
        const m = b.length / 2;
        for (let i = 0; i < n; i++)
          for (let j = 0; j < m; j++) {
            const v = ab[i * m + j]!;
            expect(v).toBe(ba[j * n + i]);
            expect(v).toBeGreaterThanOrEqual(0);
            expect(v).toBeLessThanOrEqual(1);
            expect(v).toBe(
              temporalIoUOfSpans(a[2 * i]!, a[2 * i + 1]!, b[2 * j]!, b[2 * j + 1]!, 'voc'),
            );
          }
        const self = matchedSpanIoU(a, a);
        for (let i = 0; i < n; i++) if (a[2 * i + 1]! > a[2 * i]!) expect(self[i]).toBe(1);
      }),
    );
  });
  test('bad input names the span', () => {
    expect(() => pairwiseSpanIoU(new Float64Array([0, 1, 5, 2]), new Float64Array(0))).toThrow(
      'pairwiseSpanIoU a: span 1 is [5, 2]; expected finite start ≤ end',
    );
    expect(() => pairwiseSpanIoU(new Float64Array([0, 1, 5]), new Float64Array(0))).toThrow(
      /length 3; expected N × 2/,
    );
    expect(() => matchedSpanIoU(new Float64Array([0, 1]), new Float64Array(0))).toThrow(
      'matchedSpanIoU: a has 1 spans but b has 0; expected equal',
    );
  });
});
