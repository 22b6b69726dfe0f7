import { greedyNMS, type NMSOptions, type NMSResult } from './nms';
import type { TubeIoUConvention } from './temporal-iou';
import type { Tube } from './tube';
import { tubeIoU } from './tube-iou';

/** Options of {@link tubeNMS}. */
export interface TubeNMSOptions extends NMSOptions {
  /** Tube IoU convention ({@link tubeIoU}); also sets the default pixel convention. */
  convention: TubeIoUConvention;
}

/**
 * NMS of whole tubes with spatio-temporal tube IoU (ACT's per-video tube NMS before video-mAP,
 * YOWO `nms_3d`): greedy, keep a tube if its tube IoU with every kept tube is ≤ `iouThreshold`.
 * `pixelInclusive` defaults to the convention's own ({@link conventionPixelInclusive}).
 *
 * @example
 * ```ts
 * const box = [0, 0, 10, 10];
 * const a = { start: 1, boxes: new Float64Array([...box, ...box, ...box]) };
 * const b = { start: 2, boxes: new Float64Array([...box, ...box, ...box]) };
 * tubeNMS([a, b], [0.9, 0.8], { iouThreshold: 0.3, convention: 'act' }).keep; // [0]
 * ```
 */
export function tubeNMS(
  tubes: Tube[],
  scores: ArrayLike<number>,
  options: TubeNMSOptions,
): NMSResult {
  const iouOptions = { convention: options.convention, pixelInclusive: options.pixelInclusive };
  return greedyNMS(
    tubes.length,
    scores,
    options,
    (i, j) => tubeIoU(tubes[i]!, tubes[j]!, iouOptions),
    'tubeNMS',
  );
}
