import type { ActionDataset } from '@tubekit/datasets';
import { spatialDisplacement } from './tier2-displacement';

function dataset(vx: number): ActionDataset {
  const T = 40;
  const boxes = new Float64Array(T * 4);
  for (let t = 0; t < T; t++) boxes.set([10 + vx * t, 10, 30 + vx * t, 50], t * 4);
  return {
    dataset: 'test',
    labels: ['a'],
    videos: [
      { name: 'a/v', nframes: T, width: 400, height: 100, tubes: [{ label: 0, start: 1, boxes }] },
    ],
    splits: {},
  };
}

describe('spatialDisplacement (tier 2)', () => {
  it('linear motion: static IoU falls with Δ and Eq. 4 recovers all of it', () => {
    const rows = spatialDisplacement(dataset(1), 6);
    expect(rows.map((r) => r.delta)).toEqual([6, 12, 18, 30]);
    for (const r of rows) {
      expect(r.extrapolatedIoU).toBeCloseTo(1, 10);
      expect(r.recovered).toBeCloseTo(1, 10);
      expect(r.pairs).toBe(40 - 5 - r.delta);
    }
    // box width 20, shift Δ: IoU = (20 − Δ) / (20 + Δ)
    expect(rows[0].staticIoU).toBeCloseTo(14 / 26, 10);
    expect(rows[3].staticIoU).toBe(0);
  });
  it('a static tube has IoU 1 either way', () => {
    for (const r of spatialDisplacement(dataset(0), 6)) {
      expect(r.staticIoU).toBe(1);
      expect(r.extrapolatedIoU).toBe(1);
    }
  });
});
