import { frameMABO, videoMABO } from './mabo';
import { actProtocol, vocProtocol } from './protocol';
import { frameDetections, groundTruth, repeat, tube } from './test-helpers';

const gt = groundTruth(
  ['a', 'b'],
  [
    {
      name: 'v',
      tubes: [
        [0, 1, repeat([0, 0, 10, 10], 2)],
        [1, 1, [[20, 20, 30, 30]]],
      ],
    },
    { name: 'w', tubes: [[0, 1, [[0, 0, 10, 10]]]] },
  ],
);

describe('MABO', () => {
  it('frame-MABO: best class-agnostic IoU per GT box, per class then over classes', () => {
    const dets = frameDetections([
      ['v', 1, 1, 0.1, 0, 0, 10, 5], // 0.5 with the class-a box, label ignored
      ['v', 1, 0, 0.9, 0, 0, 10, 10], // 1
      ['v', 2, 0, 0.9, 0, 0, 10, 5], // 0.5
      ['v', 1, 0, 0.9, 20, 20, 30, 25], // 0.5 with the class-b box
    ]);
    const r = frameMABO(gt, dets, { protocol: vocProtocol });
    // class a: boxes (v,1)=1, (v,2)=0.5, (w,1)=0 → 0.5; class b: 0.5
    expect(r.classes.map((c) => c.abo)).toEqual([0.5, 0.5]);
    expect(r.classes.map((c) => c.gt)).toEqual([3, 1]);
    expect(r.mabo).toBe(0.5);
    expect(frameMABO(gt, dets, { protocol: vocProtocol, videos: ['v'] }).classes[0]!.abo).toBe(
      0.75,
    );
  });

  it('video-MABO uses the profile tube IoU', () => {
    const tubes = [tube('v', 1, 0.5, 2, 3, [0, 0, 10, 10])]; // shares frame 2 with the class-a tube
    const act = videoMABO(gt, tubes, { protocol: actProtocol });
    expect(act.classes[0]!.abo).toBeCloseTo((1 / 3 + 0) / 2, 12); // act: (0+1)/(2+1) × 1; w: 0
    const voc = videoMABO(gt, tubes, { protocol: vocProtocol });
    expect(voc.classes[0]!.abo).toBe(0);
    expect(voc.mabo).toBe(0);
  });
});
