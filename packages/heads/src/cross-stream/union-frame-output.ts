import { boxIoUAt, boxNMS } from '@tubekit/geometry';
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
  /**
   * Box voting (Gidaris & Komodakis, ICCV 2015, "bounding box voting"): each box that NMS keeps
   * is replaced by the score-weighted mean of the pooled boxes of its class (every head's
   * candidates at or above `minScore`) that overlap it at IoU ≥ this threshold, itself included;
   * its score is unchanged. Absent (default): the kept boxes as they are, the paper's plain NMS.
   * A tubekit choice for the NS "combining" of S7: the stages' heads regress the same actor
   * slightly differently, and their mean is tighter than the best-scoring box (pcsc-bench
   * FINDINGS.md, "Box voting in the frame output").
   */
  boxVoting?: number;
}

/**
 * PCSC's frame-level output at stage t (Su et al. CVPR 2019, §4.3; spec S7): the class-specific
 * boxes of every head of stages 0…t (both streams at stage 0) are pooled and per-class NMS keeps
 * the best, each optionally replaced by the score-weighted mean of its class's boxes that overlap
 * it (`boxVoting`). Scores of different heads are merged uncalibrated, as in the paper.
 *
 * @param heads - the detections of every head to combine (one frame).
 * @example
 * ```ts
 * const stage2 = unionFrameOutput([rgb0, flow0, rgb1, flow2]);
 * const voted = unionFrameOutput([rgb0, flow0, rgb1, flow2], { boxVoting: 0.5 });
 * ```
 */
export function unionFrameOutput(
  heads: readonly HeadDetections[],
  options: UnionFrameOutputOptions = {},
): FrameBoxes {
  const iou = options.iouThreshold ?? 0.5;
  const minScore = options.minScore ?? 0.01;
  const topK = options.topKPerClass ?? 20;
  const voting = options.boxVoting;
  if (voting !== undefined && !(voting > 0 && voting <= 1))
    throw new RangeError(`unionFrameOutput: boxVoting = ${voting}; expected an IoU in (0, 1]`);
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
    const pooled = Float64Array.from(cb);
    const r = boxNMS(pooled, cs, { iouThreshold: iou, topK });
    for (const k of r.keep) {
      boxes.push(
        ...(voting === undefined
          ? pooled.subarray(4 * k, 4 * k + 4)
          : votedBox(pooled, cs, k, voting)),
      );
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

/** The score-weighted mean of the `boxes` overlapping box `k` at IoU ≥ `threshold` (`k` included). */
function votedBox(
  boxes: Float64Array,
  scores: readonly number[],
  k: number,
  threshold: number,
): Iterable<number> {
  const sum = [0, 0, 0, 0];
  let weight = 0;
  for (let i = 0; i < scores.length; i++) {
    if (i !== k && boxIoUAt(boxes, i, boxes, k) < threshold) continue;
    const w = scores[i]!;
    weight += w;
    for (let j = 0; j < 4; j++) sum[j] = sum[j]! + w * boxes[4 * i + j]!;
  }
  // all voters at score 0 (minScore 0): the kept box as it is
  return weight > 0 ? sum.map((v) => v / weight) : boxes.subarray(4 * k, 4 * k + 4);
}
