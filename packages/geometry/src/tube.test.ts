import { temporalIntersection, tubeEnd, tubeLength, tubeSlice } from './tube';

const tube = (start: number, n: number) => ({
  start,
  boxes: Float64Array.from({ length: 4 * n }, (_, i) => Math.floor(i / 4) * 10 + (i % 4)),
  scores: Float64Array.from({ length: n }, (_, i) => i / 10),
});

describe('tube helpers', () => {
  test('length and end frame (inclusive)', () => {
    expect(tubeLength(tube(5, 3))).toBe(3);
    expect(tubeEnd(tube(5, 3))).toBe(7);
    expect(tubeEnd(tube(5, 1))).toBe(5);
  });
  test('invalid tubes are rejected', () => {
    expect(() => tubeLength({ start: 1, boxes: new Float64Array(5) })).toThrow(
      'not a multiple of 4',
    );
    expect(() =>
      tubeLength({ start: 1, boxes: new Float64Array(8), scores: new Float64Array(3) }),
    ).toThrow('tube scores: length 3, expected one per frame (2)');
  });
  test('slice is a view of the requested frames', () => {
    const t = tube(10, 4);
    const s = tubeSlice(t, 11, 12);
    expect(s.start).toBe(11);
    expect(Array.from(s.boxes)).toEqual([10, 11, 12, 13, 20, 21, 22, 23]);
    expect(Array.from(s.scores!)).toEqual([0.1, 0.2]);
    expect(s.boxes.buffer).toBe(t.boxes.buffer);
    expect(() => tubeSlice(t, 9, 12)).toThrow('10 ≤ from ≤ to ≤ 13');
    expect(() => tubeSlice(t, 12, 11)).toThrow(RangeError);
  });
  test('temporal intersection', () => {
    expect(temporalIntersection(tube(1, 10), tube(8, 5))).toEqual({ start: 8, end: 10 });
    expect(temporalIntersection(tube(1, 10), tube(10, 5))).toEqual({ start: 10, end: 10 });
    expect(temporalIntersection(tube(1, 10), tube(11, 5))).toBeUndefined();
  });
});
