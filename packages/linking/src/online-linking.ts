import { boxIoUAt, type DetectedTube, type FrameDetections } from '@tubekit/geometry';
import { LinkingInputError } from './errors';
import { nmsRows } from './row-nms';
import { topKMean } from './top-k-mean';
import { collectTubes, type InputSource, videoRanges } from './video-ranges';

/** Options of Singh et al.'s online linker; {@link SINGH_ONLINE_LINKING} holds the published ones. */
export interface OnlineLinkingOptions {
  /** Per frame and class, boxes with score **>** this enter linking. */
  readonly minScore: number;
  /** … of which the top this many by score go to NMS. */
  readonly preNMSTopK: number;
  /** Per-frame, per-class NMS. */
  readonly nms: { readonly iouThreshold: number; readonly pixelInclusive: boolean };
  /** Boxes kept after NMS (by score). */
  readonly postNMSTopK: number;
  /** A path can take a box whose IoU with the path's last box is ≥ this. */
  readonly linkThreshold: number;
  /** `true`: the link IoU uses inclusive-pixel (+1) areas (Singh's MATLAB `rectint` on w+1). */
  readonly linkPixelInclusive: boolean;
  /** A path dies after this many consecutive frames without a match. */
  readonly maxMisses: number;
  /** Live paths are visited by descending mean of their top this-many box scores. */
  readonly orderTopK: number;
  /** Only paths with **more than** this many matched boxes become tubes. */
  readonly minBoxes: number;
  /**
   * Frames a path skipped: `'next'` copies the box (and scores) found after the gap (Singh's
   * `fill_gaps`); `'linear'` interpolates between the boxes either side.
   */
  readonly gapFill: 'next' | 'linear';
  /** {@link linkOnline} returns a video's tubes by descending mean of their top this-many scores. */
  readonly outputOrderTopK: number;
}

/**
 * Singh et al., "Online real-time multiple spatiotemporal action localisation and prediction"
 * (ICCV 2017), `online-tubes/actionpath` (`actionPaths.m`, `incremental_linking.m`): per frame and
 * class keep scores > 0.001, top 50, NMS 0.45 (+1 IoU), top 10; paths take their best box with
 * IoU ≥ 0.1 (edge = the box's class score), visited by the mean of their top 4 scores; a path
 * dies after 3 frames without a match; paths with more than 3 boxes are kept and their gaps
 * filled with the next found box; final order by the mean of the top 20 scores.
 */
export const SINGH_ONLINE_LINKING: OnlineLinkingOptions = Object.freeze({
  minScore: 0.001,
  preNMSTopK: 50,
  nms: Object.freeze({ iouThreshold: 0.45, pixelInclusive: true }),
  postNMSTopK: 10,
  linkThreshold: 0.1,
  linkPixelInclusive: true,
  maxMisses: 3,
  orderTopK: 4,
  minBoxes: 3,
  gapFill: 'next',
  outputOrderTopK: 20,
});

/** One frame's detections (all classes) for {@link OnlineLinker.push}; rows are views, not copied. */
export interface OnlineFrame {
  /** 1-based frame number; strictly increasing from push to push. */
  frame: number;
  /** Number of rows. */
  count: number;
  /** 0-based label per row. */
  labels: ArrayLike<number>;
  /** Score per row. */
  scores: ArrayLike<number>;
  /** `count × 4` packed `[x1, y1, x2, y2]`. */
  boxes: ArrayLike<number>;
  /**
   * Optional `count × C` class-score vector of each row (the detector's full softmax); carried
   * into the tubes' `classScores` for {@link multiClassTrimming}.
   */
  classScores?: ArrayLike<number>;
}

const NO_ROWS = new Int32Array(0);

class Path {
  frames: Int32Array;
  boxes: Float64Array;
  scores: Float64Array;
  classScores: Float64Array | undefined;
  count = 0;
  misses = 0;
  readonly top: Float64Array;
  topCount = 0;
  orderScore = 0;

  constructor(
    orderTopK: number,
    readonly classes: number,
  ) {
    this.frames = new Int32Array(8);
    this.boxes = new Float64Array(32);
    this.scores = new Float64Array(8);
    this.classScores = classes > 0 ? new Float64Array(8 * classes) : undefined;
    this.top = new Float64Array(Math.max(1, orderTopK));
  }

  append(
    frame: number,
    boxes: ArrayLike<number>,
    row: number,
    score: number,
    classScores?: ArrayLike<number>,
  ): void {
    if (this.count === this.frames.length) {
      const grow = <T extends Int32Array | Float64Array>(a: T, n: number): T => {
        const b = new (a.constructor as new (n: number) => T)(n);
        b.set(a);
        return b;
      };
      const n = 2 * this.count;
      this.frames = grow(this.frames, n);
      this.boxes = grow(this.boxes, 4 * n);
      this.scores = grow(this.scores, n);
      if (this.classScores) this.classScores = grow(this.classScores, n * this.classes);
    }
    const c = this.count++;
    this.frames[c] = frame;
    for (let q = 0; q < 4; q++) this.boxes[4 * c + q] = boxes[4 * row + q]!;
    this.scores[c] = score;
    if (this.classScores && classScores)
      for (let k = 0; k < this.classes; k++)
        this.classScores[c * this.classes + k] = classScores[row * this.classes + k]!;
    this.misses = 0;
    // Keep the top-k scores sorted descending (insertion, O(k)).
    const top = this.top;
    const k = top.length;
    let i: number;
    if (this.topCount < k) i = this.topCount++;
    else if (score > top[k - 1]!) i = k - 1;
    else return;
    while (i > 0 && top[i - 1]! < score) {
      top[i] = top[i - 1]!;
      i--;
    }
    top[i] = score;
    let s = 0;
    for (let q = 0; q < this.topCount; q++) s += top[q]!;
    this.orderScore = s / this.topCount;
  }
}

interface LabelState {
  label: number;
  paths: Path[];
  /** Last frame this class was processed at. */
  frame: number;
}

/**
 * Singh et al.'s online incremental linker (ICCV 2017) as a stream: push one frame at a time and
 * receive the tubes that closed at that frame, `finish()` at the end of the video for the rest.
 * Every class is linked independently.
 *
 * Per frame and class: boxes with score > `minScore`, top `preNMSTopK`, NMS, top `postNMSTopK`
 * (by score, ties by row); live paths, in descending order of the mean of their top `orderTopK`
 * scores (ties: older path first), each take the highest-scoring free box with IoU ≥
 * `linkThreshold` with their last box (ties: the box first in NMS order), which leaves the pool;
 * a path unmatched for `maxMisses` frames dies and is emitted if it has more than `minBoxes`
 * boxes (its gaps filled per `gapFill`); unmatched boxes start new paths. A frame number skipped
 * between two pushes counts as a frame without detections, so the tubes that died in it are
 * emitted at the next push (push empty frames to see them at once).
 *
 * Tube score: mean of the per-frame (gap-filled) scores. Cost per frame: O(n log n + L·n) for n
 * boxes and L live paths of a class; state O(live paths × their length) — one video at a time.
 *
 * @example
 * ```ts
 * const linker = new OnlineLinker(SINGH_ONLINE_LINKING, { video: 'v1' });
 * for (const frame of frames) for (const tube of linker.push(frame)) console.log(tube.score);
 * const rest = linker.finish();
 * ```
 */
export class OnlineLinker {
  private readonly states = new Map<number, LabelState>();
  /** The states of `states`, in creation order, for allocation-free iteration. */
  private active: LabelState[] = [];
  private lastFrame = 0;
  private readonly video: string;
  private readonly classes: number;
  private order = new Int32Array(64);
  private readonly taken: Uint8Array;
  private readonly candRows: Int32Array;

  constructor(
    readonly options: OnlineLinkingOptions,
    init: { video: string; classes?: number },
  ) {
    this.video = init.video;
    this.classes = init.classes ?? 0;
    if (!(options.maxMisses >= 1)) throw new RangeError(`OnlineLinker: maxMisses must be ≥ 1`);
    this.taken = new Uint8Array(Math.max(1, options.postNMSTopK));
    this.candRows = new Int32Array(Math.max(1, options.postNMSTopK));
  }

  /** Live paths over all classes (the linker's state size). */
  get livePaths(): number {
    let n = 0;
    for (const s of this.active) n += s.paths.length;
    return n;
  }

  /**
   * Links one frame; returns the tubes that closed (died) by this frame, in closing order.
   *
   * @throws {@link LinkingInputError} when `frame` is not after the previous push, or a score or
   * coordinate is not finite.
   */
  push(input: OnlineFrame): DetectedTube[] {
    const { frame, count } = input;
    if (!(Number.isInteger(frame) && frame > this.lastFrame))
      throw new LinkingInputError(
        `OnlineLinker (video "${this.video}"): frame ${frame} pushed after frame ${this.lastFrame}; frames must be strictly increasing integers ≥ 1`,
      );
    if (input.classScores !== undefined && input.classScores.length < count * this.classes)
      throw new LinkingInputError(
        `OnlineLinker (video "${this.video}", frame ${frame}): classScores has ${input.classScores.length} numbers, expected count × classes = ${count} × ${this.classes}`,
      );
    for (let i = 0; i < count; i++) {
      const label = input.labels[i]!;
      if (!(Number.isInteger(label) && label >= 0))
        throw new LinkingInputError(
          `OnlineLinker (video "${this.video}", frame ${frame}): row ${i} has label ${label}, expected a 0-based label index`,
        );
      if (!Number.isFinite(input.scores[i]))
        throw new LinkingInputError(
          `OnlineLinker (video "${this.video}", frame ${frame}): row ${i} has score ${input.scores[i]}, expected a finite number`,
        );
      for (let q = 4 * i; q < 4 * i + 4; q++)
        if (!Number.isFinite(input.boxes[q]))
          throw new LinkingInputError(
            `OnlineLinker (video "${this.video}", frame ${frame}): row ${i} has a non-finite box coordinate ${input.boxes[q]}`,
          );
    }
    this.lastFrame = frame;
    const emitted: DetectedTube[] = [];
    // Group this frame's rows by label, then descending score, then row.
    if (this.order.length < count) this.order = new Int32Array(2 * count);
    const order = this.order.subarray(0, count);
    const { labels, scores } = input;
    groupByLabelThenScore(labels, scores, order);
    let g = 0;
    while (g < count) {
      const label = labels[order[g]!]!;
      let ge = g;
      while (ge < count && labels[order[ge]!] === label) ge++;
      let state = this.states.get(label);
      if (state === undefined) {
        state = { label, paths: [], frame: frame - 1 };
        this.states.set(label, state);
        this.active.push(state);
      }
      this.step(state, frame, input, order.subarray(g, ge), emitted);
      g = ge;
    }
    const active = this.active;
    let kept = 0;
    for (let i = 0; i < active.length; i++) {
      const state = active[i]!;
      if (state.frame < frame) this.step(state, frame, input, NO_ROWS, emitted);
      if (state.paths.length === 0) this.states.delete(state.label);
      else active[kept++] = state;
    }
    active.length = kept;
    return emitted;
  }

  /** Ends the video: returns the tubes of every path still live, and resets the linker. */
  finish(): DetectedTube[] {
    const out: DetectedTube[] = [];
    for (const state of this.active)
      for (const path of state.paths) this.emit(path, state.label, out);
    this.states.clear();
    this.active = [];
    this.lastFrame = 0;
    return out;
  }

  private step(
    state: LabelState,
    frame: number,
    input: OnlineFrame,
    rows: Int32Array,
    out: DetectedTube[],
  ): void {
    const o = this.options;
    // Frames skipped since this class was last processed: each is a frame without a match.
    for (let f = state.frame + 1; f < frame && state.paths.length > 0; f++)
      this.match(state, 0, input, out);
    state.frame = frame;
    // Filter: score > minScore (rows are by descending score), top preNMSTopK, NMS, top postNMSTopK.
    let n = 0;
    while (n < rows.length && n < o.preNMSTopK && input.scores[rows[n]!]! > o.minScore) n++;
    const cands =
      n > 0
        ? nmsRows(
            input.boxes,
            input.scores,
            rows,
            n,
            { ...o.nms, topK: o.postNMSTopK },
            this.candRows,
          ).length
        : 0;
    this.match(state, cands, input, out, frame);
  }

  /** One frame of one class with `cands` candidate rows in `candRows`. */
  private match(
    state: LabelState,
    cands: number,
    input: OnlineFrame,
    out: DetectedTube[],
    frame = 0,
  ): void {
    const o = this.options;
    const taken = this.taken;
    taken.fill(0, 0, cands);
    for (const path of state.paths) {
      // Candidates are in NMS order (descending score, ties by row): the first one that
      // overlaps enough is the highest-scoring valid box.
      let best = -1;
      const last = path.count - 1;
      for (let c = 0; c < cands; c++) {
        if (taken[c]) continue;
        const r = this.candRows[c]!;
        if (boxIoUAt(path.boxes, last, input.boxes, r, o.linkPixelInclusive) >= o.linkThreshold) {
          best = c;
          break;
        }
      }
      if (best >= 0) {
        taken[best] = 1;
        const r = this.candRows[best]!;
        path.append(frame, input.boxes, r, input.scores[r]!, input.classScores);
      } else path.misses++;
    }
    // Stable sort by order score; dead paths leave in that order.
    const paths = state.paths;
    for (let a = 1; a < paths.length; a++) {
      const path = paths[a]!;
      let b = a - 1;
      while (b >= 0 && paths[b]!.orderScore < path.orderScore) {
        paths[b + 1] = paths[b]!;
        b--;
      }
      paths[b + 1] = path;
    }
    let kept = 0;
    for (const path of state.paths) {
      if (path.misses >= o.maxMisses) this.emit(path, state.label, out);
      else state.paths[kept++] = path;
    }
    state.paths.length = kept;
    for (let c = 0; c < cands; c++) {
      if (taken[c]) continue;
      const path = new Path(o.orderTopK, input.classScores ? this.classes : 0);
      const r = this.candRows[c]!;
      path.append(frame, input.boxes, r, input.scores[r]!, input.classScores);
      state.paths.push(path);
    }
  }

  private emit(path: Path, label: number, out: DetectedTube[]): void {
    if (path.count <= this.options.minBoxes) return;
    const first = path.frames[0]!;
    const T = path.frames[path.count - 1]! - first + 1;
    const boxes = new Float64Array(4 * T);
    const scores = new Float64Array(T);
    const C = path.classScores ? this.classes : 0;
    const classScores = C > 0 ? new Float64Array(T * C) : undefined;
    const linear = this.options.gapFill === 'linear';
    let sum = 0;
    for (let i = 0; i < path.count; i++) {
      const t = path.frames[i]! - first;
      const prev = i > 0 ? path.frames[i - 1]! - first : t - 1;
      for (let u = prev + 1; u <= t; u++) {
        // u < t: a gap frame; 'next' copies row i, 'linear' interpolates rows i−1 and i.
        const w = linear && u < t ? (u - prev) / (t - prev) : 1;
        for (let q = 0; q < 4; q++)
          boxes[4 * u + q] =
            w * path.boxes[4 * i + q]! + (w < 1 ? (1 - w) * path.boxes[4 * (i - 1) + q]! : 0);
        scores[u] = w * path.scores[i]! + (w < 1 ? (1 - w) * path.scores[i - 1]! : 0);
        if (classScores && path.classScores)
          for (let k = 0; k < C; k++)
            classScores[u * C + k] =
              w * path.classScores[i * C + k]! +
              (w < 1 ? (1 - w) * path.classScores[(i - 1) * C + k]! : 0);
        sum += scores[u]!;
      }
    }
    const tube: DetectedTube = {
      video: this.video,
      label,
      score: sum / T,
      start: first,
      boxes,
      scores,
    };
    if (classScores) tube.classScores = classScores;
    out.push(tube);
  }
}

let labelCounts = new Int32Array(64);

/**
 * Fills `order` with the row indices `0 … order.length − 1` by ascending label, then descending
 * score, then ascending row: a stable counting sort by label (when the label range is small) and
 * an insertion sort of each label's rows by score, so a frame costs O(n + range + Σ group²) with
 * small groups, falling back to a comparison sort otherwise.
 */
function groupByLabelThenScore(
  labels: ArrayLike<number>,
  scores: ArrayLike<number>,
  order: Int32Array,
): void {
  const n = order.length;
  let lo = Number.POSITIVE_INFINITY;
  let hi = Number.NEGATIVE_INFINITY;
  for (let i = 0; i < n; i++) {
    const l = labels[i]!;
    if (l < lo) lo = l;
    if (l > hi) hi = l;
  }
  const range = hi - lo + 1;
  if (n > 0 && Number.isInteger(lo) && Number.isInteger(hi) && range <= 4 * n + 64) {
    if (labelCounts.length < range + 1) labelCounts = new Int32Array(2 * (range + 1));
    const start = labelCounts;
    start.fill(0, 0, range + 1);
    for (let i = 0; i < n; i++) start[labels[i]! - lo + 1]!++;
    for (let l = 0; l < range; l++) start[l + 1]! += start[l]!;
    for (let i = 0; i < n; i++) order[start[labels[i]! - lo]!++] = i;
    // Within each label (now contiguous, rows ascending), insertion sort by descending score.
    let g = 0;
    while (g < n) {
      const label = labels[order[g]!]!;
      let ge = g + 1;
      while (ge < n && labels[order[ge]!] === label) ge++;
      if (ge - g > 32) order.subarray(g, ge).sort((a, b) => scores[b]! - scores[a]! || a - b);
      else
        for (let a = g + 1; a < ge; a++) {
          const row = order[a]!;
          const sc = scores[row]!;
          let b = a - 1;
          while (b >= g && scores[order[b]!]! < sc) {
            order[b + 1] = order[b]!;
            b--;
          }
          order[b + 1] = row;
        }
      g = ge;
    }
    return;
  }
  for (let i = 0; i < n; i++) order[i] = i;
  order.sort((a, b) => labels[a]! - labels[b]! || scores[b]! - scores[a]! || a - b);
}

/**
 * Offline use of {@link OnlineLinker}: streams each video's frames through it and returns all
 * tubes, per video by label, then descending mean of their top `outputOrderTopK` scores (ties: closing order),
 * ids 1, 2, … within the video. Pushing the same frames one by one yields the same tubes.
 *
 * @param dets - frame detections sorted by video, then frame.
 * @param extra - optional `classScores` (`length × classes`, row-aligned with `dets`).
 * @example
 * ```ts
 * const tubes = linkOnline(frameDets, SINGH_ONLINE_LINKING);
 * ```
 */
export function linkOnline(
  dets: FrameDetections,
  options: OnlineLinkingOptions,
  extra: InputSource & { classScores?: Float64Array; classes?: number } = {},
): DetectedTube[] {
  return collectTubes(linkOnlineByVideo(dets, options, extra));
}

/**
 * {@link linkOnline} one video at a time (a generator).
 *
 * @example
 * ```ts
 * for (const { video, tubes } of linkOnlineByVideo(frameDets, SINGH_ONLINE_LINKING)) save(video, tubes);
 * ```
 */
export function* linkOnlineByVideo(
  dets: FrameDetections,
  options: OnlineLinkingOptions,
  extra: InputSource & { classScores?: Float64Array; classes?: number } = {},
): Generator<{ video: string; tubes: DetectedTube[] }> {
  const C = extra.classScores ? (extra.classes ?? 0) : 0;
  if (extra.classScores && !(C > 0 && extra.classScores.length === C * dets.length))
    throw new LinkingInputError(
      `${extra.source ?? 'detections'}: classScores has ${extra.classScores.length} numbers, expected length × classes = ${dets.length} × ${extra.classes}`,
    );
  for (const range of videoRanges(dets, extra)) {
    const linker = new OnlineLinker(options, { video: range.name, classes: C });
    const tubes: DetectedTube[] = [];
    let r = range.begin;
    while (r < range.end) {
      const frame = dets.frame[r]!;
      let re = r;
      while (re < range.end && dets.frame[re] === frame) re++;
      tubes.push(
        ...linker.push({
          frame,
          count: re - r,
          labels: dets.label.subarray(r, re),
          scores: dets.score.subarray(r, re),
          boxes: dets.boxes.subarray(4 * r, 4 * re),
          ...(extra.classScores ? { classScores: extra.classScores.subarray(r * C, re * C) } : {}),
        }),
      );
      r = re;
    }
    tubes.push(...linker.finish());
    yield { video: range.name, tubes: sortOnlineTubes(tubes, options.outputOrderTopK) };
  }
}

/**
 * Orders one video's online tubes as Singh's per-class path lists: by label, then (`sort_paths`)
 * descending mean of the top `k` per-frame scores (ties: input order); numbers them 1, 2, ….
 *
 * @example
 * ```ts
 * const ordered = sortOnlineTubes([...streamed, ...linker.finish()], SINGH_ONLINE_LINKING.outputOrderTopK);
 * ```
 */
export function sortOnlineTubes(tubes: DetectedTube[], k: number): DetectedTube[] {
  const key = tubes.map((t) => topKMean(t.scores ?? new Float64Array([t.score]), k));
  const index = tubes
    .map((_, i) => i)
    .sort((a, b) => tubes[a]!.label - tubes[b]!.label || key[b]! - key[a]! || a - b);
  return index.map((i, n) => ({ ...tubes[i]!, id: n + 1 }));
}
