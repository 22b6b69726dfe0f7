import { actProtocol, singhProtocol, vocProtocol, yowoProtocol } from './protocol';
import { groundTruth, repeat, tube } from './test-helpers';
import { videoMeanAP } from './video-map';

const B = [0, 0, 10, 10];

describe('videoMeanAP: protocol table rows', () => {
  it('temporal IoU: one shared frame overlaps under act only', () => {
    const gt = groundTruth(['a'], [{ name: 'v', tubes: [[0, 1, repeat(B, 3)]] }]); // frames 1–3
    const dets = [tube('v', 0, 0.9, 3, 5, B)]; // frames 3–5: act temporal IoU (0+1)/(4+1) = 0.2
    expect(
      videoMeanAP(gt, dets, { protocol: actProtocol, iou: [0.2] }).results[0]!.mAP,
    ).toBeCloseTo(1, 7);
    expect(videoMeanAP(gt, dets, { protocol: actProtocol, iou: [0.21] }).results[0]!.mAP).toBe(0);
    expect(videoMeanAP(gt, dets, { protocol: vocProtocol, iou: [0.05] }).results[0]!.mAP).toBe(0);
    expect(videoMeanAP(gt, dets, { protocol: singhProtocol, iou: [0.05] }).results[0]!.mAP).toBe(0);
    expect(videoMeanAP(gt, dets, { protocol: yowoProtocol, iou: [0.05] }).results[0]!.mAP).toBe(0);
  });

  it('threshold test: IoU exactly 0.5 matches under voc (≥) but not under singh (>)', () => {
    const gt = groundTruth(['a'], [{ name: 'v', tubes: [[0, 1, repeat([1, 1, 11, 11], 2)]] }]);
    // continuous IoU 0.5 per frame once singh's +1 shift is applied
    expect(
      videoMeanAP(gt, [tube('v', 0, 0.9, 1, 2, [1, 1, 11, 6])], {
        protocol: vocProtocol,
        iou: [0.5],
      }).results[0]!.mAP,
    ).toBe(1);
    expect(
      videoMeanAP(gt, [tube('v', 0, 0.9, 1, 2, [0, 0, 10, 5])], {
        protocol: singhProtocol,
        iou: [0.5],
      }).results[0]!.mAP,
    ).toBe(0);
    expect(
      videoMeanAP(gt, [tube('v', 0, 0.9, 1, 2, [0, 0, 10, 5])], {
        protocol: singhProtocol,
        iou: [0.4999],
      }).results[0]!.mAP,
    ).toBe(1);
  });

  it('duplicates: a second tube takes the remaining GT under yowo/singh, is a FP under voc', () => {
    const gt = groundTruth(
      ['a'],
      [
        {
          name: 'v',
          tubes: [
            [0, 1, repeat([0, 0, 10, 10], 4)],
            [0, 1, repeat([2, 0, 12, 10], 4)],
          ],
        },
      ],
    );
    const dets = [
      tube('v', 0, 0.9, 1, 4, [0, 0, 10, 10]),
      tube('v', 0, 0.8, 1, 4, [0.5, 0, 10.5, 10]),
    ];
    expect(
      videoMeanAP(gt, dets, { protocol: vocProtocol, iou: [0.5] }).results[0]!.mAP,
    ).toBeCloseTo(0.5, 12);
    const yowo = videoMeanAP(gt, dets, { protocol: yowoProtocol, iou: [0.5] }).results[0]!.mAP;
    expect(yowo).toBe(Math.fround(2 / (2 + 1e-5))); // recall denominator 2 + 1e-5, float32 PR
    expect(yowo).toBeLessThan(1);
  });

  it('act: per-video tube NMS at 0.3 removes an overlapping duplicate before matching', () => {
    const gt = groundTruth(['a'], [{ name: 'v', tubes: [[0, 1, repeat(B, 4)]] }]);
    const dets = [tube('v', 0, 0.9, 1, 4, B), tube('v', 0, 0.8, 1, 4, B)];
    const act = videoMeanAP(gt, dets, { protocol: actProtocol, iou: [0.5] }).results[0]!;
    expect(act.classes[0]!.det).toBe(1);
    expect(act.mAP).toBeCloseTo(1, 7);
    const voc = videoMeanAP(gt, dets, { protocol: vocProtocol, iou: [0.5] }).results[0]!;
    expect(voc.classes[0]!.det).toBe(2);
    expect(voc.mAP).toBe(1); // the FP ranks after the only TP
  });

  it('mean rule and labels without GT; tubes on a video without GT are false positives', () => {
    const gt = groundTruth(
      ['a', 'b'],
      [{ name: 'v', tubes: [[0, 1, repeat(B, 2)]] }, { name: 'w' }],
    );
    const dets = [
      tube('w', 0, 0.95, 1, 2, B),
      tube('v', 0, 0.9, 1, 2, B),
      tube('v', 1, 0.9, 1, 2, B),
    ];
    const voc = videoMeanAP(gt, dets, { protocol: vocProtocol, iou: [0.5] }).results[0]!;
    expect(voc.mAP).toBeCloseTo(0.5, 12);
    expect(voc.classes[1]!.ap).toBeNull();
    const act = videoMeanAP(gt, dets, { protocol: actProtocol, iou: [0.5] }).results[0]!;
    // class a: (0,1) → (0,0) → (1, 1/2): AP 1/4; class b (no GT) 0
    expect(act.mAP).toBeCloseTo(0.125, 7);
  });

  it('defaults to 0.2, 0.5, 0.75 and 0.5:0.95; empty detections give 0', () => {
    const gt = groundTruth(['a'], [{ name: 'v', tubes: [[0, 1, repeat(B, 2)]] }]);
    const r = videoMeanAP(gt, [], { protocol: vocProtocol });
    expect(r.results.map((x) => x.iou)).toEqual([0.2, 0.5, 0.75, '0.5:0.95']);
    expect(r.results.every((x) => x.mAP === 0)).toBe(true);
  });

  it('rejects bad tubes with the tube named, or counts them when lenient', () => {
    const gt = groundTruth(['a'], [{ name: 'v', nframes: 5, tubes: [[0, 1, repeat(B, 2)]] }]);
    const bad = [tube('v', 0, 0.9, 4, 7, B)];
    expect(() => videoMeanAP(gt, bad, { protocol: vocProtocol })).toThrow(/frames 4…7/);
    const r = videoMeanAP(gt, [...bad, tube('x', 0, 0.9, 1, 2, B)], {
      protocol: vocProtocol,
      lenient: true,
    });
    expect(r.warnings.skipped).toEqual({ 'bad-frame': 1, 'unknown-video': 1 });
  });

  it('two identical one-frame tubes match under act but not under voc (0/0 in the reference)', () => {
    const gt = groundTruth(['a'], [{ name: 'v', tubes: [[0, 5, [B]]] }]);
    const dets = [tube('v', 0, 0.9, 5, 5, B)];
    expect(
      videoMeanAP(gt, dets, { protocol: actProtocol, iou: [0.5] }).results[0]!.mAP,
    ).toBeCloseTo(1, 7);
    expect(videoMeanAP(gt, dets, { protocol: vocProtocol, iou: [0.5] }).results[0]!.mAP).toBe(0);
  });
});
