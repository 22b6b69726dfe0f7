import {
  type AveragePrecisionOptions,
  averagePrecision,
  type PRCurve,
  precisionRecallCurve,
} from './average-precision';
import type { ClassScores } from './class-scores';
import type { InputWarnings, MetricsInputError } from './input-issues';
import { distinctThresholds, type IoUEntry } from './iou-thresholds';
import type { MeanRule, ProtocolProfile } from './protocol';
import { rankByScore } from './rank';

/** One class's AP at one IoU entry. */
export interface ClassAP {
  /** Label name. */
  label: string;
  /**
   * AP as a fraction in [0, 1], or `null` when the protocol's mean rule leaves the class out
   * (no GT under `voc`/`yowo`/AVA; no GT or no detection under `mmaction2`).
   */
  ap: number | null;
  /** GT instances (boxes for frame-mAP, tubes for video-mAP) of the class. */
  gt: number;
  /** Detections of the class that were evaluated (after the protocol's selection and NMS). */
  det: number;
  /** The PR curve (single thresholds only, when `curves: true`). */
  curve?: PRCurve;
}

/** Results at one requested IoU (a threshold or a range such as `'0.5:0.95'`). */
export interface ThresholdResult {
  iou: number | string;
  /** Mean AP over the classes the protocol's mean rule includes, in [0, 1] (NaN if none). */
  mAP: number;
  classes: ClassAP[];
}

/** What every mean-AP function returns; `protocol` and `results` are the CLI's `--json` shape. */

/** Options shared by the frame- and video-mAP evaluators. */
export interface MeanAPOptions {
  /** The evaluation protocol (e.g. `actProtocol`, `protocolProfile('voc')`). */
  protocol: ProtocolProfile;
  /** IoU thresholds and ranges (`0.5`, `'0.5:0.95'`, `'0.1:0.1:0.9'`); each evaluator states its default. */
  iou?: ReadonlyArray<number | string>;
  /** Videos to evaluate (e.g. a split); default every GT video. Detections on other GT videos are skipped and counted. */
  videos?: readonly string[];
  /** Skip and count bad detections instead of throwing {@link MetricsInputError}. Default false. */
  lenient?: boolean;
  /** Attach PR curves to each class at single thresholds. Default false. */
  curves?: boolean;
}

/**
 * Which classes each mAP averages, and why: the protocol's {@link MeanRule} and the counts it
 * leads to. Under `act` every label is averaged, so labels with neither GT nor detections pull
 * the mean down (as in ACT's own `frameAP`/`videoAP`); a report should say how many.
 */
export interface MeanComposition {
  /** The protocol's mean rule. */
  rule: MeanRule;
  /** Classes averaged into every `mAP` of the result. */
  classesInMean: number;
  /** Classes in the mean without any GT instance (each scores 0 under `'all-labels'`). */
  classesWithoutGroundTruth: number;
  /** Of {@link MeanComposition.classesWithoutGroundTruth}, those without detections either. */
  classesWithoutGroundTruthOrDetections: number;
  /** Classes the rule leaves out of the mean (their `ap` is `null`). */
  classesLeftOut: number;
}

export interface MeanAPResult {
  protocol: string;
  results: ThresholdResult[];
  /** Which classes the means average, and why. */
  mean: MeanComposition;
  warnings: InputWarnings;
}

/** How {@link summarise} and {@link summariseAPs} read the PR curves and what they report. */
export interface SummaryOptions {
  recallEpsilon: number;
  float32PR: boolean;
  curves: boolean;
  warnings: InputWarnings;
}

/**
 * Turns per-class ranked TP flags into per-class AP and mAP for every requested IoU entry, under
 * the protocol's AP rule and mean rule. Internal to the evaluators.
 */
export function summarise(
  protocol: ProtocolProfile,
  labels: readonly string[],
  classes: readonly ClassScores[],
  gtCounts: ArrayLike<number>,
  entries: readonly IoUEntry[],
  options: SummaryOptions,
): MeanAPResult {
  const thresholds = distinctThresholds(entries);
  const T = thresholds.length;
  // ap[c][t]
  const ap: number[][] = [];
  const curves: (PRCurve | undefined)[][] = [];
  for (let c = 0; c < labels.length; c++) {
    const store = classes[c]!;
    const n = store.length;
    const order = rankByScore(store.scores, n, protocol.float32Scores);
    const ranked = new Uint8Array(n * T);
    const scores = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      const src = order[i]! * T;
      for (let t = 0; t < T; t++) ranked[i * T + t] = store.tp[src + t]!;
      scores[i] = store.scores[order[i]!]!;
    }
    const apOptions = apOptionsOf(protocol, options);
    const row: number[] = [];
    const curveRow: (PRCurve | undefined)[] = [];
    for (let t = 0; t < T; t++) {
      row.push(averagePrecision(ranked, n, gtCounts[c]!, apOptions, T, t));
      curveRow.push(
        options.curves
          ? precisionRecallCurve(ranked, scores, n, gtCounts[c]!, apOptions, T, t)
          : undefined,
      );
    }
    ap.push(row);
    curves.push(curveRow);
  }
  return summariseAPs(
    protocol,
    labels,
    ap,
    curves,
    gtCounts,
    classes.map((c) => c.length),
    entries,
    options,
  );
}

/** The AP options of a protocol's ranked lists. */
export function apOptionsOf(
  protocol: ProtocolProfile,
  options: Pick<SummaryOptions, 'float32PR' | 'recallEpsilon'>,
): AveragePrecisionOptions {
  return { rule: protocol.ap, float32: options.float32PR, recallEpsilon: options.recallEpsilon };
}

/**
 * Per-class AP (`ap[c][t]` at each distinct threshold of `entries`) and curves into the
 * per-entry results and means, under the protocol's mean rule. Internal to the evaluators.
 */
export function summariseAPs(
  protocol: ProtocolProfile,
  labels: readonly string[],
  ap: readonly (readonly number[])[],
  curves: readonly (readonly (PRCurve | undefined)[])[] | undefined,
  gtCounts: ArrayLike<number>,
  detCounts: ArrayLike<number>,
  entries: readonly IoUEntry[],
  options: SummaryOptions,
): MeanAPResult {
  const thresholds = distinctThresholds(entries);
  const included = (c: number): boolean => {
    switch (protocol.mean) {
      case 'all-labels':
        return true;
      case 'labels-with-gt':
        return gtCounts[c]! > 0;
      case 'labels-with-gt-and-detections':
        return gtCounts[c]! > 0 && detCounts[c]! > 0;
    }
  };

  const results = entries.map((entry): ThresholdResult => {
    const ts = entry.thresholds.map((t) => thresholds.indexOf(t));
    const classResults: ClassAP[] = labels.map((label, c) => {
      let value: number | null = null;
      if (included(c)) {
        let sum = 0;
        for (const t of ts) {
          const v = ap[c]![t]!;
          sum += Number.isNaN(v) ? 0 : v; // ACT's undefined recall and Singh's NaN → 0
        }
        value = sum / ts.length;
      }
      const result: ClassAP = { label, ap: value, gt: gtCounts[c]!, det: detCounts[c]! };
      if (options.curves && curves && ts.length === 1) result.curve = curves[c]![ts[0]!];
      return result;
    });
    let sum = 0;
    let count = 0;
    for (const r of classResults) {
      if (r.ap === null) continue;
      sum += r.ap;
      count++;
    }
    return { iou: entry.iou, mAP: count > 0 ? sum / count : Number.NaN, classes: classResults };
  });
  const mean: MeanComposition = {
    rule: protocol.mean,
    classesInMean: 0,
    classesWithoutGroundTruth: 0,
    classesWithoutGroundTruthOrDetections: 0,
    classesLeftOut: 0,
  };
  for (let c = 0; c < labels.length; c++) {
    if (!included(c)) {
      mean.classesLeftOut++;
      continue;
    }
    mean.classesInMean++;
    if (gtCounts[c]! > 0) continue;
    mean.classesWithoutGroundTruth++;
    if (detCounts[c] === 0) mean.classesWithoutGroundTruthOrDetections++;
  }
  return { protocol: protocol.name, results, mean, warnings: options.warnings };
}
