import { type BoxArray, boxCount } from './box-area';
import { BoxGrid } from './box-grid';
import { greedyNMS, type NMSOptions, type NMSResult } from './nms';

/**
 * Non-maximum suppression of boxes, hard or soft (see {@link NMSOptions}).
 *
 * Hard NMS keeps a box unless an already kept, higher-scoring box has IoU > `iouThreshold` with
 * it (torchvision `nms`, ACT `nms2d`); soft NMS follows Bodla et al. (ICCV 2017). Deterministic:
 * equal scores are visited in index order. Allocation is per call, never per box.
 *
 * @param boxes - `N × 4` packed `[x1, y1, x2, y2]`.
 * @param scores - `N` scores.
 * @returns kept indices by descending final score and their final scores.
 * @example
 * ```ts
 * const boxes = new Float64Array([0, 0, 10, 10, 1, 1, 11, 11, 50, 50, 60, 60]);
 * boxNMS(boxes, [0.9, 0.8, 0.7], { iouThreshold: 0.5 }).keep; // Int32Array [0, 2]
 * ```
 */
export function boxNMS(boxes: BoxArray, scores: ArrayLike<number>, options: NMSOptions): NMSResult {
  const n = boxCount(boxes, 'boxNMS boxes');
  for (let i = 0; i < 4 * n; i++)
    if (!Number.isFinite(boxes[i]))
      throw new RangeError(
        `boxNMS: box ${i >> 2} has coordinate ${boxes[i]}; expected finite [x1, y1, x2, y2]`,
      );
  const p = options.pixelInclusive === true ? 1 : 0;
  const area = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const w = boxes[4 * i + 2]! - boxes[4 * i]! + p;
    const h = boxes[4 * i + 3]! - boxes[4 * i + 1]! + p;
    area[i] = w > 0 && h > 0 ? w * h : 0;
  }
  const iou = (i: number, j: number): number => {
    const oi = 4 * i;
    const oj = 4 * j;
    const iw = Math.min(boxes[oi + 2]!, boxes[oj + 2]!) - Math.max(boxes[oi]!, boxes[oj]!) + p;
    if (!(iw > 0)) return 0;
    const ih =
      Math.min(boxes[oi + 3]!, boxes[oj + 3]!) - Math.max(boxes[oi + 1]!, boxes[oj + 1]!) + p;
    if (!(ih > 0)) return 0;
    const inter = iw * ih;
    const union = area[i]! + area[j]! - inter;
    return union > 0 ? inter / union : 0;
  };
  // Only intersecting boxes interact (hard NMS with a threshold ≥ 0 suppresses nothing else;
  // soft penalties are 1 at zero overlap), so a spatial grid skips the rest. Same result as
  // testing every pair (checked against textbook loops by the property tests).
  const index =
    n > 64 && (options.soft !== undefined || options.iouThreshold >= 0)
      ? new BoxGrid(boxes, n, p)
      : undefined;
  return greedyNMS(n, scores, options, iou, 'boxNMS', { index });
}
