import type { ActionDataset, VideoAnnotation } from '@tubekit/datasets';
import { simulateDetections } from './detector-simulator';
import { TIER2_TRIMMERS, trimmedTubes } from './tier2-trimmers';

const box = (t: number) => [10 + t, 20, 50 + t, 100];
const video = (
  name: string,
  nframes: number,
  start: number,
  T: number,
  label: number,
): VideoAnnotation => ({
  name,
  nframes,
  width: 160,
  height: 120,
  tubes: [
    {
      label,
      start,
      boxes: Float64Array.from({ length: 4 * T }, (_, i) => box(Math.floor(i / 4))[i % 4]!),
    },
  ],
});

describe('simulateDetections (tier 2)', () => {
  it('detects every GT box exactly when every error rate is 0, and is seeded', () => {
    const v = video('a/1', 30, 5, 10, 1);
    const clean = simulateDetections([v], 3, {
      seed: 1,
      jitter: 0,
      miss: 0,
      confusion: 0,
      boundaryFrames: 0,
      falsePositives: 0,
    });
    expect(clean.dets.length).toBe(10);
    expect(Array.from(clean.dets.frame)).toEqual([5, 6, 7, 8, 9, 10, 11, 12, 13, 14]);
    expect(new Set(clean.dets.label)).toEqual(new Set([1]));
    expect(Array.from(clean.dets.boxes.subarray(0, 4))).toEqual(box(0));
    const a = simulateDetections([v], 3, { seed: 7 });
    const b = simulateDetections([v], 3, { seed: 7 });
    expect(Array.from(a.dets.score)).toEqual(Array.from(b.dets.score));
    // boundary detections reach before and after the tube
    expect(Math.min(...a.dets.frame)).toBeLessThan(5);
    expect(Math.max(...a.dets.frame)).toBeGreaterThan(14);
  });
});

describe('trimmedTubes (tier 2)', () => {
  it('gives every trimmer’s tubes; trimming the ends never lengthens a video’s tubes', () => {
    const videos = [video('a/1', 60, 20, 20, 0), video('b/1', 60, 10, 30, 1)];
    const dataset: ActionDataset = {
      dataset: 'toy',
      labels: ['a', 'b'],
      videos,
      splits: { test: ['a/1', 'b/1'] },
    };
    const tubes = trimmedTubes(dataset, videos, 3);
    expect(Object.keys(tubes)).toEqual([...TIER2_TRIMMERS]);
    const frames = (list: typeof tubes.none) => list.reduce((s, t) => s + t.boxes.length / 4, 0);
    expect(tubes.none.length).toBeGreaterThan(0);
    expect(frames(tubes['actionness ends'])).toBeLessThanOrEqual(frames(tubes.none));
    expect(frames(tubes['actionness split'])).toBeLessThanOrEqual(frames(tubes['actionness ends']));
  });
});
