import type { Tube } from './tube';

/**
 * Per-frame box detections of many videos, columnar (the in-memory form of the canonical frame
 * detection CSV `video,frame,label,score,x1,y1,x2,y2`). Row `i` is video `videos[videoIndex[i]]`,
 * 1-based `frame[i]`, 0-based `label[i]`, `score[i]` and box `boxes[4i … 4i+3]`.
 */
export interface FrameDetections {
  videos: string[];
  videoIndex: Int32Array;
  frame: Int32Array;
  label: Int32Array;
  score: Float64Array;
  /** `length × 4` packed `[x1, y1, x2, y2]`. */
  boxes: Float64Array;
  length: number;
}

/**
 * Frame detections of `videos` with `length` rows, every column zero-filled, for the caller to
 * fill row by row.
 *
 * @example
 * const dets = emptyFrameDetections(['v1'], 1);
 * dets.frame[0] = 1; dets.score[0] = 0.9; dets.boxes.set([0, 0, 10, 10], 0);
 */
export function emptyFrameDetections(videos: string[], length: number): FrameDetections {
  checkLength('emptyFrameDetections', length);
  return {
    videos,
    videoIndex: new Int32Array(length),
    frame: new Int32Array(length),
    label: new Int32Array(length),
    score: new Float64Array(length),
    boxes: new Float64Array(4 * length),
    length,
  };
}

/**
 * Clip-level tubelet detections (the in-memory form of the canonical tubelet CSV
 * `video,start,label,score,x1_1,y1_1,x2_1,y2_1,…`): row `i` covers frames `start[i] … start[i]+K−1`
 * of video `videos[videoIndex[i]]` with boxes `boxes[4Ki … 4K(i+1)−1]`.
 */
export interface TubeletDetections {
  videos: string[];
  /** Frames per tubelet. */
  K: number;
  videoIndex: Int32Array;
  start: Int32Array;
  label: Int32Array;
  score: Float64Array;
  /** `length × K × 4` packed boxes. */
  boxes: Float64Array;
  length: number;
}

/**
 * Tubelet detections of `videos`, `K` frames each, with `length` rows, every column zero-filled,
 * for the caller to fill row by row.
 */
export function emptyTubeletDetections(
  videos: string[],
  K: number,
  length: number,
): TubeletDetections {
  checkLength('emptyTubeletDetections', length);
  if (!(Number.isInteger(K) && K >= 1))
    throw new RangeError(`emptyTubeletDetections: K must be an integer ≥ 1, got ${K}`);
  return {
    videos,
    K,
    videoIndex: new Int32Array(length),
    start: new Int32Array(length),
    label: new Int32Array(length),
    score: new Float64Array(length),
    boxes: new Float64Array(4 * K * length),
    length,
  };
}

function checkLength(caller: string, length: number): void {
  if (!(Number.isInteger(length) && length >= 0))
    throw new RangeError(`${caller}: length must be an integer ≥ 0, got ${length}`);
}

/** A detected action tube: a {@link Tube} with its video, class and tube-level score. */
export interface DetectedTube extends Tube {
  video: string;
  /** 0-based label index. */
  label: number;
  /** Tube-level score used for ranking. */
  score: number;
  /** Identifier unique within the video (the canonical CSV's `tube` column). */
  id?: string | number;
  /** Optional `T × C` per-frame class scores (multi-class trimming). */
  classScores?: Float64Array;
}
