import { clipBoxes } from './box-clip';

describe('clipBoxes', () => {
  test('continuous and inclusive limits', () => {
    const b = new Float64Array([-5, 10, 330, 250]);
    expect(Array.from(clipBoxes(b, { width: 320, height: 240 }))).toEqual([0, 10, 320, 240]);
    expect(Array.from(clipBoxes(b, { width: 320, height: 240 }, { pixelInclusive: true }))).toEqual(
      [0, 10, 319, 239],
    );
  });
  test('boxes outside collapse onto the border, nothing is dropped', () => {
    const b = new Float64Array([400, 10, 500, 20, 1, 1, 2, 2]);
    expect(Array.from(clipBoxes(b, { width: 320, height: 240 }))).toEqual([
      320, 10, 320, 20, 1, 1, 2, 2,
    ]);
  });
  test('minSize keeps a floor size, shifted inward at the far border', () => {
    const b = new Float64Array([400, 10, 500, 10.5, 5, -3, 5, -1, 30, 100, 12, 120]);
    const r = clipBoxes(b, { width: 32, height: 24 }, { minSize: 1 });
    expect(Array.from(r)).toEqual([31, 10, 32, 11, 5, 0, 6, 1, 30, 23, 31, 24]);
    const big = new Float64Array([2, 2, 20, 20]);
    expect(Array.from(clipBoxes(big, { width: 32, height: 24 }, { minSize: 1 }))).toEqual([
      2, 2, 20, 20,
    ]);
    expect(() => clipBoxes(big, { width: 32, height: 24 }, { minSize: 40 })).toThrow('minSize 40');
  });
  test('invalid image size', () => {
    expect(() => clipBoxes([0, 0, 1, 1], { width: 0, height: 5 })).toThrow(
      'expected positive width and height',
    );
  });
});
