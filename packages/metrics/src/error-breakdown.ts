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
 * Classifies one group of same-class detections (rows of `iouSame`, by descending score)
 * against the GT of their class (`nSame`) and, when that is empty, the best IoU with GT of other
 * classes (`bestOther`, −1 when there is none). The one categorisation behind both levels.
 */
function classify(
  counts: ErrorCounts,
  iouSame: Float64Array,
  nd: number,
  nSame: number,
  bestOther: Float64Array,
  classInVideo: boolean,
  delta: number,
  protocol: ProtocolProfile,
  level: 'frame' | 'video',
): void {
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
      if (tp[i]) {
        counts.truePositive++;
        continue;
      }
      let best = 0;
      for (let j = 0; j < nSame; j++) best = Math.max(best, iouSame[i * nSame + j]!);
      if (pass(best)) counts.duplicate++;
      else counts.localization++;
    }
    return;
  }
  for (let i = 0; i < nd; i++) {
    if (bestOther[i]! >= 0) {
      if (pass(bestOther[i]!)) counts.wrongClass++;
      else counts.other++;
    } else if (classInVideo && level === 'frame') counts.timing++;
    else counts.other++;
  }
}

function finish(
  protocol: ProtocolProfile,
  labels: readonly string[],
  delta: number,
  per: ErrorCounts[],
  gtCount: Float64Array,
): ErrorBreakdown {
  const total = zero();
  const classes = labels.map((label, c) => {
    const counts = per[c]!;
    for (const k of Object.keys(total) as (keyof ErrorCounts)[]) total[k] += counts[k];
    const det = Object.values(counts).reduce((s, v) => s + v, 0);
    const gt = gtCount[c]!;
    return { label, gt, det, counts, missed: gt > 0 ? 1 - counts.truePositive / gt : Number.NaN };
  });
  return { protocol: protocol.name, iou: delta, classes, total };
}

/**
 * Frame-level error breakdown (ACT's `frameAP_error`, with duplicates split from localisation):
 * every detection of each evaluated (video, frame) is classified as in {@link ErrorCounts}, using
 * the profile's box convention, threshold test and duplicate rule at IoU δ. Frames are selected
 * as by frame-mAP (`yowo`: annotated frames only). Detections on unknown videos or with bad
 * labels are ignored here — validate with {@link frameMeanAP} first.
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
  const { protocol } = options;
  const delta = options.iou ?? 0.5;
  const index = new GroundTruthIndex(gt, options.videos);
  const L = gt.labels.length;
  const per = gt.labels.map(zero);
  const gtCount = new Float64Array(L);
  const byName = new Map(dets.videos.map((v, i) => [v, i]));
  const { rows, offsets } = groupRows(dets.videoIndex, dets.length, dets.videos.length);
  const inclusive = protocol.frame.pixelInclusive;
  for (const video of index.evaluatedVideos()) {
    // GT boxes of the video as (frame, label, box)
    const gFrame: number[] = [];
    const gLabel: number[] = [];
    const gBoxes: number[] = [];
    const present = new Set<number>();
    for (const tube of video.tubes) {
      if (!(tube.label >= 0 && tube.label < L)) continue;
      present.add(tube.label);
      const T = tube.boxes.length / 4;
      gtCount[tube.label] += T;
      for (let t = 0; t < T; t++) {
        gFrame.push(tube.start + t);
        gLabel.push(tube.label);
        for (let k = 0; k < 4; k++) gBoxes.push(tube.boxes[4 * t + k]!);
      }
    }
    const vi = byName.get(video.name);
    if (vi === undefined) continue;
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
      classify(
        per[c]!,
        iouSame,
        nd,
        same.length,
        bestOther,
        present.has(c),
        delta,
        protocol,
        'frame',
      );
    }
  }
  return finish(protocol, gt.labels, delta, per, gtCount);
}

/**
 * Video-level error breakdown (CFAD Fig. 5): each detected tube (after the profile's per-video
 * tube NMS) is a true positive, duplicate, bad localisation (GT of its class in the video, tube
 * IoU < δ), wrong class (no GT of its class, tube IoU ≥ δ with a GT tube of another class) or
 * other, with the profile's tube IoU and matching rules.
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
  const { protocol } = options;
  const rules = protocol.video;
  const delta = options.iou ?? 0.5;
  const index = new GroundTruthIndex(gt, options.videos);
  const L = gt.labels.length;
  const per = gt.labels.map(zero);
  const gtCount = new Float64Array(L);
  const iouOptions = { convention: rules.temporal, pixelInclusive: rules.pixelInclusive };
  const byVideo = new Map<string, DetectedTube[]>();
  for (const t of tubes) {
    if (!(t.label >= 0 && t.label < L)) continue;
    let list = byVideo.get(t.video);
    if (list === undefined) byVideo.set(t.video, (list = []));
    list.push(t);
  }
  for (const video of index.evaluatedVideos()) {
    for (const g of video.tubes) if (g.label >= 0 && g.label < L) gtCount[g.label]++;
    const dets = byVideo.get(video.name) ?? [];
    for (let c = 0; c < L; c++) {
      let group = dets.filter((t) => t.label === c);
      if (group.length === 0) continue;
      if (rules.tubeNMS !== null) {
        const keep = tubeNMS(
          group,
          group.map((t) => t.score),
          {
            iouThreshold: rules.tubeNMS,
            convention: rules.temporal,
            pixelInclusive: rules.pixelInclusive,
          },
        ).keep;
        group = Array.from(keep, (k) => group[k]!);
      }
      group.sort((a, b) => b.score - a.score);
      const shift = (t: Tube): Tube =>
        rules.detectionOffset === 0
          ? t
          : { start: t.start, boxes: t.boxes.map((v) => v + rules.detectionOffset) };
      const same = video.tubes.filter((g) => g.label === c);
      const other = video.tubes.filter((g) => g.label !== c && g.label >= 0 && g.label < L);
      const nd = group.length;
      const iouSame = new Float64Array(nd * same.length);
      const bestOther = new Float64Array(nd).fill(other.length ? 0 : -1);
      group.forEach((t, i) => {
        const d = shift(t);
        same.forEach((g, k) => {
          iouSame[i * same.length + k] = tubeIoU(d, g, iouOptions);
        });
        for (const g of other) bestOther[i] = Math.max(bestOther[i]!, tubeIoU(d, g, iouOptions));
      });
      classify(
        per[c]!,
        iouSame,
        nd,
        same.length,
        bestOther,
        same.length > 0,
        delta,
        protocol,
        'video',
      );
    }
  }
  return finish(protocol, gt.labels, delta, per, gtCount);
}
