import {
  boxIoUAt,
  type DetectedTube,
  type FrameDetections,
  type TubeIoUConvention,
  tubeNMS,
} from '@tubekit/geometry';
import { LinkingInputError } from './errors';
import { float32Mean } from './float32-mean';
import { type FrameNMSOptions, nmsRows } from './row-nms';
import {
  collectTubes,
  type InputSource,
  rowsByLabel,
  videoFrameCount,
  videoRanges,
} from './video-ranges';

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
   * The frames a class is linked over, per video:
   * - `'first-to-last-detection'`: from the class's first to its last detected frame, so tubes
   *   start at the first detection (the general Gkioxari & Malik linker);
   * - `'whole-video'`: every frame 1 … nframes of the video (YOWO's `link_video_one_class` gets
   *   one entry per frame of the video), so every tube spans 1 … nframes; needs the video's frame
   *   count ({@link InputSource.nframes}).
   */
  readonly span: 'first-to-last-detection' | 'whole-video';
  /**
   * A frame of the span without boxes: `'stop'` — no path can cross it, so no tube is produced
   * (Gkioxari & Malik assume every frame has boxes); `'nearest'` — copy the boxes of the nearest
   * non-empty frame, the earlier one on ties (YOWO `link_bbxes_between_frames`: `np.argmin` of the
   * distances), also before the first and after the last detected frame.
   */
  readonly emptyFrames: 'stop' | 'nearest';
  /** Paths extracted per video and class (`'unlimited'`: until some frame has no box left). */
  readonly maxPaths: number | 'unlimited';
  /** `'path-mean'`: path score / T (G&M); `'mean-box-score'`: mean of the path's box scores (YOWO). */
  readonly tubeScore: 'path-mean' | 'mean-box-score';
  /**
   * Work in float32 like YOWO's `np.float32` arrays: boxes and scores are rounded to float32 on
   * input, every edge and DP sum is rounded to float32, the tube's boxes and per-frame scores are
   * float32 values, and a `'mean-box-score'` is NumPy's float32 mean ({@link float32Mean}). (The IoU inside an edge is computed in double and rounded once, so
   * an edge can differ from YOWO's all-float32 arithmetic by one float32 ulp.)
   */
  readonly float32: boolean;
  /**
   * Tube NMS per video and class after linking (`null`: none): keep a tube when its tube IoU with
   * every kept one is ≤ `iouThreshold`. `ties` orders equal tube scores: `'first'` (default) —
   * the earlier path is visited first; `'last'` — the later one (YOWO `nms_3d` takes `I[-1]` of an
   * ascending `np.argsort`).
   */
  readonly tubeNMS: {
    readonly iouThreshold: number;
    readonly convention: TubeIoUConvention;
    readonly ties?: 'first' | 'last';
  } | null;
}

/**
 * Gkioxari & Malik, "Finding action tubes" (CVPR 2015), Eq. 3: per-frame NMS 0.3, edge
 * `s_t + s_{t+1} + λ·IoU` with λ = 1 (continuous IoU), over the frames from the class's first to
 * its last detection, paths extracted until a frame runs out, tube score = path score / T.
 */
export const GKIOXARI_MALIK_LINKING: ViterbiLinkingOptions = Object.freeze({
  frameNMS: Object.freeze({ iouThreshold: 0.3, pixelInclusive: false }),
  edge: Object.freeze({ iouWeight: 1, scoreProductWeight: 0 }),
  linkPixelInclusive: false,
  span: 'first-to-last-detection',
  emptyFrames: 'stop',
  maxPaths: 'unlimited',
  tubeScore: 'path-mean',
  float32: false,
  tubeNMS: null,
});

/**
 * YOWO's video linking (Köpüklü et al. 2019; `core/eval_results.py` at commit 9d202c1,
 * `link_bbxes_between_frames` and `link_video_one_class(…, bNMS3d=True)`): over every frame of
 * the video, empty frames filled from the nearest non-empty frame (earlier on ties), edge
 * `IoU + s_i + s_j + 0.5·s_i·s_j` with continuous IoU (`bbox_iou`), no per-frame NMS inside the
 * linker (YOWO's class-agnostic NMS 0.4 runs in the detector, before the detections are written),
 * at most 3 paths per class and video (fewer when a frame runs out), float32 arrays, tube score =
 * mean box score, then `nms_3d` at 0.3 (YOWO tube IoU with +1 areas, ties: the later path first).
 */
export const YOWO_LINKING: ViterbiLinkingOptions = Object.freeze({
  frameNMS: null,
  edge: Object.freeze({ iouWeight: 1, scoreProductWeight: 0.5 }),
  linkPixelInclusive: false,
  span: 'whole-video',
  emptyFrames: 'nearest',
  maxPaths: 3,
  tubeScore: 'mean-box-score',
  float32: true,
  tubeNMS: Object.freeze({ iouThreshold: 0.3, convention: 'yowo' as const, ties: 'last' as const }),
});

/**
 * Viterbi (dynamic-programming) linking of frame detections, per video and class (Gkioxari &
 * Malik 2015; YOWO variant via options): over the class's span of frames (`options.span`), find
 * the path of one box per frame maximising Σ_t edge(b_t, b_{t+1}), emit it as a tube, remove its
 * boxes and repeat until a frame has no box left (or `maxPaths`).
 *
 * The DP runs backwards from the last frame and the path is decoded forwards from the first, as
 * YOWO's `link_bbxes_between_frames` does; among equal scores the lower box index (`np.argmax`)
 * wins, at the earliest frame first. Boxes of a frame are in per-frame NMS order (descending
 * score, ties by row), or in row order without NMS. Per-frame scores are the path's box scores.
 *
 * Cost: O(P · Σ_t n_t·n_{t+1}) time for P paths and n_t boxes at frame t (the pairwise IoUs are
 * computed once, O(Σ_t n_t·n_{t+1}) memory); the inner loops run over typed arrays.
 *
 * @param dets - frame detections sorted by video, then frame; scores ≥ 0.
 * @param input - the source named in errors and, for `span: 'whole-video'` (required there) or
 *   to refuse frames beyond a video's end, each video's frame count.
 * @example
 * ```ts
 * const tubes = linkViterbi(frameDets, GKIOXARI_MALIK_LINKING);
 * const yowo = linkViterbi(frameDets, YOWO_LINKING, { nframes: new Map([['v1', 40]]) });
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
 * for (const { video, tubes } of linkViterbiByVideo(frameDets, YOWO_LINKING, { nframes }))
 *   save(video, tubes);
 * ```
 */
export function* linkViterbiByVideo(
  dets: FrameDetections,
  options: ViterbiLinkingOptions,
  input: InputSource = {},
): Generator<{ video: string; tubes: DetectedTube[] }> {
  for (const range of videoRanges(dets, input)) {
    let span: { first: number; frames: number } | undefined;
    if (options.span === 'whole-video') {
      const nframes = videoFrameCount(input, range.name);
      if (nframes === undefined)
        throw new LinkingInputError(
          `${input.source ?? 'detections'}: video "${range.name}": this linker links every frame of the video and needs its frame count (nframes, e.g. from the ground truth)`,
        );
      span = { first: 1, frames: nframes };
    }
    const order = rowsByLabel(dets.label, dets.frame, range.begin, range.end);
    const tubes: DetectedTube[] = [];
    let g = 0;
    while (g < order.length) {
      const label = dets.label[order[g]!]!;
      let ge = g;
      while (ge < order.length && dets.label[order[ge]!] === label) ge++;
      const rows = order.subarray(g, ge);
      const classTubes = viterbiOneClass(
        dets,
        rows,
        label,
        range.name,
        span ?? {
          first: dets.frame[rows[0]!]!,
          frames: dets.frame[rows[rows.length - 1]!]! - dets.frame[rows[0]!]! + 1,
        },
        options,
      );
      if (options.tubeNMS !== null && classTubes.length > 1) {
        const n = classTubes.length;
        // 'last': visit equal scores from the later path by numbering the paths backwards
        const last = options.tubeNMS.ties === 'last';
        const at = (k: number) => (last ? n - 1 - k : k);
        const candidates = Array.from({ length: n }, (_, k) => classTubes[at(k)]!);
        const scores = Float64Array.from(candidates, (t) => t.score);
        const { keep } = tubeNMS(candidates, scores, options.tubeNMS);
        for (const k of keep) tubes.push(classTubes[at(k)]!);
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
  span: { first: number; frames: number },
  options: ViterbiLinkingOptions,
): DetectedTube[] {
  const f0 = span.first;
  const T = span.frames;
  const f32 = options.float32;
  // float32 storage rounds boxes, scores and edges on write (YOWO's np.float32 arrays)
  const Store = f32 ? Float32Array : Float64Array;
  // 1. Per-frame NMS: kept rows per frame, in NMS order (row order without NMS).
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
  const boxes = new Store(4 * total);
  const scores = new Store(total);
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
  // 4. Each edge λ·IoU + s_i + s_j + μ·s_i·s_j, computed once.
  const edgeBegin = new Int32Array(T);
  let edges = 0;
  for (let t = 0; t + 1 < T; t++) {
    edgeBegin[t] = edges;
    edges += (begin[t + 1]! - begin[t]!) * (begin[t + 2]! - begin[t + 1]!);
  }
  const edge = new Store(edges);
  const { iouWeight, scoreProductWeight } = options.edge;
  const pi = options.linkPixelInclusive;
  for (let t = 0; t + 1 < T; t++) {
    let e = edgeBegin[t]!;
    for (let i = begin[t]!; i < begin[t + 1]!; i++)
      for (let j = begin[t + 1]!; j < begin[t + 2]!; j++)
        edge[e++] =
          iouWeight * boxIoUAt(boxes, i, boxes, j, pi) +
          (scores[i]! + scores[j]!) +
          scoreProductWeight * scores[i]! * scores[j]!;
  }
  // 5. Extract paths: backward DP (dp[i] = best score from box i to the last frame), forward decode.
  const alive = new Uint8Array(total).fill(1);
  const remaining = new Int32Array(T);
  for (let t = 0; t < T; t++) remaining[t] = begin[t + 1]! - begin[t]!;
  const dp = new Float64Array(total);
  const next = new Int32Array(total);
  const path = new Int32Array(T);
  const maxPaths = options.maxPaths === 'unlimited' ? Number.POSITIVE_INFINITY : options.maxPaths;
  const tubes: DetectedTube[] = [];
  while (tubes.length < maxPaths) {
    let empty = false;
    for (let t = 0; t < T; t++) if (remaining[t] === 0) empty = true;
    if (empty) break;
    for (let j = begin[T - 1]!; j < begin[T]!; j++) dp[j] = 0;
    for (let t = T - 2; t >= 0; t--) {
      const nj = begin[t + 2]! - begin[t + 1]!;
      const e0 = edgeBegin[t]!;
      for (let i = begin[t]!; i < begin[t + 1]!; i++) {
        if (!alive[i]) continue;
        const row = e0 + (i - begin[t]!) * nj;
        let best = Number.NEGATIVE_INFINITY;
        let arg = -1;
        for (let jj = 0; jj < nj; jj++) {
          const j = begin[t + 1]! + jj;
          if (!alive[j]) continue;
          const sum = edge[row + jj]! + dp[j]!;
          const v = f32 ? Math.fround(sum) : sum;
          if (v > best) {
            best = v;
            arg = j;
          }
        }
        dp[i] = best;
        next[i] = arg;
      }
    }
    let at = -1;
    for (let i = begin[0]!; i < begin[1]!; i++)
      if (alive[i] && (at < 0 || dp[i]! > dp[at]!)) at = i;
    const pathScore = dp[at]!;
    for (let t = 0; t < T; t++) {
      path[t] = at;
      at = next[at]!;
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
    const score =
      options.tubeScore === 'path-mean'
        ? f32
          ? Math.fround(pathScore / T)
          : pathScore / T
        : f32
          ? float32Mean(boxScores, 0, T)
          : sum / T;
    tubes.push({ video, label, score, start: f0, boxes: tubeBoxes, scores: boxScores });
  }
  return tubes;
}
