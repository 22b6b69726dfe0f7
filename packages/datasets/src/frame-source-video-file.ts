import { spawn } from 'node:child_process';
import { basename, dirname, extname, join } from 'node:path';
import {
  assertFrameIndex,
  type FrameReadOptions,
  type FrameSource,
  resolveReadSize,
} from './frame-source';
import { resizeBilinear } from './image-resize';
import { LruCache } from './lru-cache';

/** Options of {@link openVideoFileSource}. */
export interface VideoFileSourceOptions {
  /** The video's annotation name (default: `<parent folder>/<file name without extension>`). */
  video?: string;
  /** The ffmpeg executable (default `$TUBEKIT_FFMPEG`, else `ffmpeg` on the PATH). */
  ffmpegPath?: string;
  /** The ffprobe executable (default `$TUBEKIT_FFPROBE`, else beside ffmpegPath, else `ffprobe`). */
  ffprobePath?: string;
  /**
   * Frames decoded per ffmpeg call (default: as many as fit in 32 MiB of RGB, at least 16 — a
   * whole 320×240 UCF101 video in one call). Each call decodes from the start of the file up to
   * its last frame, so larger chunks mean less repeated decoding.
   */
  chunkFrames?: number;
  /** Decoded chunks kept in an LRU cache (default 2). */
  cacheChunks?: number;
}

const INSTALL_HINT =
  'install ffmpeg (Debian/Ubuntu: apt-get install ffmpeg; macOS: brew install ffmpeg) or pass { ffmpegPath } / set TUBEKIT_FFMPEG';

/** Runs an executable and collects stdout; a missing executable is a clear error naming what to install. */
function run(executable: string, args: string[], what: string): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    let child: ReturnType<typeof spawn>;
    try {
      child = spawn(executable, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    } catch (error) {
      reject(
        new Error(
          `${what}: cannot start ${executable} (${(error as Error).message}): ${INSTALL_HINT}`,
        ),
      );
      return;
    }
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout?.on('data', (chunk: Buffer) => out.push(chunk));
    child.stderr?.on('data', (chunk: Buffer) => err.push(chunk));
    child.on('error', (error: NodeJS.ErrnoException) => {
      reject(
        new Error(
          error.code === 'ENOENT'
            ? `${what}: ${executable} not found: ${INSTALL_HINT}`
            : `${what}: ${executable} failed to start (${error.message})`,
        ),
      );
    });
    child.on('close', (code) => {
      if (code === 0) resolve(Buffer.concat(out));
      else {
        const message = Buffer.concat(err).toString('utf8').trim().split('\n').slice(-1)[0];
        reject(
          new Error(
            `${what}: ${basename(executable)} exited with code ${code}${message ? `: ${message}` : ''}`,
          ),
        );
      }
    });
  });
}

/**
 * Frames of a video file, decoded by an `ffmpeg` executable piping raw RGB (formats.md: "decode
 * video by piping raw RGB from an ffmpeg executable"). Frames are decoded in chunks of
 * `chunkFrames` consecutive frames (ffmpeg's `select` filter on the 0-based frame number n =
 * frame − 1), cached in an LRU, and resized in TypeScript.
 */
export class VideoFileFrameSource implements FrameSource {
  private readonly cache: LruCache<number, Uint8Array>;

  constructor(
    readonly path: string,
    readonly video: string,
    readonly width: number,
    readonly height: number,
    readonly nframes: number,
    readonly ffmpegPath: string,
    readonly chunkFrames = 32,
    cacheChunks = 2,
  ) {
    this.cache = new LruCache(cacheChunks);
  }

  private async chunk(index: number): Promise<Uint8Array> {
    const cached = this.cache.get(index);
    if (cached) return cached;
    const first = index * this.chunkFrames;
    const last = Math.min(this.nframes, first + this.chunkFrames) - 1;
    const data = await run(
      this.ffmpegPath,
      [
        '-v',
        'error',
        '-nostdin',
        '-i',
        this.path,
        '-vf',
        `select=between(n\\,${first}\\,${last})`,
        '-vsync',
        '0',
        '-f',
        'rawvideo',
        '-pix_fmt',
        'rgb24',
        '-',
      ],
      this.path,
    );
    const expected = (last - first + 1) * this.width * this.height * 3;
    if (data.length !== expected)
      throw new Error(
        `${this.path}: ffmpeg returned ${data.length} bytes for frames ${first + 1}…${last + 1}, expected ${expected} (${this.width}×${this.height} RGB)`,
      );
    const chunk = new Uint8Array(data.buffer, data.byteOffset, data.length);
    this.cache.set(index, chunk);
    return chunk;
  }

  async read(frame: number, options?: FrameReadOptions): Promise<Float32Array> {
    assertFrameIndex(this.video, frame, this.nframes);
    const [w, h] = resolveReadSize(this.video, [this.width, this.height], options);
    const index = Math.floor((frame - 1) / this.chunkFrames);
    const chunk = await this.chunk(index);
    const plane = this.width * this.height * 3;
    const offset = (frame - 1 - index * this.chunkFrames) * plane;
    const native = new Float32Array(plane);
    const scale = 1 / 255;
    for (let i = 0; i < plane; i++) native[i] = (chunk[offset + i] as number) * scale;
    if (w === this.width && h === this.height) return native;
    return resizeBilinear(native, this.width, this.height, 3, w, h);
  }
}

/**
 * Opens a video file as a {@link FrameSource}: probes size and frame count with ffprobe
 * (`-count_frames`, exact but decodes the file once) and decodes frames with ffmpeg on demand.
 * A missing ffmpeg/ffprobe is an error naming what to install.
 *
 * @example
 * const source = await openVideoFileSource('videos/Basketball/v_Basketball_g01_c01.avi');
 * const frame = await source.read(1, { size: [112, 112] });
 */
export async function openVideoFileSource(
  path: string,
  options: VideoFileSourceOptions = {},
): Promise<VideoFileFrameSource> {
  const ffmpegPath = options.ffmpegPath ?? process.env.TUBEKIT_FFMPEG ?? 'ffmpeg';
  const ffprobePath =
    options.ffprobePath ??
    process.env.TUBEKIT_FFPROBE ??
    (ffmpegPath.includes('/') ? join(dirname(ffmpegPath), 'ffprobe') : 'ffprobe');
  const probe = await run(
    ffprobePath,
    [
      '-v',
      'error',
      '-select_streams',
      'v:0',
      '-count_frames',
      '-show_entries',
      'stream=width,height,nb_read_frames',
      '-of',
      'json',
      path,
    ],
    path,
  );
  let stream: { width?: number; height?: number; nb_read_frames?: string } | undefined;
  try {
    stream = (JSON.parse(probe.toString('utf8')) as { streams?: (typeof stream)[] }).streams?.[0];
  } catch {
    stream = undefined;
  }
  const nframes = Number(stream?.nb_read_frames);
  if (!stream?.width || !stream.height || !Number.isInteger(nframes) || nframes < 1)
    throw new Error(
      `${path}: ffprobe found no decodable video stream (got ${probe.toString('utf8').trim() || 'nothing'})`,
    );
  const chunkFrames =
    options.chunkFrames ??
    Math.max(16, Math.floor((32 * 2 ** 20) / (stream.width * stream.height * 3)));
  if (!Number.isInteger(chunkFrames) || chunkFrames < 1)
    throw new RangeError(
      `openVideoFileSource: chunkFrames must be an integer ≥ 1, got ${chunkFrames}`,
    );
  const video = options.video ?? `${basename(dirname(path))}/${basename(path, extname(path))}`;
  return new VideoFileFrameSource(
    path,
    video,
    stream.width,
    stream.height,
    nframes,
    ffmpegPath,
    chunkFrames,
    options.cacheChunks ?? 2,
  );
}
