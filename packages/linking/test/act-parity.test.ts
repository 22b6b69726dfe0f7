import { ACT_LINKING, linkTubelets, MOC_LINKING } from '../src/tubelet-linking';
import { syntheticTubelets } from './fixtures';

// Golden values from Python ports of ACT's `BuildTubes` + `nms_tubelets` (ACT.py / ACT_utils.py)
// and MOC's soft `nms_tubelets`, run on the same synthetic tubelets (numpy, stable argsort).
// Row: label, start, length, tube score, Σ box coordinates, Σ per-frame scores.
function summary(tubes: ReturnType<typeof linkTubelets>): number[][] {
  return tubes.map((t) => [
    t.label,
    t.start,
    t.boxes.length / 4,
    t.score,
    t.boxes.reduce((a, b) => a + b, 0),
    t.scores!.reduce((a, b) => a + b, 0),
  ]);
}

function expectClose(actual: number[][], expected: number[][]): void {
  expect(actual.length).toBe(expected.length);
  actual.forEach((row, i) => {
    expect(row.slice(0, 3)).toEqual(expected[i]!.slice(0, 3));
    row.slice(3).forEach((v, j) => {
      expect(v).toBeCloseTo(expected[i]![3 + j]!, 8);
    });
  });
}

describe('tubelet linking parity with the Python references', () => {
  it('ACT (K = 6): tubes, order, boxes and scores', () => {
    expectClose(summary(linkTubelets(syntheticTubelets(6, 80, 11), ACT_LINKING)), [
      [0, 1, 34, 0.8255172413793103, 15389.31215, 28.192883333333334],
      [0, 39, 20, 0.7837333333333334, 12138.844700000001, 15.080949999999998],
      [0, 1, 80, 0.8493200000000001, 59808.15251666667, 68.13641666666666],
      [1, 1, 80, 0.8041971830985916, 51906.44506666667, 64.80331666666666],
    ]);
  });

  it('MOC (K = 3, soft NMS on summed IoUs): tubes, order, boxes and scores', () => {
    expectClose(summary(linkTubelets(syntheticTubelets(3, 80, 11), MOC_LINKING)), [
      [0, 1, 31, 0.815551724137931, 13871.405833333334, 25.249833333333335],
      [0, 39, 42, 0.8373999999999999, 26759.9505, 34.824],
      [0, 1, 80, 0.6827522810460503, 60708.99533333333, 53.05605818028657],
      [1, 14, 67, 0.8256461538461539, 44293.40716666667, 55.274499999999996],
    ]);
  });

  it('ACT with K = 3 fills the frames no tubelet covers instead of dividing by zero', () => {
    const tubes = linkTubelets(syntheticTubelets(3, 80, 11), ACT_LINKING);
    for (const t of tubes) {
      for (const v of t.boxes) expect(Number.isFinite(v)).toBe(true);
      for (const v of t.scores!) expect(Number.isFinite(v)).toBe(true);
    }
  });
});
