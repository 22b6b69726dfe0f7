import { greedyNMS, type NMSOptions, type NMSResult } from './nms';
import { spanCount } from './span';
import type { SpanIoUOptions } from './span-iou';
import { temporalIoUOfSpans } from './temporal-iou';

/** Options of {@link spanNMS}: the NMS options of tubekit (hard or soft) and a span IoU convention. */
export type SpanNMSOptions = Omit<NMSOptions, 'pixelInclusive'> & SpanIoUOptions;

/**
 * Temporal non-maximum suppression of 1-D spans (R-C3D's proposal NMS, Xu et al. ICCV 2017 §3.2;
 * CFAD's TPN, Li et al. ECCV 2020 §3.1, spec: NMS 0.7, top 5), on the same greedy engine as
 * box, tubelet and tube NMS (see {@link NMSOptions}: hard by default, keep unless a kept span has
 * IoU > `iouThreshold`; ties by lower index; soft NMS on request). Overlap is
 * {@link pairwiseSpanIoU}'s, continuous by default.
 *
 * @param spans - `N × 2` packed `[start, end]`.
 * @param scores - `N` scores.
 * @example
 * ```ts
 * spanNMS(new Float64Array([0, 10, 1, 10, 20, 30]), [0.9, 0.8, 0.7], { iouThreshold: 0.7 }).keep;
 * // Int32Array [0, 2]  (IoU(0, 1) = 0.9)
 * ```
 */
export function spanNMS(
  spans: ArrayLike<number>,
  scores: ArrayLike<number>,
  options: SpanNMSOptions,
): NMSResult {
  const n = spanCount(spans, 'spanNMS spans');
  const convention = options.convention ?? 'voc';
  const iou = (i: number, j: number): number =>
    temporalIoUOfSpans(
      spans[2 * i]!,
      spans[2 * i + 1]!,
      spans[2 * j]!,
      spans[2 * j + 1]!,
      convention,
    );
  return greedyNMS(n, scores, options, iou, 'spanNMS');
}
