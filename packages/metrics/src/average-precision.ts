import type { APRule } from './protocol';

/** Options of {@link averagePrecision} and {@link precisionRecallCurve}. */
export interface AveragePrecisionOptions {
  /** How AP is read off the PR curve (see {@link APRule}). */
  rule: APRule;
  /** Round every precision and recall value to float32 first (ACT). Default false. */
  float32?: boolean;
  /** Added to the recall denominator (YOWO video-mAP: 1e-5). Default 0. */
  recallEpsilon?: number;
}

/**
 * Average precision of one class from its detections' true-positive flags in rank order
 * (descending score).
 *
 * With `n` detections and `G` GT instances, precision_i = TP_i / (i + 1) and
 * recall_i = TP_i / (G + recallEpsilon). Rules:
 * - `'voc-all-point'` (VOC devkit `VOCap`, MultiSports/YOWO `voc_ap`, Singh `xVOCap`, TF OD API
 *   `compute_average_precision`): `Σ (r_i − r_{i−1}) · max_{j ≥ i} p_j` over the points where
 *   recall changes, with sentinels (0, 0) and (1, 0);
 * - `'trapezoid'` (ACT `pr_to_ap`): `Σ (r_i − r_{i−1}) · (p_i + p_{i−1}) / 2` over the raw
 *   points, the first being (recall 0, precision 1).
 *
 * No detections give 0. `G = 0` gives `NaN` (recall is undefined); the protocol's mean rule
 * decides what that means (ACT and Singh score it 0, VOC leaves the class out).
 *
 * @param tp - `tp[stride·i + offset]` is 1 when the i-th ranked detection is a true positive.
 * @param n - number of detections.
 * @param gt - number of GT instances (boxes or tubes) of the class.
 * @example
 * ```ts
 * averagePrecision(new Uint8Array([1, 0, 1]), 3, 4, { rule: 'voc-all-point' }); // 0.25 + 0.25·2/3
 * averagePrecision(new Uint8Array([1, 0, 1]), 3, 4, { rule: 'trapezoid' });
 * ```
 */
export function averagePrecision(
  tp: ArrayLike<number>,
  n: number,
  gt: number,
  options: AveragePrecisionOptions,
  stride = 1,
  offset = 0,
): number {
  if (!(gt > 0)) return n === 0 && options.rule === 'trapezoid' ? 0 : Number.NaN;
  if (n === 0) return 0;
  const f32 = options.float32 === true;
  const denominator = gt + (options.recallEpsilon ?? 0);
  if (options.rule === 'trapezoid') {
    let ap = 0;
    let pPrev = 1;
    let rPrev = 0;
    let cum = 0;
    for (let i = 0; i < n; i++) {
      cum += tp[stride * i + offset]!;
      let p = cum / (i + 1);
      let r = cum / denominator;
      if (f32) {
        p = Math.fround(p);
        r = Math.fround(r);
      }
      ap += (r - rPrev) * (p + pPrev) * 0.5;
      pPrev = p;
      rPrev = r;
    }
    return ap;
  }
  // VOC all-point: one reverse pass with the running precision envelope. Recall only changes at
  // true positives, so the envelope at each recall step is the max precision from there on.
  let total = 0;
  for (let i = 0; i < n; i++) total += tp[stride * i + offset]!;
  let envelope = 0;
  let ap = 0;
  let cum = total;
  for (let i = n - 1; i >= 0; i--) {
    let p = cum / (i + 1);
    if (f32) p = Math.fround(p);
    if (p > envelope) envelope = p;
    const flag = tp[stride * i + offset]!;
    if (flag) {
      let r = cum / denominator;
      let rBefore = (cum - 1) / denominator;
      if (f32) {
        r = Math.fround(r);
        rBefore = Math.fround(rBefore);
      }
      ap += (r - rBefore) * envelope;
    }
    cum -= flag;
  }
  return ap;
}

/** A class's precision-recall curve, one point per ranked detection. */
export interface PRCurve {
  /** Precision after each ranked detection, in [0, 1]. */
  precision: Float64Array;
  /** Recall after each ranked detection, in [0, 1] (NaN without GT). */
  recall: Float64Array;
  /** Score of each ranked detection (descending). */
  score: Float64Array;
}

/**
 * The raw PR points of a ranked TP/FP sequence (no interpolation; what {@link averagePrecision}
 * integrates).
 *
 * @example
 * ```ts
 * const c = precisionRecallCurve(new Uint8Array([1, 0]), new Float64Array([0.9, 0.8]), 2, 1, {
 *   rule: 'voc-all-point',
 * });
 * c.precision; // [1, 0.5]
 * c.recall; // [1, 1]
 * ```
 */
export function precisionRecallCurve(
  tp: ArrayLike<number>,
  scores: ArrayLike<number>,
  n: number,
  gt: number,
  options: AveragePrecisionOptions,
  stride = 1,
  offset = 0,
): PRCurve {
  const precision = new Float64Array(n);
  const recall = new Float64Array(n);
  const score = new Float64Array(n);
  const f32 = options.float32 === true;
  const denominator = gt + (options.recallEpsilon ?? 0);
  let cum = 0;
  for (let i = 0; i < n; i++) {
    cum += tp[stride * i + offset]!;
    const p = cum / (i + 1);
    const r = gt > 0 ? cum / denominator : Number.NaN;
    precision[i] = f32 ? Math.fround(p) : p;
    recall[i] = f32 ? Math.fround(r) : r;
    score[i] = scores[i]!;
  }
  return { precision, recall, score };
}

/**
 * {@link averagePrecision} from the true positives' ranks alone, for a class whose ranked list is
 * too long to keep: `ranks[k]` (1-based, ascending) is the rank among all `n` ranked detections of
 * the k-th detection that is a true positive at some threshold, `tp[stride·k + offset]` its flag
 * at this one. Every other rank is a false positive, so only these ranks move recall; the result
 * is the same number, bit for bit, as {@link averagePrecision} on the whole list:
 * - `'voc-all-point'`: between true positives precision only falls, so the envelope
 *   `max_{j ≥ i} p_j` is reached at a true positive, `p = TP_k / rank_k`;
 * - `'trapezoid'`: a false positive adds `(r_i − r_{i−1}) · … = 0`; a true positive at rank R
 *   pairs `p_R` with `p_{R−1} = (TP − 1) / (R − 1)` (1 at R = 1).
 *
 * @example
 * ```ts
 * // the same list as averagePrecision([1, 0, 1], 3, 4, …): true positives at ranks 1 and 3
 * averagePrecisionAtRanks([1, 3], [1, 1], 2, 3, 4, { rule: 'voc-all-point' }); // 0.25 + 0.25·2/3
 * ```
 */
export function averagePrecisionAtRanks(
  ranks: ArrayLike<number>,
  tp: ArrayLike<number>,
  m: number,
  n: number,
  gt: number,
  options: AveragePrecisionOptions,
  stride = 1,
  offset = 0,
): number {
  if (!(gt > 0)) return n === 0 && options.rule === 'trapezoid' ? 0 : Number.NaN;
  if (n === 0) return 0;
  const f32 = options.float32 === true;
  const round = (v: number) => (f32 ? Math.fround(v) : v);
  const denominator = gt + (options.recallEpsilon ?? 0);
  let ap = 0;
  if (options.rule === 'trapezoid') {
    let cum = 0;
    for (let k = 0; k < m; k++) {
      if (!tp[stride * k + offset]) continue;
      cum++;
      const rank = ranks[k]!;
      const p = round(cum / rank);
      const pPrev = rank === 1 ? 1 : round((cum - 1) / (rank - 1));
      ap += (round(cum / denominator) - round((cum - 1) / denominator)) * (p + pPrev) * 0.5;
    }
    return ap;
  }
  let cum = 0;
  for (let k = 0; k < m; k++) cum += tp[stride * k + offset]!;
  let envelope = 0;
  for (let k = m - 1; k >= 0; k--) {
    if (!tp[stride * k + offset]) continue;
    const p = round(cum / ranks[k]!);
    if (p > envelope) envelope = p;
    ap += (round(cum / denominator) - round((cum - 1) / denominator)) * envelope;
    cum--;
  }
  return ap;
}
