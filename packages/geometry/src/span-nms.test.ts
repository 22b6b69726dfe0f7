import fc from 'fast-check';
import { pairwiseSpanIoU } from './span-iou';
import { spanNMS } from './span-nms';

function referenceNMS(spans: Float64Array, scores: number[], th: number): number[] {
  const n = scores.length;
  const iou = pairwiseSpanIoU(spans, spans);
  const order = scores.map((_, i) => i).sort((a, b) => scores[b]! - scores[a]! || a - b);
  const keep: number[] = [];
  let rest = order;
  while (rest.length) {
    const i = rest[0]!;
    keep.push(i);
    rest = rest.slice(1).filter((j) => iou[i * n + j]! <= th);
  }
  return keep;
}

describe('spanNMS', () => {
  test('hand-worked: suppresses a near duplicate, keeps a disjoint span', () => {
    const spans = new Float64Array([0, 10, 1, 10, 20, 30]); // IoU(0, 1) = 9/10
    const r = spanNMS(spans, [0.9, 0.8, 0.7], { iouThreshold: 0.7 });
    expect(Array.from(r.keep)).toEqual([0, 2]);
    expect(Array.from(r.scores)).toEqual([0.9, 0.7]);
    expect(Array.from(spanNMS(spans, [0.9, 0.8, 0.7], { iouThreshold: 0.9 }).keep)).toEqual([
      0, 1, 2,
    ]);
    expect(
      Array.from(spanNMS(spans, [0.9, 0.8, 0.7], { iouThreshold: 0.7, topK: 1 }).keep),
    ).toEqual([0]);
  });
  test('property: equals the textbook loop', () => {
    const caseArb = fc
      .array(
        fc.tuple(
          fc.integer({ min: 0, max: 40 }),
          fc.integer({ min: 1, max: 20 }),
          fc.integer({ min: 0, max: 10 }),
        ),
        { maxLength: 25 },
      )
      .chain((rows) => fc.tuple(fc.constant(rows), fc.double({ min: 0, max: 0.9, noNaN: true })));
    fc.assert(
      fc.property(caseArb, ([rows, th]) => {
        const spans = Float64Array.from(rows.flatMap(([s, l]) => [s, s + l]));
        const scores = rows.map(([, , s]) => s / 10);
        expect(Array.from(spanNMS(spans, scores, { iouThreshold: th }).keep)).toEqual(
          referenceNMS(spans, scores, th),
        );
      }),
    );
  });
  test('bad input', () => {
    expect(() => spanNMS(new Float64Array([0, 1]), [0.5, 0.2], { iouThreshold: 0.5 })).toThrow(
      'spanNMS: 2 scores for 1 candidates; expected one each',
    );
  });
});
