import { resizeBilinear } from './image-resize';
import { LruCache } from './lru-cache';

/** Which stream a frame source delivers: RGB frames or 3-channel flow images. */
export type FrameModality = 'rgb' | 'flow';

/** Call-time options of {@link FrameSource.read}. */
export interface FrameReadOptions {
  /** Output size `[width, height]` in pixels (bilinear, half-pixel centres); default: native. */
  size?: readonly [width: number, height: number];
}

/**
 * A video's frames behind one interface, whatever stores them (image folder, video file, or
 * generated in memory). Frames are 1-based like every annotation format. `read` returns a new
 * H×W×3 interleaved `Float32Array` the caller owns, with values in [0, 1] — RGB for colour
 * frames; for flow sources the 3-channel flow image (u, v, magnitude; see `encodeFlow`).
 */
export interface FrameSource {
  /** The video's name in the annotation (`<class>/<video>`). */
  readonly video: string;
  /** Native frame size in pixels. */
  readonly width: number;
  readonly height: number;
  /** Number of frames; valid frames are 1 … nframes. */
  readonly nframes: number;
  /**
   * Reads frame `frame` (1-based).
   *
   * @example
   * const rgb = await source.read(1, { size: [112, 112] }); // 112·112·3 values in [0, 1]
   */
  read(frame: number, options?: FrameReadOptions): Promise<Float32Array>;
}

/** Throws a message naming the video when `frame` is not an integer in 1 … nframes. */
export function assertFrameIndex(video: string, frame: number, nframes: number): void {
  if (!Number.isInteger(frame) || frame < 1 || frame > nframes)
    throw new RangeError(`${video}: frame ${frame} is outside 1…${nframes} (frames are 1-based)`);
}

/** Validates a requested size; returns `[width, height]` (native when absent). */
export function resolveReadSize(
  video: string,
  native: readonly [number, number],
  options?: FrameReadOptions,
): [number, number] {
  const size = options?.size;
  if (!size) return [native[0], native[1]];
  const [w, h] = size;
  if (!(Number.isInteger(w) && Number.isInteger(h) && w > 0 && h > 0))
    throw new RangeError(`${video}: read size ${w}×${h} must be positive integers [width, height]`);
  return [w, h];
}

/** Options of {@link createGeneratedFrameSource}. */
export interface GeneratedFrameSourceOptions {
  video: string;
  width: number;
  height: number;
  nframes: number;
  /** Fills `out` (H×W×3, native size) with frame `frame` (1-based). */
  render: (frame: number, out: Float32Array) => void;
  /** Decoded frames kept in an LRU cache (default 16; 0 disables it). */
  cacheSize?: number;
}

/**
 * A {@link FrameSource} over frames generated in memory (SynthTubes uses it), with a synchronous
 * variant for training loops that need no I/O.
 */
export class GeneratedFrameSource implements FrameSource {
  readonly video: string;
  readonly width: number;
  readonly height: number;
  readonly nframes: number;
  private readonly renderFrame: (frame: number, out: Float32Array) => void;
  private readonly cache: LruCache<number, Float32Array>;

  constructor(options: GeneratedFrameSourceOptions) {
    this.video = options.video;
    this.width = options.width;
    this.height = options.height;
    this.nframes = options.nframes;
    this.renderFrame = options.render;
    this.cache = new LruCache(options.cacheSize ?? 16);
  }

  /** {@link FrameSource.read} without the promise. */
  readSync(frame: number, options?: FrameReadOptions): Float32Array {
    assertFrameIndex(this.video, frame, this.nframes);
    const [w, h] = resolveReadSize(this.video, [this.width, this.height], options);
    let native = this.cache.get(frame);
    if (!native) {
      native = new Float32Array(this.width * this.height * 3);
      this.renderFrame(frame, native);
      this.cache.set(frame, native);
    }
    if (w === this.width && h === this.height) return native.slice();
    return resizeBilinear(native, this.width, this.height, 3, w, h);
  }

  read(frame: number, options?: FrameReadOptions): Promise<Float32Array> {
    try {
      return Promise.resolve(this.readSync(frame, options));
    } catch (error) {
      return Promise.reject(error);
    }
  }
}

/**
 * A frame source over frames computed by `render` (in-memory generated video).
 *
 * @example
 * const source = createGeneratedFrameSource({
 *   video: 'demo/grey', width: 4, height: 4, nframes: 2,
 *   render: (frame, out) => out.fill(frame / 2),
 * });
 * await source.read(2); // 48 values, all 1
 */
export function createGeneratedFrameSource(
  options: GeneratedFrameSourceOptions,
): GeneratedFrameSource {
  return new GeneratedFrameSource(options);
}
