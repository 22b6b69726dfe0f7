import type { DetectedTube } from '@tubekit/geometry';
import { frameDets } from '../test/fixtures';
import { LinkingInputError } from './errors';
import { linkOnline, SINGH_ONLINE_LINKING } from './online-linking';
import { rescoreAlongTubes } from './rescore-along-tubes';

type Row = [string, number, number, number, number, number, number, number];

/** A tube of class `label` in video `v` from `start`, one box `[f, 0, f + 10, 10]` per frame. */
function tube(v: string, label: number, start: number, scores: number[]): DetectedTube {
  return {
    video: v,
    label,
    start,
    score: scores.reduce((a, b) => a + b, 0) / scores.length,
    boxes: Float64Array.from(scores.flatMap((_, i) => [start + i, 0, start + i + 10, 10])),
    scores: Float64Array.from(scores),
  };
}

describe('rescoreAlongTubes', () => {
  const rows: Row[] = [
    ['a', 1, 0, 0.9, 1, 0, 11, 10],
    ['a', 2, 0, 0.3, 2, 0, 12, 10],
    ['a', 2, 1, 0.7, 2, 0, 12, 10], // same box, another class: no tube of class 1 took it
    ['a', 3, 0, 0.6, 3, 0, 13, 10],
    ['a', 3, 0, 0.5, 30, 0, 40, 10], // another box of class 0: no tube took it
    ['a', 4, 0, 0.2, 4, 0, 14, 10],
    ['b', 2, 0, 0.4, 2, 0, 12, 10], // same frame, class and box as a tube of video a
  ];
  const tubes = [tube('a', 0, 1, [0.9, 0.3, 0.6, 0.2])];

  it('averages the tube scores within the window around each detection it took', () => {
    const out = rescoreAlongTubes(frameDets(rows), tubes, { window: 1 });
    // frame 1: (0.9 + 0.3) / 2; frame 2: (0.9 + 0.3 + 0.6) / 3; frame 3: (0.3 + 0.6 + 0.2) / 3;
    // frame 4: (0.6 + 0.2) / 2; the rows no tube took keep their scores.
    const expected = [0.6, 0.6, 0.7, 1.1 / 3, 0.5, 0.4, 0.4];
    expect(Array.from(out.score)).toEqual(expected.map((s) => expect.closeTo(s, 12)));
  });

  it('keeps boxes, labels and frames, and leaves its input alone', () => {
    const dets = frameDets(rows);
    const before = Float64Array.from(dets.score);
    const out = rescoreAlongTubes(dets, tubes, { window: 3 });
    expect(out.boxes).toBe(dets.boxes);
    expect(out.label).toBe(dets.label);
    expect(out.frame).toBe(dets.frame);
    expect(dets.score).toEqual(before);
    expect(out.score[0]).toBeCloseTo(0.5, 12); // the whole tube's mean
  });

  it('window 0 gives every detection its own score back', () => {
    const dets = frameDets(rows);
    expect(rescoreAlongTubes(dets, tubes, { window: 0 }).score).toEqual(dets.score);
  });

  it('the first tube that took a detection decides its score', () => {
    const second = tube('a', 0, 2, [1, 1]);
    const out = rescoreAlongTubes(frameDets(rows), [second, ...tubes], { window: 5 });
    expect(out.score[1]).toBe(1);
    expect(out.score[0]).toBeCloseTo(0.5, 12);
  });

  it('rescores the tubes of an online linker', () => {
    // One actor over 8 frames whose class-0 score dips on frames 4–5; a stray box on frame 6.
    const scores = [0.8, 0.8, 0.8, 0.1, 0.1, 0.8, 0.8, 0.8];
    const linked: Row[] = scores.map((s, i) => ['v', i + 1, 0, s, 10, 10, 40, 60]);
    linked.splice(6, 0, ['v', 6, 0, 0.3, 70, 70, 90, 90]);
    const dets = frameDets(linked);
    const tubesOf = linkOnline(dets, { ...SINGH_ONLINE_LINKING, minBoxes: 2 });
    const out = rescoreAlongTubes(dets, tubesOf, { window: 2 });
    expect(out.score[3]).toBeCloseTo((0.8 * 3 + 0.1 * 2) / 5, 12); // frame 4
    expect(out.score[6]).toBe(0.3); // the stray box: no tube took it
  });

  it('rejects a bad window and tubes without per-frame scores', () => {
    const dets = frameDets(rows);
    for (const window of [-1, 1.5, Number.NaN])
      expect(() => rescoreAlongTubes(dets, tubes, { window })).toThrow(
        /window must be an integer ≥ 0/,
      );
    const { scores: _, ...bare } = tubes[0]!;
    expect(() => rescoreAlongTubes(dets, [bare], { window: 1 })).toThrow(LinkingInputError);
    expect(() => rescoreAlongTubes(dets, [bare], { window: 1 })).toThrow(
      'tube 0 (video a, label 0) has no per-frame scores, expected 4, one per box',
    );
  });
});
