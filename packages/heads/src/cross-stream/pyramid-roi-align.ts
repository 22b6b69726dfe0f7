import { fpnLevels, type RoiBoxes, roiAlign, tf } from '@tubekit/nn';
import type { PyramidLevel } from './feature-pyramid';

/** Options of {@link pyramidRoiAlign}. */
export interface PyramidRoiAlignOptions {
  /** Output bins per side (spec S5: 7). */
  outputSize: number;
  /**
   * The canonical RoI size `s0` of FPN's Eq. 1, mapped to level 4 (stride 16). Default 224; for
   * small frames pass the frame side, so a full-frame box pools from stride 16 (`fpnLevels`).
   */
  canonicalSize?: number;
}

/**
 * RoIAlign on a feature pyramid (Lin et al. FPN Eq. 1; PCSC §3.3 "ROI pooling", spec S5–S6.2): each
 * box is pooled from the level `fpnLevels` (of @tubekit/nn) assigns it, clamped to the pyramid's
 * levels (`l = log2(stride)`). Differentiable in the pyramid's maps; rows keep the boxes' order.
 *
 * @param levels - pyramid levels, finest first, `[B, h, w, d]` each.
 * @param boxes - `N × 4` boxes in input pixels.
 * @param imageIndex - `N` image rows of the boxes.
 * @returns `[N, P, P, d]`.
 * @example
 * ```ts
 * const rois = pyramidRoiAlign(U, boxes, imageIndex, { outputSize: 7, canonicalSize: 112 });
 * ```
 */
export function pyramidRoiAlign(
  levels: readonly PyramidLevel[],
  boxes: RoiBoxes,
  imageIndex: ArrayLike<number>,
  options: PyramidRoiAlignOptions,
): tf.Tensor4D {
  if (levels.length === 0) throw new RangeError('pyramidRoiAlign: no pyramid levels');
  const logs = levels.map((l) => Math.log2(l.stride));
  if (logs.some((v, i) => !Number.isInteger(v) || (i > 0 && v !== logs[i - 1]! + 1)))
    throw new RangeError(
      `pyramidRoiAlign: strides [${levels.map((l) => l.stride)}] must be consecutive powers of 2`,
    );
  const n = boxes.length / 4;
  const assigned = fpnLevels(boxes, {
    canonicalSize: options.canonicalSize ?? 224,
    minLevel: logs[0]!,
    maxLevel: logs[logs.length - 1]!,
  });
  return tf.tidy(() => {
    const parts: tf.Tensor4D[] = [];
    const order: number[] = [];
    levels.forEach((level, li) => {
      const rows: number[] = [];
      for (let i = 0; i < n; i++) if (assigned[i] === logs[li]) rows.push(i);
      if (rows.length === 0) return;
      const b = new Float64Array(4 * rows.length);
      const f = new Int32Array(rows.length);
      rows.forEach((r, j) => {
        b.set(boxes.subarray(4 * r, 4 * r + 4), 4 * j);
        f[j] = imageIndex[r]!;
      });
      parts.push(
        roiAlign(level.tensor, b, f, {
          outputSize: options.outputSize,
          spatialScale: 1 / level.stride,
          samplingRatio: 2,
        }),
      );
      order.push(...rows);
    });
    const d = levels[0]!.tensor.shape[3];
    if (parts.length === 0) return tf.zeros([0, options.outputSize, options.outputSize, d]);
    const inverse = new Int32Array(n);
    order.forEach((r, j) => {
      inverse[r] = j;
    });
    const all = parts.length === 1 ? parts[0]! : tf.concat(parts, 0);
    return tf.gather(all, inverse) as tf.Tensor4D;
  });
}
