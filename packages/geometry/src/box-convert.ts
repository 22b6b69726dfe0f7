import { boxCount } from './box-area';

/** Options of the box format conversions. */
export interface BoxConvertOptions {
  /**
   * Inclusive pixels: a box `[x1, y1, x2, y2]` is `x2 − x1 + 1` wide, so `[x, y, w, h]` ↔
   * `[x, y, x + w − 1, y + h − 1]` (VOC devkit, the UCF101-24 MATLAB annotations). Default `false`:
   * continuous, `w = x2 − x1`.
   */
  pixelInclusive?: boolean;
}

type Out = Float32Array | Float64Array;

/**
 * Convert packed corner boxes `[x1, y1, x2, y2]` to `[x, y, w, h]` (top-left corner + size).
 * `out` may be the input itself (in place).
 *
 * @example
 * ```ts
 * xyxyToXywh(new Float64Array([10, 20, 50, 80])); // [10, 20, 40, 60]
 * ```
 */
export function xyxyToXywh(
  boxes: ArrayLike<number>,
  options?: BoxConvertOptions,
  out?: Out,
): Float64Array | Float32Array {
  const n = boxCount(boxes, 'xyxyToXywh boxes');
  const r = output(out, boxes.length, 'xyxyToXywh');
  const p = options?.pixelInclusive === true ? 1 : 0;
  for (let i = 0, o = 0; i < n; i++, o += 4) {
    const x1 = boxes[o]!;
    const y1 = boxes[o + 1]!;
    r[o + 2] = boxes[o + 2]! - x1 + p;
    r[o + 3] = boxes[o + 3]! - y1 + p;
    r[o] = x1;
    r[o + 1] = y1;
  }
  return r;
}

/**
 * Convert packed `[x, y, w, h]` boxes to corners `[x1, y1, x2, y2]` (exact inverse of
 * {@link xyxyToXywh} under the same options). `out` may be the input itself.
 *
 * @example
 * ```ts
 * xywhToXyxy(new Float64Array([10, 20, 40, 60])); // [10, 20, 50, 80]
 * xywhToXyxy(new Float64Array([1, 1, 10, 10]), { pixelInclusive: true }); // [1, 1, 10, 10]
 * ```
 */
export function xywhToXyxy(
  boxes: ArrayLike<number>,
  options?: BoxConvertOptions,
  out?: Out,
): Float64Array | Float32Array {
  const n = boxCount(boxes, 'xywhToXyxy boxes');
  const r = output(out, boxes.length, 'xywhToXyxy');
  const p = options?.pixelInclusive === true ? 1 : 0;
  for (let i = 0, o = 0; i < n; i++, o += 4) {
    const x = boxes[o]!;
    const y = boxes[o + 1]!;
    r[o + 2] = x + boxes[o + 2]! - p;
    r[o + 3] = y + boxes[o + 3]! - p;
    r[o] = x;
    r[o + 1] = y;
  }
  return r;
}

/**
 * Convert packed corner boxes to centre-size `[cx, cy, w, h]` (the parameterisation of the R-CNN
 * delta codec and YOLO). Inclusive pixels: `w = x2 − x1 + 1`, `cx = x1 + w/2` (py-faster-rcnn).
 * `out` may be the input itself.
 *
 * @example
 * ```ts
 * xyxyToCxcywh(new Float64Array([10, 20, 50, 80])); // [30, 50, 40, 60]
 * ```
 */
export function xyxyToCxcywh(
  boxes: ArrayLike<number>,
  options?: BoxConvertOptions,
  out?: Out,
): Float64Array | Float32Array {
  const n = boxCount(boxes, 'xyxyToCxcywh boxes');
  const r = output(out, boxes.length, 'xyxyToCxcywh');
  const p = options?.pixelInclusive === true ? 1 : 0;
  for (let i = 0, o = 0; i < n; i++, o += 4) {
    const x1 = boxes[o]!;
    const y1 = boxes[o + 1]!;
    const w = boxes[o + 2]! - x1 + p;
    const h = boxes[o + 3]! - y1 + p;
    r[o] = x1 + 0.5 * w;
    r[o + 1] = y1 + 0.5 * h;
    r[o + 2] = w;
    r[o + 3] = h;
  }
  return r;
}

/**
 * Convert packed centre-size `[cx, cy, w, h]` boxes to corners (inverse of {@link xyxyToCxcywh}).
 * `out` may be the input itself.
 *
 * @example
 * ```ts
 * cxcywhToXyxy(new Float64Array([30, 50, 40, 60])); // [10, 20, 50, 80]
 * ```
 */
export function cxcywhToXyxy(
  boxes: ArrayLike<number>,
  options?: BoxConvertOptions,
  out?: Out,
): Float64Array | Float32Array {
  const n = boxCount(boxes, 'cxcywhToXyxy boxes');
  const r = output(out, boxes.length, 'cxcywhToXyxy');
  const p = options?.pixelInclusive === true ? 1 : 0;
  for (let i = 0, o = 0; i < n; i++, o += 4) {
    const cx = boxes[o]!;
    const cy = boxes[o + 1]!;
    const w = boxes[o + 2]!;
    const h = boxes[o + 3]!;
    r[o] = cx - 0.5 * w;
    r[o + 1] = cy - 0.5 * h;
    r[o + 2] = cx + 0.5 * w - p;
    r[o + 3] = cy + 0.5 * h - p;
  }
  return r;
}

/** Output buffer of at least `n` entries: `out` when given (checked), else a new Float64Array. @internal */
export function output<T extends Out = Float64Array>(
  out: T | undefined,
  n: number,
  what: string,
): T {
  if (out === undefined) return new Float64Array(n) as T;
  if (out.length < n) throw new RangeError(`${what}: out has length ${out.length}, need ≥ ${n}`);
  return out;
}
