import { type Tube, tubeNMS } from '@tubekit/geometry';

/** Options of {@link selectTubes}. */
export interface SelectTubesOptions {
  /** Tube NMS IoU threshold (§4.1: 0.2). */
  iouThreshold?: number;
  /** Tubes per video (§4.1: at most 3, "the maximum number of instances in a video"). */
  maxTubes?: number;
  /**
   * `'nms-first'` (default, spec's choice): NMS over all candidates, then the best `maxTubes`;
   * `'top-first'` (§4.1's literal order): the best `maxTubes`, then NMS, which can leave fewer.
   */
  order?: 'nms-first' | 'top-first';
}

/**
 * CFAD's per-video output selection (Li et al. ECCV 2020, §4.1): "at most 3 … estimated tubes
 * followed by a tube-wise NMS … IoU threshold of 0.2" (spatio-temporal tube IoU, `'voc'`
 * continuous boxes). No linking and no temporal trimming (§2.2). Returns candidate indices, best
 * first.
 *
 * @example
 * ```ts
 * selectTubes(tubes, scores); // ≤ 3 indices
 * selectTubes(tubes, scores, { order: 'top-first' });
 * ```
 */
export function selectTubes(
  tubes: Tube[],
  scores: ArrayLike<number>,
  options: SelectTubesOptions = {},
): Int32Array {
  const maxTubes = options.maxTubes ?? 3;
  const nms = { iouThreshold: options.iouThreshold ?? 0.2, convention: 'voc' as const };
  if ((options.order ?? 'nms-first') === 'nms-first')
    return tubeNMS(tubes, scores, { ...nms, topK: maxTubes }).keep;
  const top = Array.from(scores, (s, i) => [s, i] as const)
    .sort((a, b) => b[0] - a[0] || a[1] - b[1])
    .slice(0, maxTubes)
    .map(([, i]) => i);
  const kept = tubeNMS(
    top.map((i) => tubes[i]!),
    top.map((i) => scores[i]!),
    nms,
  ).keep;
  return Int32Array.from(kept, (k) => top[k]!);
}
