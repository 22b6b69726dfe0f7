import { readdir } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import type sharp from 'sharp';
import {
  assertFrameIndex,
  type FrameReadOptions,
  type FrameSource,
  resolveReadSize,
} from './frame-source';
import { resizeBilinear } from './image-resize';
import { loadSharp } from './load-sharp';
import { LruCache } from './lru-cache';

/** Options of {@link openImageFolderSource}. */
export interface ImageFolderSourceOptions {
  /** The video's annotation name (default: the folder's last two path segments, `<class>/<video>`). */
  video?: string;
  /**
   * printf-style file name of frame n, e.g. `'%05d.jpg'` (UCF101-24 / ACT) or `'%05d.png'`
   * (J-HMDB); default: detected from the folder (digits + `.jpg`/`.jpeg`/`.png`, one extension).
   */
  pattern?: string;
  /** Decoded native frames kept in an LRU cache (default 32). */
  cacheSize?: number;
}

function formatPattern(pattern: string, frame: number): string {
  return pattern.replace(/%(0?)(\d*)d/, (_m, zero: string, width: string) =>
    zero ? String(frame).padStart(Number(width), '0') : String(frame),
  );
}

/**
 * Frames stored as one image per frame in a folder (`<root>/<video>/00001.jpg`, formats.md),
 * decoded with sharp (JPEG, PNG, WebP, …; grey or alpha images become RGB) and resized in
 * TypeScript with {@link resizeBilinear}. Frames must be numbered consecutively from 1.
 */
export class ImageFolderFrameSource implements FrameSource {
  private readonly cache: LruCache<number, Float32Array>;

  constructor(
    readonly directory: string,
    readonly video: string,
    readonly pattern: string,
    readonly width: number,
    readonly height: number,
    readonly nframes: number,
    cacheSize = 32,
  ) {
    this.cache = new LruCache(cacheSize);
  }

  /** The path of frame `frame` (1-based). */
  framePath(frame: number): string {
    return join(this.directory, formatPattern(this.pattern, frame));
  }

  async read(frame: number, options?: FrameReadOptions): Promise<Float32Array> {
    assertFrameIndex(this.video, frame, this.nframes);
    const [w, h] = resolveReadSize(this.video, [this.width, this.height], options);
    let native = this.cache.get(frame);
    if (!native) {
      native = await decodeImage(this.framePath(frame), this.width, this.height);
      this.cache.set(frame, native);
    }
    if (w === this.width && h === this.height) return native.slice();
    return resizeBilinear(native, this.width, this.height, 3, w, h);
  }
}

/**
 * Decodes an image file to H×W×3 floats in [0, 1]; with `width`/`height` given, checks the size.
 *
 * @example
 * const rgb = await decodeImage('frames/walk/00001.png');
 */
export async function decodeImage(
  path: string,
  width?: number,
  height?: number,
): Promise<Float32Array> {
  let decoded: { data: Buffer; info: sharp.OutputInfo };
  try {
    decoded = await (await loadSharp())(path)
      .removeAlpha()
      .toColourspace('srgb')
      .raw()
      .toBuffer({ resolveWithObject: true });
  } catch (error) {
    throw new Error(`${path}: cannot decode image (${(error as Error).message})`);
  }
  const { data, info } = decoded;
  if (info.channels !== 3)
    throw new Error(`${path}: decoded to ${info.channels} channels, expected 3 (RGB)`);
  if (
    (width !== undefined && info.width !== width) ||
    (height !== undefined && info.height !== height)
  )
    throw new Error(
      `${path}: frame is ${info.width}×${info.height}, expected ${width}×${height} like the video's first frame`,
    );
  const out = new Float32Array(data.length);
  const scale = 1 / 255;
  for (let i = 0; i < data.length; i++) out[i] = (data[i] as number) * scale;
  return out;
}

/**
 * Opens a folder of frame images as a {@link FrameSource}. Counts the frames, checks they are
 * numbered 1 … N without gaps, and reads the first frame's size.
 *
 * @example
 * const source = await openImageFolderSource('/data/ucf101/rgb-images/Basketball/v_Basketball_g01_c01');
 * const frame = await source.read(1, { size: [112, 112] });
 */
export async function openImageFolderSource(
  directory: string,
  options: ImageFolderSourceOptions = {},
): Promise<ImageFolderFrameSource> {
  let names: string[];
  try {
    names = await readdir(directory);
  } catch (error) {
    throw new Error(`${directory}: cannot list frame folder (${(error as Error).message})`);
  }
  let pattern = options.pattern;
  const numbers: number[] = [];
  if (pattern) {
    const match = /^(.*)%(0?)(\d*)d(.*)$/.exec(pattern);
    if (!match)
      throw new RangeError(
        `image folder pattern "${pattern}" must contain one %d, e.g. "%05d.jpg"`,
      );
    const [, prefix, , , suffix] = match as unknown as [string, string, string, string, string];
    for (const name of names) {
      if (!name.startsWith(prefix) || !name.endsWith(suffix)) continue;
      const digits = name.slice(prefix.length, name.length - suffix.length);
      if (/^\d+$/.test(digits) && formatPattern(pattern, Number(digits)) === name)
        numbers.push(Number(digits));
    }
  } else {
    const found = new Map<string, number[]>();
    for (const name of names) {
      const m = /^(\d+)\.(jpe?g|png|webp)$/i.exec(name);
      if (!m) continue;
      const key = `%0${m[1]!.length}d.${m[2]}`;
      found.set(key, [...(found.get(key) ?? []), Number(m[1])]);
    }
    if (found.size > 1)
      throw new Error(
        `${directory}: frames use several naming patterns (${[...found.keys()].join(', ')}); pass { pattern }`,
      );
    const [entry] = found;
    if (entry) {
      pattern = entry[0];
      numbers.push(...entry[1]);
    }
  }
  if (!pattern || numbers.length === 0)
    throw new Error(
      `${directory}: no frame images found (expected files like 00001.jpg or 00001.png${options.pattern ? ` matching ${options.pattern}` : ''})`,
    );
  numbers.sort((a, b) => a - b);
  for (let i = 0; i < numbers.length; i++)
    if (numbers[i] !== i + 1)
      throw new Error(
        `${directory}: frames must be numbered 1…${numbers.length} without gaps; frame ${i + 1} (${formatPattern(pattern, i + 1)}) is missing`,
      );
  const first = join(directory, formatPattern(pattern, 1));
  let meta: sharp.Metadata;
  try {
    meta = await (await loadSharp())(first).metadata();
  } catch (error) {
    throw new Error(`${first}: cannot read image header (${(error as Error).message})`);
  }
  if (!meta.width || !meta.height) throw new Error(`${first}: image has no size`);
  const video = options.video ?? `${basename(dirname(directory))}/${basename(directory)}`;
  return new ImageFolderFrameSource(
    directory,
    video,
    pattern,
    meta.width,
    meta.height,
    numbers.length,
    options.cacheSize,
  );
}
