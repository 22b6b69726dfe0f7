import {
  boxIoUAt,
  type DetectedTube,
  type FrameDetections,
  type TubeIoUConvention,
  tubeNMS,
} from '@tubekit/geometry';
import { type FrameNMSOptions, nmsRows } from './row-nms';
import { collectTubes, type InputSource, rowsByLabel, videoRanges } from './video-ranges';

/**
 * Options of {@link linkViterbi}; {@link GKIOXARI_MALIK_LINKING} and {@link YOWO_LINKING} are
 * the published settings.
 */
export interface ViterbiLinkingOptions {
  /** Per-frame NMS of each class's boxes before linking (`null`: none). */
  readonly frameNMS: FrameNMSOptions | null;
  /**
   * Edge score between box i at frame t and box j at frame t+1:
   * `s_i + s_j + iouWeight · IoU(b_i, b_j) + scoreProductWeight · s_i · s_j`.
   */
  readonly edge: { readonly iouWeight: number; readonly scoreProductWeight: number };
  /** `true`: the edge IoU uses inclusive-pixel (+1) areas; `false`: continuous. */
  readonly linkPixelInclusive: boolean;
  /**
   * A frame (between the class's first and last detected frame) without boxes: `'stop'` — no
   * path can cross it, so no tube is produced (Gkioxari & Malik assume every frame has boxes);
   * `'nearest'` — copy the boxes of the nearest non-empty frame (ties: the earlier one), YOWO.
   */
  readonly emptyFrames: 'stop' | 'nearest';
  /** Paths extracted per video and class (`'unlimited'`: until some frame has no box left). */
  readonly maxPaths: number | 'unlimited';
  /** `'path-mean'`: path score / T (G&M); `'mean-box-score'`: mean of the path's box scores (YOWO). */
  readonly tubeScore: 'path-mean' | 'mean-box-score';
  /** Tube NMS per video and class after linking (`null`: none). */
  readonly tubeNMS: {
    readonly iouThreshold: number;
    readonly convention: TubeIoUConvention;
  } | null;
}

/**
 * Gkioxari & Malik, "Finding action tubes" (CVPR 2015), Eq. 3: per-frame NMS 0.3, edge
 * `s_t + s_{t+1} + λ·IoU` with λ = 1 (continuous IoU), paths extracted until a frame runs out,
 * tube score = path score / T.
 */
export const GKIOXARI_MALIK_LINKING: ViterbiLinkingOptions = Object.freeze({
  frameNMS: Object.freeze({ iouThreshold: 0.3, pixelInclusive: false }),
  edge: Object.freeze({ iouWeight: 1, scoreProductWeight: 0 }),
  linkPixelInclusive: false,
  emptyFrames: 'stop',
  maxPaths: 'unlimited',
  tubeScore: 'path-mean',
  tubeNMS: null,
});

/**
 * YOWO's video linking (Köpüklü et al. 2019, `eval_ucf_video` link code): G&M with edge
 * `IoU + s_i + s_j + 0.5·s_i·s_j`, empty frames filled from the nearest non-empty frame, at most
 * 3 paths per class and video, tube score = mean box score, then tube NMS 0.3 (YOWO tube IoU).
 * The per-frame NMS 0.3 of {@link GKIOXARI_MALIK_LINKING} is kept.
 */
export const YOWO_LINKING: ViterbiLinkingOptions = Object.freeze({
  ...GKIOXARI_MALIK_LINKING,
  edge: Object.freeze({ iouWeight: 1, scoreProductWeight: 0.5 }),
  emptyFrames: 'nearest',
  maxPaths: 3,
  tubeScore: 'mean-box-score',
  tubeNMS: Object.freeze({ iouThreshold: 0.3, convention: 'yowo' as const }),
});

/**
 * Viterbi (dynamic-programming) linking of frame detections, per video and class (Gkioxari &
 * Malik 2015; YOWO variant via options): over the frames from the class's first to its last
 * detection, find the path of one box per frame maximising Σ_t edge(b_t, b_{t+1}), emit it as a
 * tube, remove its boxes and repeat until a frame has no box left (or `maxPaths`).
 *
 * Deterministic: among equal DP scores the lower box index (boxes are in per-frame NMS order,
 * i.e. by descending score, ties by row) wins. Per-frame scores are the path's box scores.
 *
 * Cost: O(P · Σ_t n_t·n_{t+1}) time for P paths and n_t boxes at frame t (the pairwise IoUs are
 * computed once, O(Σ_t n_t·n_{t+1}) memory); the inner loops run over typed arrays.
 *
 * @param dets - frame detections sorted by video, then frame.
 * @example
 * ```ts
 * const tubes = linkViterbi(frameDets, GKIOXARI_MALIK_LINKING);
 * const yowo = linkViterbi(frameDets, YOWO_LINKING);
 * ```
 */
export function linkViterbi(
  dets: FrameDetections,
  options: ViterbiLinkingOptions,
  input: InputSource = {},
): DetectedTube[] {
  return collectTubes(linkViterbiByVideo(dets, options, input));
}

/**
 * {@link linkViterbi} one video at a time (a generator).
 *
 * @example
 * ```ts
 * for (const { video, tubes } of linkViterbiByVideo(frameDets, YOWO_LINKING)) save(video, tubes);
 * ```
 */
export function* linkViterbiByVideo(
  dets: FrameDetections,
  options: ViterbiLinkingOptions,
  input: InputSource = {},
): Generator<{ video: string; tubes: DetectedTube[] }> {
  for (const range of videoRanges(dets, input)) {
    const order = rowsByLabel(dets.label, dets.frame, range.begin, range.end);
    const tubes: DetectedTube[] = [];
    let g = 0;
    while (g < order.length) {
      const label = dets.label[order[g]!]!;
      let ge = g;
      while (ge < order.length && dets.label[order[ge]!] === label) ge++;
      const classTubes = viterbiOneClass(dets, order.subarray(g, ge), label, range.name, options);
      if (options.tubeNMS !== null && classTubes.length > 1) {
        const scores = new Float64Array(classTubes.length);
        for (let i = 0; i < scores.length; i++) scores[i] = classTubes[i]!.score;
        const { keep } = tubeNMS(classTubes, scores, options.tubeNMS);
        for (const i of keep) tubes.push(classTubes[i]!);
      } else tubes.push(...classTubes);
      g = ge;
    }
    for (let i = 0; i < tubes.length; i++) tubes[i]!.id = i + 1;
    yield { video: range.name, tubes };
  }
}

function viterbiOneClass(
  dets: FrameDetections,
  rows: Int32Array,
  label: number,
  video: string,
  options: ViterbiLinkingOptions,
): DetectedTube[] {
  const f0 = dets.frame[rows[0]!]!;
  const T = dets.frame[rows[rows.length - 1]!]! - f0 + 1;
  // 1. Per-frame NMS: kept rows per frame, in NMS order.
  const keptRows = new Int32Array(rows.length);
  const keptBegin = new Int32Array(T + 1);
  let nKept = 0;
  let r = 0;
  for (let t = 0; t < T; t++) {
    keptBegin[t] = nKept;
    let re = r;
    while (re < rows.length && dets.frame[rows[re]!] === f0 + t) re++;
    if (re > r) {
      if (options.frameNMS === null) for (let i = r; i < re; i++) keptRows[nKept++] = rows[i]!;
      else
        for (const row of nmsRows(
          dets.boxes,
          dets.score,
          rows.subarray(r, re),
          re - r,
          options.frameNMS,
        ))
          keptRows[nKept++] = row;
    }
    r = re;
  }
  keptBegin[T] = nKept;
  // 2. Source frame of every frame's boxes (itself, or the nearest non-empty one).
  const source = new Int32Array(T);
  let total = 0;
  let lastNonEmpty = -1;
  for (let t = 0; t < T; t++) {
    if (keptBegin[t + 1]! > keptBegin[t]!) lastNonEmpty = t;
    source[t] = lastNonEmpty; // provisional: nearest non-empty at or before t
  }
  let nextNonEmpty = -1;
  for (let t = T - 1; t >= 0; t--) {
    if (keptBegin[t + 1]! > keptBegin[t]!) nextNonEmpty = t;
    const before = source[t]!;
    if (before !== t) {
      if (options.emptyFrames === 'stop') return [];
      source[t] =
        before < 0 || (nextNonEmpty >= 0 && nextNonEmpty - t < t - before) ? nextNonEmpty : before;
    }
    total += keptBegin[source[t]! + 1]! - keptBegin[source[t]!]!;
  }
  // 3. Compact per-frame layout of boxes and scores.
  const begin = new Int32Array(T + 1);
  const boxes = new Float64Array(4 * total);
  const scores = new Float64Array(total);
  let p = 0;
  for (let t = 0; t < T; t++) {
    begin[t] = p;
    const s = source[t]!;
    for (let k = keptBegin[s]!; k < keptBegin[s + 1]!; k++) {
      const row = keptRows[k]!;
      boxes.set(dets.boxes.subarray(4 * row, 4 * row + 4), 4 * p);
      scores[p] = dets.score[row]!;
      p++;
    }
  }
  begin[T] = p;
  // 4. Static part of each edge: λ·IoU + μ·s_i·s_j (+ s_i + s_j), computed once.
  const edgeBegin = new Int32Array(T);
  let edges = 0;
  for (let t = 0; t + 1 < T; t++) {
    edgeBegin[t] = edges;
    edges += (begin[t + 1]! - begin[t]!) * (begin[t + 2]! - begin[t + 1]!);
  }
  const edge = new Float64Array(edges);
  const { iouWeight, scoreProductWeight } = options.edge;
  const pi = options.linkPixelInclusive;
  for (let t = 0; t + 1 < T; t++) {
    let e = edgeBegin[t]!;
    for (let i = begin[t]!; i < begin[t + 1]!; i++)
      for (let j = begin[t + 1]!; j < begin[t + 2]!; j++)
        edge[e++] =
          scores[i]! +
          scores[j]! +
          iouWeight * boxIoUAt(boxes, i, boxes, j, pi) +
          scoreProductWeight * scores[i]! * scores[j]!;
  }
  // 5. Extract paths.
  const alive = new Uint8Array(total).fill(1);
  const remaining = new Int32Array(T);
  for (let t = 0; t < T; t++) remaining[t] = begin[t + 1]! - begin[t]!;
  const dp = new Float64Array(total);
  const back = new Int32Array(total);
  const path = new Int32Array(T);
  const maxPaths = options.maxPaths === 'unlimited' ? Number.POSITIVE_INFINITY : options.maxPaths;
  const tubes: DetectedTube[] = [];
  while (tubes.length < maxPaths) {
    let empty = false;
    for (let t = 0; t < T; t++) if (remaining[t] === 0) empty = true;
    if (empty) break;
    for (let i = begin[0]!; i < begin[1]!; i++) dp[i] = 0;
    for (let t = 0; t + 1 < T; t++) {
      const ni = begin[t + 1]! - begin[t]!;
      const nj = begin[t + 2]! - begin[t + 1]!;
      const e0 = edgeBegin[t]!;
      for (let jj = 0; jj < nj; jj++) {
        const j = begin[t + 1]! + jj;
        if (!alive[j]) continue;
        let best = Number.NEGATIVE_INFINITY;
        let arg = -1;
        for (let ii = 0; ii < ni; ii++) {
          const i = begin[t]! + ii;
          if (!alive[i]) continue;
          const v = dp[i]! + edge[e0 + ii * nj + jj]!;
          if (v > best) {
            best = v;
            arg = i;
          }
        }
        dp[j] = best;
        back[j] = arg;
      }
    }
    let end = -1;
    for (let i = begin[T - 1]!; i < begin[T]!; i++)
      if (alive[i] && (end < 0 || dp[i]! > dp[end]!)) end = i;
    const pathScore = dp[end]!;
    for (let t = T - 1, i = end; t >= 0; t--) {
      path[t] = i;
      i = back[i]!;
    }
    const tubeBoxes = new Float64Array(4 * T);
    const boxScores = new Float64Array(T);
    let sum = 0;
    for (let t = 0; t < T; t++) {
      const i = path[t]!;
      tubeBoxes.set(boxes.subarray(4 * i, 4 * i + 4), 4 * t);
      boxScores[t] = scores[i]!;
      sum += scores[i]!;
      alive[i] = 0;
      remaining[t]!--;
    }
    const score = options.tubeScore === 'path-mean' ? pathScore / T : sum / T;
    tubes.push({ video, label, score, start: f0, boxes: tubeBoxes, scores: boxScores });
  }
  return tubes;
}
