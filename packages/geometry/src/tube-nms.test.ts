import fc from 'fast-check';
import { tubeIoU } from './tube-iou';
import { tubeNMS } from './tube-nms';

const constant = (start: number, n: number, box: number[]) => ({
  start,
  boxes: Float64Array.from({ length: 4 * n }, (_, i) => box[i % 4]!),
});

describe('tubeNMS', () => {
  test('suppresses by tube IoU of the chosen convention', () => {
    const a = constant(1, 10, [0, 0, 10, 10]);
    const b = constant(6, 10, [0, 0, 10, 10]); // act: 5/15 = 0.333, voc: 4/14 = 0.286
    const c = constant(40, 5, [0, 0, 10, 10]);
    expect(
      Array.from(
        tubeNMS([a, b, c], [0.5, 0.9, 0.1], { iouThreshold: 0.3, convention: 'act' }).keep,
      ),
    ).toEqual([1, 2]);
    expect(
      Array.from(
        tubeNMS([a, b, c], [0.5, 0.9, 0.1], { iouThreshold: 0.3, convention: 'voc' }).keep,
      ),
    ).toEqual([1, 0, 2]);
  });
  test('a one-frame overlap suppresses under act only', () => {
    const a = constant(1, 2, [0, 0, 10, 10]);
    const b = constant(2, 2, [0, 0, 10, 10]); // act: 1/3
    expect(tubeNMS([a, b], [0.9, 0.8], { iouThreshold: 0.3, convention: 'act' }).keep.length).toBe(
      1,
    );
    expect(tubeNMS([a, b], [0.9, 0.8], { iouThreshold: 0.3, convention: 'yowo' }).keep.length).toBe(
      2,
    );
  });
  test('soft gaussian tube NMS rescales', () => {
    const a = constant(1, 4, [0, 0, 10, 10]);
    const r = tubeNMS([a, a], [0.9, 0.8], {
      iouThreshold: 0.3,
      convention: 'voc',
      soft: { method: 'gaussian', sigma: 0.5 },
    });
    expect(r.scores[1]).toBeCloseTo(0.8 * Math.exp(-2), 15);
  });
});

test('hard tube NMS: subset, sorted, no kept pair above the threshold, idempotent (property)', () => {
  const tubeArb = fc
    .tuple(
      fc.integer({ min: 1, max: 20 }),
      fc.integer({ min: 1, max: 12 }),
      fc.integer({ min: 0, max: 40 }),
      fc.integer({ min: 0, max: 40 }),
    )
    .map(([start, T, x, y]) => constant(start, T, [x, y, x + 20, y + 20]));
  fc.assert(
    fc.property(
      fc.array(tubeArb, { maxLength: 12 }),
      fc.constantFrom('act', 'voc', 'singh', 'yowo' as const),
      fc.double({ min: 0, max: 0.9, noNaN: true }),
      (tubes, convention, th) => {
        const scores = tubes.map((_, i) => ((i * 37) % 7) / 7);
        const r = tubeNMS(tubes, scores, { iouThreshold: th, convention });
        const keep = Array.from(r.keep);
        for (let i = 1; i < keep.length; i++) {
          const [a, b] = [keep[i - 1]!, keep[i]!];
          expect(scores[a]! > scores[b]! || (scores[a] === scores[b] && a < b)).toBe(true);
        }
        for (let i = 0; i < keep.length; i++)
          for (let j = i + 1; j < keep.length; j++)
            expect(tubeIoU(tubes[keep[i]!]!, tubes[keep[j]!]!, { convention })).toBeLessThanOrEqual(
              th,
            );
        const again = tubeNMS(
          keep.map((k) => tubes[k]!),
          Array.from(r.scores),
          { iouThreshold: th, convention },
        );
        expect(Array.from(again.keep)).toEqual(keep.map((_, i) => i));
      },
    ),
  );
});
