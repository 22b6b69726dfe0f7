/**
 * Packed boxes: `N × 4` rows `[x1, y1, x2, y2]` in a `Float32Array` or `Float64Array`.
 *
 * Coordinates are continuous pixels (the top-left corner of the image is `(0, 0)`) unless a
 * function's `pixelInclusive` option says otherwise.
 */
export type BoxArray = Float32Array | Float64Array;

/**
 * Options shared by every area/IoU function.
 *
 * `pixelInclusive: true` treats `[x1, y1, x2, y2]` as inclusive integer pixel indices, so a box
 * spans `x2 − x1 + 1` pixels and overlaps are extended by +1 the same way. This is the convention
 * of the PASCAL VOC devkit, ACT/MOC (`area2d`, `overlap2d`) and YOWO's frame IoU; the default
 * (`false`) is the continuous convention of mmaction2/MultiSports (`area2d_voc`), detectron2 and
 * torchvision. See `spec/metrics.md`, row "box area".
 */
export interface BoxOptions {
  /** Count inclusive pixels: widths/heights are `x2 − x1 + 1`. Default `false` (continuous). */
  pixelInclusive?: boolean;
}

/**
 * Area of one box `[x1, y1, x2, y2]`.
 *
 * Continuous: `(x2 − x1)(y2 − y1)`; with `pixelInclusive`: `(x2 − x1 + 1)(y2 − y1 + 1)` (VOC devkit,
 * ACT `area2d`). A side of negative extent counts as 0, so an inverted box has area 0.
 *
 * @param box - at least 4 numbers `[x1, y1, x2, y2]` (only the first four are read).
 * @returns the area in square pixels.
 * @example
 * ```ts
 * boxArea([10, 10, 50, 30]); // 800
 * boxArea([10, 10, 50, 30], { pixelInclusive: true }); // 41 * 21 = 861
 * ```
 */
export function boxArea(box: ArrayLike<number>, options?: BoxOptions): number {
  return boxAreaAt(box, 0, options?.pixelInclusive === true);
}

/**
 * Area of row `i` of packed boxes, without allocation (the hot-path form of {@link boxArea}).
 *
 * @param boxes - packed `[x1, y1, x2, y2]` rows.
 * @param i - row index (box `i` starts at `boxes[4i]`).
 * @param pixelInclusive - `true` for the +1 (inclusive pixel) convention.
 * @example
 * ```ts
 * boxAreaAt(new Float64Array([0, 0, 1, 1, 0, 0, 2, 3]), 1); // 6
 * ```
 */
export function boxAreaAt(boxes: ArrayLike<number>, i: number, pixelInclusive = false): number {
  const p = pixelInclusive ? 1 : 0;
  const o = 4 * i;
  const w = boxes[o + 2]! - boxes[o]! + p;
  const h = boxes[o + 3]! - boxes[o + 1]! + p;
  return w > 0 && h > 0 ? w * h : 0;
}

/**
 * Areas of all rows of packed boxes.
 *
 * @param boxes - `N × 4` packed boxes.
 * @param out - optional output of length ≥ N (reused, no allocation).
 * @returns `[N]` areas.
 * @example
 * ```ts
 * boxAreas(new Float64Array([0, 0, 2, 2, 0, 0, 1, 3])); // Float64Array [4, 3]
 * ```
 */
export function boxAreas(boxes: BoxArray, options?: BoxOptions, out?: Float64Array): Float64Array {
  const n = boxCount(boxes);
  const result = out ?? new Float64Array(n);
  if (result.length < n) throw new RangeError(`boxAreas: out has length ${result.length} < ${n}`);
  const inclusive = options?.pixelInclusive === true;
  for (let i = 0; i < n; i++) result[i] = boxAreaAt(boxes, i, inclusive);
  return result;
}

/**
 * Intersection area of two boxes (0 when they do not overlap), in the chosen pixel convention.
 *
 * @example
 * ```ts
 * boxIntersection([0, 0, 10, 10], [5, 5, 20, 20]); // 25
 * ```
 */
export function boxIntersection(
  a: ArrayLike<number>,
  b: ArrayLike<number>,
  options?: BoxOptions,
): number {
  const p = options?.pixelInclusive === true ? 1 : 0;
  const w = Math.min(a[2]!, b[2]!) - Math.max(a[0]!, b[0]!) + p;
  const h = Math.min(a[3]!, b[3]!) - Math.max(a[1]!, b[1]!) + p;
  return w > 0 && h > 0 ? w * h : 0;
}

/**
 * Number of boxes in a packed array; throws when its length is not a multiple of 4.
 *
 * @example
 * ```ts
 * boxCount(new Float32Array(12)); // 3
 * ```
 */
export function boxCount(boxes: ArrayLike<number>, what = 'boxes'): number {
  if (boxes.length % 4 !== 0)
    throw new RangeError(
      `${what}: packed [x1, y1, x2, y2] rows expected, but length ${boxes.length} is not a multiple of 4`,
    );
  return boxes.length / 4;
}
