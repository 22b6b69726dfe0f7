import { type BoxArray, type BoxOptions, boxCount } from './box-area';
import { boxIoUAt } from './box-iou';
import { type TubeIoUConvention, temporalIoUOfSpans } from './temporal-iou';
import { type Tube, tubeEnd } from './tube';

/** Options of {@link tubeIoU}. */
export interface TubeIoUOptions {
  /** The evaluator whose temporal IoU (and default pixel convention) to follow. */
  convention: TubeIoUConvention;
  /**
   * Override the spatial pixel convention. Default: inclusive (+1) for `act` and `yowo` (their
   * `area2d`/`overlap2d`), continuous for `voc` and `singh`.
   */
  pixelInclusive?: boolean;
}

/**
 * Whether a convention's reference evaluator measures per-frame box IoU in inclusive pixels.
 *
 * @example
 * ```ts
 * conventionPixelInclusive('act'); // true
 * conventionPixelInclusive('voc'); // false
 * ```
 */
export function conventionPixelInclusive(convention: TubeIoUConvention): boolean {
  return convention === 'act' || convention === 'yowo';
}

/**
 * Spatio-temporal tube IoU as the video-mAP evaluators define it (ACT/MOC `iou3dt`, MultiSports
 * `spatio_temporal_iou3d`, YOWO `iou3dt`, Singh's corrected UCF101-24 evaluator): the temporal
 * IoU of the two frame spans ({@link temporalIoU}, per convention) times the mean per-frame
 * spatial IoU over the frames both tubes cover.
 *
 * Tubes that share no frame (or whose temporal IoU is 0 under the convention) give 0.
 *
 * @example
 * ```ts
 * const a = { start: 1, boxes: new Float64Array([0, 0, 10, 10, 0, 0, 10, 10]) };
 * const b = { start: 2, boxes: new Float64Array([0, 0, 10, 10, 0, 0, 10, 10]) };
 * tubeIoU(a, b, { convention: 'act' }); // temporal (0+1)/(2+1) × spatial 1 = 1/3
 * tubeIoU(a, b, { convention: 'voc' }); // one shared frame → 0
 * ```
 */
export function tubeIoU(a: Tube, b: Tube, options: TubeIoUOptions): number {
  const ea = tubeEnd(a);
  const eb = tubeEnd(b);
  const tiou = temporalIoUOfSpans(a.start, ea, b.start, eb, options.convention);
  if (tiou === 0) return 0;
  const from = Math.max(a.start, b.start);
  const to = Math.min(ea, eb);
  const inclusive = options.pixelInclusive ?? conventionPixelInclusive(options.convention);
  let sum = 0;
  for (let f = from; f <= to; f++)
    sum += boxIoUAt(a.boxes, f - a.start, b.boxes, f - b.start, inclusive);
  return (tiou * sum) / (to - from + 1);
}

/** Options of {@link meanFrameIoU}. */
export interface MeanFrameIoUOptions extends BoxOptions {
  /** Row (box index, not float index) of `a` where the first tubelet box is. Default 0. */
  aOffset?: number;
  /** Row (box index) of `b` where the first tubelet box is. Default 0. */
  bOffset?: number;
}

/**
 * Mean per-frame IoU of two K-frame tubelets: `(1/K) Σ_k IoU(a[aOffset + k], b[bOffset + k])`
 * (ACT `iou3d`, the tubelet overlap of ACT/MOC tubelet NMS and linking). Allocates nothing.
 *
 * @param a - packed boxes holding a's K rows from row `aOffset` on (e.g. an `N × K × 4` tubelet
 *   array with `aOffset = K · n`).
 * @param b - packed boxes holding b's K rows from row `bOffset` on.
 * @param K - frames per tubelet (≥ 1).
 * @example
 * ```ts
 * const tubelets = new Float64Array([0, 0, 10, 10, 0, 0, 10, 10, 0, 0, 10, 10, 5, 0, 15, 10]);
 * meanFrameIoU(tubelets, tubelets, 2, { aOffset: 0, bOffset: 2 }); // (1 + 1/3) / 2
 * ```
 */
export function meanFrameIoU(
  a: BoxArray,
  b: BoxArray,
  K: number,
  options?: MeanFrameIoUOptions,
): number {
  const ao = options?.aOffset ?? 0;
  const bo = options?.bOffset ?? 0;
  if (!(Number.isInteger(K) && K >= 1))
    throw new RangeError(`meanFrameIoU: K = ${K}, expected an integer ≥ 1`);
  const na = boxCount(a, 'meanFrameIoU a');
  const nb = boxCount(b, 'meanFrameIoU b');
  if (!(Number.isInteger(ao) && ao >= 0 && ao + K <= na))
    throw new RangeError(`meanFrameIoU: aOffset ${ao} + K ${K} exceeds a's ${na} boxes`);
  if (!(Number.isInteger(bo) && bo >= 0 && bo + K <= nb))
    throw new RangeError(`meanFrameIoU: bOffset ${bo} + K ${K} exceeds b's ${nb} boxes`);
  const inclusive = options?.pixelInclusive === true;
  let sum = 0;
  for (let k = 0; k < K; k++) sum += boxIoUAt(a, ao + k, b, bo + k, inclusive);
  return sum / K;
}
