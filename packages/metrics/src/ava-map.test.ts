import { readAvaCsv, readAvaLabelmap, tubekitDataPath } from '@tubekit/datasets';
import type { AvaRowsInput } from './ava-map';
import { avaFrameMeanAP } from './ava-map';
import {
  ava2018Protocol,
  ava2019Protocol,
  ava2020Protocol,
  mmaction2Protocol,
  vocProtocol,
} from './protocol';

async function fixture() {
  return {
    groundTruth: await readAvaCsv(tubekitDataPath('fixtures/ava/gt.csv'), { kind: 'ground-truth' }),
    detections: await readAvaCsv(tubekitDataPath('fixtures/ava/pred.csv'), { kind: 'detections' }),
    labelmap: await readAvaLabelmap(tubekitDataPath('fixtures/ava/action_list.txt')),
  };
}

describe('avaFrameMeanAP on the mmaction2 AVA fixture', () => {
  it.each([ava2018Protocol, ava2019Protocol, ava2020Protocol, mmaction2Protocol])(
    'gives mAP 0.09385522 under $name',
    async (protocol) => {
      const r = avaFrameMeanAP(await fixture(), { protocol });
      expect(r.protocol).toBe(protocol.name);
      expect(r.results[0]!.mAP).toBeCloseTo(0.09385522, 8);
      const aps = r.results[0]!.classes.map((c) => c.ap);
      expect(aps[0]).toBeCloseTo(0.17045454545, 5);
      expect(aps[1]).toBeCloseTo(0, 9);
      expect(aps[2]).toBeCloseTo(0.11111111111, 5);
      expect(r.results[0]!.classes.map((c) => c.label)).toEqual(['action1', 'action2', 'action3']);
    },
  );

  it('refuses a non-AVA profile and exclusions under ava-2020', async () => {
    const input = await fixture();
    expect(() => avaFrameMeanAP(input, { protocol: vocProtocol })).toThrow(/no AVA rules/);
    const exclusions = { videos: ['x'], timestamp: new Float64Array([1]), length: 1 };
    expect(() => avaFrameMeanAP({ ...input, exclusions }, { protocol: ava2020Protocol })).toThrow(
      /no exclusions/,
    );
  });
});

/** Builds AVA rows from `[video, ts, x1, y1, x2, y2, action, score]` tuples. */
function rows(
  list: Array<[string, number, number, number, number, number, number, number?]>,
): AvaRowsInput {
  const videos = [...new Set(list.map((r) => r[0]))];
  return {
    videos,
    videoIndex: Int32Array.from(list, (r) => videos.indexOf(r[0])),
    timestamp: Float64Array.from(list, (r) => r[1]),
    boxes: Float64Array.from(list.flatMap((r) => [r[2], r[3], r[4], r[5]])),
    action: Int32Array.from(list, (r) => r[6]),
    score: Float64Array.from(list, (r) => r[7] ?? 1),
    length: list.length,
  };
}

const labelmap = [
  { id: 1, name: 'a' },
  { id: 2, name: 'b' },
];
const box = [0.1, 0.1, 0.5, 0.5] as const;

describe('AVA profile differences (hand-built)', () => {
  it('detections on keyframes without GT: FP under 2018, ignored under 2020 (unlisted) and mmaction2', () => {
    const groundTruth = rows([['v', 902, ...box, 1]]);
    const detections = rows([
      ['v', 903, ...box, 1, 0.9], // no GT keyframe
      ['v', 902, ...box, 1, 0.5],
    ]);
    const input = { groundTruth, detections, labelmap };
    expect(avaFrameMeanAP(input, { protocol: ava2018Protocol }).results[0]!.mAP).toBeCloseTo(
      0.5,
      12,
    );
    expect(avaFrameMeanAP(input, { protocol: ava2020Protocol }).results[0]!.mAP).toBeCloseTo(1, 12);
    expect(avaFrameMeanAP(input, { protocol: mmaction2Protocol }).results[0]!.mAP).toBeCloseTo(
      1,
      12,
    );
  });

  it('ava-2020: a 2-column GT row lists a keyframe, whose detections are false positives', () => {
    const groundTruth = rows([
      ['v', 902, ...box, 1],
      ['v', 903, 0, 0, 0, 0, -1],
    ]);
    const detections = rows([
      ['v', 903, ...box, 1, 0.9],
      ['v', 902, ...box, 1, 0.5],
    ]);
    const r = avaFrameMeanAP({ groundTruth, detections, labelmap }, { protocol: ava2020Protocol });
    expect(r.results[0]!.mAP).toBeCloseTo(0.5, 12);
  });

  it('exclusions: official ignores excluded GT; mmaction2 still counts it towards recall', () => {
    const groundTruth = rows([
      ['v', 902, ...box, 1],
      ['v', 905, ...box, 1],
    ]);
    const detections = rows([
      ['v', 902, ...box, 1, 0.9],
      ['v', 905, ...box, 1, 0.8],
    ]);
    const exclusions = { videos: ['v'], timestamp: new Float64Array([905]), length: 1 };
    const input = { groundTruth, detections, labelmap, exclusions };
    expect(avaFrameMeanAP(input, { protocol: ava2018Protocol }).results[0]!.mAP).toBeCloseTo(1, 12);
    const mm = avaFrameMeanAP(input, { protocol: mmaction2Protocol }).results[0]!;
    expect(mm.mAP).toBeCloseTo(0.5, 12);
    expect(mm.classes[0]!.gt).toBe(2);
  });

  it('mean rule: mmaction2 leaves out classes with GT but no detections; official scores them 0', () => {
    const groundTruth = rows([
      ['v', 902, ...box, 1],
      ['v', 902, 0.6, 0.6, 0.9, 0.9, 2],
    ]);
    const detections = rows([['v', 902, ...box, 1, 0.9]]);
    const input = { groundTruth, detections, labelmap };
    expect(avaFrameMeanAP(input, { protocol: ava2018Protocol }).results[0]!.mAP).toBeCloseTo(
      0.5,
      12,
    );
    const mm = avaFrameMeanAP(input, { protocol: mmaction2Protocol }).results[0]!;
    expect(mm.mAP).toBeCloseTo(1, 12);
    expect(mm.classes[1]!.ap).toBeNull();
  });

  it('degenerate boxes: dropped by the official script, false positives under mmaction2', () => {
    const groundTruth = rows([['v', 902, ...box, 1]]);
    const detections = rows([
      ['v', 902, 0.3, 0.3, 0.3, 0.5, 1, 0.95], // x2 = x1
      ['v', 902, ...box, 1, 0.9],
    ]);
    const input = { groundTruth, detections, labelmap };
    expect(avaFrameMeanAP(input, { protocol: ava2018Protocol }).results[0]!.mAP).toBeCloseTo(1, 12);
    const mm = avaFrameMeanAP(input, { protocol: mmaction2Protocol }).results[0]!;
    expect(mm.mAP).toBeCloseTo(0.5, 12);
    expect(mm.classes[0]!.det).toBe(2);
  });

  it('ava-2019 keeps the top 50 per keyframe; a tie with the 50th score is not kept', () => {
    const groundTruth = rows([['v', 902, ...box, 1]]);
    const list: Array<[string, number, number, number, number, number, number, number]> = [];
    for (let i = 0; i < 50; i++) list.push(['v', 902, 0.6, 0.6, 0.9, 0.9, 1, 0.5]); // 50 FPs
    list.push(['v', 902, ...box, 1, 0.5]); // TP tying the 50th score: dropped
    const input = { groundTruth, detections: rows(list), labelmap };
    const r2019 = avaFrameMeanAP(input, { protocol: ava2019Protocol }).results[0]!;
    expect(r2019.classes[0]!.det).toBe(50);
    expect(r2019.mAP).toBe(0);
    const r2018 = avaFrameMeanAP(input, { protocol: ava2018Protocol }).results[0]!;
    expect(r2018.classes[0]!.det).toBe(51);
    expect(r2018.mAP).toBeGreaterThan(0);
  });

  it('0902 and 902 are the same keyframe; fractional timestamps only under ava-2020', () => {
    const groundTruth = rows([['v', 902, ...box, 1]]);
    const detections = rows([['v', 902.5, ...box, 1, 0.9]]);
    const input = { groundTruth, detections, labelmap };
    expect(() => avaFrameMeanAP(input, { protocol: ava2018Protocol })).toThrow(/whole seconds/);
    const lenient = avaFrameMeanAP(input, { protocol: ava2018Protocol, lenient: true });
    expect(lenient.warnings.skipped['bad-frame']).toBe(1);
    expect(avaFrameMeanAP(input, { protocol: ava2020Protocol }).results[0]!.mAP).toBe(0);
  });

  it('rejects NaN and negative scores, or skips and counts them when lenient', () => {
    const groundTruth = rows([['v', 902, ...box, 1]]);
    const detections = rows([
      ['v', 902, ...box, 1, Number.NaN],
      ['v', 902, ...box, 1, -1],
      ['v', 902, ...box, 1, 0.5],
    ]);
    const input = { groundTruth, detections, labelmap };
    expect(() => avaFrameMeanAP(input, { protocol: ava2018Protocol })).toThrow(
      /detection row 0: score NaN/,
    );
    const r = avaFrameMeanAP(input, { protocol: ava2018Protocol, lenient: true });
    expect(r.warnings.skipped['bad-score']).toBe(2);
    expect(r.results[0]!.mAP).toBe(1);
  });

  it('ava-2019 caps before dropping degenerate boxes; ava-2020 lists keyframes by any GT row', () => {
    const groundTruth = rows([
      ['v', 902, ...box, 1],
      ['v', 903, ...box, 7], // action 7 is outside the labelmap, but lists keyframe 903
    ]);
    const list: Array<[string, number, number, number, number, number, number, number]> = [];
    for (let i = 0; i < 50; i++) list.push(['v', 902, 0.3, 0.3, 0.3, 0.5, 1, 0.9]); // degenerate
    list.push(['v', 902, ...box, 1, 0.5]);
    const capped = { groundTruth, detections: rows(list), labelmap };
    expect(avaFrameMeanAP(capped, { protocol: ava2019Protocol }).results[0]!.classes[0]!.det).toBe(
      0,
    );
    expect(avaFrameMeanAP(capped, { protocol: ava2018Protocol }).results[0]!.mAP).toBe(1);
    const listed = {
      groundTruth,
      detections: rows([
        ['v', 903, ...box, 1, 0.9],
        ['v', 902, ...box, 1, 0.5],
      ]),
      labelmap,
    };
    expect(avaFrameMeanAP(listed, { protocol: ava2020Protocol }).results[0]!.mAP).toBeCloseTo(
      0.5,
      12,
    );
    expect(avaFrameMeanAP(listed, { protocol: mmaction2Protocol }).results[0]!.mAP).toBe(1);
  });
});
