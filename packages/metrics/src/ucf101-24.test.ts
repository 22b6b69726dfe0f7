import type { ActionDataset } from '@tubekit/datasets';
import { loadDataset, tubekitDataPath } from '@tubekit/datasets';
import type { DetectedTube } from '@tubekit/geometry';
import { actProtocol, singhProtocol, vocProtocol, yowoProtocol } from './protocol';
import { videoMeanAP } from './video-map';

/**
 * The real UCF101-24 test split (910 videos) with its own GT tubes as detections: how each
 * protocol treats the annotation's quirks (a duplicated tube in CricketBowling g02_c04,
 * overlapping same-class tubes in IceDancing) and Singh's +1 pixel detection shift.
 */
describe('UCF101-24 test split, GT tubes as detections', () => {
  let gt: ActionDataset;
  let tubes: DetectedTube[];
  beforeAll(async () => {
    gt = await loadDataset(tubekitDataPath('ucf101-24/pyannot.pkl'));
    const test = new Set(gt.splits.test);
    tubes = gt.videos
      .filter((v) => test.has(v.name))
      .flatMap((v) =>
        v.tubes.map((t, i) => ({
          video: v.name,
          label: t.label,
          score: 0.5 + 0.01 * i,
          start: t.start,
          boxes: t.boxes,
        })),
      );
  });

  const cache = new Map<string, number[]>();
  const run = (protocol: typeof vocProtocol): number[] => {
    let mAPs = cache.get(protocol.name);
    if (mAPs === undefined) {
      mAPs = videoMeanAP(gt, tubes, {
        protocol,
        videos: gt.splits.test,
        iou: [0.5, 0.95],
      }).results.map((r) => r.mAP);
      cache.set(protocol.name, mAPs);
    }
    return mAPs;
  };

  it('yowo (best remaining GT, no NMS) finds every tube (AP = G / (G + 1e-5) per class)', () => {
    expect(tubes).toHaveLength(1315);
    for (const mAP of run(yowoProtocol)) {
      expect(mAP).toBeLessThan(1);
      expect(mAP).toBeGreaterThan(1 - 1e-6);
    }
  });

  it('voc loses the copy of the duplicated CricketBowling tube (its best GT is taken)', () => {
    const [at50, at95] = run(vocProtocol);
    expect(at50).toBeLessThan(1);
    expect(at50).toBeGreaterThan(0.99);
    expect(at95).toBe(at50);
  });

  it('act suppresses overlapping same-class tubes by its tube NMS at 0.3 first', () => {
    const [at50] = run(actProtocol);
    expect(at50).toBeLessThan(run(vocProtocol)[0]!);
    expect(at50).toBeGreaterThan(0.95);
  });

  it("singh's +1 pixel shift of detections costs nothing at 0.5 but much at 0.95 (strict >)", () => {
    const [at50, at95] = run(singhProtocol);
    expect(at50).toBe(1);
    expect(at95).toBeLessThan(0.5);
  });
});
