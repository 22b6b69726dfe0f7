import { scaleBoxes } from './box-scale';

describe('scaleBoxes', () => {
  test('about the centre', () => {
    expect(Array.from(scaleBoxes(new Float64Array([10, 10, 30, 20]), 2))).toEqual([0, 5, 40, 25]);
    expect(Array.from(scaleBoxes([10, 10, 30, 20], { x: 1, y: 3 }))).toEqual([10, 0, 30, 30]);
    const b = new Float64Array([10, 10, 30, 20]);
    scaleBoxes(scaleBoxes(b, 1.5, b), 1 / 1.5, b);
    expect(Array.from(b).map((v) => Math.round(v * 1e9) / 1e9)).toEqual([10, 10, 30, 20]);
  });
  test('non-positive factor is an error', () => {
    expect(() => scaleBoxes([0, 0, 1, 1], 0)).toThrow('expected factors > 0');
  });
});
