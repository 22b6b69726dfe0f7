import type { ActionDataset } from '@tubekit/datasets';
import { boxIoUAt, extrapolateTubelet } from '@tubekit/geometry';

/** Temporal offsets Δ (frames) of the displacement analysis: STEP's 6 → 18 → 30 plus 12. */
export const DISPLACEMENT_DELTAS = [6, 12, 18, 30] as const;

/** One row of the displacement table. */
export interface DisplacementRow {
  delta: number;
  /** Box pairs (t, t+Δ) measured. */
  pairs: number;
  /** Mean IoU between the box at t and at t+Δ (a cuboid replicated from t: the "static" proposal). */
  staticIoU: number;
  /** Mean IoU between the Eq. 4 linear extrapolation from frames t−K+1…t and the box at t+Δ. */
  extrapolatedIoU: number;
  /** Share of the lost overlap that extrapolation recovers: (extrap − static) / (1 − static). */
  recovered: number;
  /** Fraction of pairs whose static IoU is below 0.5 (the proposal would be a miss at 0.5). */
  staticBelowHalf: number;
  extrapolatedBelowHalf: number;
}

/**
 * STEP's premise on real annotations (tier 2, no video): how far GT boxes move within Δ frames
 * (IoU of the box at t with the box at t+Δ, i.e. how well a cuboid replicated from frame t covers
 * frame t+Δ), and how much of that loss linear extrapolation (STEP Eq. 4 with the velocity of the
 * last K frames, `extrapolateTubelet` of @tubekit/geometry) recovers. Every t with t−K+1 and t+Δ
 * inside the same tube counts, pixel-continuous IoU.
 *
 * @example
 * const rows = spatialDisplacement(await loadDataset(tubekitDataPath('ucf101-24/pyannot.pkl')), 6);
 */
export function spatialDisplacement(dataset: ActionDataset, K = 6): DisplacementRow[] {
  const maxDelta = Math.max(...DISPLACEMENT_DELTAS);
  const ext = new Float64Array((K + maxDelta) * 4);
  return DISPLACEMENT_DELTAS.map((delta) => {
    let pairs = 0;
    let sStatic = 0;
    let sExtra = 0;
    let bStatic = 0;
    let bExtra = 0;
    for (const video of dataset.videos)
      for (const tube of video.tubes) {
        const T = tube.boxes.length / 4;
        for (let t = K - 1; t + delta < T; t++) {
          const window = tube.boxes.subarray((t - K + 1) * 4, (t + 1) * 4);
          extrapolateTubelet(
            window,
            K,
            { before: 0, after: delta },
            ext.subarray(0, (K + delta) * 4),
          );
          const st = boxIoUAt(tube.boxes, t, tube.boxes, t + delta);
          const ex = boxIoUAt(ext, K - 1 + delta, tube.boxes, t + delta);
          pairs++;
          sStatic += st;
          sExtra += ex;
          if (st < 0.5) bStatic++;
          if (ex < 0.5) bExtra++;
        }
      }
    const staticIoU = pairs ? sStatic / pairs : Number.NaN;
    const extrapolatedIoU = pairs ? sExtra / pairs : Number.NaN;
    return {
      delta,
      pairs,
      staticIoU,
      extrapolatedIoU,
      recovered: (extrapolatedIoU - staticIoU) / (1 - staticIoU),
      staticBelowHalf: pairs ? bStatic / pairs : Number.NaN,
      extrapolatedBelowHalf: pairs ? bExtra / pairs : Number.NaN,
    };
  });
}
