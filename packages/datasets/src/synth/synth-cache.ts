/**
 * A disk cache of rendered SynthTubes frames: each video is rendered once (RGB and the flow
 * image, 8 bits per channel like the JPEG/PNG frames of the real datasets) into one file and
 * read back on later runs. Files live under `<dir>/<key>/`, where the key names the config and a
 * hash of all of it (seed included) plus {@link SYNTH_CACHE_VERSION}, so a changed config or
 * generator never reads stale frames. Every file is written atomically (temp file + rename); a
 * damaged one (wrong size, header or checksum) is reported by path, set aside as
 * `<file>.damaged` and rendered again.
 */
import { existsSync, readFileSync, renameSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { writeFileAtomicSync } from '@tubekit/report';
import { type FrameModality, GeneratedFrameSource } from '../frame-source';
import { LruCache } from '../lru-cache';
import type { SynthTubesConfig } from './config';
import type { SynthTubes } from './synth-tubes';

/** Bumped whenever the generator or this file format changes what a cached video holds. */
export const SYNTH_CACHE_VERSION = 1;

const MAGIC = 'TKSYNTH1';
/** Magic, then width, height, nframes, FNV-1a of the payload (uint32 LE each). */
const HEADER_BYTES = MAGIC.length + 16;

/** Options of {@link SynthTubesCache}. */
export interface SynthCacheOptions {
  /** Root directory of the cache (e.g. `.cache/synthtubes`). */
  dir: string;
  /** Called with the path and the reason when a damaged file is set aside (default: one `console.warn` line). */
  onDamaged?: (path: string, reason: string) => void;
  /**
   * Videos kept in memory after loading (LRU, default 8; about 3.9 MB each in `quick-v2`). Raise
   * it when clips are drawn from random videos and memory allows.
   */
  keepVideos?: number;
}

/** What {@link SynthTubesCache.prepare} did. */
export interface SynthCacheSummary {
  /** The dataset's cache folder. */
  dir: string;
  /** Videos rendered and written now, and videos found already cached. */
  rendered: number;
  cached: number;
  /** Damaged files set aside (their original paths). */
  damaged: string[];
}

/** FNV-1a (32-bit) of bytes. */
function fnv1a(bytes: Uint8Array): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < bytes.length; i++) h = Math.imul(h ^ (bytes[i] as number), 0x01000193);
  return h >>> 0;
}

/**
 * The cache key of a config: `<name>-v<SYNTH_CACHE_VERSION>-<8 hex digits of FNV-1a of the config JSON>`.
 *
 * @example
 * synthCacheKey(synthPresetConfig('quick-v2', 1)); // 'synthtubes-quick-v2-v1-…'
 */
export function synthCacheKey(config: SynthTubesConfig): string {
  const hash = fnv1a(new TextEncoder().encode(JSON.stringify(config)));
  return `${config.name}-v${SYNTH_CACHE_VERSION}-${hash.toString(16).padStart(8, '0')}`;
}

/** One cached video: the quantised RGB frames, then the flow images. */
interface CachedVideo {
  frameBytes: number;
  nframes: number;
  payload: Uint8Array;
}

/**
 * Rendered frames of a {@link SynthTubes} dataset on disk. Frames read through
 * {@link SynthTubesCache.frameSource} are the rendered ones quantised to 8 bits (`round(255 v) /
 * 255`), whether the file was just written or read back, so a run gives the same bytes cold or
 * warm.
 *
 * @example
 * const synth = createSynthTubes({ preset: 'quick-v2', seed: 1 });
 * const cache = new SynthTubesCache(synth, { dir: '.cache/synthtubes' });
 * await cache.prepare((done, total) => bar.update(done / total)); // renders what is missing
 * const rgb = cache.frameSource(synth.dataset.videos[0]!.name, 'rgb').readSync(1);
 */
export class SynthTubesCache {
  readonly synth: SynthTubes;
  /** The dataset's folder `<options.dir>/<synthCacheKey(config)>`. */
  readonly dir: string;
  private readonly onDamaged: (path: string, reason: string) => void;
  private readonly loaded: LruCache<string, CachedVideo>;
  private readonly damaged: string[] = [];

  constructor(synth: SynthTubes, options: SynthCacheOptions) {
    this.synth = synth;
    this.dir = join(options.dir, synthCacheKey(synth.config));
    this.loaded = new LruCache(options.keepVideos ?? 8);
    this.onDamaged =
      options.onDamaged ??
      ((path, reason) =>
        console.warn(`SynthTubes cache: ${path} is damaged (${reason}); set aside, re-rendering`));
  }

  /** The file of one video: `<dir>/<class>/<video>.tksynth`. */
  pathOf(video: string): string {
    return join(this.dir, `${video}.tksynth`);
  }

  /**
   * Makes sure every video has a complete file: renders and writes the missing ones (files of
   * the right size are trusted here; their checksum is verified when they are read). Resumable:
   * an interrupted run keeps the videos it finished. `part` splits the work between processes
   * (one per core): part `{ index: i, count: n }` handles videos i, i + n, i + 2n, …
   */
  async prepare(
    onProgress?: (done: number, total: number) => void,
    part: { index: number; count: number } = { index: 0, count: 1 },
  ): Promise<SynthCacheSummary> {
    if (
      !Number.isInteger(part.count) ||
      part.count < 1 ||
      !Number.isInteger(part.index) ||
      part.index < 0 ||
      part.index >= part.count
    )
      throw new RangeError(
        `SynthTubesCache.prepare: part must be integers 0 ≤ index < count, got ${JSON.stringify(part)}`,
      );
    const videos = this.synth.dataset.videos.filter((_, v) => v % part.count === part.index);
    let rendered = 0;
    let cached = 0;
    const before = this.damaged.length;
    for (let v = 0; v < videos.length; v++) {
      const video = videos[v] as (typeof videos)[number];
      const path = this.pathOf(video.name);
      const size = HEADER_BYTES + 2 * video.nframes * video.width * video.height * 3;
      let ok = false;
      if (existsSync(path)) {
        const actual = statSync(path).size;
        if (actual === size) ok = true;
        else this.setAside(path, `${actual} bytes, expected ${size}`);
      }
      if (ok) cached++;
      else {
        this.write(video.name);
        rendered++;
      }
      onProgress?.(v + 1, videos.length);
      // Let progress bars and signals run between videos.
      if (v % 16 === 15) await new Promise((resolve) => setImmediate(resolve));
    }
    return { dir: this.dir, rendered, cached, damaged: this.damaged.slice(before) };
  }

  /**
   * A frame source over the cached frames of one video (`'rgb'` or `'flow'`, H×W×3 in [0, 1]);
   * renders and writes the video's file first if it is missing or damaged.
   */
  frameSource(video: string, modality: FrameModality): GeneratedFrameSource {
    const scene = this.synth.scene(video);
    const offset = modality === 'rgb' ? 0 : 1;
    return new GeneratedFrameSource({
      video,
      width: scene.width,
      height: scene.height,
      nframes: scene.nframes,
      render: (frame, out) => {
        const data = this.load(video);
        const start = (offset * data.nframes + frame - 1) * data.frameBytes;
        const bytes = data.payload.subarray(start, start + data.frameBytes);
        for (let i = 0; i < bytes.length; i++) out[i] = (bytes[i] as number) / 255;
      },
    });
  }

  private setAside(path: string, reason: string): void {
    renameSync(path, `${path}.damaged`);
    this.damaged.push(path);
    this.onDamaged(path, reason);
  }

  /** Renders one video (all RGB frames, then all flow images), quantises, writes atomically. */
  private write(video: string): CachedVideo {
    const scene = this.synth.scene(video);
    const frameBytes = scene.width * scene.height * 3;
    const T = scene.nframes;
    const payload = new Uint8Array(2 * T * frameBytes);
    const image = new Float32Array(frameBytes);
    (['rgb', 'flow'] as const).forEach((modality, m) => {
      // A fresh source (no frame cache) per modality: nothing rendered is kept twice.
      const source = this.synth.frameSource(video, modality);
      for (let f = 1; f <= T; f++) {
        image.set(source.readSync(f));
        const base = (m * T + f - 1) * frameBytes;
        for (let i = 0; i < frameBytes; i++)
          payload[base + i] = Math.round(255 * (image[i] as number));
      }
    });
    const file = new Uint8Array(HEADER_BYTES + payload.length);
    file.set(new TextEncoder().encode(MAGIC), 0);
    const header = new DataView(file.buffer, MAGIC.length, 16);
    header.setUint32(0, scene.width, true);
    header.setUint32(4, scene.height, true);
    header.setUint32(8, T, true);
    header.setUint32(12, fnv1a(payload), true);
    file.set(payload, HEADER_BYTES);
    writeFileAtomicSync(this.pathOf(video), file);
    const data = { frameBytes, nframes: T, payload };
    this.loaded.set(video, data);
    return data;
  }

  /** The video's frames from memory, its file (verified), or a fresh render. */
  private load(video: string): CachedVideo {
    const hit = this.loaded.get(video);
    if (hit) return hit;
    const scene = this.synth.scene(video);
    const path = this.pathOf(video);
    if (!existsSync(path)) return this.write(video);
    const file = new Uint8Array(readFileSync(path));
    const frameBytes = scene.width * scene.height * 3;
    const expected = HEADER_BYTES + 2 * scene.nframes * frameBytes;
    const problem = (): string | undefined => {
      if (file.length !== expected) return `${file.length} bytes, expected ${expected}`;
      if (new TextDecoder().decode(file.subarray(0, MAGIC.length)) !== MAGIC)
        return `no ${MAGIC} header`;
      const header = new DataView(file.buffer, file.byteOffset + MAGIC.length, 16);
      const dims = [
        header.getUint32(0, true),
        header.getUint32(4, true),
        header.getUint32(8, true),
      ];
      if (dims.join('×') !== [scene.width, scene.height, scene.nframes].join('×'))
        return `header says ${dims.join('×')}, expected ${scene.width}×${scene.height}×${scene.nframes}`;
      if (fnv1a(file.subarray(HEADER_BYTES)) !== header.getUint32(12, true))
        return 'checksum mismatch';
      return undefined;
    };
    const reason = problem();
    if (reason !== undefined) {
      this.setAside(path, reason);
      return this.write(video);
    }
    const data = { frameBytes, nframes: scene.nframes, payload: file.subarray(HEADER_BYTES) };
    this.loaded.set(video, data);
    return data;
  }
}
