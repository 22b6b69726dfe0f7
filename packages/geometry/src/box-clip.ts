import { boxCount } from './box-area';
import { output } from './box-convert';

/** Image extent for {@link clipBoxes}, in pixels. */
export interface ImageSize {
  width: number;
  height: number;
}

/**
 * Clip packed boxes `[x1, y1, x2, y2]` to an image. Continuous: coordinates into `[0, width]` ×
 * `[0, height]` (detectron2 `Boxes.clip`); `pixelInclusive`: into `[0, width − 1]` × `[0, height − 1]`
 * (py-faster-rcnn `clip_boxes`). A box entirely outside becomes an empty box on the border — it is
 * not removed; filter by {@link boxArea} if needed. `out` may be the input itself.
 *
 * @example
 * ```ts
 * clipBoxes(new Float64Array([-5, 10, 330, 250]), { width: 320, height: 240 }); // [0, 10, 320, 240]
 * ```
 */
export function clipBoxes(
  boxes: ArrayLike<number>,
  image: ImageSize,
  options?: { pixelInclusive?: boolean },
  out?: Float32Array | Float64Array,
): Float64Array | Float32Array {
  const n = boxCount(boxes, 'clipBoxes boxes');
  if (!(image.width > 0 && image.height > 0))
    throw new RangeError(
      `clipBoxes: image ${image.width}×${image.height}; expected positive width and height`,
    );
  const r = output(out, boxes.length, 'clipBoxes');
  const p = options?.pixelInclusive === true ? 1 : 0;
  const xmax = image.width - p;
  const ymax = image.height - p;
  for (let i = 0, o = 0; i < n; i++, o += 4) {
    r[o] = Math.min(Math.max(boxes[o]!, 0), xmax);
    r[o + 1] = Math.min(Math.max(boxes[o + 1]!, 0), ymax);
    r[o + 2] = Math.min(Math.max(boxes[o + 2]!, 0), xmax);
    r[o + 3] = Math.min(Math.max(boxes[o + 3]!, 0), ymax);
  }
  return r;
}
