import type { BoxArray } from './box-area';
import { BoxGrid } from './box-grid';
import { boxIoUAt } from './box-iou';
import { greedyNMS, type NMSOptions, type NMSResult } from './nms';

/** Options of {@link tubeletNMS}. */
export interface TubeletNMSOptions extends NMSOptions {
  /**
   * How soft NMS measures overlap. `'mean'` (default): mean per-frame IoU, Bodla's soft NMS.
   * `'sum'`: MOC's tubelet soft NMS (`nms_tubelets` in MOC-Detector's `ACT_utils.py`) exactly —
   * the overlap is the **sum** of the K per-frame IoUs, compared with `K · iouThreshold`; one
   * greedy pass in the original score order, where a tubelet suppressed by a kept one is not
   * removed but gets score × (1 − Σ_k IoU_k) (negative for K ≥ 2 when Σ > 1) and neither
   * suppresses others nor is rescaled again; all tubelets are then sorted by final score and cut
   * to `topK`. Requires `soft: { method: 'linear' }`. (MOC breaks exact score ties by numpy's
   * argsort; tubekit by lower index.)
   */
  softOverlap?: 'mean' | 'sum';
}

/**
 * NMS of K-frame tubelets (ACT `nms_tubelets`, MOC's soft variant with `softOverlap: 'sum'`):
 * the overlap of two tubelets is the mean IoU of their K per-frame boxes
 * ({@link meanFrameIoU}); hard/soft behaviour as in {@link NMSOptions}.
 *
 * @param tubelets - `N × K × 4` packed boxes (tubelet n, frame k at row `n·K + k`).
 * @param K - frames per tubelet.
 * @param scores - `N` tubelet scores.
 * @example
 * ```ts
 * const K = 2;
 * const t = new Float64Array([0, 0, 10, 10, 0, 0, 10, 10, 1, 1, 11, 11, 1, 1, 11, 11]);
 * tubeletNMS(t, K, [0.9, 0.8], { iouThreshold: 0.3, pixelInclusive: true }).keep; // [0]
 * ```
 */
export function tubeletNMS(
  tubelets: BoxArray,
  K: number,
  scores: ArrayLike<number>,
  options: TubeletNMSOptions,
): NMSResult {
  if (!(Number.isInteger(K) && K >= 1))
    throw new RangeError(`tubeletNMS: K = ${K}; expected an integer ≥ 1`);
  if (tubelets.length % (4 * K) !== 0)
    throw new RangeError(
      `tubeletNMS: tubelets length ${tubelets.length} is not a multiple of 4·K = ${4 * K}`,
    );
  const n = tubelets.length / (4 * K);
  const inclusive = options.pixelInclusive === true;
  const sum = options.softOverlap === 'sum';
  if (sum && options.soft?.method !== 'linear')
    throw new TypeError(
      "tubeletNMS: softOverlap 'sum' (MOC) needs soft: { method: 'linear' }; got " +
        (options.soft === undefined ? 'hard NMS' : `soft.method '${options.soft.method}'`),
    );
  const scale = sum ? 1 : 1 / K;
  const overlap = (i: number, j: number): number => {
    let s = 0;
    for (let k = 0; k < K; k++) s += boxIoUAt(tubelets, i * K + k, tubelets, j * K + k, inclusive);
    return s * scale;
  };
  // Only tubelets that intersect in some frame interact (hard NMS with a threshold ≥ 0; soft
  // penalties are 1 at zero overlap), and those have intersecting hulls over the K frames:
  // index the hulls in a spatial grid.
  let index: BoxGrid | undefined;
  if (n > 64 && !sum && (options.soft !== undefined || options.iouThreshold >= 0)) {
    const hull = new Float64Array(4 * n);
    for (let i = 0; i < n; i++) {
      let x1 = Number.POSITIVE_INFINITY;
      let y1 = Number.POSITIVE_INFINITY;
      let x2 = Number.NEGATIVE_INFINITY;
      let y2 = Number.NEGATIVE_INFINITY;
      for (let k = 0, o = 4 * i * K; k < K; k++, o += 4) {
        x1 = Math.min(x1, tubelets[o]!);
        y1 = Math.min(y1, tubelets[o + 1]!);
        x2 = Math.max(x2, tubelets[o + 2]!);
        y2 = Math.max(y2, tubelets[o + 3]!);
      }
      if (!Number.isFinite(x1 + y1 + x2 + y2))
        throw new RangeError(`tubeletNMS: tubelet ${i} has a non-finite coordinate`);
      hull[4 * i] = x1;
      hull[4 * i + 1] = y1;
      hull[4 * i + 2] = x2;
      hull[4 * i + 3] = y2;
    }
    index = new BoxGrid(hull, n, inclusive ? 1 : 0);
  }
  return greedyNMS(n, scores, options, overlap, 'tubeletNMS', {
    threshold: sum ? options.iouThreshold * K : options.iouThreshold,
    singlePassRescore: sum,
    index,
  });
}
