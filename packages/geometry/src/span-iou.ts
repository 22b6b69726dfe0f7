import { output } from './box-convert';
import { spanCount } from './span';
import { type TubeIoUConvention, temporalIoUOfSpans } from './temporal-iou';

/**
 * Options of {@link pairwiseSpanIoU} and {@link matchedSpanIoU}.
 */
export interface SpanIoUOptions {
  /**
   * How overlap is counted, the conventions of {@link temporalIoUOfSpans}. Default `'voc'`:
   * continuous `∩/∪` with `∩ = min(e) − max(s)`, `∪ = max(e) − min(s)` — the segment IoU of R-C3D
   * (Xu et al. ICCV 2017) and of CFAD's TPN on fractional cell times. `'act'`, `'singh'` and
   * `'yowo'` treat spans as inclusive integer frames (+1).
   */
  convention?: TubeIoUConvention;
}

/**
 * Temporal IoU of every span of `a` with every span of `b` (detectron2-style `pairwise_iou` for
 * 1-D segments): `out[i·M + j] = IoU(a_i, b_j)`. The overlap kernel is
 * {@link temporalIoUOfSpans}, the same one tube IoU uses, so a convention means one formula
 * everywhere.
 *
 * @param a - `N × 2` packed `[start, end]`.
 * @param b - `M × 2` packed `[start, end]`.
 * @param out - optional output of length ≥ `N·M`.
 * @returns `[N, M]` row-major IoUs.
 * @example
 * ```ts
 * pairwiseSpanIoU(new Float64Array([0, 4]), new Float64Array([2, 6, 4, 8])); // [2/6, 0]
 * ```
 */
export function pairwiseSpanIoU(
  a: ArrayLike<number>,
  b: ArrayLike<number>,
  options?: SpanIoUOptions,
  out?: Float64Array,
): Float64Array {
  const n = spanCount(a, 'pairwiseSpanIoU a');
  const m = spanCount(b, 'pairwiseSpanIoU b');
  const convention = options?.convention ?? 'voc';
  const r = output(out, n * m, 'pairwiseSpanIoU');
  for (let i = 0; i < n; i++) {
    const sa = a[2 * i]!;
    const ea = a[2 * i + 1]!;
    for (let j = 0; j < m; j++)
      r[i * m + j] = temporalIoUOfSpans(sa, ea, b[2 * j]!, b[2 * j + 1]!, convention);
  }
  return r;
}

/**
 * Temporal IoU of matched pairs (detectron2-style `matched_pairwise_iou` for 1-D segments):
 * `out[i] = IoU(a_i, b_i)`.
 *
 * @param a - `N × 2` packed `[start, end]`.
 * @param b - `N × 2` packed `[start, end]`.
 * @returns `[N]` IoUs.
 * @throws RangeError when `a` and `b` hold different numbers of spans.
 * @example
 * ```ts
 * matchedSpanIoU(new Float64Array([0, 4, 0, 4]), new Float64Array([2, 6, 0, 4])); // [2/6, 1]
 * ```
 */
export function matchedSpanIoU(
  a: ArrayLike<number>,
  b: ArrayLike<number>,
  options?: SpanIoUOptions,
  out?: Float64Array,
): Float64Array {
  const n = spanCount(a, 'matchedSpanIoU a');
  const m = spanCount(b, 'matchedSpanIoU b');
  if (n !== m)
    throw new RangeError(`matchedSpanIoU: a has ${n} spans but b has ${m}; expected equal`);
  const convention = options?.convention ?? 'voc';
  const r = output(out, n, 'matchedSpanIoU');
  for (let i = 0; i < n; i++)
    r[i] = temporalIoUOfSpans(a[2 * i]!, a[2 * i + 1]!, b[2 * i]!, b[2 * i + 1]!, convention);
  return r;
}
