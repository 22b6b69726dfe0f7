import type { FrameDetections } from '@tubekit/geometry';
import { boxIoUAt } from '@tubekit/geometry';
import { ClassScores } from './class-scores';
import {
  GroundTruthIndex,
  type GroundTruthInput,
  type GroundTruthVideoInput,
} from './ground-truth';
import { groupRows } from './group-rows';
import { IssueTracker } from './input-issues';
import { distinctThresholds, type IoUEntry, parseIoUEntries } from './iou-thresholds';
import { matchOne } from './match';
import { type MeanAPOptions, type MeanAPResult, summarise } from './mean-ap';
import { rankItemsByScore } from './rank';

/** The columns of {@link FrameDetections} that describe boxes (one video's rows, or many). */
export type FrameDetectionColumns = Pick<
  FrameDetections,
  'frame' | 'label' | 'score' | 'boxes' | 'length'
>;

/** Options of {@link frameMeanAP} and {@link FrameMeanAPEvaluator} (default `iou`: `[0.5]`). */
export type FrameMeanAPOptions = MeanAPOptions;

const FRAME_BITS = 2 ** 26;

/** One video's GT boxes sorted by (label, frame) with their sort keys. */
interface VideoGroundTruth {
  keys: Float64Array;
  boxes: Float64Array;
  /** `annotated[f]` is 1 when frame f has any GT box. */
  annotated: Uint8Array;
  nframes: number;
}

function indexVideo(
  video: GroundTruthVideoInput,
  labelCount: number,
  float32: boolean,
): VideoGroundTruth {
  let n = 0;
  let maxFrame = 0;
  for (const tube of video.tubes) {
    const T = tube.boxes.length / 4;
    n += T;
    if (tube.start + T - 1 > maxFrame) maxFrame = tube.start + T - 1;
  }
  const rawKeys = new Float64Array(n);
  const rawBoxes = new Float64Array(4 * n);
  const annotated = new Uint8Array(maxFrame + 1);
  let k = 0;
  for (const tube of video.tubes) {
    if (!(tube.label >= 0 && tube.label < labelCount)) continue;
    const T = tube.boxes.length / 4;
    for (let t = 0; t < T; t++, k++) {
      const frame = tube.start + t;
      rawKeys[k] = tube.label * FRAME_BITS + frame;
      annotated[frame] = 1;
      for (let c = 0; c < 4; c++) {
        const v = tube.boxes[4 * t + c]!;
        rawBoxes[4 * k + c] = float32 ? Math.fround(v) : v;
      }
    }
  }
  const order = new Int32Array(k);
  for (let i = 0; i < k; i++) order[i] = i;
  order.sort((a, b) => rawKeys[a]! - rawKeys[b]! || a - b);
  const keys = new Float64Array(k);
  const boxes = new Float64Array(4 * k);
  for (let i = 0; i < k; i++) {
    const o = order[i]!;
    keys[i] = rawKeys[o]!;
    for (let c = 0; c < 4; c++) boxes[4 * i + c] = rawBoxes[4 * o + c]!;
  }
  return { keys, boxes, annotated, nframes: video.nframes ?? 0 };
}

function lowerBound(keys: Float64Array, key: number): number {
  let lo = 0;
  let hi = keys.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (keys[mid]! < key) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/**
 * Streaming frame-mAP (per-frame detection AP averaged over classes) under a protocol profile.
 *
 * Add detections video by video ({@link FrameMeanAPEvaluator.addVideo}) or in any grouping
 * ({@link FrameMeanAPEvaluator.add}); each video's detections are matched when added, so only
 * a score and one TP flag per threshold are kept per detection. Call
 * {@link FrameMeanAPEvaluator.result} once at the end.
 *
 * Per class (spec/metrics.md "frame-mAP"): detections sorted by descending score; each is
 * matched against the GT boxes of its class on the same (video, frame) with the profile's IoU
 * convention, threshold test and duplicate rule; AP by the profile's AP rule; mAP by its mean
 * rule. Frames without GT count their detections as false positives unless the profile
 * evaluates annotated frames only (`yowo`).
 *
 * @example
 * ```ts
 * const ev = new FrameMeanAPEvaluator(dataset, { protocol: vocProtocol, iou: [0.5] });
 * ev.addVideo('v1', { frame, label, score, boxes, length });
 * ev.result().results[0].mAP;
 * ```
 */
export class FrameMeanAPEvaluator {
  private readonly index: GroundTruthIndex;
  private readonly entries: IoUEntry[];
  private readonly thresholds: number[];
  private readonly classes: ClassScores[];
  private readonly gtCounts: Float64Array;
  private readonly issues: IssueTracker;
  private readonly added = new Set<string>();
  private iou = new Float64Array(256);
  private readonly detBoxes = new Float64Array(4);
  private taken = new Uint8Array(64);

  constructor(
    readonly gt: GroundTruthInput,
    readonly options: FrameMeanAPOptions,
  ) {
    this.index = new GroundTruthIndex(gt, options.videos);
    this.entries = parseIoUEntries(options.iou ?? [0.5]);
    this.thresholds = distinctThresholds(this.entries);
    this.classes = gt.labels.map(() => new ClassScores(this.thresholds.length));
    this.issues = new IssueTracker(options.lenient === true);
    this.gtCounts = new Float64Array(gt.labels.length);
    for (const video of this.index.evaluatedVideos())
      for (const tube of video.tubes)
        if (tube.label >= 0 && tube.label < gt.labels.length)
          this.gtCounts[tube.label] += tube.boxes.length / 4;
  }

  /**
   * Adds detections of any number of videos (a whole {@link FrameDetections}); rows are grouped
   * by video. Each video may be added once.
   */
  add(detections: FrameDetections): void {
    const { rows, offsets } = groupRows(
      detections.videoIndex,
      detections.length,
      detections.videos.length,
    );
    for (let v = 0; v < detections.videos.length; v++) {
      if (offsets[v + 1] === offsets[v]) continue;
      this.addRows(detections.videos[v]!, detections, rows.subarray(offsets[v]!, offsets[v + 1]!));
    }
  }

  /** Adds all detections of one video (every row of `detections` belongs to `video`). */
  addVideo(video: string, detections: FrameDetectionColumns): void {
    const rows = new Int32Array(detections.length);
    for (let i = 0; i < rows.length; i++) rows[i] = i;
    this.addRows(video, detections, rows);
  }

  private addRows(video: string, d: FrameDetectionColumns, rows: Int32Array): void {
    const gtVideo = this.index.admitVideo(video, rows, this.issues, this.added, {
      metric: 'frame-mAP',
      items: 'detections',
    });
    if (gtVideo === undefined) return;
    const { protocol } = this.options;
    const rules = protocol.frame;
    const L = this.gt.labels.length;
    const g = indexVideo(gtVideo, L, rules.float32Boxes);

    const where = (frame: number) => `video ${JSON.stringify(video)}, frame ${frame}`;
    let n = 0;
    const valid = new Int32Array(rows.length);
    for (const row of rows) {
      const label = d.label[row]!;
      const frame = d.frame[row]!;
      const score = d.score[row]!;
      const x1 = d.boxes[4 * row]!;
      const y1 = d.boxes[4 * row + 1]!;
      const x2 = d.boxes[4 * row + 2]!;
      const y2 = d.boxes[4 * row + 3]!;
      if (!(Number.isInteger(label) && label >= 0 && label < L))
        this.issues.report(
          'unknown-label',
          row,
          `${where(frame)}: label ${label}, expected an integer in 0…${L - 1}`,
        );
      else if (!(Number.isFinite(score) && score >= 0))
        this.issues.report(
          'bad-score',
          row,
          `${where(frame)}: score ${score}, expected a finite number ≥ 0`,
        );
      else if (!(Number.isInteger(frame) && frame >= 1 && (g.nframes <= 0 || frame <= g.nframes)))
        this.issues.report(
          'bad-frame',
          row,
          `${where(frame)}: frame ${frame}, expected an integer in 1…${g.nframes > 0 ? g.nframes : '∞'}`,
        );
      else if (!(Number.isFinite(x1 + y1 + x2 + y2) && x2 >= x1 && y2 >= y1))
        this.issues.report(
          'bad-box',
          row,
          `${where(frame)}: box [${x1}, ${y1}, ${x2}, ${y2}], expected finite x1 ≤ x2, y1 ≤ y2`,
        );
      else valid[n++] = row;
    }
    // Matching is local to a (frame, label) group, so processing the video's detections in one
    // descending-score order (ties by row) is the per-group order of every reference.
    const order = rankItemsByScore(d.score, valid.subarray(0, n));
    const T = this.thresholds.length;
    const nGT = g.keys.length;
    if (this.taken.length < T * nGT) this.taken = new Uint8Array(2 * T * nGT);
    const taken = this.taken;
    taken.fill(0, 0, T * nGT);
    const db = this.detBoxes;
    for (let k = 0; k < n; k++) {
      const row = order[k]!;
      const label = d.label[row]!;
      const frame = d.frame[row]!;
      if (rules.frames === 'annotated' && !g.annotated[frame]) continue;
      const store = this.classes[label]!;
      const at = store.push(d.score[row]!);
      const key = label * FRAME_BITS + frame;
      const g0 = lowerBound(g.keys, key);
      let g1 = g0;
      while (g1 < nGT && g.keys[g1] === key) g1++;
      const ng = g1 - g0;
      if (ng === 0) continue;
      for (let c = 0; c < 4; c++) {
        const v = d.boxes[4 * row + c]! + rules.detectionOffset;
        db[c] = rules.float32Boxes ? Math.fround(v) : v;
      }
      if (this.iou.length < ng) this.iou = new Float64Array(2 * ng);
      const iou = this.iou;
      for (let j = 0; j < ng; j++) {
        let v = boxIoUAt(db, 0, g.boxes, g0 + j, rules.pixelInclusive);
        if (rules.requireContinuousContact) {
          const o = 4 * (g0 + j);
          if (
            db[0]! > g.boxes[o + 2]! ||
            g.boxes[o]! > db[2]! ||
            db[3]! < g.boxes[o + 1]! ||
            db[1]! > g.boxes[o + 3]!
          )
            v = 0;
        }
        iou[j] = v;
      }
      const tp = store.tp;
      for (let t = 0; t < T; t++)
        tp[at * T + t] = matchOne(
          iou,
          0,
          ng,
          this.thresholds[t]!,
          rules.threshold,
          rules.duplicates,
          taken,
          t * nGT + g0,
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
        recallEpsilon: 0,
        float32PR: this.options.protocol.frame.float32PR,
        curves: this.options.curves === true,
        warnings: this.issues.warnings,
      },
    );
  }
}

/**
 * Frame-mAP of a whole set of frame detections under a protocol (one call of
 * {@link FrameMeanAPEvaluator}).
 *
 * @example
 * ```ts
 * import { frameMeanAP, protocolProfile } from '@tubekit/metrics';
 * const { results } = frameMeanAP(dataset, detections, { protocol: protocolProfile('act'), iou: [0.5] });
 * console.log(results[0].mAP);
 * ```
 */
export function frameMeanAP(
  gt: GroundTruthInput,
  detections: FrameDetections,
  options: FrameMeanAPOptions,
): MeanAPResult {
  const evaluator = new FrameMeanAPEvaluator(gt, options);
  evaluator.add(detections);
  return evaluator.result();
}
