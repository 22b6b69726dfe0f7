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
  test('invalid image size', () => {
    expect(() => clipBoxes([0, 0, 1, 1], { width: 0, height: 5 })).toThrow(
      'expected positive width and height',
    );
  });
});
