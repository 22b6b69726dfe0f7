import type { DetectedTube } from '@tubekit/geometry';
import { actionnessTrimming, PCSC_TRIMMING } from './actionness-trimming';
import { LinkingInputError } from './errors';
import { multiClassTrimming, SINGH_TRIMMING } from './multi-class-trimming';
import { SAHA_TRIMMING, twoStateTrimming } from './two-state-trimming';

function tube(start: number, scores: number[], extra: Partial<DetectedTube> = {}): DetectedTube {
  const T = scores.length;
  const boxes = new Float64Array(4 * T);
  for (let t = 0; t < T; t++) boxes.set([t, 0, t + 10, 10], 4 * t);
  return {
    video: 'v',
    label: 2,
    score: 0.5,
    start,
    boxes,
    scores: Float64Array.from(scores),
    ...extra,
  };
}

describe('twoStateTrimming (Saha)', () => {
  it('trims a tube that starts before the action', () => {
    const scores = [...new Array(10).fill(0.1), ...new Array(40).fill(0.9)];
    scores[25] = 0.2; // a one-frame dip inside the action does not split it
    const [trimmed, ...rest] = twoStateTrimming([tube(101, scores)], SAHA_TRIMMING);
    expect(rest).toEqual([]);
    expect(trimmed!.start).toBe(111);
    expect(trimmed!.boxes.length / 4).toBe(40);
    expect(trimmed!.boxes[0]).toBe(10);
    expect(trimmed!.label).toBe(2);
    expect(trimmed!.score).toBeCloseTo((39 * 0.9 + 0.2) / 40, 12);
    expect(trimmed!.id).toBe(1);
  });

  it('drops action runs not longer than the minimum and uses per-class alpha tables', () => {
    const scores = [...new Array(30).fill(0.9), ...new Array(5).fill(0.1)];
    expect(twoStateTrimming([tube(1, scores)], SAHA_TRIMMING)).toEqual([]);
    expect(twoStateTrimming([tube(1, scores)], { ...SAHA_TRIMMING, longerThan: 29 })).toHaveLength(
      1,
    );
    expect(() => twoStateTrimming([tube(1, scores)], { ...SAHA_TRIMMING, alpha: [1, 2] })).toThrow(
      /none for label 2/,
    );
  });

  it('rejects duplicate ids, NaN and missing per-frame scores', () => {
    expect(() =>
      twoStateTrimming([tube(1, [0.5], { id: 7 }), tube(3, [0.5], { id: 7 })], SAHA_TRIMMING),
    ).toThrow(/duplicate tube id 7 in video "v"/);
    expect(() => twoStateTrimming([tube(1, [0.5, Number.NaN])], SAHA_TRIMMING)).toThrow(
      /frame 2: per-frame score NaN/,
    );
    const { scores: _, ...noScores } = tube(1, [0.5]);
    expect(() => twoStateTrimming([noScores], SAHA_TRIMMING)).toThrow(LinkingInputError);
  });
});

describe('multiClassTrimming (Singh)', () => {
  const T = 30;
  const classScores = new Float64Array(T * 3);
  for (let t = 0; t < T; t++) {
    classScores[t * 3 + (t < 12 ? 2 : 1)] = 0.8;
    classScores[t * 3] = 0.1;
  }
  const input = tube(5, new Array(T).fill(0.5), { classScores });

  it('splits a path into class segments longer than 8 frames', () => {
    const out = multiClassTrimming([input], SINGH_TRIMMING);
    expect(out.map((t) => [t.label, t.start, t.boxes.length / 4, t.score])).toEqual([
      [2, 5, 12, expect.closeTo(0.8, 12)],
      [1, 17, 18, expect.closeTo(0.8, 12)],
    ]);
    expect(out[1]!.classScores!.length).toBe(18 * 3);
    expect(
      multiClassTrimming([input], { ...SINGH_TRIMMING, keep: 'path' }).map((t) => t.label),
    ).toEqual([2]);
  });

  it('needs class-score vectors', () => {
    expect(() => multiClassTrimming([tube(1, [0.5])], SINGH_TRIMMING)).toThrow(/no class scores/);
  });
});

describe('actionnessTrimming (PCSC)', () => {
  it('median-filters, drops low frames and splits where the tube breaks', () => {
    const a = [0.1, 0.2, 0.9, 0.8, 0.1, 0.9, 0.9, 0.1, 0.1, 0.1, 0.9, 0.8, 0.9];
    const out = actionnessTrimming([tube(1, a)], { ...PCSC_TRIMMING, window: 3 });
    // smoothed: .15 .2 .8 .8 .8 .9 .9 .1 .1 .1 .8 .9 .85 (ends: mean of two)
    expect(out.map((t) => [t.start, t.boxes.length / 4, t.score])).toEqual([
      [3, 5, 0.5],
      [11, 3, 0.5],
    ]);
    expect(out.map((t) => t.id)).toEqual([1, 2]);
  });

  it("with cut: 'ends' trims only the leading and trailing drops, keeping interior dips", () => {
    const a = [0.1, 0.2, 0.9, 0.8, 0.1, 0.9, 0.9, 0.1, 0.1, 0.1, 0.9, 0.8, 0.9];
    const out = actionnessTrimming([tube(1, a)], { ...PCSC_TRIMMING, window: 3, cut: 'ends' });
    // same smoothing as above: kept frames 3…7 and 11…13 → one piece from frame 3 to 13
    expect(out.map((t) => [t.start, t.boxes.length / 4])).toEqual([[3, 11]]);
    const none = actionnessTrimming([tube(1, [0.1, 0.1])], { ...PCSC_TRIMMING, cut: 'ends' });
    expect(none).toEqual([]);
    const short = { ...PCSC_TRIMMING, window: 1, cut: 'ends' as const, minLength: 3 };
    expect(actionnessTrimming([tube(1, [0.1, 0.9, 0.9, 0.1])], short)).toEqual([]);
    expect(() =>
      actionnessTrimming([tube(1, a)], { ...PCSC_TRIMMING, cut: 'middle' as 'ends' }),
    ).toThrow(/cut must be 'split' or 'ends'/);
  });

  it('takes separate actionness arrays and checks their lengths', () => {
    const out = actionnessTrimming([tube(1, [0.1, 0.1, 0.1])], PCSC_TRIMMING, [[0.9, 0.9, 0.9]]);
    expect(out).toHaveLength(1);
    expect(() => actionnessTrimming([tube(1, [0.1])], PCSC_TRIMMING, [[0.9, 0.9]])).toThrow(
      /2 actionness values for 1 frames/,
    );
    expect(() => actionnessTrimming([tube(1, [0.1])], { ...PCSC_TRIMMING, window: 4 })).toThrow(
      /odd/,
    );
  });
});

describe('trimmers check tubes as strictly as the evaluators (issue 17)', () => {
  const nframes = new Map([['v', 725]]);
  const source = 'tubes.csv';

  it('refuse frames beyond the video (a tube at frame 10¹² of a 725-frame video)', () => {
    // before: trimmed and written, then refused by `tubekit eval video`
    expect(() =>
      twoStateTrimming([tube(1e12, [0.9, 0.9])], SAHA_TRIMMING, { source, nframes }),
    ).toThrow(
      'tubes.csv: twoStateTrimming: tube 0 (video "v") covers frames 1000000000000 … 1000000000001, beyond the video\'s 725 frames',
    );
    expect(() =>
      actionnessTrimming([tube(725, [0.9, 0.9])], PCSC_TRIMMING, undefined, { nframes }),
    ).toThrow(/covers frames 725 … 726, beyond the video's 725 frames/);
  });

  it('refuse negative tube and per-frame scores', () => {
    // before: a tube of score −0.4 came out of the trimmer
    expect(() => twoStateTrimming([tube(1, [0.9], { score: -0.4 })], SAHA_TRIMMING)).toThrow(
      /tube 0 \(video "v"\) has score -0.4, expected a finite number ≥ 0/,
    );
    expect(() => actionnessTrimming([tube(1, [0.9, -0.1])], PCSC_TRIMMING)).toThrow(
      /frame 2: per-frame score -0.1, expected a finite number ≥ 0/,
    );
  });

  it('name the file when boxes come without scores', () => {
    const { scores: _, ...noScores } = tube(1, [0.5]);
    // before: 'twoStateTrimming: tube 0 (video "v") has no per-frame scores …' (no file)
    expect(() => twoStateTrimming([noScores], SAHA_TRIMMING, { source })).toThrow(
      'tubes.csv: twoStateTrimming: tube 0 (video "v") has no per-frame scores for 1 frames; the trimmer needs one score per frame (a box_score column)',
    );
  });
});
