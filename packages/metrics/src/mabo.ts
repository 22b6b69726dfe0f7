import { boxIoUAt, type DetectedTube, type FrameDetections, tubeIoU } from '@tubekit/geometry';
import { GroundTruthIndex, type GroundTruthInput } from './ground-truth';
import { groupRows } from './group-rows';
import type { ProtocolProfile } from './protocol';

/** Options of {@link frameMABO} and {@link videoMABO}. */
export interface MABOOptions {
  /** Box and tube IoU conventions come from the profile (`frame.pixelInclusive`, `video.temporal`/`pixelInclusive`). */
  protocol: ProtocolProfile;
  /** Videos to evaluate (default every GT video); detections elsewhere are ignored. */
  videos?: readonly string[];
}

/** Mean average best overlap: per class and over classes. */
export interface MABOResult {
  protocol: string;
  /** Mean over classes with GT of the per-class average best overlap, in [0, 1] (NaN without GT). */
  mabo: number;
  classes: Array<{
    label: string /** average best overlap of the class's GT, `null` without GT */;
    abo: number | null;
    gt: number;
  }>;
}

function summariseMABO(
  protocol: ProtocolProfile,
  labels: readonly string[],
  sum: Float64Array,
  count: Float64Array,
): MABOResult {
  const classes = labels.map((label, c) => ({
    label,
    abo: count[c]! > 0 ? sum[c]! / count[c]! : null,
    gt: count[c]!,
  }));
  const withGT = classes.filter((c) => c.abo !== null);
  const mabo = withGT.length ? withGT.reduce((s, c) => s + c.abo!, 0) / withGT.length : Number.NaN;
  return { protocol: protocol.name, mabo, classes };
}

/**
 * frame-MABO (mean average best overlap, spec/metrics.md "Other figures"): for every GT box, the
 * best IoU with any detection on its (video, frame), class-agnostic; averaged per class, then
 * over classes with GT. Box IoU convention from `protocol.frame.pixelInclusive`. A measure of
 * proposal recall quality, independent of scores.
 *
 * @example
 * ```ts
 * frameMABO(dataset, detections, { protocol: vocProtocol }).mabo;
 * ```
 */
export function frameMABO(
  gt: GroundTruthInput,
  dets: FrameDetections,
  options: MABOOptions,
): MABOResult {
  const index = new GroundTruthIndex(gt, options.videos);
  const L = gt.labels.length;
  const sum = new Float64Array(L);
  const count = new Float64Array(L);
  const inclusive = options.protocol.frame.pixelInclusive;
  const byName = new Map(dets.videos.map((v, i) => [v, i]));
  const { rows, offsets } = groupRows(dets.videoIndex, dets.length, dets.videos.length);
  for (const video of index.evaluatedVideos()) {
    const vi = byName.get(video.name);
    let frameRows = new Int32Array(0);
    if (vi !== undefined) {
      frameRows = rows.slice(offsets[vi]!, offsets[vi + 1]!);
      frameRows.sort((a, b) => dets.frame[a]! - dets.frame[b]! || a - b);
    }
    for (const tube of video.tubes) {
      if (!(tube.label >= 0 && tube.label < L)) continue;
      const T = tube.boxes.length / 4;
      for (let t = 0; t < T; t++) {
        const frame = tube.start + t;
        let lo = 0;
        let hi = frameRows.length;
        while (lo < hi) {
          const mid = (lo + hi) >>> 1;
          if (dets.frame[frameRows[mid]!]! < frame) lo = mid + 1;
          else hi = mid;
        }
        let best = 0;
        for (let k = lo; k < frameRows.length && dets.frame[frameRows[k]!] === frame; k++) {
          const v = boxIoUAt(tube.boxes, t, dets.boxes, frameRows[k]!, inclusive);
          if (v > best) best = v;
        }
        sum[tube.label] += best;
        count[tube.label]++;
      }
    }
  }
  return summariseMABO(options.protocol, gt.labels, sum, count);
}

/**
 * video-MABO (CFAD's v-MABO): for every GT tube, the best spatio-temporal tube IoU (the
 * profile's `tubeIoU` convention) with any detected tube of its video, class-agnostic; averaged
 * per class, then over classes with GT.
 *
 * @example
 * ```ts
 * videoMABO(dataset, tubes, { protocol: actProtocol }).mabo;
 * ```
 */
export function videoMABO(
  gt: GroundTruthInput,
  tubes: readonly DetectedTube[],
  options: MABOOptions,
): MABOResult {
  const index = new GroundTruthIndex(gt, options.videos);
  const L = gt.labels.length;
  const sum = new Float64Array(L);
  const count = new Float64Array(L);
  const rules = options.protocol.video;
  const iouOptions = { convention: rules.temporal, pixelInclusive: rules.pixelInclusive };
  const byVideo = new Map<string, DetectedTube[]>();
  for (const t of tubes) {
    let list = byVideo.get(t.video);
    if (list === undefined) byVideo.set(t.video, (list = []));
    list.push(t);
  }
  for (const video of index.evaluatedVideos()) {
    const dets = byVideo.get(video.name) ?? [];
    for (const g of video.tubes) {
      if (!(g.label >= 0 && g.label < L)) continue;
      let best = 0;
      for (const d of dets) {
        const v = tubeIoU(d, g, iouOptions);
        if (v > best) best = v;
      }
      sum[g.label] += best;
      count[g.label]++;
    }
  }
  return summariseMABO(options.protocol, gt.labels, sum, count);
}
