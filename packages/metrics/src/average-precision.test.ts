import fc from 'fast-check';
import {
  averagePrecision,
  averagePrecisionAtRanks,
  precisionRecallCurve,
} from './average-precision';

/** The reference formulas written the slow, obvious way (MultiSports `voc_ap`, ACT `pr_to_ap`). */
function vocReference(tp: number[], gt: number): number {
  let cum = 0;
  const rec = [0];
  const prec = [0];
  tp.forEach((t, i) => {
    cum += t;
    rec.push(cum / gt);
    prec.push(cum / (i + 1));
  });
  rec.push(1);
  prec.push(0);
  for (let i = prec.length - 2; i >= 0; i--) prec[i] = Math.max(prec[i]!, prec[i + 1]!);
  let ap = 0;
  for (let i = 1; i < rec.length; i++)
    if (rec[i] !== rec[i - 1]) ap += (rec[i]! - rec[i - 1]!) * prec[i]!;
  return ap;
}

function trapezoidReference(tp: number[], gt: number): number {
  const pts: Array<[number, number]> = [[1, 0]];
  let cum = 0;
  tp.forEach((t, i) => {
    cum += t;
    pts.push([Math.fround(cum / (i + 1)), Math.fround(cum / gt)]);
  });
  let ap = 0;
  for (let i = 1; i < pts.length; i++)
    ap += (pts[i]![1] - pts[i - 1]![1]) * (pts[i]![0] + pts[i - 1]![0]) * 0.5;
  return ap;
}

describe('averagePrecision', () => {
  it('matches the reference formulas on random TP/FP sequences', () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 0, max: 1 }), { maxLength: 60 }),
        fc.integer({ min: 0, max: 20 }),
        (tp, extra) => {
          const gt = tp.reduce((s, t) => s + t, 0) + extra;
          if (gt === 0) return;
          const flags = Uint8Array.from(tp);
          expect(averagePrecision(flags, tp.length, gt, { rule: 'voc-all-point' })).toBeCloseTo(
            vocReference(tp, gt),
            12,
          );
          expect(
            averagePrecision(flags, tp.length, gt, { rule: 'trapezoid', float32: true }),
          ).toBeCloseTo(trapezoidReference(tp, gt), 12);
        },
      ),
    );
  });

  it('handles no detections, no GT and strided flags', () => {
    expect(averagePrecision(new Uint8Array(0), 0, 3, { rule: 'voc-all-point' })).toBe(0);
    expect(averagePrecision(new Uint8Array(0), 0, 3, { rule: 'trapezoid' })).toBe(0);
    expect(averagePrecision(new Uint8Array([0]), 1, 0, { rule: 'voc-all-point' })).toBeNaN();
    expect(
      averagePrecision(new Uint8Array([0, 1, 1, 0]), 2, 1, { rule: 'voc-all-point' }, 2, 1),
    ).toBe(1);
    expect(
      averagePrecision(new Uint8Array([1]), 1, 1, { rule: 'voc-all-point', recallEpsilon: 1e-5 }),
    ).toBeCloseTo(1 / (1 + 1e-5), 15);
  });

  it('gives the raw PR points', () => {
    const c = precisionRecallCurve(new Uint8Array([0, 1, 1]), [0.9, 0.8, 0.1], 3, 4, {
      rule: 'voc-all-point',
    });
    expect(Array.from(c.precision)).toEqual([0, 0.5, 2 / 3]);
    expect(Array.from(c.recall)).toEqual([0, 0.25, 0.5]);
  });
});

describe('averagePrecisionAtRanks', () => {
  it('gives the same number, bit for bit, as averagePrecision on the whole list', () => {
    fc.assert(
      fc.property(
        // per detection: 0 false positive, or a bit mask of the 2 thresholds it is a TP at
        fc.array(fc.integer({ min: 0, max: 3 }), { maxLength: 80 }),
        fc.integer({ min: 0, max: 30 }),
        fc.boolean(),
        fc.constantFrom(0, 1e-5),
        (masks, extraGT, float32, recallEpsilon) => {
          const n = masks.length;
          const flags = new Uint8Array(2 * n);
          masks.forEach((mask, i) => {
            flags[2 * i] = mask & 1;
            flags[2 * i + 1] = mask >> 1;
          });
          const ranks: number[] = [];
          const tp: number[] = [];
          masks.forEach((mask, i) => {
            if (mask === 0) return;
            ranks.push(i + 1);
            tp.push(mask & 1, mask >> 1);
          });
          const gt = masks.filter((m) => m > 0).length + extraGT;
          for (const rule of ['voc-all-point', 'trapezoid'] as const)
            for (const t of [0, 1]) {
              const options = { rule, float32, recallEpsilon };
              expect(averagePrecisionAtRanks(ranks, tp, ranks.length, n, gt, options, 2, t)).toBe(
                averagePrecision(flags, n, gt, options, 2, t),
              );
            }
        },
      ),
    );
  });
});
