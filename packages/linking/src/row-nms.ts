import { boxIoUAt, boxNMS } from '@tubekit/geometry';

/** Per-frame, per-class box NMS settings (hard `boxNMS` of @tubekit/geometry) used by the linkers. */
export interface FrameNMSOptions {
  /** Suppress a box whose IoU with a kept, higher-scoring box exceeds this. */
  readonly iouThreshold: number;
  /** `true`: inclusive-pixel (+1) IoU. */
  readonly pixelInclusive: boolean;
  /** Keep at most this many (by score); absent: all. */
  readonly topK?: number;
}

const scratch = {
  boxes: new Float64Array(256),
  scores: new Float64Array(64),
  order: new Int32Array(64),
};

/**
 * Hard NMS over the detections `rows[0 … n)` of columnar `boxes`/`scores` (gathered into reused
 * buffers, so nothing is allocated per box): returns the kept **rows**, by descending score (ties:
 * earlier position in `rows`), at most `topK`. The one NMS step of every linker here; it calls
 * `boxNMS` of @tubekit/geometry, except when no two boxes overlap above the threshold (checked
 * with `boxIoUAt`), where NMS would keep them all and only the sort is needed.
 *
 * @param out - optional buffer for the result (used when long enough; the result is a view of it).
 * @example
 * ```ts
 * const kept = nmsRows(dets.boxes, dets.score, rowsOfFrame, rowsOfFrame.length, { iouThreshold: 0.3, pixelInclusive: false });
 * ```
 */
export function nmsRows(
  boxes: ArrayLike<number>,
  scores: ArrayLike<number>,
  rows: ArrayLike<number>,
  n: number,
  options: FrameNMSOptions,
  out?: Int32Array,
): Int32Array {
  if (scratch.scores.length < n) {
    scratch.scores = new Float64Array(2 * n);
    scratch.boxes = new Float64Array(8 * n);
    scratch.order = new Int32Array(2 * n);
  }
  const b = scratch.boxes;
  const s = scratch.scores;
  for (let i = 0; i < n; i++) {
    const r = rows[i]!;
    b[4 * i] = boxes[4 * r]!;
    b[4 * i + 1] = boxes[4 * r + 1]!;
    b[4 * i + 2] = boxes[4 * r + 2]!;
    b[4 * i + 3] = boxes[4 * r + 3]!;
    s[i] = scores[r]!;
  }
  const topK = options.topK ?? n;
  let overlap = false;
  for (let i = 1; i < n && !overlap; i++)
    for (let j = 0; j < i; j++)
      if (boxIoUAt(b, i, b, j, options.pixelInclusive) > options.iouThreshold) {
        overlap = true;
        break;
      }
  let keep: Int32Array;
  if (overlap) {
    keep = boxNMS(b.subarray(0, 4 * n), s.subarray(0, n), {
      iouThreshold: options.iouThreshold,
      pixelInclusive: options.pixelInclusive,
      topK,
    }).keep;
  } else {
    // NMS would keep every box: order by descending score, ties by position (insertion sort for
    // the usual handful, a comparison sort beyond).
    const order = scratch.order.subarray(0, n);
    for (let i = 0; i < n; i++) order[i] = i;
    if (n > 32) order.sort((p, q) => s[q]! - s[p]! || p - q);
    else
      for (let a = 1; a < n; a++) {
        const p = order[a]!;
        let c = a - 1;
        while (c >= 0 && s[order[c]!]! < s[p]!) {
          order[c + 1] = order[c]!;
          c--;
        }
        order[c + 1] = p;
      }
    keep = order.subarray(0, Math.min(n, topK));
  }
  const result =
    out !== undefined && out.length >= keep.length
      ? out.subarray(0, keep.length)
      : new Int32Array(keep.length);
  for (let i = 0; i < keep.length; i++) result[i] = rows[keep[i]!]!;
  return result;
}
