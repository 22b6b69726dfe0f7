import { boxCount } from './box-area';
import { output } from './box-convert';

/** Image extent for {@link clipBoxes}, in pixels. */
export interface ImageSize {
  width: number;
  height: number;
}

/** Options of {@link clipBoxes}. */
export interface ClipBoxesOptions {
  /** Clip to `[0, width − 1]` (inclusive pixels, py-faster-rcnn) instead of `[0, width]`. Default false. */
  pixelInclusive?: boolean;
  /**
   * Smallest width and height (pixels) of a clipped box, default 0 (no minimum). A clipped box that
   * is narrower (or inverted) is widened to `minSize` from its clipped `x1` (`y1`), shifted inward at
   * the far border — the 1-px floor STEP's refinement keeps so every tubelet box stays RoI-poolable.
   * Must not exceed the clip extent.
   */
  minSize?: number;
}

/**
 * Clip packed boxes `[x1, y1, x2, y2]` to an image. Continuous: coordinates into `[0, width]` ×
 * `[0, height]` (detectron2 `Boxes.clip`); `pixelInclusive`: into `[0, width − 1]` × `[0, height − 1]`
 * (py-faster-rcnn `clip_boxes`). A box entirely outside becomes an empty box on the border — it is
 * not removed; filter by {@link boxArea} if needed, or keep a floor size with `minSize`. `out` may
 * be the input itself.
 *
 * @example
 * ```ts
 * clipBoxes(new Float64Array([-5, 10, 330, 250]), { width: 320, height: 240 }); // [0, 10, 320, 240]
 * ```
 */
export function clipBoxes(
  boxes: ArrayLike<number>,
  image: ImageSize,
  options?: ClipBoxesOptions,
  out?: Float32Array | Float64Array,
): Float64Array | Float32Array {
  const n = boxCount(boxes, 'clipBoxes boxes');
  const minSize = options?.minSize ?? 0;
  if (!(image.width > 0 && image.height > 0))
    throw new RangeError(
      `clipBoxes: image ${image.width}×${image.height}; expected positive width and height`,
    );
  const r = output(out, boxes.length, 'clipBoxes');
  const p = options?.pixelInclusive === true ? 1 : 0;
  const xmax = image.width - p;
  const ymax = image.height - p;
  if (!(minSize >= 0 && minSize <= xmax && minSize <= ymax))
    throw new RangeError(
      `clipBoxes: minSize ${minSize} for a ${xmax}×${ymax} clip extent; expected 0 ≤ minSize ≤ extent`,
    );
  for (let i = 0, o = 0; i < n; i++, o += 4) {
    r[o] = Math.min(Math.max(boxes[o]!, 0), xmax);
    r[o + 1] = Math.min(Math.max(boxes[o + 1]!, 0), ymax);
    r[o + 2] = Math.min(Math.max(boxes[o + 2]!, 0), xmax);
    r[o + 3] = Math.min(Math.max(boxes[o + 3]!, 0), ymax);
    if (minSize > 0) {
      if (!(r[o + 2]! - r[o]! >= minSize)) {
        r[o + 2] = Math.min(xmax, r[o]! + minSize);
        r[o] = r[o + 2]! - minSize;
      }
      if (!(r[o + 3]! - r[o + 1]! >= minSize)) {
        r[o + 3] = Math.min(ymax, r[o + 1]! + minSize);
        r[o + 1] = r[o + 3]! - minSize;
      }
    }
  }
  return r;
}
