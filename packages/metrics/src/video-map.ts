import { type DetectedTube, type Tube, tubeIoU, tubeNMS } from '@tubekit/geometry';
import { ClassScores } from './class-scores';
import { GroundTruthIndex, type GroundTruthInput, type GroundTruthTubeInput } from './ground-truth';
import { IssueTracker } from './input-issues';
import { distinctThresholds, type IoUEntry, parseIoUEntries } from './iou-thresholds';
import { matchRanked } from './match';
import { type MeanAPOptions, type MeanAPResult, summarise } from './mean-ap';

/** Options of {@link videoMeanAP} and {@link VideoMeanAPEvaluator} (default `iou`: {@link DEFAULT_VIDEO_IOUS}). */
export type VideoMeanAPOptions = MeanAPOptions;

/** The IoUs video-mAP reports by default: 0.2, 0.5, 0.75 and the mean over 0.5:0.05:0.95. */
export const DEFAULT_VIDEO_IOUS: ReadonlyArray<number | string> = [0.2, 0.5, 0.75, '0.5:0.95'];

function shifted(tube: Tube, offset: number): Tube {
  if (offset === 0) return tube;
  const boxes = new Float64Array(tube.boxes.length);
  for (let i = 0; i < boxes.length; i++) boxes[i] = tube.boxes[i]! + offset;
  return { start: tube.start, boxes };
}

/**
 * Streaming video-mAP (AP of whole detected tubes against GT tubes, averaged over classes) under a
 * protocol profile.
 *
 * Per video and label the profile's tube NMS runs first (`act`: `nms3dt` at 0.3); then every
 * kept tube is matched, by descending score within the video, against the video's GT tubes of
 * its label with the profile's spatio-temporal tube IoU (`tubeIoU` of `@tubekit/geometry`:
 * temporal IoU × mean per-frame IoU over shared frames), threshold test and duplicate rule.
 * Matching is local to a video, so videos can be added one at a time; only a score and a TP flag
 * per threshold are kept per tube. AP and mean follow the profile (spec/metrics.md "video-mAP").
 *
 * @example
 * ```ts
 * const ev = new VideoMeanAPEvaluator(dataset, { protocol: actProtocol, iou: [0.2, 0.5] });
 * for (const [video, tubes] of tubesByVideo) ev.addVideo(video, tubes);
 * ev.result();
 * ```
 */
export class VideoMeanAPEvaluator {
  private readonly index: GroundTruthIndex;
  private readonly entries: IoUEntry[];
  private readonly thresholds: number[];
  private readonly classes: ClassScores[];
  private readonly gtCounts: Float64Array;
  private readonly issues: IssueTracker;
  private readonly added = new Set<string>();
  private taken = new Uint8Array(16);

  constructor(
    readonly gt: GroundTruthInput,
    readonly options: VideoMeanAPOptions,
  ) {
    this.index = new GroundTruthIndex(gt, options.videos);
    this.entries = parseIoUEntries(options.iou ?? DEFAULT_VIDEO_IOUS);
    this.thresholds = distinctThresholds(this.entries);
    this.classes = gt.labels.map(() => new ClassScores(this.thresholds.length));
    this.issues = new IssueTracker(options.lenient === true);
    this.gtCounts = new Float64Array(gt.labels.length);
    for (const video of this.index.evaluatedVideos())
      for (const tube of video.tubes)
        if (tube.label >= 0 && tube.label < gt.labels.length) this.gtCounts[tube.label]++;
  }

  /** Adds detected tubes of any videos (grouped by `tube.video`); each video may be added once. */
  add(tubes: readonly DetectedTube[]): void {
    const byVideo = new Map<string, number[]>();
    tubes.forEach((tube, i) => {
      let list = byVideo.get(tube.video);
      if (list === undefined) byVideo.set(tube.video, (list = []));
      list.push(i);
    });
    for (const [video, rows] of byVideo) this.addRows(video, tubes, rows);
  }

  /** Adds all detected tubes of one video (their `video` field is not read). */
  addVideo(video: string, tubes: readonly DetectedTube[]): void {
    this.addRows(
      video,
      tubes,
      tubes.map((_, i) => i),
    );
  }

  private addRows(video: string, tubes: readonly DetectedTube[], rows: number[]): void {
    const gtVideo = this.index.admitVideo(video, rows, this.issues, this.added, {
      metric: 'video-mAP',
      items: 'tubes',
    });
    if (gtVideo === undefined) return;
    const { protocol } = this.options;
    const rules = protocol.video;
    const L = this.gt.labels.length;
    const nframes = gtVideo.nframes ?? 0;

    const perLabel: number[][] = this.gt.labels.map(() => []);
    for (const row of rows) {
      const tube = tubes[row]!;
      const T = tube.boxes.length / 4;
      const where = () => `tube ${tube.id ?? row} of video ${JSON.stringify(video)}`;
      if (!(Number.isInteger(tube.label) && tube.label >= 0 && tube.label < L)) {
        this.issues.report(
          'unknown-label',
          row,
          `${where()}: label ${tube.label}, expected an integer in 0…${L - 1}`,
        );
        continue;
      }
      if (!(Number.isFinite(tube.score) && tube.score >= 0)) {
        this.issues.report(
          'bad-score',
          row,
          `${where()}: score ${tube.score}, expected a finite number ≥ 0`,
        );
        continue;
      }
      const end = tube.start + T - 1;
      if (
        !(
          Number.isInteger(tube.start) &&
          tube.start >= 1 &&
          T >= 1 &&
          Number.isInteger(T) &&
          (nframes <= 0 || end <= nframes)
        )
      ) {
        this.issues.report(
          'bad-frame',
          row,
          `${where()}: frames ${tube.start}…${end}, expected a non-empty run within 1…${nframes > 0 ? nframes : '∞'}`,
        );
        continue;
      }
      let boxOk = true;
      for (let t = 0; t < T && boxOk; t++) {
        const x1 = tube.boxes[4 * t]!;
        const y1 = tube.boxes[4 * t + 1]!;
        const x2 = tube.boxes[4 * t + 2]!;
        const y2 = tube.boxes[4 * t + 3]!;
        if (!(Number.isFinite(x1 + y1 + x2 + y2) && x2 >= x1 && y2 >= y1)) {
          boxOk = this.issues.report(
            'bad-box',
            row,
            `${where()}, frame ${tube.start + t}: box [${x1}, ${y1}, ${x2}, ${y2}], expected finite x1 ≤ x2, y1 ≤ y2`,
          );
        }
      }
      if (boxOk) perLabel[tube.label]!.push(row);
    }

    const gtByLabel: GroundTruthTubeInput[][] = this.gt.labels.map(() => []);
    for (const tube of gtVideo.tubes)
      if (tube.label >= 0 && tube.label < L) gtByLabel[tube.label]!.push(tube);

    const T = this.thresholds.length;
    const iouOptions = { convention: rules.temporal, pixelInclusive: rules.pixelInclusive };
    for (let label = 0; label < L; label++) {
      let candidates = perLabel[label]!;
      if (candidates.length === 0) continue;
      if (rules.tubeNMS !== null) {
        const kept = tubeNMS(
          candidates.map((r) => tubes[r]!),
          candidates.map((r) => tubes[r]!.score),
          {
            iouThreshold: rules.tubeNMS,
            convention: rules.temporal,
            pixelInclusive: rules.pixelInclusive,
          },
        ).keep;
        candidates = Array.from(kept, (k) => candidates[k]!);
      }
      candidates.sort((a, b) => tubes[b]!.score - tubes[a]!.score || a - b);
      const nd = candidates.length;
      const gts = gtByLabel[label]!;
      const ng = gts.length;
      const store = this.classes[label]!;
      const first = store.length;
      for (const r of candidates) store.push(tubes[r]!.score);
      if (ng === 0) continue;
      const iou = new Float64Array(nd * ng);
      for (let i = 0; i < nd; i++) {
        const det = shifted(tubes[candidates[i]!]!, rules.detectionOffset);
        for (let j = 0; j < ng; j++) iou[i * ng + j] = tubeIoU(det, gts[j]!, iouOptions);
      }
      if (this.taken.length < ng) this.taken = new Uint8Array(2 * ng);
      for (let t = 0; t < T; t++)
        matchRanked(
          iou,
          nd,
          ng,
          this.thresholds[t]!,
          rules.threshold,
          rules.duplicates,
          this.taken,
          store.tp,
          first * T + t,
          T,
        );
    }
  }

  /** Per-class AP and mAP at every requested IoU. */
  result(): MeanAPResult {
    return summarise(
      this.options.protocol,
      this.gt.labels,
      this.classes,
      this.gtCounts,
      this.entries,
      {
        recallEpsilon: this.options.protocol.video.recallEpsilon,
        float32PR: this.options.protocol.video.float32PR,
        curves: this.options.curves === true,
        warnings: this.issues.warnings,
      },
    );
  }
}

/**
 * Video-mAP of a set of detected tubes under a protocol, at several IoUs at once (one call of
 * {@link VideoMeanAPEvaluator}).
 *
 * @example
 * ```ts
 * import { videoMeanAP, actProtocol } from '@tubekit/metrics';
 * const r = videoMeanAP(dataset, tubes, { protocol: actProtocol, iou: [0.2, 0.5, '0.5:0.95'] });
 * r.results.map((x) => [x.iou, x.mAP]);
 * ```
 */
export function videoMeanAP(
  gt: GroundTruthInput,
  tubes: readonly DetectedTube[],
  options: VideoMeanAPOptions,
): MeanAPResult {
  const evaluator = new VideoMeanAPEvaluator(gt, options);
  evaluator.add(tubes);
  return evaluator.result();
}
