import { anchorSizes, gridAnchors } from './grid-anchors';

describe('gridAnchors / anchorSizes (Faster R-CNN §3.1.1)', () => {
  test('row (y·W + x)·A + a, centred on cells', () => {
    const a = gridAnchors({ height: 2, width: 2, stride: 10, sizes: [4, 4, 10, 6] });
    expect(a.length).toBe(2 * 2 * 2 * 4);
    // cell (x = 1, y = 0), anchor 1: centre (15, 5), 10 × 6
    expect(Array.from(a.subarray(4 * 3, 4 * 4))).toEqual([10, 2, 20, 8]);
    // cell (x = 0, y = 1), anchor 0: centre (5, 15), 4 × 4
    expect(Array.from(a.subarray(4 * 4, 4 * 5))).toEqual([3, 13, 7, 17]);
    expect(
      Array.from(gridAnchors({ height: 1, width: 1, stride: 8, sizes: [2, 2], centreOffset: 0 })),
    ).toEqual([-1, -1, 1, 1]);
  });
  test('scales × ratios keep the area and set h/w', () => {
    const s = anchorSizes([32, 64], [0.5, 1, 2]);
    expect(s.length).toBe(12);
    for (let k = 0; k < 6; k++) {
      const scale = k < 3 ? 32 : 64;
      expect(s[2 * k]! * s[2 * k + 1]!).toBeCloseTo(scale * scale, 9);
      expect(s[2 * k + 1]! / s[2 * k]!).toBeCloseTo([0.5, 1, 2][k % 3]!, 12);
    }
  });
  test('bad input', () => {
    expect(() => gridAnchors({ height: 1, width: 1, stride: 0, sizes: [1, 1] })).toThrow(
      'gridAnchors: stride = 0; expected a finite number > 0',
    );
    expect(() => gridAnchors({ height: 1, width: 1, stride: 1, sizes: [1, 0] })).toThrow(
      'gridAnchors: anchor 0 has size 0; expected > 0',
    );
    expect(() => anchorSizes([32], [0])).toThrow(
      'anchorSizes: ratio 0 is 0; expected a finite number > 0',
    );
  });
});
