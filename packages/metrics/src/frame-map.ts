import type { FrameDetections } from '@tubekit/geometry';
import { boxIoUAt } from '@tubekit/geometry';
import { averagePrecisionAtRanks } from './average-precision';
import {
  ClassPositives,
  countEntriesBefore,
  ranksFromCounts,
  type SortedPositives,
  sortPositives,
} from './class-positives';
import { ClassScores } from './class-scores';
import { type FrameShard, type MergedFrameShards, mergeFrameShards } from './frame-shards';
import {
  GroundTruthIndex,
  type GroundTruthInput,
  type GroundTruthVideoInput,
} from './ground-truth';
import { groupRows } from './group-rows';
import { type InputWarnings, IssueTracker } from './input-issues';
import { distinctThresholds, type IoUEntry, parseIoUEntries } from './iou-thresholds';
import { matchOne, passesIoU } from './match';
import {
  apOptionsOf,
  type MeanAPOptions,
  type MeanAPResult,
  summarise,
  summariseAPs,
} from './mean-ap';
import { ScoreLog, type ScoreLogSpill } from './score-log';

/** The columns of {@link FrameDetections} that describe boxes (one video's rows, or many). */
export type FrameDetectionColumns = Pick<
  FrameDetections,
  'frame' | 'label' | 'score' | 'boxes' | 'length'
>;

/** Options of {@link frameMeanAP} and {@link FrameMeanAPEvaluator} (default `iou`: `[0.5]`). */
export interface FrameMeanAPOptions extends MeanAPOptions {
  /**
   * Where the score log (12 bytes per detection) goes beyond 8 MiB, e.g. a temporary file, so
   * that memory stays flat in the number of detections; default: it stays in memory.
   */
  scoreSpill?: ScoreLogSpill;
}

/** One video's GT boxes sorted by frame, then label, then tube order, indexed by frame. */
interface VideoGroundTruth {
  labels: Int32Array;
  boxes: Float64Array;
  /** The boxes of frame f are `[frameStart[f], frameStart[f + 1])`; length `lastFrame + 2`. */
  frameStart: Int32Array;
  /** The last frame with a GT box (0 without any). */
  lastFrame: number;
  nframes: number;
  /**
   * For each box, the end of its (frame, label) group: the group of box i is `[i′, groupEnd[i])`
   * (one entry more than the boxes).
   */
  groupEnd: Int32Array;
}

/**
 * Indexes a video's GT boxes of known labels by (frame, label) with two stable counting sorts
 * (by label, then by frame): the boxes of one (frame, label) are contiguous, in tube order.
 */
function indexVideo(
  video: GroundTruthVideoInput,
  labelCount: number,
  float32: boolean,
): VideoGroundTruth {
  // (indexed loops, every statement run on every video: this compiles once and small)
  const tubes = video.tubes;
  let n = 0;
  let lastFrame = 0;
  for (let j = 0; j < tubes.length; j++) {
    const tube = tubes[j]!;
    const known = tube.label >= 0 && tube.label < labelCount ? 1 : 0;
    const T = known * (tube.boxes.length / 4);
    n += T;
    lastFrame = Math.max(lastFrame, known * (tube.start + T - 1));
  }
  const rawLabels = new Int32Array(n);
  const rawFrames = new Int32Array(n);
  const rawBoxes = new Float64Array(4 * n);
  const perLabel = new Int32Array(labelCount + 1);
  const frameStart = new Int32Array(lastFrame + 2);
  let k = 0;
  for (let j = 0; j < tubes.length; j++) {
    const tube = tubes[j]!;
    if (!(tube.label >= 0 && tube.label < labelCount)) continue;
    const T = tube.boxes.length / 4;
    for (let t = 0; t < T; t++, k++) {
      rawLabels[k] = tube.label;
      rawFrames[k] = tube.start + t;
      perLabel[tube.label + 1]++;
      frameStart[tube.start + t + 1]++;
      for (let c = 0; c < 4; c++) {
        const v = tube.boxes[4 * t + c]!;
        rawBoxes[4 * k + c] = float32 ? Math.fround(v) : v;
      }
    }
  }
  for (let l = 0; l < labelCount; l++) perLabel[l + 1] += perLabel[l]!;
  const byLabel = new Int32Array(n);
  for (let i = 0; i < n; i++) byLabel[perLabel[rawLabels[i]!]!++] = i;
  for (let f = 0; f <= lastFrame; f++) frameStart[f + 1] += frameStart[f]!;
  const next = frameStart.slice(0, lastFrame + 1);
  const labels = new Int32Array(n);
  const boxes = new Float64Array(4 * n);
  // (frame, label) of each box in the new order, and a last entry that matches none
  const group = new Float64Array(n + 1).fill(-1);
  for (let j = 0; j < n; j++) {
    const o = byLabel[j]!;
    const i = next[rawFrames[o]!]!++;
    labels[i] = rawLabels[o]!;
    group[i] = rawFrames[o]! * (labelCount + 1) + rawLabels[o]!;
    for (let c = 0; c < 4; c++) boxes[4 * i + c] = rawBoxes[4 * o + c]!;
  }
  const groupEnd = new Int32Array(n + 1);
  groupEnd[n] = n;
  for (let i = n - 1; i >= 0; i--) {
    const same = group[i + 1] === group[i] ? 1 : 0;
    groupEnd[i] = same * groupEnd[i + 1]! + (1 - same) * (i + 1);
  }
  return { labels, boxes, frameStart, lastFrame, nframes: video.nframes ?? 0, groupEnd };
}

/** Groups up to this size are ordered by insertion, larger ones by merging. */
const INSERTION_MAX = 12;

/**
 * Orders `items[a, b)` (candidate indices, ascending) by descending `scores[item]`, ties by
 * ascending index: a stable sort, by insertion for small groups, else by merging sorted runs of
 * {@link INSERTION_MAX} through `scratch` (length ≥ `b`).
 */
function orderByScore(
  items: Int32Array,
  a: number,
  b: number,
  scores: Float64Array,
  scratch: Int32Array,
): void {
  for (let r = a; r < b; r += INSERTION_MAX) {
    const e = Math.min(b, r + INSERTION_MAX);
    for (let i = r + 1; i < e; i++) {
      const item = items[i]!;
      const s = scores[item]!;
      let j = i;
      while (j > r && scores[items[j - 1]!]! < s) {
        items[j] = items[j - 1]!;
        j--;
      }
      items[j] = item;
    }
  }
  let from = items;
  let to = scratch;
  for (let width = INSERTION_MAX; width < b - a; width *= 2) {
    for (let l = a; l < b; l += 2 * width) {
      const mid = Math.min(b, l + width);
      const end = Math.min(b, l + 2 * width);
      let i = l;
      let j = mid;
      let k = l;
      // the left run first on ties: it holds the earlier candidates
      while (i < mid && j < end)
        to[k++] = scores[from[j]!]! > scores[from[i]!]! ? from[j++]! : from[i++]!;
      while (i < mid) to[k++] = from[i++]!;
      while (j < end) to[k++] = from[j++]!;
    }
    [from, to] = [to, from];
  }
  if (from !== items) items.set(from.subarray(a, b), a);
}

/**
 * The candidates `0 … m−1` grouped by their (frame, label) group `groups[i]` (the index of the
 * group's first GT box; `groupEnd` as in {@link VideoGroundTruth}) and, within a group with more
 * than one GT box, by descending score, ties in candidate order: matching is local to a group, so
 * this is the per-group order of every reference's stable sort. A group with one GT box keeps
 * candidate order: its match needs no order ({@link FrameMeanAPEvaluator}'s `matchSingle`).
 */
function groupOrder(
  groups: Int32Array,
  scores: Float64Array,
  m: number,
  groupEnd: Int32Array,
): Int32Array {
  const groupCount = groupEnd.length - 1;
  const start = new Int32Array(groupCount + 1);
  for (let i = 0; i < m; i++) start[groups[i]! + 1]++;
  for (let j = 0; j < groupCount; j++) start[j + 1] += start[j]!;
  const order = new Int32Array(m);
  for (let i = 0; i < m; i++) order[start[groups[i]!]!++] = i;
  let scratch: Int32Array | undefined;
  for (let a = 0; a < m; ) {
    const group = groups[order[a]!]!;
    let b = a + 1;
    while (b < m && groups[order[b]!] === group) b++;
    if (groupEnd[group]! - group > 1) {
      scratch ??= new Int32Array(m);
      orderByScore(order, a, b, scores, scratch);
    }
    a = b;
  }
  return order;
}

/**
 * Streaming frame-mAP (per-frame detection AP averaged over classes) under a protocol profile.
 *
 * Add detections video by video ({@link FrameMeanAPEvaluator.addVideo}) or in any grouping
 * ({@link FrameMeanAPEvaluator.add}); each video's detections are matched when added. What is
 * kept: the true positives (score, position, flags: bounded by the GT) and a {@link ScoreLog} of
 * every detection's label and score (12 bytes each, spilled past 8 MiB with `scoreSpill`), from
 * which the true positives' ranks, and so the exact AP, are counted at the end. Call
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
  private readonly log: ScoreLog;
  private readonly positives: ClassPositives[];
  private readonly gtCounts: Float64Array;
  private readonly issues: IssueTracker;
  private readonly added = new Set<string>();
  // working arrays, sized for most videos at once: growing them later runs code that never ran
  // while the loops were compiled, and the compiled code is thrown away (a recompilation)
  private iou = new Float64Array(256);
  private readonly detBoxes = new Float64Array(4);
  private taken = new Uint8Array(1 << 16);
  private candidates = new Int32Array(1 << 14);
  private candidateScores = new Float64Array(1 << 14);
  private candidatePositions = new Float64Array(1 << 14);
  private candidateGroups = new Int32Array(1 << 14);
  private valid = new Int32Array(1 << 14);
  /** Per candidate, 1 when it is a true positive at some threshold (set while matching). */
  private kept = new Uint8Array(1 << 14);
  /** Per candidate, its flags at the thresholds (`T` each), valid where {@link kept}. */
  private keptFlags: Uint8Array;
  /** Per threshold, the winning candidate of a group with one GT box. */
  private winners = new Int32Array(8);
  /** 0, 1, 2, …: the rows of a video added whole. */
  private allRows = new Int32Array(0);
  private sortedFor: { merged: MergedFrameShards; sorted: SortedPositives[] } | undefined;

  constructor(
    readonly gt: GroundTruthInput,
    readonly options: FrameMeanAPOptions,
  ) {
    this.index = new GroundTruthIndex(gt, options.videos);
    this.entries = parseIoUEntries(options.iou ?? [0.5]);
    this.thresholds = distinctThresholds(this.entries);
    this.log = new ScoreLog(gt.labels.length, options.scoreSpill);
    this.positives = gt.labels.map(() => new ClassPositives(this.thresholds.length));
    this.keptFlags = new Uint8Array(this.kept.length * this.thresholds.length);
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
    const n = detections.length;
    if (this.allRows.length < n) {
      this.allRows = new Int32Array(Math.max(n, 2 * this.allRows.length));
      for (let i = 0; i < this.allRows.length; i++) this.allRows[i] = i;
    }
    this.addRows(video, detections, this.allRows.subarray(0, n));
  }

  private addRows(video: string, d: FrameDetectionColumns, rows: Int32Array): void {
    const gtVideo = this.index.admitVideo(video, rows, this.issues, this.added, {
      metric: 'frame-mAP',
      items: 'detections',
    });
    if (gtVideo === undefined) return;
    const rules = this.options.protocol.frame;
    const g = indexVideo(gtVideo, this.gt.labels.length, rules.float32Boxes);
    // (small methods: each compiles quickly, and a deopt recompiles only its own part)
    const n = this.validRows(video, d, rows, g.nframes);
    const m = this.logRows(d, n, g, rules.frames === 'annotated');
    this.match(d, g, groupOrder(this.candidateGroups, this.candidateScores, m, g.groupEnd), m);
  }

  /** Puts the rows of `rows` that pass the checks into `valid` and returns their count; reports the others. */
  private validRows(
    video: string,
    d: FrameDetectionColumns,
    rows: Int32Array,
    nframes: number,
  ): number {
    if (this.valid.length < rows.length) this.valid = new Int32Array(2 * rows.length);
    const { valid } = this;
    const L = this.gt.labels.length;
    let n = 0;
    for (const row of rows) {
      const label = d.label[row]!;
      const frame = d.frame[row]!;
      const score = d.score[row]!;
      const x1 = d.boxes[4 * row]!;
      const y1 = d.boxes[4 * row + 1]!;
      const x2 = d.boxes[4 * row + 2]!;
      const y2 = d.boxes[4 * row + 3]!;
      if (
        Number.isInteger(label) &&
        label >= 0 &&
        label < L &&
        Number.isFinite(score) &&
        score >= 0 &&
        Number.isInteger(frame) &&
        frame >= 1 &&
        (nframes <= 0 || frame <= nframes) &&
        Number.isFinite(x1 + y1 + x2 + y2) &&
        x2 >= x1 &&
        y2 >= y1
      )
        valid[n++] = row;
      else this.reportRow(video, d, row, nframes);
    }
    return n;
  }

  /** Reports the first problem of a row that failed {@link validRows}'s checks. */
  private reportRow(video: string, d: FrameDetectionColumns, row: number, nframes: number): void {
    const L = this.gt.labels.length;
    const label = d.label[row]!;
    const frame = d.frame[row]!;
    const score = d.score[row]!;
    const [x1, y1, x2, y2] = d.boxes.subarray(4 * row, 4 * row + 4);
    const where = `video ${JSON.stringify(video)}, frame ${frame}`;
    if (!(Number.isInteger(label) && label >= 0 && label < L))
      this.issues.report(
        'unknown-label',
        row,
        `${where}: label ${label}, expected an integer in 0…${L - 1}`,
      );
    else if (!(Number.isFinite(score) && score >= 0))
      this.issues.report(
        'bad-score',
        row,
        `${where}: score ${score}, expected a finite number ≥ 0`,
      );
    else if (!(Number.isInteger(frame) && frame >= 1 && (nframes <= 0 || frame <= nframes)))
      this.issues.report(
        'bad-frame',
        row,
        `${where}: expected a frame number in 1…${nframes > 0 ? nframes : '∞'}`,
      );
    else
      this.issues.report(
        'bad-box',
        row,
        `${where}: box [${x1}, ${y1}, ${x2}, ${y2}], expected finite x1 ≤ x2, y1 ≤ y2`,
      );
  }

  /**
   * Logs every valid row in row order (the ranking's tie order, as in the references' stable
   * sorts; with `annotatedOnly`, only rows on frames with GT) and keeps as candidates those on a
   * (frame, label) with GT boxes, the only ones that can match; returns their count.
   */
  private logRows(
    d: FrameDetectionColumns,
    n: number,
    g: VideoGroundTruth,
    annotatedOnly: boolean,
  ): number {
    if (this.candidates.length < n) {
      this.candidates = new Int32Array(2 * n);
      this.candidateScores = new Float64Array(2 * n);
      this.candidatePositions = new Float64Array(2 * n);
      this.candidateGroups = new Int32Array(2 * n);
      this.kept = new Uint8Array(2 * n);
      this.keptFlags = new Uint8Array(2 * n * this.thresholds.length);
    }
    const { candidates, candidateScores, candidatePositions, candidateGroups, log, valid } = this;
    const { frameStart, lastFrame, labels: gtLabels } = g;
    let m = 0;
    for (let k = 0; k < n; k++) {
      const row = valid[k]!;
      const frame = d.frame[row]!;
      let g0 = frame <= lastFrame ? frameStart[frame]! : 0;
      const end = frame <= lastFrame ? frameStart[frame + 1]! : 0;
      const isAnnotated = g0 < end;
      if (annotatedOnly && !isAnnotated) continue;
      const label = d.label[row]!;
      const score = d.score[row]!;
      const position = log.append(label, score);
      if (!isAnnotated) continue;
      while (g0 < end && gtLabels[g0]! < label) g0++;
      if (g0 === end || gtLabels[g0] !== label) continue;
      candidates[m] = row;
      candidateScores[m] = score;
      candidatePositions[m] = position;
      candidateGroups[m++] = g0;
    }
    return m;
  }

  /**
   * Matches the candidates in `order` (grouped by (frame, label), each group with several GT
   * boxes by descending score) against their group's GT boxes under the protocol's rules, then
   * keeps the true positives in candidate order, which is score-log order
   * ({@link ClassPositives} takes them in ascending position).
   */
  private match(d: FrameDetectionColumns, g: VideoGroundTruth, order: Int32Array, m: number): void {
    const nGT = g.labels.length;
    const T = this.thresholds.length;
    if (this.taken.length < T * nGT) this.taken = new Uint8Array(2 * T * nGT);
    this.taken.fill(0, 0, T * nGT);
    const { candidateGroups, kept, keptFlags, candidates } = this;
    kept.fill(0, 0, m);
    for (let a = 0; a < m; ) {
      const g0 = candidateGroups[order[a]!]!;
      let b = a + 1;
      while (b < m && candidateGroups[order[b]!] === g0) b++;
      if (g.groupEnd[g0]! - g0 === 1) this.matchSingle(d, g, order, a, b);
      else for (let k = a; k < b; k++) this.matchNext(d, g, order[k]!);
      a = b;
    }
    for (let i = 0; i < m; i++) {
      if (kept[i] === 0) continue;
      const positives = this.positives[d.label[candidates[i]!]!]!;
      const at = positives.push(this.candidateScores[i]!, this.candidatePositions[i]!);
      for (let t = 0; t < T; t++) positives.tp[at * T + t] = keptFlags[i * T + t]!;
    }
  }

  /**
   * The IoUs of candidate row `row`'s box with the boxes `[g0, g0 + ng)` of its group, under the
   * protocol's box conventions, into `this.iou`.
   */
  private groupIoUs(
    d: FrameDetectionColumns,
    g: VideoGroundTruth,
    row: number,
    g0: number,
    ng: number,
  ): Float64Array {
    const { detectionOffset, float32Boxes, pixelInclusive, requireContinuousContact } =
      this.options.protocol.frame;
    const db = this.detBoxes;
    for (let c = 0; c < 4; c++) {
      const v = d.boxes[4 * row + c]! + detectionOffset;
      db[c] = float32Boxes ? Math.fround(v) : v;
    }
    if (this.iou.length < ng) this.iou = new Float64Array(2 * ng);
    const iou = this.iou;
    for (let j = 0; j < ng; j++) {
      let v = boxIoUAt(db, 0, g.boxes, g0 + j, pixelInclusive);
      if (requireContinuousContact) {
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
    return iou;
  }

  /** Matches candidate `i`, the next of its group in descending score order ({@link matchOne}). */
  private matchNext(d: FrameDetectionColumns, g: VideoGroundTruth, i: number): void {
    const rules = this.options.protocol.frame;
    const T = this.thresholds.length;
    const nGT = g.labels.length;
    const row = this.candidates[i]!;
    const g0 = this.candidateGroups[i]!;
    const ng = g.groupEnd[g0]! - g0;
    const iou = this.groupIoUs(d, g, row, g0, ng);
    const { keptFlags } = this;
    let any = 0;
    for (let t = 0; t < T; t++)
      any |= keptFlags[i * T + t] = matchOne(
        iou,
        0,
        ng,
        this.thresholds[t]!,
        rules.threshold,
        rules.duplicates,
        this.taken,
        t * nGT + g0,
      );
    this.kept[i] = any;
  }

  /**
   * Matches the candidates `order[a, b)` of a group with one GT box, in candidate order. Under
   * every duplicate rule, the one box goes, at each threshold, to the first candidate in
   * descending score order (ties: candidate order) whose IoU passes; every other candidate is a
   * false positive. So the winner is the highest score among the passing ones, the earliest on a
   * tie: what {@link matchOne} gives in sorted order, without sorting the group.
   */
  private matchSingle(
    d: FrameDetectionColumns,
    g: VideoGroundTruth,
    order: Int32Array,
    a: number,
    b: number,
  ): void {
    const T = this.thresholds.length;
    const test = this.options.protocol.frame.threshold;
    const { candidates, candidateScores, keptFlags } = this;
    if (this.winners.length < T) this.winners = new Int32Array(2 * T);
    const winners = this.winners.fill(-1, 0, T);
    for (let k = a; k < b; k++) {
      const i = order[k]!;
      const v = this.groupIoUs(d, g, candidates[i]!, this.candidateGroups[i]!, 1)[0]!;
      const score = candidateScores[i]!;
      for (let t = 0; t < T; t++) {
        if (!passesIoU(v, this.thresholds[t]!, test)) continue;
        const w = winners[t]!;
        if (w < 0 || score > candidateScores[w]!) winners[t] = i;
      }
    }
    for (let t = 0; t < T; t++) {
      const i = winners[t]!;
      if (i < 0 || winners.indexOf(i) < t) continue; // kept once, with all its thresholds
      for (let u = 0; u < T; u++) keptFlags[i * T + u] = winners[u] === i ? 1 : 0;
      this.kept[i] = 1;
    }
  }

  /**
   * Per-class AP and mAP at every requested IoU, from the true positives' ranks in the score log
   * (this evaluator as the one shard of {@link resultOfShards}, {@link averagePrecisionAtRanks}); with `curves`, from the whole
   * ranked lists rebuilt from the log. Call once: the log's spill is released.
   */
  result(): MeanAPResult {
    const { protocol } = this.options;
    const labels = this.gt.labels;
    const T = this.thresholds.length;
    const { log } = this;
    try {
      if (this.options.curves === true) {
        const classes = labels.map((_, c) => new ClassScores(T, Math.max(1, log.counts[c]!)));
        log.forEachBlock((label, score, n) => {
          for (let i = 0; i < n; i++) classes[label[i]!]!.push(score[i]!);
        });
        this.positives.forEach((p, c) => {
          for (let i = 0; i < p.length; i++)
            classes[c]!.tp.set(p.tp.subarray(i * T, (i + 1) * T), p.positions[i]! * T);
        });
        return summarise(protocol, labels, classes, this.gtCounts, this.entries, {
          ...this.summaryOptions(this.issues.warnings),
          curves: true,
        });
      }
      const merged = mergeFrameShards([this.shard()]);
      return this.resultOfShards(merged, [this.countBefore(merged, 0)]);
    } finally {
      log.close();
    }
  }

  /**
   * This evaluator's part of a sharded evaluation ({@link mergeFrameShards}): its true positives
   * (positions in its own score log), log counts, warnings and videos, as plain data.
   */
  shard(): FrameShard {
    return {
      positives: this.positives.map(({ length, scores, positions, tp }) => ({
        length,
        scores: scores.slice(0, length),
        positions: positions.slice(0, length),
        tp: tp.slice(0, length * this.thresholds.length),
      })),
      counts: this.log.counts.slice(),
      warnings: structuredClone(this.issues.warnings),
      videos: [...this.added],
    };
  }

  /**
   * For shard `index` of `merged` (this evaluator's), how many of its score-log entries come
   * right before each true positive of the whole evaluation ({@link countEntriesBefore}); the
   * counts of all shards go to {@link resultOfShards}.
   */
  countBefore(merged: MergedFrameShards, index: number): Float64Array[] {
    const { float32Scores } = this.options.protocol;
    const sorted = this.sorted(merged);
    return countEntriesBefore(sorted, this.log, float32Scores, merged.offsets[index]);
  }

  /**
   * The result of a sharded evaluation: `merged` shards (in file order) and each shard's
   * {@link countBefore}, on any evaluator of the same GT and options (without curves). Equal, bit
   * for bit, to {@link result} of one evaluator given every detection in the same order.
   */
  resultOfShards(
    merged: MergedFrameShards,
    counts: readonly (readonly Float64Array[])[],
  ): MeanAPResult {
    const { protocol } = this.options;
    const T = this.thresholds.length;
    const summary = this.summaryOptions(merged.warnings);
    const apOptions = apOptionsOf(protocol, summary);
    const sorted = this.sorted(merged);
    const ap = ranksFromCounts(sorted, counts).map((r, c) =>
      this.thresholds.map((_, t) =>
        averagePrecisionAtRanks(
          r.ranks,
          r.tp,
          r.ranks.length,
          merged.counts[c]!,
          this.gtCounts[c]!,
          apOptions,
          T,
          t,
        ),
      ),
    );
    return summariseAPs(
      protocol,
      this.gt.labels,
      ap,
      undefined,
      this.gtCounts,
      merged.counts,
      this.entries,
      summary,
    );
  }

  /** The merged true positives in rank order (sorted once per merge). */
  private sorted(merged: MergedFrameShards): SortedPositives[] {
    if (this.sortedFor?.merged !== merged) {
      const { float32Scores } = this.options.protocol;
      const sorted = sortPositives(merged.positives, this.thresholds.length, float32Scores);
      this.sortedFor = { merged, sorted };
    }
    return this.sortedFor.sorted;
  }

  private summaryOptions(warnings: InputWarnings) {
    const { protocol } = this.options;
    return { recallEpsilon: 0, float32PR: protocol.frame.float32PR, curves: false, warnings };
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
