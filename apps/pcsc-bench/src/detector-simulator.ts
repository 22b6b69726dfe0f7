import type { VideoAnnotation } from '@tubekit/datasets';
import {
  createRandom,
  emptyFrameDetections,
  type FrameDetections,
  type SeededRandom,
} from '@tubekit/geometry';

/** Error rates of {@link simulateDetections}. */
export interface SimulatorOptions {
  seed: number;
  /** Box jitter: each coordinate moves by N(0, jitter²) × the box's side. Default 0.08. */
  jitter?: number;
  /** Probability a GT box is missed on a frame. Default 0.15. */
  miss?: number;
  /** Probability a detected GT box carries another (random) class. Default 0.1. */
  confusion?: number;
  /**
   * Frames before and after each GT tube where the detector still fires on the (idle) actor — the
   * boundary false positives PCSC's temporal refinement targets. Default 20 (none exist when the
   * tube spans the video, as on trimmed J-HMDB).
   */
  boundaryFrames?: number;
  /** Random false positives per frame (expected count). Default 0.2. */
  falsePositives?: number;
}

/** Simulated frame detections with per-row class-score vectors (for multi-class trimming). */
export interface SimulatedDetections {
  dets: FrameDetections;
  /** `length × C` class probabilities. */
  classScores: Float64Array;
}

function normal(rng: SeededRandom): number {
  const u = Math.max(rng.next(), 1e-12);
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * rng.next());
}

/**
 * A per-frame detector simulator over real annotations (tier 2: no video needed): each GT box is
 * detected with seeded jitter, misses and class confusion; the detector keeps firing on the actor
 * for `boundaryFrames` before and after each tube (lower scores), and random low-score false
 * positives appear. Rows are grouped by video and sorted by frame (what the linkers expect).
 */
export function simulateDetections(
  videos: readonly VideoAnnotation[],
  numClasses: number,
  options: SimulatorOptions,
): SimulatedDetections {
  const rng = createRandom(options.seed);
  const jitter = options.jitter ?? 0.08;
  const miss = options.miss ?? 0.15;
  const confusion = options.confusion ?? 0.1;
  const margin = options.boundaryFrames ?? 20;
  const fp = options.falsePositives ?? 0.2;
  const C = numClasses;
  const rows: { v: number; f: number; l: number; s: number; b: number[] }[] = [];
  videos.forEach((video, v) => {
    const perFrame: { l: number; s: number; b: number[] }[][] = Array.from(
      { length: video.nframes + 1 },
      () => [],
    );
    const emit = (f: number, box: ArrayLike<number>, label: number, score: number) => {
      const w = box[2]! - box[0]!;
      const h = box[3]! - box[1]!;
      const b = [0, 1, 2, 3].map((i) => box[i]! + normal(rng) * jitter * (i % 2 === 0 ? w : h));
      perFrame[f]!.push({
        l: label,
        s: score,
        b: [Math.min(b[0]!, b[2]! - 1), Math.min(b[1]!, b[3]! - 1), b[2]!, b[3]!],
      });
    };
    for (const tube of video.tubes) {
      const T = tube.boxes.length / 4;
      for (
        let f = Math.max(1, tube.start - margin);
        f <= Math.min(video.nframes, tube.start + T - 1 + margin);
        f++
      ) {
        const i = Math.min(Math.max(f - tube.start, 0), T - 1);
        const box = tube.boxes.subarray(4 * i, 4 * i + 4);
        const inside = f >= tube.start && f < tube.start + T;
        if (inside) {
          if (rng.next() < miss) continue;
          const label = rng.next() < confusion ? rng.nextInt(C) : tube.label;
          emit(f, box, label, 0.5 + 0.5 * rng.next());
        } else if (rng.next() < 0.8) emit(f, box, tube.label, 0.2 + 0.5 * rng.next());
      }
    }
    for (let f = 1; f <= video.nframes; f++)
      if (rng.next() < fp) {
        const w = (0.1 + 0.3 * rng.next()) * video.width;
        const h = (0.2 + 0.5 * rng.next()) * video.height;
        const x = rng.next() * (video.width - w);
        const y = rng.next() * (video.height - h);
        perFrame[f]!.push({ l: rng.nextInt(C), s: 0.3 * rng.next(), b: [x, y, x + w, y + h] });
      }
    perFrame.forEach((list, f) => {
      for (const r of list) rows.push({ v, f, ...r });
    });
  });
  const n = rows.length;
  const dets = emptyFrameDetections(
    videos.map((v) => v.name),
    n,
  );
  const classScores = new Float64Array(n * C);
  rows.forEach((r, i) => {
    dets.videoIndex[i] = r.v;
    dets.frame[i] = r.f;
    dets.label[i] = r.l;
    dets.score[i] = r.s;
    dets.boxes.set(r.b, 4 * i);
    for (let c = 0; c < C; c++)
      classScores[i * C + c] = c === r.l ? r.s : (1 - r.s) / Math.max(1, C - 1);
  });
  return { dets, classScores };
}
