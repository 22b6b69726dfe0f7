import { boxNMS } from '@tubekit/geometry';
import type { HeadDetections } from './scored-boxes';

/** Detections of one frame: one box per row, 1-based class `label`. */
export interface FrameBoxes {
  /** `N × 4` packed boxes. */
  boxes: Float64Array;
  scores: Float64Array;
  /** `N` foreground classes, 1 … C. */
  labels: Int32Array;
}

/** Options of {@link unionFrameOutput}. */
export interface UnionFrameOutputOptions {
  /** Per-class NMS IoU threshold. Default 0.5 (spec S7, *our choice*). */
  iouThreshold?: number;
  /** Class-specific boxes below this probability are not candidates. Default 0.01. */
  minScore?: number;
  /** Detections kept per class. Default 20. */
  topKPerClass?: number;
}

/**
 * PCSC's frame-level output at stage t (Su et al. CVPR 2019, §4.3; spec S7): the class-specific
 * boxes of every head of stages 0…t (both streams at stage 0) are pooled and per-class NMS keeps
 * the best. Scores of different heads are merged uncalibrated, as in the paper.
 *
 * @param heads - the detections of every head to combine (one frame).
 * @example
 * ```ts
 * const stage2 = unionFrameOutput([rgb0, flow0, rgb1, flow2]);
 * ```
 */
export function unionFrameOutput(
  heads: readonly HeadDetections[],
  options: UnionFrameOutputOptions = {},
): FrameBoxes {
  const iou = options.iouThreshold ?? 0.5;
  const minScore = options.minScore ?? 0.01;
  const topK = options.topKPerClass ?? 20;
  if (heads.length === 0) throw new RangeError('unionFrameOutput: no head detections to combine');
  const C = heads[0]!.numClasses;
  if (heads.some((h) => h.numClasses !== C))
    throw new RangeError('unionFrameOutput: heads score different numbers of classes');
  const boxes: number[] = [];
  const scores: number[] = [];
  const labels: number[] = [];
  for (let c = 1; c <= C; c++) {
    const cb: number[] = [];
    const cs: number[] = [];
    for (const h of heads) {
      const N = h.probs.length / (C + 1);
      for (let n = 0; n < N; n++) {
        const p = h.probs[n * (C + 1) + c]!;
        if (p < minScore) continue;
        const o = 4 * (n * C + c - 1);
        cb.push(h.boxes[o]!, h.boxes[o + 1]!, h.boxes[o + 2]!, h.boxes[o + 3]!);
        cs.push(p);
      }
    }
    const r = boxNMS(Float64Array.from(cb), cs, { iouThreshold: iou, topK });
    for (const k of r.keep) {
      boxes.push(cb[4 * k]!, cb[4 * k + 1]!, cb[4 * k + 2]!, cb[4 * k + 3]!);
      scores.push(cs[k]!);
      labels.push(c);
    }
  }
  return {
    boxes: Float64Array.from(boxes),
    scores: Float64Array.from(scores),
    labels: Int32Array.from(labels),
  };
}
