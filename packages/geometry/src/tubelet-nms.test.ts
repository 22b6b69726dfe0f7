import fc from 'fast-check';
import { boxIoUAt } from './box-iou';
import { tubeletNMS } from './tubelet-nms';

/** Direct transcription of MOC-Detector's `nms_tubelets` (numpy), used as a parity oracle. */
function mocReference(t: Float64Array, K: number, scores: number[], th: number, topK: number) {
  const n = scores.length;
  let order = scores.map((_, i) => i).sort((a, b) => scores[b]! - scores[a]! || a - b);
  const weight = new Array(n).fill(1);
  while (order.length > 0) {
    const i = order[0]!;
    const rest = order.slice(1);
    const ious = rest.map((j) => {
      let s = 0;
      for (let k = 0; k < K; k++) s += boxIoUAt(t, i * K + k, t, j * K + k, true);
      return s;
    });
    rest.forEach((j, r) => {
      if (ious[r]! > th * K) weight[j] = 1 - ious[r]!;
    });
    order = rest.filter((_, r) => ious[r]! <= th * K);
  }
  const final = scores.map((s, i) => s * weight[i]!);
  const idx = final.map((_, i) => i).sort((a, b) => final[b]! - final[a]! || a - b);
  return { keep: idx.slice(0, topK), scores: idx.slice(0, topK).map((i) => final[i]!) };
}

const tubeletsArb = (K: number) =>
  fc
    .array(
      fc.tuple(
        fc.integer({ min: 0, max: 60 }),
        fc.integer({ min: 0, max: 60 }),
        fc.integer({ min: 5, max: 40 }),
      ),
      { minLength: 0, maxLength: 40 },
    )
    .map((rows) => {
      const t = new Float64Array(rows.length * K * 4);
      rows.forEach(([x, y, s], n) => {
        for (let k = 0; k < K; k++) t.set([x + k, y, x + k + s, y + s], (n * K + k) * 4);
      });
      return t;
    });

/** Textbook hard tubelet NMS (suppress by mean per-frame IoU > th), for parity. */
function hardReference(
  t: Float64Array,
  K: number,
  scores: number[],
  th: number,
  inclusive: boolean,
) {
  let order = scores.map((_, i) => i).sort((a, b) => scores[b]! - scores[a]! || a - b);
  const keep: number[] = [];
  while (order.length) {
    const i = order[0]!;
    keep.push(i);
    order = order.slice(1).filter((j) => {
      let s = 0;
      for (let k = 0; k < K; k++) s += boxIoUAt(t, i * K + k, t, j * K + k, inclusive);
      return s / K <= th;
    });
  }
  return keep;
}

describe('tubeletNMS', () => {
  const K = 2;
  const t = new Float64Array([
    ...[0, 0, 10, 10, 0, 0, 10, 10],
    ...[0, 0, 10, 10, 0, 0, 10, 10],
    ...[0, 0, 10, 10, 40, 40, 50, 50],
  ]);
  test('hard: mean per-frame IoU', () => {
    // overlap(0,2) = (1 + 0)/2 = 0.5
    expect(Array.from(tubeletNMS(t, K, [0.9, 0.8, 0.7], { iouThreshold: 0.3 }).keep)).toEqual([0]);
    expect(Array.from(tubeletNMS(t, K, [0.9, 0.8, 0.7], { iouThreshold: 0.5 }).keep)).toEqual([
      0, 2,
    ]);
  });
  test("MOC soft NMS ('sum'): score × (1 − Σ IoU), negative scores survive", () => {
    const r = tubeletNMS(t, K, [0.9, 0.8, 0.7], {
      iouThreshold: 0.3,
      soft: { method: 'linear' },
      softOverlap: 'sum',
      pixelInclusive: true,
    });
    expect(Array.from(r.keep)).toEqual([0, 2, 1]);
    expect(r.scores[1]).toBeCloseTo(0.7 * (1 - 1), 15);
    expect(r.scores[2]).toBeCloseTo(0.8 * (1 - 2), 15); // −0.8
  });
  test('Bodla soft NMS with mean overlap', () => {
    const r = tubeletNMS(t, K, [0.9, 0.8, 0.7], { iouThreshold: 0.3, soft: { method: 'linear' } });
    expect(r.scores[0]).toBe(0.9);
    expect(Array.from(r.keep)).toEqual([0, 2, 1]);
    expect(r.scores[1]).toBeCloseTo(0.35, 15);
    expect(r.scores[2]).toBe(0);
  });
  test('hard NMS, with the spatial index for N > 64, matches the textbook loop (property)', () => {
    fc.assert(
      fc.property(
        fc
          .integer({ min: 1, max: 4 })
          .chain((k) =>
            fc.tuple(fc.constant(k), fc.array(tubeletsArb(k), { minLength: 4, maxLength: 4 })),
          ),
        fc.double({ min: 0, max: 0.9, noNaN: true }),
        fc.boolean(),
        ([k, parts], th, inclusive) => {
          // concatenate and shift parts apart so that N reaches the indexed regime (> 64)
          const total = parts.reduce((s, p) => s + p.length, 0);
          const tub = new Float64Array(total);
          let at = 0;
          parts.forEach((p, r) => {
            for (let i = 0; i < p.length; i++) tub[at + i] = p[i]! + (i % 2 === 0 ? 50 * r : 0);
            at += p.length;
          });
          const n = total / (4 * k);
          const scores = Array.from({ length: n }, (_, i) => ((i * 7919) % 101) / 101);
          const r = tubeletNMS(tub, k, scores, { iouThreshold: th, pixelInclusive: inclusive });
          expect(Array.from(r.keep)).toEqual(hardReference(tub, k, scores, th, inclusive));
        },
      ),
      { numRuns: 60 },
    );
  });
  test('soft (mean overlap) with the hull index for N > 64 matches a full scan (property)', () => {
    fc.assert(
      fc.property(
        fc.array(tubeletsArb(3), { minLength: 3, maxLength: 3 }),
        fc.double({ min: 0, max: 0.9, noNaN: true }),
        fc.boolean(),
        (parts, th, gaussian) => {
          const K = 3;
          const tub = new Float64Array(parts.reduce((s, p) => s + p.length, 0));
          let at = 0;
          parts.forEach((p, r) => {
            for (let i = 0; i < p.length; i++) tub[at + i] = p[i]! + (i % 2 === 0 ? 70 * r : 0);
            at += p.length;
          });
          const n = tub.length / (4 * K);
          const scores = Array.from({ length: n }, (_, i) => ((i * 7919) % 101) / 101);
          const soft = gaussian
            ? ({ method: 'gaussian', sigma: 0.5 } as const)
            : ({ method: 'linear' } as const);
          const r = tubeletNMS(tub, K, scores, { iouThreshold: th, soft, scoreThreshold: 0.01 });
          // reference: Bodla's loop over every pair
          const s = [...scores];
          let alive = s.map((_, i) => i).filter((i) => s[i]! >= 0.01);
          const keep: number[] = [];
          while (alive.length) {
            let best = alive[0]!;
            for (const i of alive) if (s[i]! > s[best]! || (s[i] === s[best] && i < best)) best = i;
            keep.push(best);
            alive = alive.filter((i) => i !== best);
            for (const i of alive) {
              let ov = 0;
              for (let k = 0; k < K; k++) ov += boxIoUAt(tub, best * K + k, tub, i * K + k, false);
              ov /= K;
              if (gaussian) s[i] = s[i]! * Math.exp(-(ov * ov) / 0.5);
              else if (ov > th) s[i] = s[i]! * (1 - ov);
            }
            alive = alive.filter((i) => s[i]! >= 0.01);
          }
          keep.sort((a, b) => s[b]! - s[a]! || a - b);
          expect(Array.from(r.keep)).toEqual(keep);
          keep.forEach((k, i) => {
            expect(r.scores[i]).toBeCloseTo(s[k]!, 12);
          });
        },
      ),
      { numRuns: 40 },
    );
  });
  test("'sum' requires linear soft NMS; K must divide the array", () => {
    expect(() => tubeletNMS(t, K, [1, 1, 1], { iouThreshold: 0.3, softOverlap: 'sum' })).toThrow(
      "softOverlap 'sum' (MOC) needs soft: { method: 'linear' }; got hard NMS",
    );
    expect(() => tubeletNMS(t, 5, [1, 1, 1], { iouThreshold: 0.3 })).toThrow(
      'multiple of 4·K = 20',
    );
  });
  test("'sum' reproduces MOC's nms_tubelets on random tubelets (property)", () => {
    fc.assert(
      fc.property(
        fc
          .integer({ min: 1, max: 4 })
          .chain((k) => fc.tuple(fc.constant(k), tubeletsArb(k), fc.integer({ min: 1, max: 12 }))),
        fc.double({ min: 0.1, max: 0.9, noNaN: true }),
        ([k, tub, topK], th) => {
          const n = tub.length / (4 * k);
          const scores = Array.from({ length: n }, (_, i) => ((i * 7919) % 101) / 101);
          const r = tubeletNMS(tub, k, scores, {
            iouThreshold: th,
            soft: { method: 'linear' },
            softOverlap: 'sum',
            pixelInclusive: true,
            topK,
          });
          const ref = mocReference(tub, k, scores, th, topK);
          expect(Array.from(r.keep)).toEqual(ref.keep);
          for (let i = 0; i < ref.scores.length; i++)
            expect(r.scores[i]).toBeCloseTo(ref.scores[i]!, 12);
        },
      ),
    );
  });
});
