import { loadDataset, readFrameDetectionsCsv, tubekitDataPath } from '@tubekit/datasets';
import { frameMeanAP } from './frame-map';
import { vocProtocol } from './protocol';

describe('MultiSports fixture (ACT-format GT pickle, 66 labels)', () => {
  it('frame-AP 0.836506 under voc', async () => {
    const gt = await loadDataset(tubekitDataPath('fixtures/multisports/gt.pkl'));
    const dets = await readFrameDetectionsCsv(
      tubekitDataPath('fixtures/multisports/frame_dets.csv'),
    );
    const r = frameMeanAP(gt, dets, { protocol: vocProtocol, iou: [0.5], videos: gt.splits.test });
    expect(gt.labels).toHaveLength(66);
    // 4 labels have GT in the fixture's one video; the other 62 are left out of the mean
    expect(r.results[0]!.classes.filter((c) => c.ap !== null).map((c) => c.gt)).toEqual([
      84, 42, 52, 46,
    ]);
    expect(r.results[0]!.mAP).toBeCloseTo(0.836506, 6);
  });
});
