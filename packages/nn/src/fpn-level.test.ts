import { fpnLevels } from './fpn-level';

describe('fpnLevels (FPN Eq. 1)', () => {
  test('hand-worked levels at 224 px', () => {
    const boxes = new Float32Array([
      0,
      0,
      224,
      224, // √wh = 224 → 4
      0,
      0,
      112,
      112, // 112 → 3
      0,
      0,
      111,
      111, // just under 112 → 2
      10,
      10,
      10 + 448,
      10 + 448, // 448 → 5
      0,
      0,
      32,
      32, // tiny → clamped to 2
      0,
      0,
      900,
      900, // huge → clamped to 5
      5,
      5,
      5,
      40, // empty → minLevel
      0,
      0,
      56,
      224, // √(56·224) = 112 → 3
    ]);
    expect(Array.from(fpnLevels(boxes))).toEqual([4, 3, 2, 5, 2, 5, 2, 3]);
  });
  test('canonical size and level range are options (small SynthTubes frames)', () => {
    const boxes = new Float64Array([0, 0, 56, 56, 0, 0, 28, 28, 0, 0, 14, 14]);
    // at 224 px all three would clamp to level 2; with s0 = 56 they spread
    expect(Array.from(fpnLevels(boxes))).toEqual([2, 2, 2]);
    expect(Array.from(fpnLevels(boxes, { canonicalSize: 56 }))).toEqual([4, 3, 2]);
    expect(Array.from(fpnLevels(boxes, { canonicalSize: 56, minLevel: 3, maxLevel: 3 }))).toEqual([
      3, 3, 3,
    ]);
    expect(
      Array.from(fpnLevels(boxes, { canonicalSize: 56, canonicalLevel: 5, maxLevel: 6 })),
    ).toEqual([5, 4, 3]);
  });
  test('bad input', () => {
    expect(() => fpnLevels(new Float32Array(3))).toThrow(
      'fpnLevels: boxes have length 3; expected N × 4',
    );
    expect(() => fpnLevels(new Float32Array(4), { minLevel: 5, maxLevel: 2 })).toThrow(
      'fpnLevels: levels [5, 2]; expected integers with minLevel ≤ maxLevel',
    );
    expect(() => fpnLevels(new Float32Array([0, 0, Number.NaN, 1]))).toThrow(
      /box 0 has a non-finite/,
    );
  });
});
