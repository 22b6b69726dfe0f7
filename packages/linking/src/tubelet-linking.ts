import {
  boxIoUAt,
  type DetectedTube,
  type FrameDetections,
  type TubeletDetections,
  tubeletNMS,
} from '@tubekit/geometry';
import { collectTubes, type InputSource, rowsByLabel, videoRanges } from './video-ranges';

/** Per start frame and class suppression step of {@link linkTubelets}. */
export interface TubeletSuppression {
  /** Overlap threshold: a tubelet is suppressed (or rescored) when its overlap exceeds it. */
  readonly iouThreshold: number;
  /** Tubelets kept per start frame and class, by descending (final) score. */
  readonly topK: number;
  /** `true`: inclusive-pixel (+1) IoU, as ACT's and MOC's `nms_tubelets`. */
  readonly pixelInclusive: boolean;
  /**
   * `false`: hard NMS (ACT). `true`: one-pass linear soft NMS that rescales the suppressed
   * tubelets instead of removing them (MOC, MultiSports).
   */
  readonly soft: boolean;
  /**
   * Overlap of two tubelets: `'mean'` per-frame IoU (ACT), or MOC's `'sum'`: the sum of the K
   * per-frame IoUs is compared with `iouThreshold · K` and a suppressed score is multiplied by
   * `1 − sum`, which for K ≥ 2 can make it **negative** (MOC's published numbers come from it).
   */
  readonly softOverlap: 'mean' | 'sum';
}

/**
 * Options of ACT-style tubelet linking; {@link ACT_LINKING}, {@link MOC_LINKING} and
 * {@link MULTISPORTS_LINKING} are the published settings.
 */
export interface TubeletLinkingOptions {
  /** Suppression applied to the tubelets of each start frame and class before linking. */
  readonly suppression: TubeletSuppression;
  /** A candidate can extend a tube when their overlap is ≥ this. */
  readonly linkThreshold: number;
  /** `true`: the link overlap uses the inclusive-pixel (+1) IoU (ACT, MOC); `false`: continuous. */
  readonly linkPixelInclusive: boolean;
  /**
   * A tube without a match is closed once `frame − start of its last tubelet` reaches this many
   * frames (ACT: 5); `'K'`: the tubelet length (MOC; with K = 1 a tube closes at its first frame
   * without a match).
   */
  readonly closeAfter: number | 'K';
  /** Tubes whose score (mean linked-tubelet score) is below this are dropped. */
  readonly minScore: number;
  /** Tubes shorter than this many frames are dropped. */
  readonly minLength: number;
}

/**
 * ACT tubelet linking (Kalogeiton et al., ICCV 2017, `ACT.py` `BuildTubes`): hard tubelet NMS 0.3
 * (+1 IoU) keeping 10 per start frame, link overlap ≥ 0.2 with the +1 IoU, close after 5 frames,
 * minimum score 0.01, minimum length 15.
 */
export const ACT_LINKING: TubeletLinkingOptions = Object.freeze({
  suppression: Object.freeze({
    iouThreshold: 0.3,
    topK: 10,
    pixelInclusive: true,
    soft: false,
    softOverlap: 'mean',
  }),
  linkThreshold: 0.2,
  linkPixelInclusive: true,
  closeAfter: 5,
  minScore: 0.01,
  minLength: 15,
});

/**
 * MOC's variant of ACT linking (Li et al., ECCV 2020, MOC-Detector `ACT_utils`): one-pass linear
 * soft tubelet NMS at 0.6 on the **sum** of per-frame IoUs (+1 IoU; for K ≥ 2 a suppressed
 * tubelet can get a negative score and still be linked — reproduced on purpose), top 10, link
 * overlap ≥ 0.5 (+1 IoU), close after K frames without a match, minimum score 0.005, length 15.
 */
export const MOC_LINKING: TubeletLinkingOptions = Object.freeze({
  suppression: Object.freeze({
    iouThreshold: 0.6,
    topK: 10,
    pixelInclusive: true,
    soft: true,
    softOverlap: 'sum',
  }),
  linkThreshold: 0.5,
  linkPixelInclusive: true,
  closeAfter: 'K',
  minScore: 0.005,
  minLength: 15,
});

/**
 * The MultiSports variant (Li et al., ICCV 2021; mmaction2 `multisports_utils.link_tubes`): MOC's
 * settings with the **continuous** IoU for the link overlap (the suppression keeps +1 areas); use
 * with K = 1 frame detections ({@link frameDetectionsAsTubelets}). The per-frame score of a linked
 * box is its own detection score — mmaction2's port gives every box the last detection's score, a
 * bug tubekit does not reproduce.
 */
export const MULTISPORTS_LINKING: TubeletLinkingOptions = Object.freeze({
  ...MOC_LINKING,
  linkPixelInclusive: false,
});

/**
 * Views frame detections as K = 1 tubelets (no copy: the columns are shared), the input the
 * MultiSports linker expects.
 *
 * @example
 * ```ts
 * const tubes = linkTubelets(frameDetectionsAsTubelets(frameDets), MULTISPORTS_LINKING);
 * ```
 */
export function frameDetectionsAsTubelets(dets: FrameDetections): TubeletDetections {
  return {
    videos: dets.videos,
    K: 1,
    videoIndex: dets.videoIndex,
    start: dets.frame,
    label: dets.label,
    score: dets.score,
    boxes: dets.boxes,
    length: dets.length,
  };
}

/**
 * ACT-style tubelet linking (Kalogeiton et al. 2017, Sec. 4.2; MOC and MultiSports variants via
 * options), per video and class:
 *
 * 1. per start frame, tubelet suppression (`options.suppression`), keeping the top `topK`;
 * 2. frame by frame, live tubes are visited in descending mean tubelet score (ties: earlier
 *    position in the live list, i.e. stable); a tube's overlap with a candidate is the mean IoU
 *    over their shared frames when the candidate starts less than K frames after the tube's last
 *    tubelet, otherwise the IoU of the tube's last box with the candidate's first box; among
 *    candidates with overlap ≥ `linkThreshold` the **highest-scoring** one (ties: lowest position
 *    in the NMS order) extends the tube and leaves the pool; a tube without a match closes once
 *    `frame − start of its last tubelet ≥ closeAfter`; leftover tubelets start new tubes;
 * 3. each tube's per-frame box (and score) is the mean over the tubelets covering the frame, its
 *    score the mean tubelet score; tubes scoring below `minScore` or shorter than `minLength`
 *    frames are dropped. When `closeAfter > K` leaves frames no tubelet covers, their boxes and
 *    scores are linearly interpolated between the neighbouring covered frames (ACT's code would
 *    divide by zero there), so no tube has a gap or a NaN.
 *
 * Tubes are returned per video in ACT's order (per class: closed tubes in closing order, then the
 * tubes still live at the end), with ids 1, 2, … unique within the video.
 *
 * Cost per video and class: O(F · (L·N·K + N log N)) for F start frames, L live tubes and N ≤ topK
 * candidates per frame; state O(live tubes + linked tubelets of one class of one video).
 *
 * @param dets - tubelets sorted by video, then start frame (the canonical CSV order).
 * @param options - e.g. {@link ACT_LINKING}.
 * @example
 * ```ts
 * const tubes = linkTubelets(tubelets, { ...ACT_LINKING, minLength: 10 });
 * ```
 */
export function linkTubelets(
  dets: TubeletDetections,
  options: TubeletLinkingOptions,
  input: InputSource = {},
): DetectedTube[] {
  return collectTubes(linkTubeletsByVideo(dets, options, input));
}

/**
 * {@link linkTubelets} one video at a time (a generator), so a caller can write each video's tubes
 * before the next is linked.
 *
 * @example
 * ```ts
 * for (const { video, tubes } of linkTubeletsByVideo(tubelets, ACT_LINKING)) save(video, tubes);
 * ```
 */
export function* linkTubeletsByVideo(
  dets: TubeletDetections,
  options: TubeletLinkingOptions,
  input: InputSource = {},
): Generator<{ video: string; tubes: DetectedTube[] }> {
  checkTubeletOptions(options, dets.K);
  for (const range of videoRanges(dets, input)) {
    const order = rowsByLabel(dets.label, dets.start, range.begin, range.end);
    const tubes: DetectedTube[] = [];
    let g = 0;
    while (g < order.length) {
      const label = dets.label[order[g]!]!;
      let ge = g;
      while (ge < order.length && dets.label[order[ge]!] === label) ge++;
      linkOneClass(dets, order.subarray(g, ge), label, range.name, options, tubes);
      g = ge;
    }
    for (let i = 0; i < tubes.length; i++) tubes[i]!.id = i + 1;
    yield { video: range.name, tubes };
  }
}

function checkTubeletOptions(options: TubeletLinkingOptions, K: number): void {
  if (!(Number.isInteger(K) && K >= 1))
    throw new RangeError(`tubelet linking: K must be an integer ≥ 1, got ${K}`);
  const close = options.closeAfter === 'K' ? K : options.closeAfter;
  if (!(close >= 1)) throw new RangeError(`tubelet linking: closeAfter must be ≥ 1, got ${close}`);
  if (!(options.suppression.topK >= 1))
    throw new RangeError(`tubelet linking: suppression.topK must be ≥ 1`);
}

/** Links the tubelets `rows` (one class of one video, sorted by start frame). */
function linkOneClass(
  dets: TubeletDetections,
  rows: Int32Array,
  label: number,
  video: string,
  options: TubeletLinkingOptions,
  out: DetectedTube[],
): void {
  const K = dets.K;
  const stride = 4 * K;
  const n = rows.length;
  // Sorted copies: every start frame's tubelets are one contiguous block (no per-frame copy).
  const boxes = new Float64Array(n * stride);
  const scores = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const r = rows[i]!;
    boxes.set(dets.boxes.subarray(r * stride, r * stride + stride), i * stride);
    scores[i] = dets.score[r]!;
  }
  const { suppression } = options;
  const nmsOptions = {
    iouThreshold: suppression.iouThreshold,
    topK: suppression.topK,
    pixelInclusive: suppression.pixelInclusive,
    softOverlap: suppression.softOverlap,
    ...(suppression.soft ? { soft: { method: 'linear' as const } } : {}),
  };
  const closeAfter = options.closeAfter === 'K' ? K : options.closeAfter;
  const pi = options.linkPixelInclusive;
  const threshold = options.linkThreshold;

  // Linked tubelets (nodes) and tubes, all in typed arrays.
  const nodeSorted = new Int32Array(n); // position in `boxes`
  const nodeScore = new Float64Array(n);
  const nodeStart = new Int32Array(n);
  const nodeNext = new Int32Array(n).fill(-1);
  let nodes = 0;
  const tubeHead = new Int32Array(n);
  const tubeTail = new Int32Array(n);
  const tubeCount = new Int32Array(n);
  const tubeSum = new Float64Array(n);
  let tubes = 0;
  let live = new Int32Array(n);
  let nextLive = new Int32Array(n);
  let liveCount = 0;
  const finished = new Int32Array(n);
  let finishedCount = 0;
  const closed = new Int32Array(n);
  const candPos = new Int32Array(suppression.topK);
  const candScore = new Float64Array(suppression.topK);
  const candTaken = new Uint8Array(suppression.topK);

  const firstFrame = dets.start[rows[0]!]!;
  const lastFrame = dets.start[rows[n - 1]!]!;
  let i = 0;
  for (let frame = firstFrame; frame <= lastFrame; frame++) {
    let ie = i;
    while (ie < n && dets.start[rows[ie]!] === frame) ie++;
    let cands = 0;
    if (ie > i) {
      const kept = tubeletNMS(
        boxes.subarray(i * stride, ie * stride),
        K,
        scores.subarray(i, ie),
        nmsOptions,
      );
      cands = Math.min(kept.keep.length, suppression.topK);
      for (let c = 0; c < cands; c++) {
        candPos[c] = i + kept.keep[c]!;
        candScore[c] = kept.scores[c]!;
        candTaken[c] = 0;
      }
    }
    i = ie;
    // Live tubes by descending mean tubelet score (stable insertion sort: ties keep list order).
    for (let a = 1; a < liveCount; a++) {
      const t = live[a]!;
      const key = tubeSum[t]! / tubeCount[t]!;
      let b = a - 1;
      while (b >= 0 && tubeSum[live[b]!]! / tubeCount[live[b]!]! < key) {
        live[b + 1] = live[b]!;
        b--;
      }
      live[b + 1] = t;
    }
    let closedCount = 0;
    for (let a = 0; a < liveCount; a++) {
      const t = live[a]!;
      const last = tubeTail[t]!;
      const offset = frame - nodeStart[last]!;
      const lastBox = nodeSorted[last]! * K;
      let best = -1;
      for (let c = 0; c < cands; c++) {
        if (candTaken[c]) continue;
        const candBox = candPos[c]! * K;
        let overlap: number;
        if (offset < K) {
          const shared = K - offset;
          overlap = 0;
          for (let k = 0; k < shared; k++)
            overlap += boxIoUAt(boxes, candBox + k, boxes, lastBox + k + offset, pi);
          overlap /= shared;
        } else overlap = boxIoUAt(boxes, candBox, boxes, lastBox + K - 1, pi);
        // Candidates are in NMS order (descending final score, ties by index): the first one
        // that overlaps enough is the highest-scoring valid candidate.
        if (overlap >= threshold) {
          best = c;
          break;
        }
      }
      if (best >= 0) {
        candTaken[best] = 1;
        nodeSorted[nodes] = candPos[best]!;
        nodeScore[nodes] = candScore[best]!;
        nodeStart[nodes] = frame;
        nodeNext[last] = nodes;
        tubeTail[t] = nodes;
        tubeCount[t]!++;
        tubeSum[t]! += candScore[best]!;
        nodes++;
      } else if (offset >= closeAfter) closed[closedCount++] = a;
    }
    if (closedCount > 0) {
      // ACT appends the closed tubes in reverse visiting order, then drops them from the list.
      for (let c = closedCount - 1; c >= 0; c--) finished[finishedCount++] = live[closed[c]!]!;
      let kept = 0;
      let c = 0;
      for (let a = 0; a < liveCount; a++) {
        if (c < closedCount && closed[c] === a) c++;
        else nextLive[kept++] = live[a]!;
      }
      const swap = live;
      live = nextLive;
      nextLive = swap;
      liveCount = kept;
    }
    for (let c = 0; c < cands; c++) {
      if (candTaken[c]) continue;
      nodeSorted[nodes] = candPos[c]!;
      nodeScore[nodes] = candScore[c]!;
      nodeStart[nodes] = frame;
      tubeHead[tubes] = nodes;
      tubeTail[tubes] = nodes;
      tubeCount[tubes] = 1;
      tubeSum[tubes] = candScore[c]!;
      live[liveCount++] = tubes;
      tubes++;
      nodes++;
    }
  }
  for (let a = 0; a < liveCount; a++) finished[finishedCount++] = live[a]!;

  for (let f = 0; f < finishedCount; f++) {
    const t = finished[f]!;
    const score = tubeSum[t]! / tubeCount[t]!;
    if (score < options.minScore) continue;
    const begin = nodeStart[tubeHead[t]!]!;
    const end = nodeStart[tubeTail[t]!]! + K - 1;
    const T = end - begin + 1;
    if (T < options.minLength) continue;
    const tubeBoxes = new Float64Array(4 * T);
    const frameScores = new Float64Array(T);
    const counts = new Int32Array(T);
    for (let node = tubeHead[t]!; node >= 0; node = nodeNext[node]!) {
      const at = nodeStart[node]! - begin;
      const src = nodeSorted[node]! * stride;
      for (let k = 0; k < K; k++) {
        const o = 4 * (at + k);
        tubeBoxes[o] = tubeBoxes[o]! + boxes[src + 4 * k]!;
        tubeBoxes[o + 1] = tubeBoxes[o + 1]! + boxes[src + 4 * k + 1]!;
        tubeBoxes[o + 2] = tubeBoxes[o + 2]! + boxes[src + 4 * k + 2]!;
        tubeBoxes[o + 3] = tubeBoxes[o + 3]! + boxes[src + 4 * k + 3]!;
        frameScores[at + k] = frameScores[at + k]! + nodeScore[node]!;
        counts[at + k]!++;
      }
    }
    averageAndInterpolate(tubeBoxes, frameScores, counts);
    out.push({ video, label, score, start: begin, boxes: tubeBoxes, scores: frameScores });
  }
}

/**
 * Divides summed boxes and scores by their counts; frames with count 0 (never at both ends) are
 * linearly interpolated between the nearest covered frames.
 */
function averageAndInterpolate(
  boxes: Float64Array,
  scores: Float64Array,
  counts: Int32Array,
): void {
  const T = counts.length;
  let previous = -1;
  for (let t = 0; t < T; t++) {
    const c = counts[t]!;
    if (c === 0) continue;
    if (c > 1) {
      for (let q = 4 * t; q < 4 * t + 4; q++) boxes[q] = boxes[q]! / c;
      scores[t] = scores[t]! / c;
    }
    if (previous >= 0 && t - previous > 1) {
      const span = t - previous;
      for (let u = previous + 1; u < t; u++) {
        const w = (u - previous) / span;
        for (let q = 0; q < 4; q++)
          boxes[4 * u + q] = (1 - w) * boxes[4 * previous + q]! + w * boxes[4 * t + q]!;
        scores[u] = (1 - w) * scores[previous]! + w * scores[t]!;
      }
    }
    previous = t;
  }
}
