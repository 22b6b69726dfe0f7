import type { FrameDetections } from '@tubekit/geometry';
import { LinkingInputError } from './errors';
import { type InputSource, videoRanges } from './video-ranges';

/**
 * Rebuilds each detection's class-score vector from a per-class frame-detection export, for
 * {@link multiClassTrimming}: detectors that score every class for every box (SSD, ACT, ROAD/Singh)
 * are exported as one row per (box, class) with the **same** box coordinates; rows of one frame
 * with bit-identical `[x1, y1, x2, y2]` are taken to be one box, whose vector holds each row's
 * score at its label and 0 for classes without a row. Every row gets its box's vector.
 *
 * This is a reconstruction: it is exact for such exports, and for detectors that regress boxes
 * per class (distinct coordinates) it gives one-hot vectors, with which multi-class smoothing
 * keeps each path's own class.
 *
 * @param classes - number of classes C (every label must be < C).
 * @returns `length × C` row-major, aligned with `dets` rows.
 * @example
 * ```ts
 * const classScores = classScoresFromRows(dets, dataset.labels.length);
 * const tubes = linkOnline(dets, SINGH_ONLINE_LINKING, { classScores, classes: dataset.labels.length });
 * ```
 */
export function classScoresFromRows(
  dets: FrameDetections,
  classes: number,
  input: InputSource = {},
): Float64Array {
  const out = new Float64Array(dets.length * classes);
  const order = new Int32Array(dets.length);
  const b = dets.boxes;
  for (const range of videoRanges(dets, input)) {
    let r = range.begin;
    while (r < range.end) {
      let re = r;
      while (re < range.end && dets.frame[re] === dets.frame[r]) re++;
      const rows = order.subarray(0, re - r);
      for (let i = 0; i < rows.length; i++) rows[i] = r + i;
      rows.sort(
        (p, q) =>
          b[4 * p]! - b[4 * q]! ||
          b[4 * p + 1]! - b[4 * q + 1]! ||
          b[4 * p + 2]! - b[4 * q + 2]! ||
          b[4 * p + 3]! - b[4 * q + 3]! ||
          p - q,
      );
      let g = 0;
      while (g < rows.length) {
        const first = rows[g]!;
        let ge = g + 1;
        while (
          ge < rows.length &&
          b[4 * rows[ge]!] === b[4 * first] &&
          b[4 * rows[ge]! + 1] === b[4 * first + 1] &&
          b[4 * rows[ge]! + 2] === b[4 * first + 2] &&
          b[4 * rows[ge]! + 3] === b[4 * first + 3]
        )
          ge++;
        for (let i = g; i < ge; i++) {
          const row = rows[i]!;
          const label = dets.label[row]!;
          if (label >= classes)
            throw new LinkingInputError(
              `${input.source ?? 'detections'}: row ${row} has label ${label}, expected < ${classes} classes`,
            );
          const at = first * classes + label;
          out[at] = Math.max(out[at]!, dets.score[row]!);
        }
        for (let i = g + 1; i < ge; i++)
          out.set(out.subarray(first * classes, (first + 1) * classes), rows[i]! * classes);
        g = ge;
      }
      r = re;
    }
  }
  return out;
}
