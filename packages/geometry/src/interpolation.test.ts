import { interpolateBoxes, interpolateTube, resampleTube } from './interpolation';

describe('interpolateBoxes', () => {
  const key = new Float64Array([0, 0, 10, 10, 10, 0, 20, 10, 10, 10, 20, 20]);
  test('linear between key frames, exact at them', () => {
    const r = interpolateBoxes([1, 11, 21], key, [1, 6, 11, 16, 21], { method: 'linear' });
    expect(Array.from(r)).toEqual([
      0, 0, 10, 10, 5, 0, 15, 10, 10, 0, 20, 10, 10, 5, 20, 15, 10, 10, 20, 20,
    ]);
  });
  test('cubic spline through key frames', () => {
    for (const boundary of ['natural', 'not-a-knot'] as const) {
      const r = interpolateBoxes([1, 11, 21], key, [1, 11, 21], {
        method: 'cubic-spline',
        boundary,
      });
      Array.from(key).forEach((v, i) => {
        expect(r[i]).toBeCloseTo(v, 12);
      });
    }
  });
  test('outside the key frames', () => {
    expect(() => interpolateBoxes([1, 11], key.subarray(0, 8), [0], { method: 'linear' })).toThrow(
      'outside the knots [1, 11]',
    );
    const held = interpolateBoxes([1, 11], key.subarray(0, 8), [0, 12], {
      method: 'linear',
      outside: 'hold',
    });
    expect(Array.from(held)).toEqual([0, 0, 10, 10, 10, 0, 20, 10]);
    const ext = interpolateBoxes([1, 11], key.subarray(0, 8), [21], {
      method: 'linear',
      outside: 'extrapolate',
    });
    expect(Array.from(ext)).toEqual([20, 0, 30, 10]);
  });
  test('unsorted queries give the same values as sorted ones', () => {
    const q = [20, 2, 15, 7, 1];
    const r = interpolateBoxes([1, 11, 21], key, q, {
      method: 'cubic-spline',
      boundary: 'not-a-knot',
    });
    q.forEach((t, i) => {
      const one = interpolateBoxes([1, 11, 21], key, [t], {
        method: 'cubic-spline',
        boundary: 'not-a-knot',
      });
      for (let c = 0; c < 4; c++) expect(r[4 * i + c]).toBe(one[c]);
    });
  });
});

describe('interpolateTube and resampleTube', () => {
  test('dense tube from key frames', () => {
    const t = interpolateTube([1, 4], new Float64Array([0, 0, 3, 3, 3, 0, 6, 3]), {
      method: 'linear',
    });
    expect(t.start).toBe(1);
    expect(Array.from(t.boxes)).toEqual([0, 0, 3, 3, 1, 0, 4, 3, 2, 0, 5, 3, 3, 0, 6, 3]);
    expect(() => interpolateTube([1.5, 4], new Float64Array(8), { method: 'linear' })).toThrow(
      'key frame 0 is 1.5; expected an integer',
    );
  });
  test('resample to N evenly spaced points', () => {
    const tube = { start: 1, boxes: new Float64Array([0, 0, 2, 2, 2, 0, 4, 2, 4, 0, 6, 2]) };
    const r = resampleTube(tube, 5, { method: 'linear' });
    expect(Array.from(r.times)).toEqual([1, 1.5, 2, 2.5, 3]);
    expect(Array.from(r.boxes.subarray(4, 8))).toEqual([1, 0, 3, 2]);
    const s = resampleTube(tube, 2, { method: 'cubic-spline', boundary: 'natural' });
    expect(Array.from(s.boxes)).toEqual([0, 0, 2, 2, 4, 0, 6, 2]);
    expect(() => resampleTube(tube, 1, { method: 'linear' })).toThrow(
      'N = 1; expected an integer ≥ 2',
    );
  });
});
