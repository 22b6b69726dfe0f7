import type { DetectedTube, FrameDetections } from '@tubekit/geometry';
import type { GroundTruthInput } from './ground-truth';

/** A tiny GT for tests: `tubes` as `[video, label, start, box per frame…]`. */
export function groundTruth(
  labels: string[],
  videos: Array<{ name: string; nframes?: number; tubes?: Array<[number, number, number[][]]> }>,
): GroundTruthInput {
  return {
    labels,
    videos: videos.map((v) => ({
      name: v.name,
      nframes: v.nframes ?? 100,
      tubes: (v.tubes ?? []).map(([label, start, boxes]) => ({
        label,
        start,
        boxes: Float64Array.from(boxes.flat()),
      })),
    })),
  };
}

/** Frame detections from `[video, frame, label, score, x1, y1, x2, y2]` rows. */
export function frameDetections(
  rows: Array<[string, number, number, number, number, number, number, number]>,
): FrameDetections {
  const videos = [...new Set(rows.map((r) => r[0]))];
  return {
    videos,
    videoIndex: Int32Array.from(rows, (r) => videos.indexOf(r[0])),
    frame: Int32Array.from(rows, (r) => r[1]),
    label: Int32Array.from(rows, (r) => r[2]),
    score: Float64Array.from(rows, (r) => r[3]),
    boxes: Float64Array.from(rows.flatMap((r) => [r[4], r[5], r[6], r[7]])),
    length: rows.length,
  };
}

/** A detected tube with the same box on every frame from `start` to `end`. */
export function tube(
  video: string,
  label: number,
  score: number,
  start: number,
  end: number,
  box: number[],
): DetectedTube {
  const boxes = new Float64Array(4 * (end - start + 1));
  for (let t = 0; t <= end - start; t++) boxes.set(box, 4 * t);
  return { video, label, score, start, boxes };
}

/** `n` copies of a box, for GT tubes. */
export function repeat(box: number[], n: number): number[][] {
  return Array.from({ length: n }, () => box);
}
