import type { VideoAnnotation } from '@tubekit/datasets';
import type { ClipGroundTruth } from './progressive-detector';

/**
 * Reads frame `frame` (1-based, within `1…video.nframes`) of a video at the detector's frame size:
 * `height × width × channels` floats in [0, 1], row-major, channels last.
 */
export type FrameReader = (video: VideoAnnotation, frame: number) => Float32Array;

/** Options of {@link clipWindow}. */
export interface ClipWindowOptions {
  /** First frame (1-based) of the target clip. */
  start: number;
  /** Clip length K. */
  clipLength: number;
  /** Frames of the window (K·(1 + 2n)); the target clip sits in the middle. */
  windowLength: number;
  /** Detector frame size; GT boxes are scaled from the video's `width × height` to it. */
  frameWidth: number;
  frameHeight: number;
  /** Channels per frame. */
  channels: number;
  /**
   * Values `read` returns per frame (default `frameHeight × frameWidth × channels`, pixels): with
   * the detector's `'backbone'` input, the size of a frame's stride-8 backbone features.
   */
  valuesPerFrame?: number;
}

/** One clip window's frames and ground truth. */
export interface ClipWindow {
  /**
   * `windowLength` frames of `read`'s values (pixels `H × W × ch`, or backbone features); frames
   * beyond the video's ends repeat the border frame.
   */
  frames: Float32Array;
  /** The video's GT tubes in window coordinates (only tubes present somewhere in the window). */
  gt: ClipGroundTruth;
}

/**
 * Cuts the window of frames around a target clip (`start … start+K−1`) that a
 * {@link ProgressiveDetector} needs, with the GT tubes resampled to window frames and scaled to
 * the detector's frame size.
 *
 * @example
 * const w = clipWindow(video, read, { start: 7, clipLength: 6, windowLength: 30, frameWidth: 48,
 *   frameHeight: 48, channels: 3 });
 */
export function clipWindow(
  video: VideoAnnotation,
  read: FrameReader,
  options: ClipWindowOptions,
): ClipWindow {
  const {
    start,
    clipLength: K,
    windowLength: Tw,
    frameWidth: W,
    frameHeight: H,
    channels,
  } = options;
  const first = start - (Tw - K) / 2;
  const size = options.valuesPerFrame ?? H * W * channels;
  const frames = new Float32Array(Tw * size);
  for (let t = 0; t < Tw; t++) {
    const f = Math.min(Math.max(first + t, 1), video.nframes);
    const data = read(video, f);
    if (data.length !== size)
      throw new Error(
        `clipWindow: frame ${f} of ${video.name} has ${data.length} values, expected ${size}`,
      );
    frames.set(data, t * size);
  }
  const sx = W / video.width;
  const sy = H / video.height;
  const tubes = video.tubes.filter((tube) => {
    const end = tube.start + tube.boxes.length / 4 - 1;
    return end >= first && tube.start <= first + Tw - 1;
  });
  const G = tubes.length;
  const boxes = new Float64Array(G * Tw * 4);
  const present = new Uint8Array(G * Tw);
  const labels = new Int32Array(G);
  tubes.forEach((tube, g) => {
    labels[g] = tube.label;
    const T = tube.boxes.length / 4;
    for (let t = 0; t < Tw; t++) {
      const i = first + t - tube.start;
      if (i < 0 || i >= T) continue;
      present[g * Tw + t] = 1;
      const o = (g * Tw + t) * 4;
      boxes[o] = tube.boxes[i * 4] * sx;
      boxes[o + 1] = tube.boxes[i * 4 + 1] * sy;
      boxes[o + 2] = tube.boxes[i * 4 + 2] * sx;
      boxes[o + 3] = tube.boxes[i * 4 + 3] * sy;
    }
  });
  return { frames, gt: { boxes, present, labels } };
}
