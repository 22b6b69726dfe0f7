import {
  frameDetectionOutcomes,
  frameErrorBreakdown,
  videoDetectionOutcomes,
  videoErrorBreakdown,
} from './error-breakdown';
import { actProtocol, vocProtocol } from './protocol';
import { frameDetections, groundTruth, repeat, tube } from './test-helpers';

const gt = groundTruth(
  ['a', 'b', 'c'],
  [
    {
      name: 'v',
      tubes: [
        [0, 1, repeat([0, 0, 10, 10], 2)],
        [1, 1, [[20, 20, 30, 30]]],
      ],
    },
    { name: 'w' },
  ],
);

describe('error breakdown', () => {
  it('frame level: TP, duplicate, localisation, wrong class, timing, other', () => {
    const dets = frameDetections([
      ['v', 1, 0, 0.9, 0, 0, 10, 10], // TP
      ['v', 1, 0, 0.8, 0, 0, 10, 9], // duplicate (IoU 0.9 with the matched GT)
      ['v', 1, 0, 0.7, 0, 0, 10, 2], // localisation
      ['v', 1, 2, 0.9, 20, 20, 30, 30], // wrong class (class b's box)
      ['v', 2, 1, 0.9, 20, 20, 30, 30], // other (ACT): class a's GT is on frame 2, without overlap
      ['v', 5, 0, 0.9, 0, 0, 10, 10], // timing: a occurs in v, not on frame 5
      ['w', 1, 0, 0.9, 0, 0, 10, 10], // other
    ]);
    const e = frameErrorBreakdown(gt, dets, { protocol: vocProtocol, iou: 0.5 });
    expect(e.classes[0]!.counts).toEqual({
      truePositive: 1,
      duplicate: 1,
      localization: 1,
      wrongClass: 0,
      timing: 1,
      other: 1,
    });
    expect(e.classes[0]!.missed).toBeCloseTo(0.5, 12);
    expect(e.classes[2]!.counts.wrongClass).toBe(1);
    // ACT: another class's GT on the frame without overlap is "other", not timing
    expect(e.classes[1]!.counts).toMatchObject({ timing: 0, other: 1 });
    expect(e.total.truePositive + e.total.duplicate + e.total.localization).toBe(3);
  });

  it('video level: duplicates, wrong class and other', () => {
    const tubes = [
      tube('v', 0, 0.9, 1, 2, [0, 0, 10, 10]),
      tube('v', 0, 0.8, 1, 2, [0, 0, 10, 9]),
      tube('v', 2, 0.9, 1, 1, [20, 20, 30, 30]),
      tube('w', 0, 0.9, 1, 2, [0, 0, 10, 10]),
    ];
    const voc = videoErrorBreakdown(gt, tubes, { protocol: vocProtocol });
    expect(voc.classes[0]!.counts).toMatchObject({ truePositive: 1, duplicate: 1, other: 1 });
    // voc: one-frame tubes have temporal IoU 0 → the class-c tube does not overlap b's one-frame GT
    expect(voc.classes[2]!.counts).toMatchObject({ wrongClass: 0, other: 1 });
    const act = videoErrorBreakdown(gt, tubes, { protocol: actProtocol });
    expect(act.classes[0]!.counts).toMatchObject({ truePositive: 1, duplicate: 0 }); // NMS removed it
    expect(act.classes[2]!.counts).toMatchObject({ wrongClass: 1 });
  });
});

describe('per-detection outcomes', () => {
  it('frame level: the categories of the breakdown, per row, with the best same-class IoU', () => {
    const dets = frameDetections([
      ['v', 1, 0, 0.8, 0, 0, 10, 9], // duplicate: the higher-scored row below takes the GT
      ['v', 1, 0, 0.9, 0, 0, 10, 10], // TP
      ['v', 1, 0, 0.7, 0, 0, 10, 2], // localisation
      ['v', 5, 0, 0.9, 0, 0, 10, 10], // timing
      ['x', 1, 0, 0.9, 0, 0, 10, 10], // not a GT video: ignored
    ]);
    const o = frameDetectionOutcomes(gt, dets, { protocol: vocProtocol, iou: 0.5 });
    expect(o.outcome).toEqual(['duplicate', 'truePositive', 'localization', 'timing', 'ignored']);
    expect(o.bestIoU[1]).toBe(1);
    expect(o.bestIoU[2]).toBeCloseTo(0.2, 12);
    expect(Number.isNaN(o.bestIoU[3]!)).toBe(true);
    // at δ = 0.95 the near-duplicate (IoU 0.9) is a localisation error instead
    expect(frameDetectionOutcomes(gt, dets, { protocol: vocProtocol, iou: 0.95 }).outcome[0]).toBe(
      'localization',
    );
  });

  it('video level: tubes removed by the protocol tube NMS are "suppressed"', () => {
    const tubes = [tube('v', 0, 0.8, 1, 2, [0, 0, 10, 9]), tube('v', 0, 0.9, 1, 2, [0, 0, 10, 10])];
    expect(videoDetectionOutcomes(gt, tubes, { protocol: vocProtocol }).outcome).toEqual([
      'duplicate',
      'truePositive',
    ]);
    expect(videoDetectionOutcomes(gt, tubes, { protocol: actProtocol }).outcome).toEqual([
      'suppressed',
      'truePositive',
    ]);
  });
});
