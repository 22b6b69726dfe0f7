import type { ActionDataset, VideoAnnotation } from './annotation-model';
import type { FrameSource } from './frame-source';
import { resizeBilinear } from './image-resize';
import { hash2, Prng } from './synth/prng';

/** How clips are cut from a video. */
export interface ClipSamplingOptions {
  /** Frames per clip (ACT/STEP's K). */
  K: number;
  /** Gap in frames between consecutive frames of a clip (default 1). */
  stride?: number;
  /** Frames between the starts of consecutive clips (default 1: every start). */
  step?: number;
  /**
   * Keep only clips in which at least this fraction of the K frames is covered by some GT tube
   * (default 0: every clip, background clips of untrimmed videos included).
   */
  minCoverage?: number;
}

/** Random augmentation drawn per clip and applied identically to all its frames and boxes. */
export interface ClipAugmentation {
  /** Mirror horizontally with probability 0.5. */
  flip?: boolean;
  /**
   * Random crop: width and height each a uniform fraction in [minScale, 1] of the frame, at a
   * uniform position (then resized to the output size).
   */
  crop?: { minScale: number };
}

/** One clip: its frames and the augmentation drawn for it. */
export interface ClipSpec {
  video: string;
  /** K 1-based frame numbers (`start, start + stride, …`; repeated last frame if the video is shorter). */
  frames: Int32Array;
  /** Mirror horizontally. */
  flip: boolean;
  /** Crop window `[x1, y1, x2, y2]` in native frame pixels (the whole frame when not cropped). */
  crop: [number, number, number, number];
}

/** The boxes of one GT tube inside a clip. */
export interface ClipTubelet {
  /** 0-based label. */
  label: number;
  /** Index of the tube in `video.tubes`. */
  tube: number;
  /** K × 4 boxes `[x1, y1, x2, y2]`; rows of absent frames are 0. */
  boxes: Float64Array;
  /** 1 where the tube has a box at that clip frame (and, after augmentation, it is inside the crop). */
  present: Uint8Array;
  /** Number of present frames (K: the tube covers the whole clip, ACT's positive tubelet). */
  coverage: number;
}

/**
 * The K frame numbers of a clip starting at `start` (1-based), `stride` apart; frames past the
 * end of the video repeat the last frame (ACT's convention for short videos).
 *
 * @example
 * clipFrames(18, 4, 2, 20); // Int32Array [18, 20, 20, 20]
 */
export function clipFrames(start: number, K: number, stride: number, nframes: number): Int32Array {
  const frames = new Int32Array(K);
  for (let k = 0; k < K; k++) frames[k] = Math.min(nframes, start + k * stride);
  return frames;
}

/**
 * The GT tubelets of a clip: for every tube of `video` that has a box on at least one of the
 * clip's frames, its K boxes (in native pixels) and which frames are present.
 *
 * @example
 * const tubelets = clipTubelets(video, clipFrames(10, 6, 1, video.nframes));
 * const positives = tubelets.filter((t) => t.coverage === 6);
 */
export function clipTubelets(video: VideoAnnotation, frames: Int32Array): ClipTubelet[] {
  const K = frames.length;
  const out: ClipTubelet[] = [];
  for (let i = 0; i < video.tubes.length; i++) {
    const tube = video.tubes[i]!;
    const T = tube.boxes.length / 4;
    let boxes: Float64Array | undefined;
    let present: Uint8Array | undefined;
    let coverage = 0;
    for (let k = 0; k < K; k++) {
      const t = (frames[k] as number) - tube.start;
      if (t < 0 || t >= T) continue;
      boxes ??= new Float64Array(4 * K);
      present ??= new Uint8Array(K);
      boxes.set(tube.boxes.subarray(4 * t, 4 * t + 4), 4 * k);
      present[k] = 1;
      coverage++;
    }
    if (boxes && present) out.push({ label: tube.label, tube: i, boxes, present, coverage });
  }
  return out;
}

function coverageOf(video: VideoAnnotation, frames: Int32Array): number {
  let covered = 0;
  for (let k = 0; k < frames.length; k++) {
    const f = frames[k] as number;
    if (video.tubes.some((t) => f >= t.start && f < t.start + t.boxes.length / 4)) covered++;
  }
  return covered / frames.length;
}

function checkSampling(options: ClipSamplingOptions): Required<ClipSamplingOptions> {
  const { K, stride = 1, step = 1, minCoverage = 0 } = options;
  for (const [name, value] of [
    ['K', K],
    ['stride', stride],
    ['step', step],
  ] as const)
    if (!Number.isInteger(value) || value < 1)
      throw new RangeError(`clip sampling: ${name} must be an integer ≥ 1, got ${value}`);
  if (!(minCoverage >= 0 && minCoverage <= 1))
    throw new RangeError(`clip sampling: minCoverage must be in [0, 1], got ${minCoverage}`);
  return { K, stride, step, minCoverage };
}

/**
 * The clips of one video for inference or evaluation: starts 1, 1 + step, … while the clip fits
 * (at least one clip, padded with the last frame, for a video shorter than the clip span), no
 * augmentation.
 *
 * @example
 * const clips = sampleClips(video, { K: 6, stride: 1, step: 6 }); // non-overlapping 6-frame clips
 */
export function sampleClips(
  video: VideoAnnotation,
  options: ClipSamplingOptions,
  offset = 0,
): ClipSpec[] {
  const { K, stride, step, minCoverage } = checkSampling(options);
  const span = (K - 1) * stride;
  const lastStart = Math.max(1, video.nframes - span);
  const clips: ClipSpec[] = [];
  for (let start = 1 + offset; start <= lastStart; start += step) {
    const frames = clipFrames(start, K, stride, video.nframes);
    if (minCoverage > 0 && coverageOf(video, frames) < minCoverage) continue;
    clips.push({ video: video.name, frames, flip: false, crop: [0, 0, video.width, video.height] });
  }
  return clips;
}

/** Options of {@link ClipSampler}. */
export interface ClipSamplerOptions extends ClipSamplingOptions {
  /** Split to sample from (a key of `dataset.splits`); default every video. */
  split?: string;
  /** Random start offset in [0, step) per video and epoch (temporal jitter; default true). */
  jitter?: boolean;
  /** Shuffle the clips of an epoch (default true). */
  shuffle?: boolean;
  augment?: ClipAugmentation;
  /** Output frame size `[width, height]` of {@link ClipSampler.load} (default: native). */
  size?: readonly [width: number, height: number];
  seed: number;
}

/** A loaded clip: K frames per modality and the clip's GT tubelets in output coordinates. */
export interface LoadedClip {
  clip: ClipSpec;
  width: number;
  height: number;
  /** K×H×W×3 per requested modality, values in [0, 1]; flipped flow has its u channel mirrored. */
  rgb?: Float32Array;
  flow?: Float32Array;
  tubelets: ClipTubelet[];
}

/**
 * Seeded training-clip sampler: K-frame clips with stride, temporal jitter and shuffling per
 * epoch, plus random flip/crop drawn per clip and applied to frames and boxes together (and to
 * both streams of a two-stream model identically). Epoch e is a pure function of (seed, e).
 *
 * @example
 * const sampler = new ClipSampler(dataset, { split: 'train', K: 6, step: 3, seed: 1,
 *   augment: { flip: true, crop: { minScale: 0.8 } }, size: [96, 96] });
 * for (const clip of sampler.epoch(0)) {
 *   const { rgb, tubelets } = await sampler.load(clip, { rgb: sourceOf(clip.video, 'rgb') });
 * }
 */
export class ClipSampler {
  readonly options: ClipSamplerOptions;
  private readonly videos: VideoAnnotation[];
  private readonly byName: Map<string, VideoAnnotation>;

  constructor(dataset: ActionDataset, options: ClipSamplerOptions) {
    checkSampling(options);
    this.options = options;
    const minScale = options.augment?.crop?.minScale;
    if (minScale !== undefined && !(minScale > 0 && minScale <= 1))
      throw new RangeError(`ClipSampler: augment.crop.minScale must be in (0, 1], got ${minScale}`);
    let videos = dataset.videos;
    if (options.split !== undefined) {
      const names = dataset.splits[options.split];
      if (!names)
        throw new RangeError(
          `ClipSampler: dataset ${dataset.dataset} has no split "${options.split}" (splits: ${Object.keys(dataset.splits).join(', ')})`,
        );
      const wanted = new Set(names);
      videos = videos.filter((v) => wanted.has(v.name));
    }
    this.videos = videos;
    this.byName = new Map(videos.map((v) => [v.name, v]));
  }

  /** The clips of epoch `epoch` (deterministic given the seed). */
  epoch(epoch: number): ClipSpec[] {
    const { step = 1, jitter = true, shuffle = true, augment, seed } = this.options;
    const rng = new Prng(hash2(seed, epoch));
    const clips: ClipSpec[] = [];
    for (const video of this.videos) {
      const offset = jitter ? rng.int(0, step - 1) : 0;
      for (const clip of sampleClips(video, this.options, offset)) {
        if (augment?.flip) clip.flip = rng.chance(0.5);
        if (augment?.crop) {
          const { minScale } = augment.crop;
          const cw = video.width * rng.uniform(minScale, 1);
          const ch = video.height * rng.uniform(minScale, 1);
          const x1 = rng.uniform(0, video.width - cw);
          const y1 = rng.uniform(0, video.height - ch);
          clip.crop = [x1, y1, x1 + cw, y1 + ch];
        }
        clips.push(clip);
      }
    }
    return shuffle ? rng.shuffle(clips) : clips;
  }

  /** The annotation of a video the sampler draws from. */
  video(name: string): VideoAnnotation {
    const video = this.byName.get(name);
    if (!video) throw new RangeError(`ClipSampler: video "${name}" is not in the sampled videos`);
    return video;
  }

  /**
   * Reads a clip's frames from the given sources and its GT tubelets, with the clip's crop, flip
   * and the output size applied to both (see {@link augmentTubelets}).
   */
  async load(
    clip: ClipSpec,
    sources: { rgb?: FrameSource; flow?: FrameSource },
  ): Promise<LoadedClip> {
    const video = this.video(clip.video);
    const [width, height] = this.options.size ?? [video.width, video.height];
    const loaded: LoadedClip = {
      clip,
      width,
      height,
      tubelets: augmentTubelets(clipTubelets(video, clip.frames), clip, width, height),
    };
    for (const modality of ['rgb', 'flow'] as const) {
      const source = sources[modality];
      if (!source) continue;
      loaded[modality] = await readClipFrames(source, clip, width, height, modality === 'flow');
    }
    return loaded;
  }
}

/**
 * Reads a clip's K frames (K×H×W×3) with its crop and flip. For flow images (`isFlow`) a flip
 * also mirrors the horizontal component (channel 0 ↦ 1 − channel 0, i.e. u ↦ −u).
 *
 * @example
 * const flow = await readClipFrames(flowSource, clip, 96, 96, true); // K·96·96·3 values
 */
export async function readClipFrames(
  source: FrameSource,
  clip: ClipSpec,
  width: number,
  height: number,
  isFlow = false,
): Promise<Float32Array> {
  const K = clip.frames.length;
  const plane = width * height * 3;
  const out = new Float32Array(K * plane);
  const whole =
    clip.crop[0] === 0 &&
    clip.crop[1] === 0 &&
    clip.crop[2] === source.width &&
    clip.crop[3] === source.height;
  for (let k = 0; k < K; k++) {
    const target = out.subarray(k * plane, (k + 1) * plane);
    if (whole && !clip.flip) {
      target.set(await source.read(clip.frames[k] as number, { size: [width, height] }));
    } else {
      const native = await source.read(clip.frames[k] as number);
      resizeBilinear(native, source.width, source.height, 3, width, height, {
        region: clip.crop,
        flip: clip.flip,
        out: target,
      });
    }
    if (isFlow && clip.flip)
      for (let i = 0; i < plane; i += 3) target[i] = 1 - (target[i] as number);
  }
  return out;
}

/**
 * Maps clip tubelets from native pixels through the clip's crop (boxes clipped to the window;
 * a box left with no area is marked absent), the resize to `width × height` and the flip.
 *
 * @example
 * const tubelets = augmentTubelets(clipTubelets(video, clip.frames), clip, 96, 96);
 */
export function augmentTubelets(
  tubelets: ClipTubelet[],
  clip: ClipSpec,
  width: number,
  height: number,
): ClipTubelet[] {
  const [cx1, cy1, cx2, cy2] = clip.crop;
  const sx = width / (cx2 - cx1);
  const sy = height / (cy2 - cy1);
  const out: ClipTubelet[] = [];
  for (const t of tubelets) {
    const boxes = new Float64Array(t.boxes.length);
    const present = new Uint8Array(t.present.length);
    let coverage = 0;
    for (let k = 0; k < present.length; k++) {
      if (!t.present[k]) continue;
      const x1 = Math.max(cx1, t.boxes[4 * k] as number);
      const y1 = Math.max(cy1, t.boxes[4 * k + 1] as number);
      const x2 = Math.min(cx2, t.boxes[4 * k + 2] as number);
      const y2 = Math.min(cy2, t.boxes[4 * k + 3] as number);
      if (x2 <= x1 || y2 <= y1) continue;
      let ox1 = (x1 - cx1) * sx;
      let ox2 = (x2 - cx1) * sx;
      if (clip.flip) [ox1, ox2] = [width - ox2, width - ox1];
      boxes[4 * k] = ox1;
      boxes[4 * k + 1] = (y1 - cy1) * sy;
      boxes[4 * k + 2] = ox2;
      boxes[4 * k + 3] = (y2 - cy1) * sy;
      present[k] = 1;
      coverage++;
    }
    if (coverage > 0) out.push({ label: t.label, tube: t.tube, boxes, present, coverage });
  }
  return out;
}
