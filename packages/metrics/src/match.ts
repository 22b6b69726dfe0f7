import type { DuplicateRule, ThresholdTest } from './protocol';

/** Whether an IoU passes `threshold` under the protocol's test (NaN never does). */
export function passesIoU(iou: number, threshold: number, test: ThresholdTest): boolean {
  return test === 'above' ? iou > threshold : iou >= threshold;
}

/**
 * Matches one detection (the next by descending score) given its IoUs with the `nGT` GT of its
 * group, `iou[offset + j]`, and the group's `taken` flags from `takenOffset` on; marks the GT it
 * matches as taken. Returns 1 (true positive) or 0. See {@link matchRanked} for the rules.
 *
 * @example
 * ```ts
 * const taken = new Uint8Array(2);
 * matchOne([0.9, 0.6], 0, 2, 0.5, 'at-least', 'best-overall', taken); // 1, taken = [1, 0]
 * matchOne([0.8, 0.6], 0, 2, 0.5, 'at-least', 'best-overall', taken); // 0 (best GT taken)
 * matchOne([0.8, 0.6], 0, 2, 0.5, 'at-least', 'best-remaining', taken); // 1, taken = [1, 1]
 * ```
 */
export function matchOne(
  iou: ArrayLike<number>,
  offset: number,
  nGT: number,
  threshold: number,
  test: ThresholdTest,
  rule: DuplicateRule,
  taken: Uint8Array,
  takenOffset = 0,
): 0 | 1 {
  const remaining = rule === 'best-remaining';
  let best = -1;
  let bestIoU = Number.NEGATIVE_INFINITY;
  for (let j = 0; j < nGT; j++) {
    if (remaining && taken[takenOffset + j]) continue;
    const v = iou[offset + j]!;
    if (v > bestIoU) {
      bestIoU = v;
      best = j;
    }
  }
  if (best < 0 || taken[takenOffset + best]) return 0;
  if (passesIoU(bestIoU, threshold, test)) {
    taken[takenOffset + best] = 1;
    return 1;
  }
  return 0;
}

/**
 * Greedy matching of ranked detections to GT instances from an IoU matrix — the one matching
 * kernel behind frame-mAP, video-mAP and AVA mAP.
 *
 * Detections are the rows of `iou` (row-major `nDet × nGT`), already in processing order
 * (descending score). Under `'best-remaining'` (ACT, Singh) a detection takes the GT with the
 * highest IoU among those not yet matched; under `'best-overall'` (VOC, TF OD API) it looks at the
 * GT with the highest IoU overall and is a false positive if that GT is taken. Ties go to the
 * lower GT index (NumPy `argmax`, MATLAB's strict `>` scan). NaN IoUs never match.
 *
 * Writes 1 (true positive) or 0 to `out[outOffset + outStride·i]`. Allocates nothing.
 *
 * @param taken - scratch of length ≥ nGT (overwritten).
 * @example
 * ```ts
 * const iou = new Float64Array([0.9, 0.6, 0.8, 0.1]); // 2 detections × 2 GT
 * const out = new Uint8Array(2);
 * matchRanked(iou, 2, 2, 0.5, 'at-least', 'best-overall', new Uint8Array(2), out); // [1, 0]
 * matchRanked(iou, 2, 2, 0.5, 'at-least', 'best-remaining', new Uint8Array(2), out); // [1, 0]
 * ```
 */
export function matchRanked(
  iou: ArrayLike<number>,
  nDet: number,
  nGT: number,
  threshold: number,
  test: ThresholdTest,
  rule: DuplicateRule,
  taken: Uint8Array,
  out: Uint8Array,
  outOffset = 0,
  outStride = 1,
): void {
  taken.fill(0, 0, nGT);
  for (let i = 0; i < nDet; i++)
    out[outOffset + outStride * i] = matchOne(iou, i * nGT, nGT, threshold, test, rule, taken);
}
