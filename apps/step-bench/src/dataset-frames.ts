import { existsSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import {
  type FrameModality,
  type FrameSource,
  openImageFolderSource,
  openVideoFileSource,
  type VideoAnnotation,
} from '@tubekit/datasets';
import type { FrameReader } from '@tubekit/heads/progressive';
import type { StepModality } from './configurations';
import { dequantizeFrame, quantizeFrame } from './frame-bytes';

/** Extensions tried, in this order, for a video stored as one file (`<root>/<class>/<video>.mp4`). */
export const VIDEO_FILE_EXTENSIONS = ['.mp4', '.avi', '.mkv', '.webm', '.mov'] as const;

/** How one video's frames are stored under the frames root. */
export type FrameLayout = 'image-folder' | 'video-file';

/** The layouts {@link DatasetFrames} understands, as one sentence for error messages and help. */
export function describeFrameLayouts(root: string): string {
  return (
    `per-video image folders ${join(root, '<class>', '<video>', '00001.jpg')} or .png, named ` +
    `like the annotation's videos (UCF101-24's rgb-images/, J-HMDB's Frames/), or video files ` +
    `${join(root, '<class>', '<video>')}{${VIDEO_FILE_EXTENSIONS.join(',')}} (decoded with ffmpeg)`
  );
}

/**
 * Folder names tried beside the frames root (`<root>/../<name>`) for flow images when no flow root
 * is given: a SynthTubes export's and ours (`rgb/` → `flow/`), UCF101-24's (`rgb-images/` →
 * `brox-images/`) and J-HMDB's (`Frames/` → `FlowBrox04/`).
 */
export const FLOW_SIBLINGS = ['flow', 'brox-images', 'FlowBrox04'] as const;

/**
 * Where a dataset's flow images are: `flowRoot` when given (an error naming it when it is not a
 * folder), else the first {@link FLOW_SIBLINGS} folder beside `root`, else `undefined` with the
 * paths looked at. Flow images follow the RGB frames' layout (per-video folders of 3-channel
 * images, `encodeFlow`'s u, v, magnitude, or video files), named like the annotation's videos.
 */
export function locateFlowRoot(
  root: string,
  flowRoot?: string,
): { path?: string; looked: string[] } {
  if (flowRoot !== undefined) {
    if (!existsSync(flowRoot) || !statSync(flowRoot).isDirectory())
      throw new Error(
        `flow root ${flowRoot} is not a folder (--flow-root: flow images in the layout of --root, ${describeFrameLayouts(flowRoot)})`,
      );
    return { path: flowRoot, looked: [flowRoot] };
  }
  const looked = FLOW_SIBLINGS.map((name) => join(dirname(root), name)).filter((p) => p !== root);
  return { path: looked.find((p) => existsSync(p) && statSync(p).isDirectory()), looked };
}

/** Where a video's frames are, or `undefined` when neither layout has them. */
export function locateVideoFrames(
  root: string,
  video: string,
): { layout: FrameLayout; path: string } | undefined {
  const folder = join(root, video);
  if (existsSync(folder) && statSync(folder).isDirectory())
    return { layout: 'image-folder', path: folder };
  for (const ext of VIDEO_FILE_EXTENSIONS) {
    const file = `${folder}${ext}`;
    if (existsSync(file) && statSync(file).isFile()) return { layout: 'video-file', path: file };
  }
  return undefined;
}

/** Options of {@link DatasetFrames.load}. */
export interface DatasetFramesOptions {
  /** Frames root: {@link describeFrameLayouts}. */
  root: string;
  /** Side of the square frames the detector sees; every frame is resized to `size × size`. */
  size: number;
  /** What the images are: RGB frames (default) or 3-channel flow images (`encodeFlow`). */
  modality?: FrameModality;
  /** Videos to load (each once; duplicates by name are loaded once). */
  videos: readonly VideoAnnotation[];
  /** Called after each video is in memory. */
  onVideo?: (video: VideoAnnotation, layout: FrameLayout) => void;
  /** Notes about the data (e.g. a video with more frames than annotated). */
  log?: (line: string) => void;
}

/** Frames decoded concurrently from an image folder (sharp decodes on libuv's thread pool). */
const IMAGE_CONCURRENCY = 4;

/**
 * The RGB frames, or the flow images, of a user dataset (tier 3), read once from image folders or
 * video files at the detector's square frame size and kept in memory as bytes (8-bit quantisation
 * of values in [0, 1], like the SynthTubes `FrameCache`), giving the synchronous
 * {@link FrameReader} the heads consume. One instance holds one modality; flow images are resized
 * like frames (their encoded values are not rescaled).
 *
 * Checks, each an error naming the video and the path: every video has frames under the root
 * (all missing ones are listed before anything is decoded), the stored video has at least the
 * annotation's `nframes` frames, and its aspect ratio matches the annotation's `width × height`
 * (boxes are in annotation pixels; frames stored at another scale of the same aspect are fine).
 *
 * @example
 * const frames = await DatasetFrames.load({ root: 'ucf101/rgb-images', size: 64, videos });
 * const read = frames.reader('rgb'); // read(video, 1) → 64·64·3 floats in [0, 1]
 */
export class DatasetFrames {
  private constructor(
    private readonly store: Map<string, Uint8Array>,
    readonly size: number,
    /** What the loaded images are. */
    readonly modality: FrameModality,
    /** Videos per storage layout that were found. */
    readonly layouts: Readonly<Record<FrameLayout, number>>,
  ) {}

  /** Locates, decodes and resizes every frame of `options.videos`. */
  static async load(options: DatasetFramesOptions): Promise<DatasetFrames> {
    const { root, size: S, log } = options;
    if (!Number.isInteger(S) || S < 1)
      throw new RangeError(`DatasetFrames: size must be a positive integer, got ${S}`);
    if (!existsSync(root) || !statSync(root).isDirectory())
      throw new Error(
        `frames root ${root} is not a folder; expected ${describeFrameLayouts('<root>')}`,
      );
    const videos = [...new Map(options.videos.map((v) => [v.name, v])).values()];
    const located = videos.map((v) => locateVideoFrames(root, v.name));
    const missing = videos.filter((_, i) => !located[i]);
    if (missing.length) {
      const first = join(root, missing[0].name);
      throw new Error(
        `frames of ${missing.length} of ${videos.length} videos not found under ${root}: ` +
          `${missing
            .slice(0, 3)
            .map((v) => v.name)
            .join(', ')}${missing.length > 3 ? ', …' : ''} ` +
          `(no folder ${first}/ and no file ${first}{${VIDEO_FILE_EXTENSIONS.join(',')}}); ` +
          `expected ${describeFrameLayouts(root)}`,
      );
    }
    const store = new Map<string, Uint8Array>();
    const layouts: Record<FrameLayout, number> = { 'image-folder': 0, 'video-file': 0 };
    const frame = S * S * 3;
    for (const [i, video] of videos.entries()) {
      const where = located[i] as { layout: FrameLayout; path: string };
      const source: FrameSource =
        where.layout === 'image-folder'
          ? await openImageFolderSource(where.path, { video: video.name })
          : await openVideoFileSource(where.path, { video: video.name });
      if (source.nframes < video.nframes)
        throw new Error(
          `${where.path}: ${source.nframes} frames, but the annotation of ${video.name} has ${video.nframes}`,
        );
      if (source.nframes > video.nframes)
        log?.(
          `  note: ${where.path} has ${source.nframes} frames; the annotation of ${video.name} uses the first ${video.nframes}`,
        );
      const aspect = source.width / source.height;
      const annotated = video.width / video.height;
      if (Math.abs(aspect / annotated - 1) > 0.01)
        throw new Error(
          `${where.path}: frames are ${source.width}×${source.height}, but the annotation of ${video.name} is ${video.width}×${video.height} (boxes are in annotation pixels; the aspect ratios must agree)`,
        );
      const bytes = new Uint8Array(video.nframes * frame);
      // Video files decode in chunks of consecutive frames: read them in order. Image folders
      // decode frame by frame: a few at a time.
      const step = where.layout === 'image-folder' ? IMAGE_CONCURRENCY : 1;
      for (let f0 = 1; f0 <= video.nframes; f0 += step) {
        const fs = Array.from({ length: Math.min(step, video.nframes - f0 + 1) }, (_, k) => f0 + k);
        const data = await Promise.all(fs.map((f) => source.read(f, { size: [S, S] })));
        for (const [k, f] of fs.entries()) quantizeFrame(bytes, (f - 1) * frame, data[k], frame);
      }
      store.set(video.name, bytes);
      layouts[where.layout]++;
      options.onVideo?.(video, where.layout);
    }
    return new DatasetFrames(store, S, options.modality ?? 'rgb', layouts);
  }

  /** Bytes held in memory (one byte per value). */
  get bytes(): number {
    let n = 0;
    for (const b of this.store.values()) n += b.length;
    return n;
  }

  /**
   * A reader of the loaded frames: `size × size × 3` floats in [0, 1]. Only the loaded modality
   * exists: the other one, and `early` (RGB ⊕ flow in one reader, which tier 3 does not build),
   * throw. A video that was not loaded throws naming it.
   */
  reader(modality: StepModality): FrameReader {
    if (modality !== this.modality)
      throw new Error(
        modality === 'early'
          ? 'DatasetFrames: the early modality needs flow images fused with the RGB frames, which tier 3 does not build'
          : `DatasetFrames: only ${this.modality === 'rgb' ? 'RGB frames' : 'flow images'} are loaded here; ${modality} needs a DatasetFrames of its own (modality '${modality}')`,
      );
    const frame = this.size * this.size * 3;
    return (video, f) => {
      const bytes = this.store.get(video.name);
      if (!bytes) throw new Error(`DatasetFrames: ${video.name} was not loaded`);
      if (!Number.isInteger(f) || f < 1 || f * frame > bytes.length)
        throw new RangeError(
          `DatasetFrames: frame ${f} of ${video.name} is outside 1…${bytes.length / frame}`,
        );
      return dequantizeFrame(bytes, (f - 1) * frame, frame);
    };
  }
}
