import { frameDets, tubelets } from '../test/fixtures';
import { LinkingInputError } from './errors';
import {
  ACT_LINKING,
  frameDetectionsAsTubelets,
  linkTubelets,
  MOC_LINKING,
  MULTISPORTS_LINKING,
} from './tubelet-linking';

const any = { minScore: Number.NEGATIVE_INFINITY, minLength: 1 };

describe('linkTubelets', () => {
  it('extends a tube with the highest-scoring candidate, not the best-overlapping one', () => {
    const dets = frameDets([
      ['v', 1, 0, 0.9, 0, 0, 100, 100],
      ['v', 2, 0, 0.5, 0, 0, 100, 100], // IoU 1 with the tube
      ['v', 2, 0, 0.8, 30, 0, 130, 100], // IoU 0.54, higher score
    ]);
    const tubes = linkTubelets(frameDetectionsAsTubelets(dets), { ...MULTISPORTS_LINKING, ...any });
    expect(tubes).toHaveLength(2);
    expect(tubes.find((t) => t.start === 1)!.boxes[4]).toBe(30);
  });

  it('breaks equal scores by the candidate first in NMS order (lower row)', () => {
    const dets = frameDets([
      ['v', 1, 0, 0.9, 0, 0, 100, 100],
      ['v', 2, 0, 0.5, -30, 0, 70, 100], // IoU 0.54 with the tube, 0.25 with the next
      ['v', 2, 0, 0.5, 30, 0, 130, 100], // IoU 0.54 with the tube
    ]);
    const tubes = linkTubelets(frameDetectionsAsTubelets(dets), { ...MULTISPORTS_LINKING, ...any });
    const long = tubes.find((t) => t.boxes.length === 8)!;
    expect(Array.from(long.boxes.subarray(4))).toEqual([-30, 0, 70, 100]);
    expect(tubes.map((t) => t.id)).toEqual([1, 2]);
  });

  it('survives a missed frame under ACT (gap from the last tubelet start) and interpolates it', () => {
    const dets = frameDets([
      ['v', 1, 0, 0.9, 0, 0, 100, 100],
      ['v', 2, 0, 0.9, 0, 0, 100, 100],
      ['v', 4, 0, 0.7, 10, 0, 110, 100],
    ]);
    const [act] = [linkTubelets(frameDetectionsAsTubelets(dets), { ...ACT_LINKING, ...any })];
    expect(act).toHaveLength(1);
    expect(act[0]!.start).toBe(1);
    expect(Array.from(act[0]!.boxes.subarray(8, 12))).toEqual([5, 0, 105, 100]);
    expect(act[0]!.scores![2]).toBeCloseTo(0.8, 12);
    expect(act[0]!.score).toBeCloseTo((0.9 + 0.9 + 0.7) / 3, 12);
    // MultiSports closes a K = 1 tube at its first frame without a match.
    const ms = linkTubelets(frameDetectionsAsTubelets(dets), { ...MULTISPORTS_LINKING, ...any });
    expect(ms.map((t) => [t.start, t.boxes.length / 4])).toEqual([
      [1, 2],
      [4, 1],
    ]);
  });

  it('counts the closing gap from the start frame of the last tubelet (K = 3)', () => {
    const box = [0, 0, 100, 100, 0, 0, 100, 100, 0, 0, 100, 100];
    const linked = linkTubelets(
      tubelets(3, [
        [1, 0, 0.9, ...box],
        [6, 0, 0.9, ...box],
      ]),
      { ...ACT_LINKING, ...any },
    );
    expect(linked.map((t) => [t.start, t.boxes.length / 4])).toEqual([[1, 8]]);
    const split = linkTubelets(
      tubelets(3, [
        [1, 0, 0.9, ...box],
        [7, 0, 0.9, ...box],
      ]),
      { ...ACT_LINKING, ...any },
    );
    expect(split.map((t) => [t.start, t.boxes.length / 4])).toEqual([
      [1, 3],
      [7, 3],
    ]);
  });

  it('averages the boxes and scores of overlapping tubelets (K = 2)', () => {
    const tubes = linkTubelets(
      tubelets(2, [
        [1, 0, 0.6, 0, 0, 100, 100, 0, 0, 100, 100],
        [2, 0, 0.8, 10, 0, 110, 100, 10, 0, 110, 100],
      ]),
      { ...ACT_LINKING, ...any },
    );
    expect(tubes).toHaveLength(1);
    expect(Array.from(tubes[0]!.boxes)).toEqual([0, 0, 100, 100, 5, 0, 105, 100, 10, 0, 110, 100]);
    expect(Array.from(tubes[0]!.scores!)).toEqual([0.6, expect.closeTo(0.7, 12), 0.8]);
  });

  it('reproduces MOC’s negative soft-NMS scores for K ≥ 2', () => {
    const b = [0, 0, 100, 100, 0, 0, 100, 100];
    const dets = tubelets(2, [
      [1, 0, 0.9, ...b],
      [1, 0, 0.8, ...b], // Σ IoU = 2 > 0.6·2 → 0.8·(1 − 2) = −0.8
    ]);
    const all = linkTubelets(dets, {
      ...MOC_LINKING,
      minLength: 1,
      minScore: Number.NEGATIVE_INFINITY,
    });
    expect(all.map((t) => t.score)).toEqual([0.9, expect.closeTo(-0.8, 12)]);
    expect(linkTubelets(dets, { ...MOC_LINKING, minLength: 1 }).map((t) => t.score)).toEqual([0.9]);
  });

  it('links classes and videos independently and drops short or low-scoring tubes', () => {
    const rows: Array<[string, number, number, number, number, number, number, number]> = [];
    for (let f = 1; f <= 20; f++) {
      rows.push(['a', f, 0, 0.5, 0, 0, 10, 10]);
      rows.push(['a', f, 1, 0.004, 0, 0, 10, 10]);
    }
    for (let f = 1; f <= 10; f++) rows.push(['b', f, 0, 0.5, 0, 0, 10, 10]);
    const tubes = linkTubelets(frameDetectionsAsTubelets(frameDets(rows)), MULTISPORTS_LINKING);
    expect(tubes.map((t) => [t.video, t.label, t.boxes.length / 4])).toEqual([['a', 0, 20]]);
  });

  it('rejects unsorted frames, split videos and NaN scores with the row named', () => {
    const unsorted = frameDets([
      ['v', 2, 0, 0.9, 0, 0, 1, 1],
      ['v', 1, 0, 0.9, 0, 0, 1, 1],
    ]);
    expect(() =>
      linkTubelets(frameDetectionsAsTubelets(unsorted), ACT_LINKING, { source: 'dets.csv' }),
    ).toThrow(
      /dets\.csv: row 1 \(video "v"\) has start frame 1 after start frame 2; frames must be sorted/,
    );
    const split = frameDets([
      ['a', 1, 0, 0.9, 0, 0, 1, 1],
      ['b', 1, 0, 0.9, 0, 0, 1, 1],
      ['a', 2, 0, 0.9, 0, 0, 1, 1],
    ]);
    expect(() => linkTubelets(frameDetectionsAsTubelets(split), ACT_LINKING)).toThrow(
      /rows of video "a" are not contiguous/,
    );
    const nan = frameDets([['v', 1, 0, Number.NaN, 0, 0, 1, 1]]);
    expect(() => linkTubelets(frameDetectionsAsTubelets(nan), ACT_LINKING)).toThrow(
      LinkingInputError,
    );
    expect(() => linkTubelets(frameDetectionsAsTubelets(nan), ACT_LINKING)).toThrow(/score NaN/);
  });
});
