import { boxIoUAt } from './box-iou';
import { segmentIoUs } from './segment-iou';

describe('segmentIoUs (CFAD §3.2 segment-wise matching)', () => {
  // 5 boxes, K = 2: segments {0, 1}, {2, 3}; box 4 is the remainder
  const tube = {
    start: 7,
    boxes: new Float64Array([
      0,
      0,
      10,
      10, // IoU 1 with anchor 0
      0,
      0,
      10,
      20, // 0.5
      50,
      50,
      60,
      60, // 0 with anchor 0, 1 with anchor 1
      50,
      50,
      60,
      70, // 0.5 with anchor 1
      90,
      90,
      99,
      99, // remainder: never tested
    ]),
  };
  const anchors = new Float64Array([0, 0, 10, 10, 50, 50, 60, 60, 90, 90, 99, 99]);

  test('hand-worked first-segment and best-segment overlaps', () => {
    const r = segmentIoUs(anchors, [tube], 2);
    expect(Array.from(r.first)).toEqual([0.75, 0, 0]);
    expect(Array.from(r.best)).toEqual([0.75, 0.75, 0]); // anchor 2 matches only the remainder
  });

  test('several tubes give [N·G] row-major; a short tube is one segment', () => {
    const short = { start: 1, boxes: new Float64Array([0, 0, 10, 10, 0, 0, 10, 20]) };
    const r = segmentIoUs(anchors, [tube, short], 6);
    // tube (T = 5 < 6): one segment of all 5 boxes; short: both boxes
    const mean5 = (a: number) =>
      [0, 1, 2, 3, 4].reduce((s, m) => s + boxIoUAt(anchors, a, tube.boxes, m), 0) / 5;
    expect(r.first[0]).toBeCloseTo(mean5(0), 15);
    expect(r.first[1]).toBe(0.75);
    expect(r.first[2 * 2]).toBeCloseTo(mean5(2), 15);
    expect(Array.from(r.best)).toEqual(Array.from(r.first));
  });

  test('bad input', () => {
    expect(() => segmentIoUs(anchors, [tube], 0)).toThrow(
      'segmentIoUs: K = 0; expected an integer ≥ 1',
    );
    expect(() => segmentIoUs(anchors, [{ start: 1, boxes: new Float64Array(0) }], 2)).toThrow(
      'segmentIoUs: tube 0 has no boxes',
    );
  });
});
