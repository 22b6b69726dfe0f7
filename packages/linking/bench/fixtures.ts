import { type DetectedTube, emptyFrameDetections, type FrameDetections } from '@tubekit/geometry';
import { mulberry32 as prng } from '../test/fixtures';

/**
 * One video of `frames` frames with `perFrame` boxes per frame for each of `classes` classes:
 * `perFrame` actors moving smoothly across a 1280-pixel-wide frame (so boxes survive NMS and
 * tracks exist to link), with noisy scores. Rows sorted by frame.
 */
export function syntheticVideo(
  frames: number,
  perFrame: number,
  classes: number,
  seed: number,
): FrameDetections {
  const rand = prng(seed);
  const n = frames * perFrame * classes;
  const dets = emptyFrameDetections(['synthetic/video'], n);
  const spacing = 1280 / perFrame;
  let i = 0;
  for (let f = 1; f <= frames; f++)
    for (let c = 0; c < classes; c++)
      for (let k = 0; k < perFrame; k++) {
        const x = k * spacing + 0.3 * spacing * Math.sin(f / 40 + k + c) + 4 * rand();
        const y = 100 + 50 * Math.cos(f / 60 + k) + 4 * rand();
        dets.frame[i] = f;
        dets.label[i] = c;
        dets.score[i] = 0.05 + 0.9 * rand();
        dets.boxes.set([x, y, x + 0.6 * spacing, y + 200], 4 * i);
        i++;
      }
  return dets;
}

/** `count` tubes of 20–200 frames with per-frame scores that rise, hold and fall. */
export function syntheticTubes(count: number, seed: number): DetectedTube[] {
  const rand = prng(seed);
  const tubes: DetectedTube[] = [];
  for (let i = 0; i < count; i++) {
    const T = 20 + Math.floor(180 * rand());
    const boxes = new Float64Array(4 * T);
    const scores = new Float64Array(T);
    const a = Math.floor(T * 0.2 * rand());
    const b = T - Math.floor(T * 0.2 * rand());
    for (let t = 0; t < T; t++) {
      boxes.set([t, 0, t + 50, 100], 4 * t);
      scores[t] = (t >= a && t < b ? 0.7 : 0.2) + 0.2 * rand();
    }
    const classScores = new Float64Array(T * 24);
    for (let t = 0; t < T; t++)
      for (let c = 0; c < 24; c++)
        classScores[t * 24 + c] = c === i % 24 ? scores[t]! : 0.1 * rand();
    tubes.push({
      video: `v${i % 100}`,
      label: i % 24,
      score: 0.5,
      start: 1,
      boxes,
      scores,
      classScores,
    });
  }
  return tubes;
}
