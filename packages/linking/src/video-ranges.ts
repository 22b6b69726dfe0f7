import type { DetectedTube, FrameDetections, TubeletDetections } from '@tubekit/geometry';
import { LinkingInputError } from './errors';

/** The rows `[begin, end)` of one video in a columnar detection set. */
export interface VideoRange {
  /** Index into `videos`. */
  video: number;
  /** The video's name. */
  name: string;
  /** First row (inclusive). */
  begin: number;
  /** Last row (exclusive). */
  end: number;
}

/** Where detections came from (for error messages) and what is known about their videos. */
export interface InputSource {
  /** Named in every error, e.g. the CSV path. Default `'detections'`. */
  source?: string;
  /**
   * Frame count of each video (e.g. the GT's `nframes`). When given, a frame beyond a video's
   * count is refused (the evaluators refuse it too), and linkers that span the whole video (YOWO)
   * read the span from it.
   */
  nframes?: ReadonlyMap<string, number>;
}

/**
 * The frame count of `video` from {@link InputSource.nframes}, checked to be a positive integer;
 * `undefined` when no count is given for it.
 *
 * @throws {@link LinkingInputError} for a count that is not an integer in 1 … 2³¹ − 1.
 * @example
 * ```ts
 * videoFrameCount({ nframes: new Map([['v', 725]]) }, 'v'); // 725
 * ```
 */
export function videoFrameCount(input: InputSource, video: string): number | undefined {
  const n = input.nframes?.get(video);
  if (n === undefined) return undefined;
  if (!(Number.isInteger(n) && n >= 1 && n <= 0x7fffffff))
    throw new LinkingInputError(
      `${input.source ?? 'detections'}: video "${video}" has nframes ${n}, expected an integer in 1 … ${0x7fffffff}`,
    );
  return n;
}

/**
 * Splits frame or tubelet detections into per-video row ranges, validating on the way: the rows
 * of one video must be contiguous, frames (or tubelet start frames) non-decreasing within a video
 * and ≥ 1 (and, when {@link InputSource.nframes} gives the video's count, a detection's last frame
 * within it), every coordinate finite, every score finite and ≥ 0, `videoIndex` within `videos`.
 *
 * Negative scores are refused, not mapped: the references' detection scores are probabilities
 * (YOWO `get_region_boxes_video`: `det_conf · cls_conf`; ACT/MOC: softmax tubelet scores), and a
 * Viterbi path over negative scores yields a tube with a negative score, which every evaluator
 * (ours and the references' PR code) rejects or mis-ranks. This is the order of
 * the canonical CSVs (sorted by video, then frame); anything else is a {@link LinkingInputError}
 * naming the row, never a silent re-sort.
 *
 * Linkers consume one video at a time, so memory is bounded by the largest video.
 *
 * @example
 * ```ts
 * for (const { name, begin, end } of videoRanges(dets)) console.log(name, end - begin);
 * ```
 */
export function* videoRanges(
  dets: FrameDetections | TubeletDetections,
  options: InputSource = {},
): Generator<VideoRange> {
  const source = options.source ?? 'detections';
  const frames = 'frame' in dets ? dets.frame : dets.start;
  const what = 'frame' in dets ? 'frame' : 'start frame';
  const K = 'K' in dets ? dets.K : 1;
  const { videoIndex, score, boxes, videos, length } = dets;
  if (
    videoIndex.length < length ||
    frames.length < length ||
    score.length < length ||
    dets.label.length < length ||
    boxes.length < 4 * K * length
  )
    throw new LinkingInputError(
      `${source}: columns shorter than length ${length} (boxes need ${4 * K * length} numbers, have ${boxes.length})`,
    );
  const seen = new Uint8Array(videos.length);
  let begin = 0;
  while (begin < length) {
    const v = videoIndex[begin]!;
    if (!(v >= 0 && v < videos.length))
      throw new LinkingInputError(
        `${source}: row ${begin} has video index ${v}, expected 0 … ${videos.length - 1}`,
      );
    if (seen[v])
      throw new LinkingInputError(
        `${source}: rows of video "${videos[v]}" are not contiguous (row ${begin} follows rows of another video); sort detections by video, then frame`,
      );
    seen[v] = 1;
    const nframes = videoFrameCount(options, videos[v]!);
    let end = begin;
    let previous = 1;
    while (end < length && videoIndex[end] === v) {
      const f = frames[end]!;
      if (!(f >= 1) || !Number.isInteger(f))
        throw new LinkingInputError(
          `${source}: row ${end} (video "${videos[v]}") has ${what} ${f}, expected an integer ≥ 1`,
        );
      if (f < previous)
        throw new LinkingInputError(
          `${source}: row ${end} (video "${videos[v]}") has ${what} ${f} after ${what} ${previous}; frames must be sorted within each video`,
        );
      if (nframes !== undefined && f + K - 1 > nframes)
        throw new LinkingInputError(
          `${source}: row ${end} (video "${videos[v]}") has ${K > 1 ? `a ${K}-frame tubelet from frame ${f}` : `frame ${f}`}, beyond the video's ${nframes} frames`,
        );
      previous = f;
      const s = score[end]!;
      if (!(Number.isFinite(s) && s >= 0))
        throw new LinkingInputError(
          `${source}: row ${end} (video "${videos[v]}", ${what} ${f}) has score ${s}, expected a finite number ≥ 0 (a detector confidence)`,
        );
      const l = dets.label[end]!;
      if (!(l >= 0))
        throw new LinkingInputError(
          `${source}: row ${end} (video "${videos[v]}", ${what} ${f}) has label ${l}, expected a 0-based label index`,
        );
      for (let c = 4 * K * end, ce = c + 4 * K; c < ce; c++)
        if (!Number.isFinite(boxes[c]!))
          throw new LinkingInputError(
            `${source}: row ${end} (video "${videos[v]}", ${what} ${f}) has a non-finite box coordinate ${boxes[c]}`,
          );
      end++;
    }
    yield { video: v, name: videos[v]!, begin, end };
    begin = end;
  }
}

/**
 * Row indices `[begin, end)` ordered by (label, frame, row): a stable grouping of one video's rows
 * per class, in frame order.
 *
 * @example
 * ```ts
 * const order = rowsByLabel(dets.label, dets.frame, range.begin, range.end);
 * ```
 */
export function rowsByLabel(
  label: Int32Array,
  frames: Int32Array,
  begin: number,
  end: number,
): Int32Array {
  const order = new Int32Array(end - begin);
  for (let i = 0; i < order.length; i++) order[i] = begin + i;
  order.sort((a, b) => label[a]! - label[b]! || frames[a]! - frames[b]! || a - b);
  return order;
}

/** Concatenates the tubes of a per-video linker generator (the batch form of each `…ByVideo`). */
export function collectTubes(videos: Iterable<{ tubes: DetectedTube[] }>): DetectedTube[] {
  const out: DetectedTube[] = [];
  for (const video of videos) for (const tube of video.tubes) out.push(tube);
  return out;
}
