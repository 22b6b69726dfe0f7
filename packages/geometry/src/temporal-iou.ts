import { type Tube, tubeEnd } from './tube';

/**
 * Which published evaluator's tube-overlap rules to follow (`spec/metrics.md`, conventions table):
 *
 * | convention | temporal IoU (∩ = tmax − tmin, ∪ = maxEnd − minStart, frames inclusive) | spatial IoU default |
 * |---|---|---|
 * | `act` (ACT, MOC `iou3dt`) | 0 if tmax < tmin, else (∩+1)/(∪+1): one shared frame is > 0 | inclusive pixels (+1) |
 * | `voc` (MultiSports, mmaction2 port) | ∩/∪ without +1, 0 if ∩ ≤ 0: one shared frame gives 0 | continuous |
 * | `singh` (corrected UCF101-24 MATLAB) | 0 if ∩ ≤ 0, else (∩+1)/(∪+1) | continuous |
 * | `yowo` (YOWO `iou3dt`) | 0 if tmax ≤ tmin, else (∩+1)/(∪+1) | inclusive pixels (+1) |
 */
export type TubeIoUConvention = 'act' | 'voc' | 'singh' | 'yowo';

/**
 * Temporal IoU of the frame spans `[sa, ea]` and `[sb, eb]` (1-based, inclusive) under a
 * convention; the allocation-free kernel behind {@link temporalIoU}.
 *
 * @example
 * ```ts
 * temporalIoUOfSpans(1, 10, 10, 20, 'act'); // 1/20
 * temporalIoUOfSpans(1, 10, 10, 20, 'voc'); // 0
 * ```
 */
export function temporalIoUOfSpans(
  sa: number,
  ea: number,
  sb: number,
  eb: number,
  convention: TubeIoUConvention,
): number {
  const tmin = Math.max(sa, sb);
  const tmax = Math.min(ea, eb);
  const inter = tmax - tmin;
  const union = Math.max(ea, eb) - Math.min(sa, sb);
  switch (convention) {
    case 'act':
      return inter < 0 ? 0 : (inter + 1) / (union + 1);
    case 'voc':
      // The reference divides 0/0 for two identical one-frame tubes; tubekit returns 0 (no match).
      return inter <= 0 ? 0 : inter / union;
    case 'singh':
    case 'yowo':
      return inter <= 0 ? 0 : (inter + 1) / (union + 1);
    default:
      throw new TypeError(
        `temporalIoU: unknown convention ${String(convention)}; expected 'act' | 'voc' | 'singh' | 'yowo'`,
      );
  }
}

/**
 * Temporal IoU of two tubes' frame spans under an evaluator's convention (see
 * {@link TubeIoUConvention} for the exact formula of each).
 *
 * Two tubes sharing exactly one frame: `act` gives 1/(∪+1) > 0; `voc`, `singh` and `yowo` give 0.
 * Two identical one-frame tubes: 1 under `act`; 0 under `singh` and `yowo` (∩ = 0) and under `voc`
 * (whose reference divides 0/0). A tube of two or more frames has temporal IoU 1 with itself under
 * every convention.
 *
 * @example
 * ```ts
 * const a = { start: 1, boxes: new Float64Array(4 * 10) }; // frames 1…10
 * const b = { start: 6, boxes: new Float64Array(4 * 10) }; // frames 6…15
 * temporalIoU(a, b, 'act'); // (4 + 1) / (14 + 1) = 1/3
 * temporalIoU(a, b, 'voc'); // 4 / 14
 * ```
 */
export function temporalIoU(a: Tube, b: Tube, convention: TubeIoUConvention): number {
  return temporalIoUOfSpans(a.start, tubeEnd(a), b.start, tubeEnd(b), convention);
}
