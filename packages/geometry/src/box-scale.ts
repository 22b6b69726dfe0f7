import { boxCount } from './box-area';
import { output } from './box-convert';

/**
 * Scale packed boxes about their centres (context extension: STEP and ACT enlarge RoIs to pool
 * context around the actor; `scale` 1.5 makes every box 1.5× wider and taller). The centre is
 * kept; `x`/`y` factors may differ. `out` may be the input itself. Combine with {@link clipBoxes}
 * to stay inside the image.
 *
 * @param scale - one factor for both axes, or `{ x, y }`; must be > 0.
 * @example
 * ```ts
 * scaleBoxes(new Float64Array([10, 10, 30, 20]), 2); // [0, 5, 40, 25]
 * ```
 */
export function scaleBoxes(
  boxes: ArrayLike<number>,
  scale: number | { x: number; y: number },
  out?: Float32Array | Float64Array,
): Float64Array | Float32Array {
  const n = boxCount(boxes, 'scaleBoxes boxes');
  const sx = typeof scale === 'number' ? scale : scale.x;
  const sy = typeof scale === 'number' ? scale : scale.y;
  if (!(sx > 0 && sy > 0))
    throw new RangeError(`scaleBoxes: scale ${sx}×${sy}; expected factors > 0`);
  const r = output(out, boxes.length, 'scaleBoxes');
  for (let i = 0, o = 0; i < n; i++, o += 4) {
    const cx = 0.5 * (boxes[o]! + boxes[o + 2]!);
    const cy = 0.5 * (boxes[o + 1]! + boxes[o + 3]!);
    const hw = 0.5 * sx * (boxes[o + 2]! - boxes[o]!);
    const hh = 0.5 * sy * (boxes[o + 3]! - boxes[o + 1]!);
    r[o] = cx - hw;
    r[o + 1] = cy - hh;
    r[o + 2] = cx + hw;
    r[o + 3] = cy + hh;
  }
  return r;
}
