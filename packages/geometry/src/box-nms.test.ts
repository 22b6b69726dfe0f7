import fc from 'fast-check';
import { packedBoxesArb } from '../test/arbitraries';
import { boxCount } from './box-area';
import { boxIoUAt } from './box-iou';
import { boxNMS } from './box-nms';

/** Textbook suppression loop (remove everything overlapping the current best), for parity. */
function referenceNMS(boxes: Float64Array, scores: number[], th: number, inclusive: boolean) {
  const order = scores.map((_, i) => i).sort((a, b) => scores[b]! - scores[a]! || a - b);
  const keep: number[] = [];
  let rest = order;
  while (rest.length) {
    const i = rest[0]!;
    keep.push(i);
    rest = rest.slice(1).filter((j) => boxIoUAt(boxes, i, boxes, j, inclusive) <= th);
  }
  return keep;
}

const scoresArb = (n: number) =>
  fc.array(
    fc.integer({ min: 0, max: 20 }).map((s) => s / 20),
    { minLength: n, maxLength: n },
  );
const caseArb = packedBoxesArb(0, 40).chain((boxes) =>
  fc.tuple(
    fc.constant(boxes),
    scoresArb(boxCount(boxes)),
    fc.double({ min: 0, max: 0.9, noNaN: true }),
    fc.boolean(),
  ),
);

describe('boxNMS, hard', () => {
  test('known example', () => {
    const boxes = new Float64Array([0, 0, 10, 10, 1, 1, 11, 11, 50, 50, 60, 60]);
    const r = boxNMS(boxes, [0.9, 0.8, 0.7], { iouThreshold: 0.5 });
    expect(Array.from(r.keep)).toEqual([0, 2]);
    expect(Array.from(r.scores)).toEqual([0.9, 0.7]);
    // IoU(0,1) = 81/119 ≈ 0.68: kept at threshold 0.7
    expect(Array.from(boxNMS(boxes, [0.9, 0.8, 0.7], { iouThreshold: 0.7 }).keep)).toEqual([
      0, 1, 2,
    ]);
  });
  test('equal IoU and threshold keeps (suppress only when IoU > threshold)', () => {
    const boxes = new Float64Array([0, 0, 4, 4, 1, 1, 3, 3]); // IoU 0.25
    expect(boxNMS(boxes, [1, 0.5], { iouThreshold: 0.25 }).keep.length).toBe(2);
    expect(boxNMS(boxes, [1, 0.5], { iouThreshold: 0.2499 }).keep.length).toBe(1);
  });
  test('ties broken by lower index', () => {
    const boxes = new Float64Array([0, 0, 10, 10, 0, 0, 10, 10, 0, 0, 10, 10]);
    expect(Array.from(boxNMS(boxes, [0.5, 0.5, 0.5], { iouThreshold: 0.5 }).keep)).toEqual([0]);
    const apart = new Float64Array([0, 0, 1, 1, 5, 5, 6, 6, 9, 9, 10, 10]);
    expect(Array.from(boxNMS(apart, [0.5, 0.7, 0.5], { iouThreshold: 0.5 }).keep)).toEqual([
      1, 0, 2,
    ]);
  });
  test('scoreThreshold and topK', () => {
    const apart = new Float64Array([0, 0, 1, 1, 5, 5, 6, 6, 9, 9, 10, 10, 20, 20, 21, 21]);
    const s = [0.1, 0.7, 0.5, 0.3];
    expect(Array.from(boxNMS(apart, s, { iouThreshold: 0.5, scoreThreshold: 0.3 }).keep)).toEqual([
      1, 2, 3,
    ]);
    expect(Array.from(boxNMS(apart, s, { iouThreshold: 0.5, topK: 2 }).keep)).toEqual([1, 2]);
    expect(boxNMS(apart, s, { iouThreshold: 0.5, topK: 0 }).keep.length).toBe(0);
    expect(boxNMS(new Float64Array(0), [], { iouThreshold: 0.5 }).keep.length).toBe(0);
  });
  test('bad input is reported, not ignored', () => {
    const b = new Float64Array(8);
    expect(() => boxNMS(b, [1], { iouThreshold: 0.5 })).toThrow('1 scores for 2 candidates');
    expect(() => boxNMS(b, [1, Number.NaN], { iouThreshold: 0.5 })).toThrow('score 1 is NaN');
    expect(() => boxNMS(b, [1, 1], { iouThreshold: 0.5, topK: -1 })).toThrow('topK = -1');
    expect(() =>
      boxNMS(b, [1, 1], { iouThreshold: 0.5, soft: { method: 'gaussian', sigma: 0 } }),
    ).toThrow('soft.sigma = 0');
  });
  test('matches the textbook loop; subset, sorted, idempotent (property)', () => {
    fc.assert(
      fc.property(caseArb, ([boxes, scores, th, inclusive]) => {
        const o = { iouThreshold: th, pixelInclusive: inclusive };
        const r = boxNMS(boxes, scores, o);
        const keep = Array.from(r.keep);
        expect(keep).toEqual(referenceNMS(boxes, scores, th, inclusive));
        expect(new Set(keep).size).toBe(keep.length);
        for (let i = 1; i < keep.length; i++) {
          const [a, b] = [keep[i - 1]!, keep[i]!];
          expect(scores[a]! > scores[b]! || (scores[a] === scores[b] && a < b)).toBe(true);
        }
        for (let i = 0; i < keep.length; i++)
          for (let j = i + 1; j < keep.length; j++)
            expect(boxIoUAt(boxes, keep[i]!, boxes, keep[j]!, inclusive)).toBeLessThanOrEqual(th);
        // idempotent: NMS of the survivors keeps all of them
        const sub = new Float64Array(keep.length * 4);
        keep.forEach((k, i) => {
          sub.set(boxes.subarray(4 * k, 4 * k + 4), 4 * i);
        });
        const again = boxNMS(sub, Array.from(r.scores), o);
        expect(Array.from(again.keep)).toEqual(keep.map((_, i) => i));
      }),
    );
  });
});

test('the spatial grid used for N > 64 gives exactly the textbook result (property)', () => {
  const bigCaseArb = fc
    .tuple(packedBoxesArb(65, 300), fc.integer({ min: 1, max: 8 }))
    .map(([boxes, spread]) => {
      // spread the cluster over a wider frame so that both dense and sparse cells occur
      for (let i = 0; i < boxes.length; i += 4) {
        const dx = ((i * 37) % 11) * 40 * (spread - 1);
        boxes[i] = boxes[i]! + dx;
        boxes[i + 2] = boxes[i + 2]! + dx;
      }
      return boxes;
    })
    .chain((boxes) =>
      fc.tuple(
        fc.constant(boxes),
        scoresArb(boxCount(boxes)),
        fc.double({ min: 0, max: 0.9, noNaN: true }),
        fc.boolean(),
      ),
    );
  fc.assert(
    fc.property(bigCaseArb, ([boxes, scores, th, inclusive]) => {
      const r = boxNMS(boxes, scores, { iouThreshold: th, pixelInclusive: inclusive });
      expect(Array.from(r.keep)).toEqual(referenceNMS(boxes, scores, th, inclusive));
    }),
    { numRuns: 60 },
  );
});

test('non-finite coordinates are reported', () => {
  const b = new Float64Array([0, 0, 1, 1, 0, Number.NaN, 1, 1]);
  expect(() => boxNMS(b, [1, 1], { iouThreshold: 0.5 })).toThrow('box 1 has coordinate NaN');
});

/** Textbook soft-NMS (Bodla et al., Algorithm 1 with pruning), for parity. */
function referenceSoftNMS(
  boxes: Float64Array,
  scores: number[],
  th: number,
  gaussian: boolean,
  minScore: number,
  inclusive: boolean,
) {
  const s = [...scores];
  let alive = s.map((_, i) => i).filter((i) => s[i]! >= minScore);
  const keep: number[] = [];
  while (alive.length) {
    let best = alive[0]!;
    for (const i of alive) if (s[i]! > s[best]! || (s[i] === s[best] && i < best)) best = i;
    keep.push(best);
    alive = alive.filter((i) => i !== best);
    for (const i of alive) {
      const ov = boxIoUAt(boxes, best, boxes, i, inclusive);
      if (gaussian) s[i] = s[i]! * Math.exp(-(ov * ov) / 0.5);
      else if (ov > th) s[i] = s[i]! * (1 - ov);
    }
    alive = alive.filter((i) => s[i]! >= minScore);
  }
  keep.sort((a, b) => s[b]! - s[a]! || a - b);
  return { keep, scores: keep.map((i) => s[i]!) };
}

describe('boxNMS, soft', () => {
  const boxes = new Float64Array([0, 0, 10, 10, 5, 0, 15, 10, 100, 100, 110, 110]); // IoU(0,1) = 1/3
  test('linear rescales by 1 − IoU above the threshold', () => {
    const r = boxNMS(boxes, [0.9, 0.8, 0.1], { iouThreshold: 0.3, soft: { method: 'linear' } });
    expect(Array.from(r.keep)).toEqual([0, 1, 2]);
    expect(r.scores[1]).toBeCloseTo(0.8 * (2 / 3), 15);
    expect(r.scores[2]).toBe(0.1);
    const below = boxNMS(boxes, [0.9, 0.8, 0.1], { iouThreshold: 0.4, soft: { method: 'linear' } });
    expect(below.scores[1]).toBe(0.8);
  });
  test('gaussian rescales by exp(−IoU²/σ); re-sorts; prunes below scoreThreshold', () => {
    const r = boxNMS(boxes, [0.9, 0.8, 0.75], {
      iouThreshold: 0.3,
      soft: { method: 'gaussian', sigma: 0.5 },
    });
    const s1 = 0.8 * Math.exp(-(1 / 9) / 0.5);
    expect(Array.from(r.keep)).toEqual([0, 2, 1]);
    expect(r.scores[2]).toBeCloseTo(s1, 15);
    const pruned = boxNMS(boxes, [0.9, 0.8, 0.75], {
      iouThreshold: 0.3,
      scoreThreshold: 0.7,
      soft: { method: 'gaussian', sigma: 0.5 },
    });
    expect(Array.from(pruned.keep)).toEqual([0, 2]);
  });
  test('matches the textbook soft-NMS loop, with and without the grid (property)', () => {
    fc.assert(
      fc.property(
        fc.oneof(
          caseArb,
          packedBoxesArb(65, 200).chain((boxes) =>
            fc.tuple(
              fc.constant(boxes),
              scoresArb(boxCount(boxes)),
              fc.double({ min: 0, max: 0.9, noNaN: true }),
              fc.boolean(),
            ),
          ),
        ),
        fc.boolean(),
        fc.constantFrom(Number.NEGATIVE_INFINITY, 0.001, 0.3),
        ([boxes, scores, th, inclusive], gaussian, minScore) => {
          const r = boxNMS(boxes, scores, {
            iouThreshold: th,
            pixelInclusive: inclusive,
            scoreThreshold: minScore,
            soft: gaussian ? { method: 'gaussian', sigma: 0.5 } : { method: 'linear' },
          });
          const ref = referenceSoftNMS(boxes, scores, th, gaussian, minScore, inclusive);
          expect(Array.from(r.keep)).toEqual(ref.keep);
          expect(Array.from(r.scores)).toEqual(ref.scores);
        },
      ),
      { numRuns: 60 },
    );
  });
  test('soft NMS: subset, sorted by final score, final ≤ initial, topK (property)', () => {
    fc.assert(
      fc.property(caseArb, fc.boolean(), ([boxes, scores, th, inclusive], gaussian) => {
        const r = boxNMS(boxes, scores, {
          iouThreshold: th,
          pixelInclusive: inclusive,
          soft: gaussian ? { method: 'gaussian', sigma: 0.5 } : { method: 'linear' },
          topK: 25,
        });
        expect(r.keep.length).toBe(Math.min(25, scores.length));
        for (let i = 0; i < r.keep.length; i++) {
          expect(r.scores[i]).toBeLessThanOrEqual(scores[r.keep[i]!]!);
          if (i > 0) expect(r.scores[i]).toBeLessThanOrEqual(r.scores[i - 1]!);
        }
      }),
    );
  });
});
