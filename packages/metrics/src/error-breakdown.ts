import {
  boxIoUAt,
  type DetectedTube,
  type FrameDetections,
  type Tube,
  tubeIoU,
  tubeNMS,
} from '@tubekit/geometry';
import { GroundTruthIndex, type GroundTruthInput } from './ground-truth';
import { groupRows } from './group-rows';
import { matchRanked } from './match';
import type { ProtocolProfile } from './protocol';

/**
 * How many detections fall in each error category (CFAD Fig. 5; ACT's `frameAP_error`):
 * - `truePositive`: matched under the protocol's rules;
 * - `duplicate`: right class, IoU ≥ δ with a GT of that class that another detection matched;
 * - `localization`: right class present (same frame / video) but IoU < δ with all of its GT;
 * - `wrongClass`: no GT of its class there, but IoU ≥ δ with a GT of another class;
 * - `timing` (frame level only): the class occurs in the video, but not on this frame;
 * - `other`: none of the above (background).
 */
export interface ErrorCounts {
  truePositive: number;
  duplicate: number;
  localization: number;
  wrongClass: number;
  timing: number;
  other: number;
}

/** Per-class and total error breakdown at one IoU δ. */
export interface ErrorBreakdown {
  protocol: string;
  iou: number;
  classes: Array<{
    label: string;
    gt: number;
    det: number;
    counts: ErrorCounts;
    /** ACT's "missed": 1 − final recall (NaN without GT). */
    missed: number;
  }>;
  total: ErrorCounts;
}

/** Options of {@link frameErrorBreakdown} and {@link videoErrorBreakdown}. */
export interface ErrorBreakdownOptions {
  protocol: ProtocolProfile;
  /** δ (default 0.5). */
  iou?: number;
  videos?: readonly string[];
}

const zero = (): ErrorCounts => ({
  truePositive: 0,
  duplicate: 0,
  localization: 0,
  wrongClass: 0,
  timing: 0,
  other: 0,
});

/**
 * What became of one detection under a protocol at IoU δ: one of the {@link ErrorCounts}
 * categories, or
 * - `'suppressed'` (video level): removed by the profile's per-video tube NMS before matching;
 * - `'ignored'`: not evaluated — its video is not in the evaluated set, its label is not in the
 *   GT's label list, or (profiles that evaluate annotated frames only) its frame has no GT.
 */
export type DetectionOutcome = keyof ErrorCounts | 'suppressed' | 'ignored';

/** Per-detection outcomes, indexed like the input detections (frame rows or tubes). */
export interface DetectionOutcomes {
  protocol: string;
  iou: number;
  outcome: DetectionOutcome[];
  /**
   * The detection's highest IoU (frame: box IoU; video: tube IoU, both with the profile's
   * conventions) with a GT instance of its own class; NaN when there is none or it is not
   * evaluated.
   */
  bestIoU: Float64Array;
}

/**
 * Classifies one group of same-class detections (`rows`, by descending score, IoUs in the rows of
 * `iouSame`) against the GT of their class (`nSame`) and, when that is empty, the best IoU with GT
 * of other classes (`bestOther`, −1 when there is none). The one categorisation behind both
 * levels; writes into `out` at each detection's index.
 */
function classify(
  out: DetectionOutcomes,
  rows: readonly number[],
  iouSame: Float64Array,
  nSame: number,
  bestOther: Float64Array,
  classInVideo: boolean,
  protocol: ProtocolProfile,
  level: 'frame' | 'video',
): void {
  const delta = out.iou;
  const nd = rows.length;
  const rules = level === 'frame' ? protocol.frame : protocol.video;
  const pass = (v: number) => (rules.threshold === 'above' ? v > delta : v >= delta);
  if (nSame > 0) {
    const tp = new Uint8Array(nd);
    matchRanked(
      iouSame,
      nd,
      nSame,
      delta,
      rules.threshold,
      rules.duplicates,
      new Uint8Array(nSame),
      tp,
    );
    for (let i = 0; i < nd; i++) {
      let best = 0;
      for (let j = 0; j < nSame; j++) best = Math.max(best, iouSame[i * nSame + j]!);
      out.bestIoU[rows[i]!] = best;
      out.outcome[rows[i]!] = tp[i] ? 'truePositive' : pass(best) ? 'duplicate' : 'localization';
    }
    return;
  }
  for (let i = 0; i < nd; i++) {
    out.outcome[rows[i]!] =
      bestOther[i]! >= 0
        ? pass(bestOther[i]!)
          ? 'wrongClass'
          : 'other'
        : classInVideo && level === 'frame'
          ? 'timing'
          : 'other';
  }
}

function emptyOutcomes(protocol: ProtocolProfile, delta: number, n: number): DetectionOutcomes {
  return {
    protocol: protocol.name,
    iou: delta,
    outcome: new Array<DetectionOutcome>(n).fill('ignored'),
    bestIoU: new Float64Array(n).fill(Number.NaN),
  };
}

function finish(
  outcomes: DetectionOutcomes,
  detLabel: (i: number) => number,
  labels: readonly string[],
  gtCount: Float64Array,
): ErrorBreakdown {
  const per = labels.map(zero);
  outcomes.outcome.forEach((o, i) => {
    if (o !== 'ignored' && o !== 'suppressed') per[detLabel(i)]![o]++;
  });
  const total = zero();
  const classes = labels.map((label, c) => {
    const counts = per[c]!;
    for (const k of Object.keys(total) as (keyof ErrorCounts)[]) total[k] += counts[k];
    const det = Object.values(counts).reduce((s, v) => s + v, 0);
    const gt = gtCount[c]!;
    return { label, gt, det, counts, missed: gt > 0 ? 1 - counts.truePositive / gt : Number.NaN };
  });
  return { protocol: outcomes.protocol, iou: outcomes.iou, classes, total };
}

/** GT instances per label over the evaluated videos: boxes (frame level) or tubes (video level). */
function gtCounts(
  gt: GroundTruthInput,
  videos: readonly string[] | undefined,
  level: 'frame' | 'video',
): Float64Array {
  const L = gt.labels.length;
  const count = new Float64Array(L);
  for (const video of new GroundTruthIndex(gt, videos).evaluatedVideos())
    for (const tube of video.tubes)
      if (tube.label >= 0 && tube.label < L)
        count[tube.label] += level === 'frame' ? tube.boxes.length / 4 : 1;
  return count;
}

/**
 * Frame-level outcome of every detection row (ACT's `frameAP_error` per detection, with
 * duplicates split from localisation): each detection of each evaluated (video, frame) is
 * classified as in {@link ErrorCounts}, using the profile's box convention, threshold test and
 * duplicate rule at IoU δ — what a viewer shows as TP / duplicate / FP on one frame. Frames are
 * selected as by frame-mAP (`yowo`: annotated frames only). Detections on unknown videos or with
 * bad labels are `'ignored'` — validate with {@link frameMeanAP} first.
 *
 * @example
 * ```ts
 * const { outcome } = frameDetectionOutcomes(dataset, detections, { protocol: vocProtocol, iou: 0.5 });
 * outcome[0]; // 'truePositive' | 'duplicate' | 'localization' | … | 'ignored'
 * ```
 */
export function frameDetectionOutcomes(
  gt: GroundTruthInput,
  dets: FrameDetections,
  options: ErrorBreakdownOptions,
): DetectionOutcomes {
  const { protocol } = options;
  const out = emptyOutcomes(protocol, options.iou ?? 0.5, dets.length);
  const index = new GroundTruthIndex(gt, options.videos);
  const L = gt.labels.length;
  const byName = new Map(dets.videos.map((v, i) => [v, i]));
  const { rows, offsets } = groupRows(dets.videoIndex, dets.length, dets.videos.length);
  const inclusive = protocol.frame.pixelInclusive;
  for (const video of index.evaluatedVideos()) {
    const vi = byName.get(video.name);
    if (vi === undefined) continue;
    // GT boxes of the video as (frame, label, box)
    const gFrame: number[] = [];
    const gLabel: number[] = [];
    const gBoxes: number[] = [];
    const present = new Set<number>();
    for (const tube of video.tubes) {
      if (!(tube.label >= 0 && tube.label < L)) continue;
      present.add(tube.label);
      const T = tube.boxes.length / 4;
      for (let t = 0; t < T; t++) {
        gFrame.push(tube.start + t);
        gLabel.push(tube.label);
        for (let k = 0; k < 4; k++) gBoxes.push(tube.boxes[4 * t + k]!);
      }
    }
    const boxes = Float64Array.from(gBoxes);
    const byFrame = new Map<number, number[]>();
    gFrame.forEach((fr, j) => {
      let list = byFrame.get(fr);
      if (list === undefined) byFrame.set(fr, (list = []));
      list.push(j);
    });
    const vRows = Array.from(rows.subarray(offsets[vi]!, offsets[vi + 1]!)).filter(
      (r) => dets.label[r]! >= 0 && dets.label[r]! < L,
    );
    vRows.sort(
      (a, b) =>
        dets.label[a]! - dets.label[b]! ||
        dets.frame[a]! - dets.frame[b]! ||
        dets.score[b]! - dets.score[a]! ||
        a - b,
    );
    for (let s = 0; s < vRows.length; ) {
      const c = dets.label[vRows[s]!]!;
      const f = dets.frame[vRows[s]!]!;
      let e = s + 1;
      while (e < vRows.length && dets.label[vRows[e]!] === c && dets.frame[vRows[e]!] === f) e++;
      const group = vRows.slice(s, e);
      s = e;
      const onFrame = byFrame.get(f) ?? [];
      if (protocol.frame.frames === 'annotated' && onFrame.length === 0) continue;
      const same = onFrame.filter((j) => gLabel[j] === c);
      const other = onFrame.filter((j) => gLabel[j] !== c);
      const nd = group.length;
      const iouSame = new Float64Array(nd * same.length);
      const bestOther = new Float64Array(nd).fill(other.length ? 0 : -1);
      group.forEach((r, i) => {
        same.forEach((j, k) => {
          iouSame[i * same.length + k] = boxIoUAt(dets.boxes, r, boxes, j, inclusive);
        });
        for (const j of other)
          bestOther[i] = Math.max(bestOther[i]!, boxIoUAt(dets.boxes, r, boxes, j, inclusive));
      });
      classify(out, group, iouSame, same.length, bestOther, present.has(c), protocol, 'frame');
    }
  }
  return out;
}

/**
 * Frame-level error breakdown (ACT's `frameAP_error`, with duplicates split from localisation):
 * the {@link frameDetectionOutcomes} of every detection, counted per class.
 *
 * @example
 * ```ts
 * const e = frameErrorBreakdown(dataset, detections, { protocol: actProtocol, iou: 0.5 });
 * e.total.wrongClass;
 * ```
 */
export function frameErrorBreakdown(
  gt: GroundTruthInput,
  dets: FrameDetections,
  options: ErrorBreakdownOptions,
): ErrorBreakdown {
  return finish(
    frameDetectionOutcomes(gt, dets, options),
    (i) => dets.label[i]!,
    gt.labels,
    gtCounts(gt, options.videos, 'frame'),
  );
}

/**
 * Video-level outcome of every detected tube (CFAD Fig. 5 per tube): `'suppressed'` when the
 * profile's per-video tube NMS removes it, else a true positive, duplicate, bad localisation (GT of
 * its class in the video, tube IoU < δ), wrong class (no GT of its class, tube IoU ≥ δ with a GT
 * tube of another class) or other, with the profile's tube IoU and matching rules.
 *
 * @example
 * ```ts
 * videoDetectionOutcomes(dataset, tubes, { protocol: actProtocol, iou: 0.5 }).outcome;
 * ```
 */
export function videoDetectionOutcomes(
  gt: GroundTruthInput,
  tubes: readonly DetectedTube[],
  options: ErrorBreakdownOptions,
): DetectionOutcomes {
  const { protocol } = options;
  const rules = protocol.video;
  const out = emptyOutcomes(protocol, options.iou ?? 0.5, tubes.length);
  const index = new GroundTruthIndex(gt, options.videos);
  const L = gt.labels.length;
  const iouOptions = { convention: rules.temporal, pixelInclusive: rules.pixelInclusive };
  const byVideo = new Map<string, number[]>();
  tubes.forEach((t, i) => {
    if (!(t.label >= 0 && t.label < L)) return;
    let list = byVideo.get(t.video);
    if (list === undefined) byVideo.set(t.video, (list = []));
    list.push(i);
  });
  for (const video of index.evaluatedVideos()) {
    const dets = byVideo.get(video.name) ?? [];
    for (let c = 0; c < L; c++) {
      let group = dets.filter((i) => tubes[i]!.label === c);
      if (group.length === 0) continue;
      if (rules.tubeNMS !== null) {
        const all = group;
        const keep = tubeNMS(
          all.map((i) => tubes[i]!),
          all.map((i) => tubes[i]!.score),
          {
            iouThreshold: rules.tubeNMS,
            convention: rules.temporal,
            pixelInclusive: rules.pixelInclusive,
          },
        ).keep;
        group = Array.from(keep, (k) => all[k]!);
        for (const i of all) out.outcome[i] = 'suppressed';
      }
      group.sort((a, b) => tubes[b]!.score - tubes[a]!.score);
      const shift = (t: Tube): Tube =>
        rules.detectionOffset === 0
          ? t
          : { start: t.start, boxes: t.boxes.map((v) => v + rules.detectionOffset) };
      const same = video.tubes.filter((g) => g.label === c);
      const other = video.tubes.filter((g) => g.label !== c && g.label >= 0 && g.label < L);
      const nd = group.length;
      const iouSame = new Float64Array(nd * same.length);
      const bestOther = new Float64Array(nd).fill(other.length ? 0 : -1);
      group.forEach((ti, i) => {
        const d = shift(tubes[ti]!);
        same.forEach((g, k) => {
          iouSame[i * same.length + k] = tubeIoU(d, g, iouOptions);
        });
        for (const g of other) bestOther[i] = Math.max(bestOther[i]!, tubeIoU(d, g, iouOptions));
      });
      classify(out, group, iouSame, same.length, bestOther, same.length > 0, protocol, 'video');
    }
  }
  return out;
}

/**
 * Video-level error breakdown (CFAD Fig. 5): the {@link videoDetectionOutcomes} of every detected
 * tube that survives the profile's tube NMS, counted per class.
 *
 * @example
 * ```ts
 * videoErrorBreakdown(dataset, tubes, { protocol: actProtocol, iou: 0.5 }).total;
 * ```
 */
export function videoErrorBreakdown(
  gt: GroundTruthInput,
  tubes: readonly DetectedTube[],
  options: ErrorBreakdownOptions,
): ErrorBreakdown {
  return finish(
    videoDetectionOutcomes(gt, tubes, options),
    (i) => tubes[i]!.label,
    gt.labels,
    gtCounts(gt, options.videos, 'video'),
  );
}
