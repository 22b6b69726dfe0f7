import { clipBoxes, drawBackgroundBox, pairwiseIoU } from '@tubekit/geometry';
import type { Rng } from '@tubekit/nn';
import type { FrameGroundTruth } from './cross-stream-detector';

/** How {@link pretrainingRois} places the RoIs of one key frame. */
export interface PretrainingRoiOptions {
  /** Jittered copies of every ground-truth box (default 3). */
  perBox?: number;
  /**
   * Largest shift of a copy, as a fraction of the box's side, and largest change of its log
   * width and height (default 0.25 and ln 1.3: most copies keep IoU ≥ 0.5, as RPN proposals
   * near an actor do).
   */
  shift?: number;
  logScale?: number;
  /** Background boxes per frame, each overlapping every ground-truth box at IoU < 0.3 (default 2). */
  background?: number;
}

/** The RoIs of {@link pretrainingRois}: boxes, their class (0 = background) and matched box. */
export interface PretrainingRois {
  /** `N × 4` boxes in input pixels. */
  boxes: Float64Array;
  /** `N` classes: the matched ground truth's (1-based) where IoU ≥ 0.5, else 0. */
  labels: Int32Array;
  /** `N` indices of the matched ground-truth box (−1 for background). */
  matched: Int32Array;
}

/**
 * RoIs that pretrain a detection head on one key frame's ground truth (tubekit's head
 * pretraining, *our choice*; in the papers the heads' fc layers start from ImageNet/Kinetics
 * weights): `perBox` jittered copies of every ground-truth box, labelled with its class where
 * they keep IoU ≥ 0.5 (Fast R-CNN's positive rule, spec §3.5) and background otherwise, and
 * `background` boxes of actor-like size that overlap every ground-truth box at IoU < 0.3 where
 * 20 draws find one (geometry's `drawBackgroundBox`, as STEP's classifier pretraining draws
 * them). Every box is labelled by the same IoU rule, a background box included.
 *
 * @example
 * ```ts
 * const rois = pretrainingRois(gt, 112, rng); // gt: one key frame's boxes and labels
 * ```
 */
export function pretrainingRois(
  gt: FrameGroundTruth,
  frameSize: number,
  rng: Rng,
  options: PretrainingRoiOptions = {},
): PretrainingRois {
  const perBox = options.perBox ?? 3;
  const shift = options.shift ?? 0.25;
  const logScale = options.logScale ?? Math.log(1.3);
  const nBackground = options.background ?? 2;
  const G = gt.labels.length;
  const frame = { width: frameSize, height: frameSize };
  const n = G * perBox + nBackground;
  const boxes = new Float64Array(4 * n);
  const labels = new Int32Array(n);
  const matched = new Int32Array(n).fill(-1);
  const uniform = () => 2 * rng.next() - 1;
  let r = 0;
  for (let g = 0; g < G; g++) {
    const [x1, y1, x2, y2] = gt.boxes.subarray(4 * g, 4 * g + 4);
    const w = x2! - x1!;
    const h = y2! - y1!;
    for (let k = 0; k < perBox; k++, r++) {
      const cx = (x1! + x2!) / 2 + uniform() * shift * w;
      const cy = (y1! + y2!) / 2 + uniform() * shift * h;
      const sw = w * Math.exp(uniform() * logScale);
      const sh = h * Math.exp(uniform() * logScale);
      boxes.set([cx - sw / 2, cy - sh / 2, cx + sw / 2, cy + sh / 2], 4 * r);
    }
  }
  clipBoxes(boxes.subarray(0, 4 * r), frame, {}, boxes.subarray(0, 4 * r));
  const actors = Array.from({ length: G }, (_, g) => gt.boxes.subarray(4 * g, 4 * g + 4));
  for (let b = 0; b < nBackground; b++, r++)
    boxes.set(drawBackgroundBox(new Float64Array(4), frame, actors, rng), 4 * r);
  if (G > 0) {
    const ious = pairwiseIoU(boxes, gt.boxes);
    for (let i = 0; i < n; i++) {
      let best = -1;
      let bestIoU = 0.5;
      for (let g = 0; g < G; g++)
        if (ious[i * G + g]! >= bestIoU) {
          bestIoU = ious[i * G + g]!;
          best = g;
        }
      if (best >= 0) {
        labels[i] = gt.labels[best]!;
        matched[i] = best;
      }
    }
  }
  return { boxes, labels, matched };
}
