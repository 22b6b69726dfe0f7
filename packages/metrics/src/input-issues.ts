/**
 * Kinds of bad detection input a metric refuses (or, when lenient, skips and counts):
 * - `'unknown-video'`: a video the ground truth does not have;
 * - `'unknown-label'`: a label that is not an integer index into the GT's label list (or an AVA
 *   action id outside the labelmap where that is an error);
 * - `'bad-score'`: a score that is NaN or infinite, or negative where the metric ranks frame detections (video-mAP ranks any finite tube score);
 * - `'bad-box'`: a non-finite coordinate or x2 < x1 / y2 < y1;
 * - `'bad-frame'`: a frame that is not an integer ≥ 1, beyond the video's `nframes`, or an
 *   empty tube.
 */
export type InputIssueKind =
  | 'unknown-video'
  | 'unknown-label'
  | 'bad-score'
  | 'bad-box'
  | 'bad-frame';

/** Counts of skipped detections per issue kind (lenient mode) and of detections left out by design. */
export interface InputWarnings {
  /** Skipped detections per {@link InputIssueKind} (only in lenient mode; otherwise they throw). */
  skipped: Partial<Record<InputIssueKind, number>>;
  /** Detections on videos of the GT that are not among the evaluated videos (never an error). */
  outsideEvaluatedVideos: number;
}

/**
 * A detection that no protocol can evaluate. The message names the detection (its 0-based row
 * in the input, or tube index), its video and what was expected; callers that read the
 * detections from a file prefix the file and line.
 *
 * @example
 * ```ts
 * try {
 *   frameMeanAP(dataset, detections, { protocol: vocProtocol });
 * } catch (error) {
 *   if (error instanceof MetricsInputError) console.error(`dets.csv (data row ${error.row + 1}): ${error.detail}`);
 * }
 * ```
 */
export class MetricsInputError extends Error {
  constructor(
    readonly kind: InputIssueKind,
    /** 0-based row of the offending detection in the container passed in. */
    readonly row: number,
    readonly detail: string,
  ) {
    super(`detection ${row}: ${detail}`);
    this.name = 'MetricsInputError';
  }
}

/** Throws, or counts and returns false in lenient mode. */
export class IssueTracker {
  readonly warnings: InputWarnings = { skipped: {}, outsideEvaluatedVideos: 0 };

  constructor(readonly lenient: boolean) {}

  report(kind: InputIssueKind, row: number, detail: string): false {
    if (!this.lenient) throw new MetricsInputError(kind, row, detail);
    this.warnings.skipped[kind] = (this.warnings.skipped[kind] ?? 0) + 1;
    return false;
  }
}
