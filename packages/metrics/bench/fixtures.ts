import {
  createRandom,
  type DetectedTube,
  emptyFrameDetections,
  type FrameDetections,
} from '@tubekit/geometry';
import type { GroundTruthInput } from '../src/ground-truth';

/** A seeded uniform [0, 1) source (geometry's mulberry32): benchmarks must be reproducible. */
export function seededRandom(seed: number): () => number {
  return createRandom(seed).next;
}

/**
 * A UCF101-24-sized ground truth: `videos` videos of 120–240 frames at 320×240, each with one or
 * two GT tubes of one of `classes` labels covering 40–100% of the video, boxes drifting smoothly.
 */
export function syntheticGroundTruth(
  videos: number,
  classes: number,
  seed: number,
): GroundTruthInput {
  const rnd = seededRandom(seed);
  return {
    labels: Array.from({ length: classes }, (_, c) => `class${c}`),
    videos: Array.from({ length: videos }, (_, v) => {
      const nframes = 120 + Math.floor(rnd() * 120);
      const label = v % classes;
      const tubes = Array.from({ length: 1 + Math.floor(rnd() * 2) }, () => {
        const length = Math.max(2, Math.floor(nframes * (0.4 + 0.6 * rnd())));
        const start = 1 + Math.floor(rnd() * (nframes - length + 1));
        const boxes = new Float64Array(4 * length);
        let x = rnd() * 200;
        let y = rnd() * 120;
        const w = 40 + rnd() * 80;
        const h = 60 + rnd() * 60;
        for (let t = 0; t < length; t++) {
          x += rnd() - 0.5;
          y += rnd() - 0.5;
          boxes.set([x, y, x + w, y + h], 4 * t);
        }
        return { label, start, boxes };
      });
      return { name: `c${label}/video${v}`, nframes, tubes };
    }),
  };
}

/** `n` frame detections spread over the GT videos: jittered GT boxes (mostly right class) and random boxes. */
export function syntheticFrameDetections(
  gt: GroundTruthInput,
  n: number,
  seed: number,
): FrameDetections {
  const rnd = seededRandom(seed);
  const L = gt.labels.length;
  const V = gt.videos.length;
  const d = emptyFrameDetections(
    gt.videos.map((v) => v.name),
    n,
  );
  for (let i = 0; i < n; i++) {
    const vi = Math.floor(rnd() * V);
    const video = gt.videos[vi]!;
    const tube = video.tubes[Math.floor(rnd() * video.tubes.length)]!;
    const T = tube.boxes.length / 4;
    const t = Math.floor(rnd() * T);
    const good = rnd() < 0.6;
    d.videoIndex[i] = vi;
    d.frame[i] = good ? tube.start + t : 1 + Math.floor(rnd() * (video.nframes ?? 1));
    d.label[i] = rnd() < 0.8 ? tube.label : Math.floor(rnd() * L);
    d.score[i] = good ? 0.3 + 0.7 * rnd() : rnd();
    for (let k = 0; k < 4; k++)
      d.boxes[4 * i + k] = tube.boxes[4 * t + k]! + (rnd() - 0.5) * (good ? 16 : 120);
    if (d.boxes[4 * i + 2]! < d.boxes[4 * i]!) d.boxes[4 * i + 2] = d.boxes[4 * i]!;
    if (d.boxes[4 * i + 3]! < d.boxes[4 * i + 1]!) d.boxes[4 * i + 3] = d.boxes[4 * i + 1]!;
  }
  return d;
}

/** `n` detected tubes: temporally and spatially jittered copies of GT tubes, some with the wrong label. */
export function syntheticTubes(gt: GroundTruthInput, n: number, seed: number): DetectedTube[] {
  const rnd = seededRandom(seed);
  const L = gt.labels.length;
  const V = gt.videos.length;
  const tubes: DetectedTube[] = [];
  for (let i = 0; i < n; i++) {
    const video = gt.videos[Math.floor(rnd() * V)]!;
    const g = video.tubes[Math.floor(rnd() * video.tubes.length)]!;
    const T = g.boxes.length / 4;
    const nframes = video.nframes ?? T;
    const start = Math.max(1, g.start + Math.floor((rnd() - 0.5) * 20));
    const end = Math.min(nframes, g.start + T - 1 + Math.floor((rnd() - 0.5) * 20));
    const length = Math.max(1, end - start + 1);
    const boxes = new Float64Array(4 * length);
    const dx = (rnd() - 0.5) * 30;
    const dy = (rnd() - 0.5) * 30;
    for (let t = 0; t < length; t++) {
      const src = Math.min(T - 1, Math.max(0, start + t - g.start));
      boxes.set(
        [
          g.boxes[4 * src]! + dx,
          g.boxes[4 * src + 1]! + dy,
          g.boxes[4 * src + 2]! + dx,
          g.boxes[4 * src + 3]! + dy,
        ],
        4 * t,
      );
    }
    tubes.push({
      video: video.name,
      label: rnd() < 0.8 ? g.label : Math.floor(rnd() * L),
      score: rnd(),
      start,
      boxes,
    });
  }
  return tubes;
}
