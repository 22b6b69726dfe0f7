import { type BoxArray, type BoxOptions, boxCount } from './box-area';

/**
 * IoU (intersection over union, Jaccard index) of row `i` of `a` and row `j` of `b`; allocates
 * nothing (the hot-path kernel every other IoU in tubekit calls or inlines).
 *
 * Continuous: widths are `x2 − x1`; `pixelInclusive`: `x2 − x1 + 1` for areas and overlaps (VOC
 * devkit, ACT `iou2d`). When the union is 0 (two empty boxes) the IoU is 0, never `NaN`.
 *
 * @param a - packed `[x1, y1, x2, y2]` rows.
 * @param i - row of `a`.
 * @param b - packed rows.
 * @param j - row of `b`.
 * @param pixelInclusive - `true` for the +1 (inclusive pixel) convention.
 * @returns IoU in [0, 1].
 * @example
 * ```ts
 * const boxes = new Float64Array([0, 0, 10, 10, 5, 0, 15, 10]);
 * boxIoUAt(boxes, 0, boxes, 1); // 50 / 150 = 1/3
 * ```
 */
export function boxIoUAt(
  a: ArrayLike<number>,
  i: number,
  b: ArrayLike<number>,
  j: number,
  pixelInclusive = false,
): number {
  const p = pixelInclusive ? 1 : 0;
  const oa = 4 * i;
  const ob = 4 * j;
  const ax1 = a[oa]!;
  const ay1 = a[oa + 1]!;
  const ax2 = a[oa + 2]!;
  const ay2 = a[oa + 3]!;
  const bx1 = b[ob]!;
  const by1 = b[ob + 1]!;
  const bx2 = b[ob + 2]!;
  const by2 = b[ob + 3]!;
  const iw = Math.min(ax2, bx2) - Math.max(ax1, bx1) + p;
  const ih = Math.min(ay2, by2) - Math.max(ay1, by1) + p;
  if (!(iw > 0 && ih > 0)) return 0;
  const inter = iw * ih;
  const aw = ax2 - ax1 + p;
  const ah = ay2 - ay1 + p;
  const bw = bx2 - bx1 + p;
  const bh = by2 - by1 + p;
  const union = (aw > 0 && ah > 0 ? aw * ah : 0) + (bw > 0 && bh > 0 ? bw * bh : 0) - inter;
  return union > 0 ? inter / union : 0;
}

/**
 * IoU of two single boxes `[x1, y1, x2, y2]`.
 *
 * @example
 * ```ts
 * boxIoU([0, 0, 10, 10], [5, 0, 15, 10]); // 1/3
 * boxIoU([0, 0, 9, 9], [5, 0, 14, 9], { pixelInclusive: true }); // 50 / 150 = 1/3
 * ```
 */
export function boxIoU(a: ArrayLike<number>, b: ArrayLike<number>, options?: BoxOptions): number {
  return boxIoUAt(a, 0, b, 0, options?.pixelInclusive === true);
}

/**
 * IoU of one box against each of `M` packed boxes.
 *
 * @param box - `[x1, y1, x2, y2]`.
 * @param boxes - `M × 4` packed boxes.
 * @param out - optional output of length ≥ M (reused).
 * @returns `[M]` IoUs.
 * @example
 * ```ts
 * oneToManyIoU([0, 0, 10, 10], new Float64Array([0, 0, 10, 10, 20, 20, 30, 30])); // [1, 0]
 * ```
 */
export function oneToManyIoU(
  box: ArrayLike<number>,
  boxes: BoxArray,
  options?: BoxOptions,
  out?: Float64Array,
): Float64Array {
  const m = boxCount(boxes, 'oneToManyIoU boxes');
  const result = checkedOut(out, m, 'oneToManyIoU');
  const inclusive = options?.pixelInclusive === true;
  for (let j = 0; j < m; j++) result[j] = boxIoUAt(box, 0, boxes, j, inclusive);
  return result;
}

/**
 * Full IoU matrix of `N` boxes against `M` boxes (detectron2 `pairwise_iou`): entry `i·M + j` is
 * `IoU(a_i, b_j)`.
 *
 * The inner loop reads only typed arrays and allocates nothing; areas of `b` are computed once.
 *
 * @param a - `N × 4` packed boxes.
 * @param b - `M × 4` packed boxes.
 * @param out - optional output of length ≥ N·M (reused).
 * @returns `[N·M]` row-major IoUs.
 * @example
 * ```ts
 * const a = new Float64Array([0, 0, 10, 10]);
 * const b = new Float64Array([0, 0, 10, 10, 5, 0, 15, 10]);
 * pairwiseIoU(a, b); // Float64Array [1, 1/3]
 * ```
 */
export function pairwiseIoU(
  a: BoxArray,
  b: BoxArray,
  options?: BoxOptions,
  out?: Float64Array,
): Float64Array {
  const n = boxCount(a, 'pairwiseIoU a');
  const m = boxCount(b, 'pairwiseIoU b');
  const result = checkedOut(out, n * m, 'pairwiseIoU');
  const p = options?.pixelInclusive === true ? 1 : 0;
  const areaB = new Float64Array(m);
  for (let j = 0; j < m; j++) {
    const w = b[4 * j + 2]! - b[4 * j]! + p;
    const h = b[4 * j + 3]! - b[4 * j + 1]! + p;
    areaB[j] = w > 0 && h > 0 ? w * h : 0;
  }
  for (let i = 0; i < n; i++) {
    const ax1 = a[4 * i]!;
    const ay1 = a[4 * i + 1]!;
    const ax2 = a[4 * i + 2]!;
    const ay2 = a[4 * i + 3]!;
    const aw = ax2 - ax1 + p;
    const ah = ay2 - ay1 + p;
    const areaA = aw > 0 && ah > 0 ? aw * ah : 0;
    const row = i * m;
    for (let j = 0, o = 0; j < m; j++, o += 4) {
      let v = 0;
      const iw = Math.min(ax2, b[o + 2]!) - Math.max(ax1, b[o]!) + p;
      if (iw > 0) {
        const ih = Math.min(ay2, b[o + 3]!) - Math.max(ay1, b[o + 1]!) + p;
        if (ih > 0) {
          const inter = iw * ih;
          const union = areaA + areaB[j]! - inter;
          if (union > 0) v = inter / union;
        }
      }
      result[row + j] = v;
    }
  }
  return result;
}

/**
 * Row-by-row IoU of two equally long box arrays (detectron2 `matched_pairwise_iou`): entry `i` is
 * `IoU(a_i, b_i)`.
 *
 * @param a - `N × 4` packed boxes.
 * @param b - `N × 4` packed boxes.
 * @param out - optional output of length ≥ N (reused).
 * @returns `[N]` IoUs.
 * @example
 * ```ts
 * matchedIoU(new Float64Array([0, 0, 1, 1, 0, 0, 2, 2]), new Float64Array([0, 0, 1, 1, 0, 0, 1, 1]));
 * // Float64Array [1, 0.25]
 * ```
 */
export function matchedIoU(
  a: BoxArray,
  b: BoxArray,
  options?: BoxOptions,
  out?: Float64Array,
): Float64Array {
  const n = boxCount(a, 'matchedIoU a');
  const m = boxCount(b, 'matchedIoU b');
  if (n !== m) throw new RangeError(`matchedIoU: a has ${n} boxes but b has ${m}; expected equal`);
  const result = checkedOut(out, n, 'matchedIoU');
  const inclusive = options?.pixelInclusive === true;
  for (let i = 0; i < n; i++) result[i] = boxIoUAt(a, i, b, i, inclusive);
  return result;
}

function checkedOut(out: Float64Array | undefined, n: number, what: string): Float64Array {
  if (out === undefined) return new Float64Array(n);
  if (out.length < n) throw new RangeError(`${what}: out has length ${out.length}, need ≥ ${n}`);
  return out;
}
