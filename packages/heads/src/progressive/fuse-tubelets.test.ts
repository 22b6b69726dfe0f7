import type { ClipTubelet } from './detect-video';
import { fuseTubelets } from './fuse-tubelets';

const t = (x: number, score: number, label = 0, start = 1): ClipTubelet => ({
  start,
  label,
  score,
  boxes: new Float64Array([x, 0, x + 10, 10, x, 0, x + 10, 10]),
});

describe('fuseTubelets', () => {
  it('averages agreeing streams and penalises detections only one stream makes', () => {
    const fused = fuseTubelets([[t(0, 0.8), t(50, 0.6)], [t(1, 0.4)]], { clipLength: 2 });
    const agree = fused.find((f) => f.boxes[0] <= 1);
    const alone = fused.find((f) => f.boxes[0] === 50);
    expect(agree?.score).toBeCloseTo((0.8 + 0.4) / 2);
    expect(alone?.score).toBeCloseTo(0.6 / 2);
    expect(fused.filter((f) => f.boxes[0] <= 1)).toHaveLength(1); // the two agreeing ones merge by NMS
  });
  it('never fuses across clips or classes', () => {
    const fused = fuseTubelets([[t(0, 0.8, 0, 1)], [t(0, 0.8, 1, 1), t(0, 0.5, 0, 7)]], {
      clipLength: 2,
    });
    expect(fused).toHaveLength(3);
    for (const f of fused)
      expect(f.score).toBeCloseTo(
        f.label === 0 && f.start === 1 ? 0.4 : f.start === 7 ? 0.25 : 0.4,
      );
  });
});
