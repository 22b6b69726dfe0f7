import type { ActionDataset } from '@tubekit/datasets';
import {
  decodePolynomialTube,
  encodePolynomialTube,
  meanFrameIoU,
  normalizedTimestamps,
  selectKeyTimestamps,
  tubeLength,
} from '@tubekit/geometry';

/** v-MABO (%) of order-k polynomial fits of a dataset's GT tubes, and the Eq. 5 key counts. */
export interface PolynomialFitRow {
  order: number;
  /** Mean over classes of the mean per-tube IoU of the least-squares fit with the tube. */
  mabo: number;
}

/** Per class: the mean number of key timestamps Eq. 5 selects and how often it reaches ε. */
export interface KeyTimestampRow {
  label: string;
  tubes: number;
  meanKeys: number;
  /** Fraction (%) of tubes whose spline through the selected keys exceeds ε. */
  reached: number;
}

/**
 * How well order-k polynomials can describe real tubes (CFAD Eq. 1, spec §5 "report the LS-fit
 * v-MABO beside the trained one"): every GT tube's boxes are encoded against the tube's mean box
 * (R-CNN deltas, as the coarse module's θ lives in an anchor's delta space), fitted by least
 * squares at normalised times (Eq. 4; `encodePolynomialTube`), decoded (Eq. 6) and compared per
 * frame (mean frame IoU = tube IoU on the same span); averaged per class, then over classes. A tube
 * with fewer than k + 1 boxes is fitted at order `length − 1` (exact).
 */
export function polynomialFitMabo(
  dataset: ActionDataset,
  orders: readonly number[],
): PolynomialFitRow[] {
  return orders.map((order) => {
    const sum = new Float64Array(dataset.labels.length);
    const count = new Float64Array(dataset.labels.length);
    for (const video of dataset.videos)
      for (const tube of video.tubes) {
        const T = tubeLength(tube);
        const anchor = [0, 0, 0, 0];
        for (let i = 0; i < T; i++)
          for (let c = 0; c < 4; c++) anchor[c]! += tube.boxes[4 * i + c]! / T;
        if (!(anchor[2]! > anchor[0]! && anchor[3]! > anchor[1]!)) continue;
        const times = normalizedTimestamps(
          Float64Array.from({ length: T }, (_, i) => tube.start + i),
        );
        const k = Math.min(order, T - 1);
        const theta = encodePolynomialTube(tube.boxes, times, anchor, k);
        const fit = decodePolynomialTube(theta, anchor, times);
        sum[tube.label]! += meanFrameIoU(fit, tube.boxes, T);
        count[tube.label]! += 1;
      }
    let total = 0;
    let classes = 0;
    for (let c = 0; c < sum.length; c++)
      if (count[c]! > 0) {
        total += sum[c]! / count[c]!;
        classes++;
      }
    return { order, mabo: classes ? (100 * total) / classes : Number.NaN };
  });
}

/**
 * How many of N uniformly spaced timestamps CFAD's greedy cubic-spline selection (Eq. 5, ε = 0.8)
 * keeps per class of a dataset (`selectKeyTimestamps` of @tubekit/geometry), and the fraction of
 * tubes for which the spline through the keys exceeds ε.
 */
export function keyTimestampCounts(
  dataset: ActionDataset,
  samples: number,
  epsilon = 0.8,
): KeyTimestampRow[] {
  const rows = dataset.labels.map((label) => ({ label, tubes: 0, keys: 0, reached: 0 }));
  for (const video of dataset.videos)
    for (const tube of video.tubes) {
      if (tubeLength(tube) < 2) continue;
      const s = selectKeyTimestamps(tube, { samples, epsilon });
      const r = rows[tube.label]!;
      r.tubes++;
      r.keys += s.labels.reduce((a, b) => a + b, 0);
      r.reached += Number(s.iouTrace[s.iouTrace.length - 1]! > epsilon);
    }
  return rows
    .filter((r) => r.tubes > 0)
    .map((r) => ({
      label: r.label,
      tubes: r.tubes,
      meanKeys: r.keys / r.tubes,
      reached: (100 * r.reached) / r.tubes,
    }));
}
