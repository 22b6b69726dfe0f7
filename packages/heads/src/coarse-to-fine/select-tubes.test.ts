import { selectTubes } from './select-tubes';

const tube = (x: number, n = 4) => ({
  start: 1,
  boxes: Float64Array.from({ length: 4 * n }, (_, i) => [x, 0, x + 10, 10][i % 4]!),
});

describe('selectTubes (CFAD §4.1: tube NMS 0.2, ≤ 3 tubes)', () => {
  // a, b overlap (IoU 9/11 > 0.2); c, d, e are disjoint from everything
  const tubes = [tube(0), tube(1), tube(100), tube(200), tube(300)];
  const scores = [0.9, 0.8, 0.7, 0.6, 0.5];

  test('NMS first, then the 3 best: the duplicate gives way to the next tube', () => {
    expect(Array.from(selectTubes(tubes, scores))).toEqual([0, 2, 3]);
  });

  test('top 3 first (literal order), then NMS: the duplicate removes a slot', () => {
    expect(Array.from(selectTubes(tubes, scores, { order: 'top-first' }))).toEqual([0, 2]);
  });

  test('maxTubes and threshold are options', () => {
    expect(Array.from(selectTubes(tubes, scores, { maxTubes: 5, iouThreshold: 0.9 }))).toEqual([
      0, 1, 2, 3, 4,
    ]);
  });
});
