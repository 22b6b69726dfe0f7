import { boxNMS } from '@tubekit/geometry';

/** Boxes of one frame with one score each (proposals, or one class's detections). */
export interface ScoredBoxes {
  /** `N × 4` packed `[x1, y1, x2, y2]` in input pixels. */
  boxes: Float64Array;
  /** `N` scores. */
  scores: Float64Array;
}

/** Detections of one head on one frame: class-specific boxes and class probabilities. */
export interface HeadDetections {
  /** `N × C × 4` class-specific boxes (class c ≥ 1 at row `n·C + c − 1`). */
  boxes: Float64Array;
  /** `N × (C + 1)` softmax probabilities, background at column 0. */
  probs: Float64Array;
  /** Foreground classes C. */
  numClasses: number;
}

/**
 * Hard NMS (`boxNMS` of @tubekit/geometry) with a score floor and a cap, returning the kept boxes
 * by descending score.
 */
export function nmsBoxes(
  input: ScoredBoxes,
  iouThreshold: number,
  minScore: number,
  topK: number,
): ScoredBoxes {
  const r = boxNMS(input.boxes, input.scores, { iouThreshold, scoreThreshold: minScore, topK });
  const out: ScoredBoxes = {
    boxes: new Float64Array(4 * r.keep.length),
    scores: new Float64Array(r.keep.length),
  };
  r.keep.forEach((k, j) => {
    out.boxes.set(input.boxes.subarray(4 * k, 4 * k + 4), 4 * j);
    out.scores[j] = input.scores[k]!;
  });
  return out;
}

/** Concatenation of several {@link ScoredBoxes}, in order. */
export function concatBoxes(parts: readonly ScoredBoxes[]): ScoredBoxes {
  const n = parts.reduce((s, p) => s + p.scores.length, 0);
  const out: ScoredBoxes = { boxes: new Float64Array(4 * n), scores: new Float64Array(n) };
  let o = 0;
  for (const p of parts) {
    out.boxes.set(p.boxes, 4 * o);
    out.scores.set(p.scores, o);
    o += p.scores.length;
  }
  return out;
}

/**
 * The proposals a head's detections become at the next stage (spec S6.1, *our choice*): per RoI,
 * the box of its most probable foreground class, scored by that probability.
 */
export function proposalsOf(det: HeadDetections): ScoredBoxes {
  const C = det.numClasses;
  const N = det.probs.length / (C + 1);
  const out: ScoredBoxes = { boxes: new Float64Array(4 * N), scores: new Float64Array(N) };
  for (let n = 0; n < N; n++) {
    let best = 1;
    for (let c = 2; c <= C; c++)
      if (det.probs[n * (C + 1) + c]! > det.probs[n * (C + 1) + best]!) best = c;
    const o = 4 * (n * C + best - 1);
    out.boxes.set(det.boxes.subarray(o, o + 4), 4 * n);
    out.scores[n] = det.probs[n * (C + 1) + best]!;
  }
  return out;
}
