import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { boxArb } from '../test/arbitraries';
import { boxIoU } from './box-iou';
import type { TubeIoUConvention } from './temporal-iou';
import { meanFrameIoU, tubeIoU } from './tube-iou';

const ALL: TubeIoUConvention[] = ['act', 'voc', 'singh', 'yowo'];
const constant = (start: number, n: number, box: number[]) => ({
  start,
  boxes: Float64Array.from({ length: 4 * n }, (_, i) => box[i % 4]!),
});
const tubeArb = fc
  .tuple(fc.integer({ min: 1, max: 30 }), fc.array(boxArb, { minLength: 1, maxLength: 12 }))
  .map(([start, boxes]) => ({ start, boxes: Float64Array.from(boxes.flat()) }));

describe('tube IoU', () => {
  test('known value: temporal × mean spatial IoU over shared frames', () => {
    const a = constant(1, 10, [0, 0, 10, 10]);
    const b = constant(6, 10, [5, 0, 15, 10]);
    // act: temporal 5/15, spatial inclusive 66/176.
    expect(tubeIoU(a, b, { convention: 'act' })).toBeCloseTo((5 / 15) * (66 / 176), 15);
    // voc: temporal 4/14, spatial continuous 1/3.
    expect(tubeIoU(a, b, { convention: 'voc' })).toBeCloseTo((4 / 14) * (1 / 3), 15);
    expect(tubeIoU(a, b, { convention: 'singh' })).toBeCloseTo((5 / 15) * (1 / 3), 15);
    expect(tubeIoU(a, b, { convention: 'yowo' })).toBeCloseTo((5 / 15) * (66 / 176), 15);
    expect(tubeIoU(a, b, { convention: 'act', pixelInclusive: false })).toBeCloseTo(1 / 9, 15);
  });
  test('mean is over the shared frames only', () => {
    const a = { start: 1, boxes: new Float64Array([0, 0, 10, 10, 0, 0, 10, 10, 0, 0, 4, 4]) };
    const b = { start: 2, boxes: new Float64Array([0, 0, 10, 10, 0, 0, 2, 2, 9, 9, 9, 9]) };
    // shared frames 2, 3: IoUs 1 and 0.25; temporal (1+1)/(3+1) under act (continuous override)
    expect(tubeIoU(a, b, { convention: 'act', pixelInclusive: false })).toBeCloseTo(
      0.5 * 0.625,
      15,
    );
  });
  test('two one-frame-overlapping tubes: > 0 under act, 0 under voc, singh, yowo', () => {
    const a = constant(1, 10, [0, 0, 10, 10]);
    const b = constant(10, 5, [0, 0, 10, 10]);
    expect(tubeIoU(a, b, { convention: 'act' })).toBeCloseTo(1 / 14, 15); // (0+1)/(13+1)
    for (const c of ['voc', 'singh', 'yowo'] as const)
      expect(tubeIoU(a, b, { convention: c })).toBe(0);
  });
  test('identical one-frame tubes: 1 under act, 0 (not NaN) under voc', () => {
    const a = constant(4, 1, [0, 0, 10, 10]);
    expect(tubeIoU(a, a, { convention: 'act' })).toBe(1);
    expect(tubeIoU(a, a, { convention: 'voc' })).toBe(0);
  });
  test('a tube with itself has IoU 1 under every convention (property, T ≥ 2)', () => {
    fc.assert(
      fc.property(tubeArb, (t) => {
        for (const c of ALL) {
          if (t.boxes.length === 4 && c !== 'act') continue;
          expect(tubeIoU(t, t, { convention: c })).toBeCloseTo(1, 12);
        }
      }),
    );
  });
  test('symmetric and in [0, 1] (property)', () => {
    fc.assert(
      fc.property(tubeArb, tubeArb, fc.constantFrom(...ALL), (a, b, c) => {
        const ab = tubeIoU(a, b, { convention: c });
        expect(ab).toBeCloseTo(tubeIoU(b, a, { convention: c }), 14);
        expect(ab).toBeGreaterThanOrEqual(0);
        expect(ab).toBeLessThanOrEqual(1 + 1e-12);
      }),
    );
  });
});

describe('meanFrameIoU', () => {
  test('mean over K frames with offsets into tubelet arrays', () => {
    const t = new Float64Array([0, 0, 10, 10, 0, 0, 10, 10, 0, 0, 10, 10, 5, 0, 15, 10]);
    expect(meanFrameIoU(t, t, 2, { aOffset: 0, bOffset: 2 })).toBeCloseTo((1 + 1 / 3) / 2, 15);
    expect(meanFrameIoU(t, t, 2, { aOffset: 2, bOffset: 2 })).toBe(1);
    const inclusive = meanFrameIoU(t, t, 2, { aOffset: 0, bOffset: 2, pixelInclusive: true });
    expect(inclusive).toBeCloseTo(
      (1 + boxIoU([0, 0, 10, 10], [5, 0, 15, 10], { pixelInclusive: true })) / 2,
      15,
    );
  });
  test('out-of-range offsets name the problem', () => {
    const t = new Float64Array(16);
    expect(() => meanFrameIoU(t, t, 2, { aOffset: 3 })).toThrow(
      "aOffset 3 + K 2 exceeds a's 4 boxes",
    );
    expect(() => meanFrameIoU(t, t, 0)).toThrow('K = 0, expected an integer ≥ 1');
  });
});

describe('tube IoU parity with the reference evaluators', () => {
  interface RefCase {
    a: { start: number; boxes: number[] };
    b: { start: number; boxes: number[] };
    act: number;
    yowo: number;
    voc: number | null;
  }
  const fixture = JSON.parse(
    readFileSync(join(__dirname, '../test/fixtures/tube-iou-reference.json'), 'utf8'),
  ) as { cases: RefCase[] };
  const tube = (t: RefCase['a']) => ({ start: t.start, boxes: Float64Array.from(t.boxes) });
  test.each(fixture.cases.map((c, i) => [i, c] as const))('case %i', (_, c) => {
    const a = tube(c.a);
    const b = tube(c.b);
    expect(tubeIoU(a, b, { convention: 'act' })).toBeCloseTo(c.act, 12);
    expect(tubeIoU(a, b, { convention: 'yowo' })).toBeCloseTo(c.yowo, 12);
    // reference 0/0 (two identical one-frame tubes) → tubekit 0, "no match"
    expect(tubeIoU(a, b, { convention: 'voc' })).toBeCloseTo(c.voc ?? 0, 12);
  });
});
