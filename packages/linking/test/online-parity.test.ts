import { linkOnline, SINGH_ONLINE_LINKING } from '../src/online-linking';
import { syntheticFrames } from './fixtures';

// Golden values from a line-by-line Python port of Singh et al.'s MATLAB (`actionPaths.m`
// `dofilter` + `nms.m`, `incremental_linking.m`, `fill_gaps`, `sort_paths`), an independent
// offline implementation, run on the same synthetic detections (frames 23, 46, 69, 92 empty).
// Row: label, start, length, tube score (mean per-frame score), Σ box coordinates.
describe('online linking parity with the offline reference', () => {
  it('gives the reference tubes in the reference order', () => {
    const tubes = linkOnline(syntheticFrames(100, 5), SINGH_ONLINE_LINKING);
    const expected = [
      [0, 1, 100, 0.7202299999999999, 62713.917],
      [0, 1, 39, 0.7583333333333334, 14890.458],
      [0, 50, 51, 0.6697647058823529, 23921.527000000002],
      [1, 1, 100, 0.7104300000000001, 50502.464],
      [1, 1, 68, 0.6676911764705883, 59459.2],
      [1, 91, 10, 0.6346, 5932.836],
    ];
    expect(tubes.length).toBe(expected.length);
    tubes.forEach((t, i) => {
      expect([t.label, t.start, t.boxes.length / 4]).toEqual(expected[i]!.slice(0, 3));
      expect(t.score).toBeCloseTo(expected[i]![3]!, 10);
      expect(t.boxes.reduce((a, b) => a + b, 0)).toBeCloseTo(expected[i]![4]!, 6);
    });
  });
});
