import {
  frameDetectionsAsTubelets,
  linkTubelets,
  MULTISPORTS_LINKING,
} from '../src/tubelet-linking';
import { dataPath, readFrameCsv } from './fixtures';

// Golden values: the MultiSports reference linker (mmaction2 `link_tubes`, K = 1) with the
// per-box score bug fixed, run in Python on the same fixture (see the package README).
describe('MultiSports fixture, multisports preset', () => {
  const dets = readFrameCsv(dataPath('fixtures/multisports/frame_dets.csv'));
  const tubes = linkTubelets(frameDetectionsAsTubelets(dets), MULTISPORTS_LINKING);

  it('gives the reference tubes', () => {
    const summary = tubes.map((t) => ({
      label: t.label,
      start: t.start,
      end: t.start + t.boxes.length / 4 - 1,
    }));
    expect(summary).toEqual([
      { label: 9, start: 660, end: 701 },
      { label: 10, start: 288, end: 307 },
      { label: 10, start: 288, end: 309 },
      { label: 14, start: 618, end: 635 },
    ]);
    expect(tubes.map((t) => t.score)).toEqual([
      expect.closeTo(0.9999705000000001, 12),
      expect.closeTo(0.9975912000000001, 12),
      expect.closeTo(0.9764602272727273, 12),
      expect.closeTo(0.988911388888889, 12),
    ]);
    const sums = tubes.map((t) => [
      t.boxes.reduce((a, b) => a + b, 0),
      t.scores!.reduce((a, b) => a + b, 0),
    ]);
    const expected = [
      [102487.06141600001, 41.998761],
      [40523.863052999994, 19.951824000000002],
      [56208.98104299999, 21.482125],
      [28808.765225000003, 17.800405],
    ];
    sums.forEach(([b, s], i) => {
      expect(b).toBeCloseTo(expected[i]![0]!, 6);
      expect(s).toBeCloseTo(expected[i]![1]!, 9);
    });
    expect(Array.from(tubes[0]!.boxes.subarray(0, 4))).toEqual([
      584.846497, 157.426701, 882.652893, 693.630023,
    ]);
    expect(Array.from(tubes[2]!.boxes.subarray(0, 4))).toEqual([
      756.035995, 335.8722, 953.850861, 665.086255,
    ]);
  });

  it('keeps each box its own detection score (not mmaction2’s last-row score)', () => {
    for (const t of tubes) {
      let mean = 0;
      for (const s of t.scores!) mean += s;
      expect(mean / t.scores!.length).toBeCloseTo(t.score, 12);
      expect(new Set(t.scores).size).toBeGreaterThan(1);
    }
  });
});
