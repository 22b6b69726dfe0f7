import {
  type DetectedTube,
  emptyFrameDetections,
  type FrameDetections,
  type TubeletDetections,
} from '@tubekit/geometry';
import { type ActionnessTrimmingOptions, actionnessTrimming } from './actionness-trimming';
import { LinkingInputError } from './errors';
import { type MultiClassTrimmingOptions, multiClassTrimming } from './multi-class-trimming';
import { linkOnlineByVideo, type OnlineLinkingOptions } from './online-linking';
import { type FrameNMSOptions, nmsRows } from './row-nms';
import { calibrateTubes, type PlattScaling } from './score-calibration';
import {
  frameDetectionsAsTubelets,
  linkTubeletsByVideo,
  type TubeletLinkingOptions,
} from './tubelet-linking';
import { type TwoStateTrimmingOptions, twoStateTrimming } from './two-state-trimming';
import { type InputSource, rowsByLabel, videoRanges } from './video-ranges';
import { linkViterbiByVideo, type ViterbiLinkingOptions } from './viterbi-linking';

/** The linker of a {@link LinkingPipeline}: a method and its full options. */
export type LinkerSpec =
  | { readonly method: 'tubelet'; readonly options: TubeletLinkingOptions }
  | { readonly method: 'viterbi'; readonly options: ViterbiLinkingOptions }
  | { readonly method: 'online'; readonly options: OnlineLinkingOptions };

/** The trimmer of a {@link LinkingPipeline}: a method and its full options. */
export type TrimmerSpec =
  | { readonly method: 'two-state'; readonly options: TwoStateTrimmingOptions }
  | { readonly method: 'multi-class'; readonly options: MultiClassTrimmingOptions }
  | { readonly method: 'actionness'; readonly options: ActionnessTrimmingOptions };

/**
 * detections → (per-frame NMS) → linker → (score calibration) → (trimmer) → tubes. A pipeline is
 * plain data, so the object itself is the record of what produced a set of tubes
 * ({@link LinkingMetadata}).
 */
export interface LinkingPipeline {
  /** A label for reports, e.g. `'multisports'`. */
  readonly name: string;
  /** Per-frame, per-class NMS of frame detections before linking (`null`: none). */
  readonly frameNMS: FrameNMSOptions | null;
  readonly linker: LinkerSpec;
  /**
   * Maps the linked tubes' per-frame scores and tube scores to probabilities before the trimmer
   * ({@link calibrateTubes}; absent or `null`: scores as the detector gave them). Fit it on
   * training videos' linked tubes ({@link fitPlattScaling}), never on the videos evaluated.
   */
  readonly calibration?: PlattScaling | null;
  readonly trimmer: TrimmerSpec | null;
}

/** Everything that produced a set of tubes: the pipeline's every parameter and input/output counts. */
export interface LinkingMetadata {
  readonly pipeline: LinkingPipeline;
  readonly input: { kind: 'frames' | 'tubelets'; K: number; videos: number; detections: number };
  readonly output: { videos: number; tubes: number };
}

/** Result of {@link runLinkingPipeline}. */
export interface LinkingResult {
  tubes: DetectedTube[];
  metadata: LinkingMetadata;
}

/**
 * Runs a {@link LinkingPipeline} one video at a time (a generator: each video's tubes are yielded
 * before the next video is linked, so memory is bounded by one video).
 *
 * Frame detections feed every linker (the tubelet linker sees them as K = 1 tubelets); tubelet
 * detections feed only the tubelet linker. With a `multi-class` trimmer the frame detections
 * must come with `classScores` (`length × classes`).
 *
 * @example
 * ```ts
 * for (const { video, tubes } of linkVideos(dets, pipeline)) write(video, tubes);
 * ```
 */
export function* linkVideos(
  dets: FrameDetections | TubeletDetections,
  pipeline: LinkingPipeline,
  extra: InputSource & { classScores?: Float64Array; classes?: number } = {},
): Generator<{ video: string; tubes: DetectedTube[] }> {
  const frames = 'frame' in dets ? dets : undefined;
  const source = extra.source ?? 'detections';
  if (pipeline.frameNMS !== null && frames === undefined)
    throw new LinkingInputError(
      `${source}: per-frame NMS needs frame detections, got K-frame tubelets`,
    );
  const input =
    frames && pipeline.frameNMS !== null ? frameNMS(frames, pipeline.frameNMS, extra) : undefined;
  const filtered = input?.dets ?? frames;
  const classScores = input ? input.classScores : extra.classScores;
  const linkerInput = { ...extra, ...(classScores ? { classScores } : {}) };
  const { linker, trimmer } = pipeline;
  let videos: Generator<{ video: string; tubes: DetectedTube[] }>;
  if (linker.method === 'tubelet') {
    const tubelets = filtered ? frameDetectionsAsTubelets(filtered) : (dets as TubeletDetections);
    videos = linkTubeletsByVideo(tubelets, linker.options, extra);
  } else {
    if (filtered === undefined)
      throw new LinkingInputError(
        `${source}: the ${linker.method} linker needs frame detections, got K-frame tubelets`,
      );
    videos =
      linker.method === 'viterbi'
        ? linkViterbiByVideo(filtered, linker.options, extra)
        : linkOnlineByVideo(filtered, linker.options, linkerInput);
  }
  const calibration = pipeline.calibration ?? null;
  for (const linked of videos) {
    const video =
      calibration === null
        ? linked
        : { video: linked.video, tubes: calibrateTubes(linked.tubes, calibration, extra) };
    if (trimmer === null) yield video;
    else if (trimmer.method === 'two-state')
      yield { video: video.video, tubes: twoStateTrimming(video.tubes, trimmer.options, extra) };
    else if (trimmer.method === 'multi-class')
      yield { video: video.video, tubes: multiClassTrimming(video.tubes, trimmer.options, extra) };
    else
      yield {
        video: video.video,
        tubes: actionnessTrimming(video.tubes, trimmer.options, undefined, extra),
      };
  }
}

/**
 * Runs a {@link LinkingPipeline} over all videos and returns the tubes with the
 * {@link LinkingMetadata} that records every parameter.
 *
 * @example
 * ```ts
 * const { tubes, metadata } = runLinkingPipeline(frameDets, MULTISPORTS_PIPELINE);
 * console.log(JSON.stringify(metadata.pipeline));
 * ```
 */
export function runLinkingPipeline(
  dets: FrameDetections | TubeletDetections,
  pipeline: LinkingPipeline,
  extra: InputSource & { classScores?: Float64Array; classes?: number } = {},
): LinkingResult {
  const tubes: DetectedTube[] = [];
  let videos = 0;
  for (const video of linkVideos(dets, pipeline, extra)) {
    videos++;
    tubes.push(...video.tubes);
  }
  return {
    tubes,
    metadata: {
      pipeline,
      input: {
        kind: 'frame' in dets ? 'frames' : 'tubelets',
        K: 'K' in dets ? dets.K : 1,
        videos,
        detections: dets.length,
      },
      output: { videos, tubes: tubes.length },
    },
  };
}

/**
 * Per-frame, per-class box NMS of frame detections; the result keeps the input's row order
 * (video, frame, then original row) so it stays valid linker input.
 *
 * @example
 * ```ts
 * const { dets: kept } = frameNMS(dets, { iouThreshold: 0.3, pixelInclusive: false });
 * ```
 */
export function frameNMS(
  dets: FrameDetections,
  options: FrameNMSOptions,
  extra: InputSource & { classScores?: Float64Array; classes?: number } = {},
): { dets: FrameDetections; classScores?: Float64Array } {
  const keep = new Uint8Array(dets.length);
  for (const range of videoRanges(dets, extra)) {
    const order = rowsByLabel(dets.label, dets.frame, range.begin, range.end);
    let g = 0;
    while (g < order.length) {
      const r0 = order[g]!;
      let ge = g;
      while (
        ge < order.length &&
        dets.label[order[ge]!] === dets.label[r0] &&
        dets.frame[order[ge]!] === dets.frame[r0]
      )
        ge++;
      for (const row of nmsRows(dets.boxes, dets.score, order.subarray(g, ge), ge - g, options))
        keep[row] = 1;
      g = ge;
    }
  }
  let m = 0;
  for (let i = 0; i < dets.length; i++) m += keep[i]!;
  const out = emptyFrameDetections(dets.videos, m);
  const C = extra.classScores ? (extra.classes ?? 0) : 0;
  const classScores = C > 0 ? new Float64Array(m * C) : undefined;
  let w = 0;
  for (let i = 0; i < dets.length; i++) {
    if (!keep[i]) continue;
    out.videoIndex[w] = dets.videoIndex[i]!;
    out.frame[w] = dets.frame[i]!;
    out.label[w] = dets.label[i]!;
    out.score[w] = dets.score[i]!;
    out.boxes.set(dets.boxes.subarray(4 * i, 4 * i + 4), 4 * w);
    if (classScores) classScores.set(extra.classScores!.subarray(i * C, (i + 1) * C), w * C);
    w++;
  }
  return classScores ? { dets: out, classScores } : { dets: out };
}
