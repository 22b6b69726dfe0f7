import { yowoProtocol } from '../src/protocol';
import { groundTruth, repeat, tube } from '../src/test-helpers';
import { videoMeanAP } from '../src/video-map';

/**
 * YOWO's video-mAP (wei-tim/YOWO, commit 9d202c1, `core/eval_results.py` `video_ap_one_class`
 * with `bTemporal=True`, `core/utils.py` `iou3dt`, `voc_ap`) on tubes shaped like YOWO's linker
 * output (every tube spans frames 1…nframes of its video). One class, three 4-frame videos:
 * - u: GT tube on frame 3 only; detected tube 0.95 on frames 1…4, same box;
 * - v: GT tube on frames 1…4; detected tube 0.9, same box;
 * - w: GT tube on frames 1…4; detected tubes 0.8 (a box far away) and 0.7 (the GT box).
 *
 * By hand:
 * - `iou3dt(u GT, 0.95 tube)`: tmin = max(3, 1) = 3, tmax = min(3, 4) = 3, `tmax <= tmin` → 0.0,
 *   so the 0.95 tube is a false positive at any threshold (ACT's (∩+1)/(∪+1) would give 0.25).
 * - Ranked: FP (0.95), TP (0.9, IoU 1), FP (0.8, IoU 0), TP (0.7, IoU 1); `fn = len(gt) = 3`
 *   and each TP moves one from fn to tp, so recall = tp / (3 + 1e-5).
 * - `pr` is `np.float32`: precision 0, 0.5, 1/3, 0.5; recall 0, r1, r1, r2 with
 *   r1 = f32(1/3.00001) = 0.33333221077919006, r2 = f32(2/3.00001) = 0.6666644215583801.
 * - `voc_ap` (float64 over the float32 values): envelope 0.5 at both recall steps →
 *   AP = r1·0.5 + (r2 − r1)·0.5 = 0.33333221077919006 (a float64 PR gives 0.3333322222259259).
 */
describe('yowo video-mAP against video_ap_one_class', () => {
  const G = [0, 0, 10, 10];
  const F = [50, 50, 60, 60];
  const gt = groundTruth(
    ['a'],
    [
      { name: 'u', nframes: 4, tubes: [[0, 3, repeat(G, 1)]] },
      { name: 'v', nframes: 4, tubes: [[0, 1, repeat(G, 4)]] },
      { name: 'w', nframes: 4, tubes: [[0, 1, repeat(G, 4)]] },
    ],
  );
  const tubes = [
    tube('u', 0, 0.95, 1, 4, G),
    tube('v', 0, 0.9, 1, 4, G),
    tube('w', 0, 0.8, 1, 4, F),
    tube('w', 0, 0.7, 1, 4, G),
  ];

  it('matches the reference to the last bit: iou3dt 0 on one shared frame, float32 PR', () => {
    const r = videoMeanAP(gt, tubes, { protocol: yowoProtocol, iou: [0.05, 0.2, 0.5] });
    for (const x of r.results) expect([x.iou, x.mAP]).toEqual([x.iou, 0.33333221077919006]);
  });

  it('compares boxes with +1 pixel areas (area2d, overlap2d)', () => {
    // GT [0,0,2,2] and detection [1,0,3,2] on frames 1–2 of a 2-frame video. Continuous IoU 2/6;
    // `overlap2d` = (min(2+1, 3+1) − max(0, 1)) · (min(3, 3) − 0) = 2·3 = 6, `area2d` = 3·3 = 9
    // each → 6 / (9 + 9 − 6) = 0.5 on both frames; temporal (2 − 1 + 1)/(2 − 1 + 1) = 1 →
    // iou3dt 0.5 ≥ 0.5: a TP. AP = f32(1 / (1 + 1e-5)) · 1 = 0.9999899864196777.
    const one = groundTruth(
      ['a'],
      [{ name: 'v', nframes: 2, tubes: [[0, 1, repeat([0, 0, 2, 2], 2)]] }],
    );
    const r = videoMeanAP(one, [tube('v', 0, 0.9, 1, 2, [1, 0, 3, 2])], {
      protocol: yowoProtocol,
      iou: [0.5],
    });
    expect(r.results[0]!.mAP).toBe(0.9999899864196777);
  });
});
