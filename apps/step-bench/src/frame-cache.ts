import type { SynthTubes, VideoAnnotation } from '@tubekit/datasets';
import type { FrameReader } from '@tubekit/heads/progressive';
import { openAtomicWriteStream } from '@tubekit/report';
import type { StepModality } from './configurations';
import { dequantizeFrame } from './frame-bytes';
import { readJsonHeader, readPositional } from './positional-file';
import { renderInWorkers } from './render-in-workers';

/**
 * All frames of the benchmark's videos at the detector's size, rendered once and kept as bytes
 * (¼ the memory of floats; 8-bit quantisation of values in [0, 1]). Gives the synchronous
 * {@link FrameReader}s the progressive head consumes, per modality (`early` = RGB ⊕ flow, 6 channels).
 */
export class FrameCache {
  private readonly store = new Map<string, Uint8Array>();

  constructor(
    private readonly synth: SynthTubes,
    readonly size: number,
  ) {}

  private key(video: string, modality: 'rgb' | 'flow') {
    return `${modality}\u0000${video}`;
  }

  /**
   * Renders every frame of `videos` in both modalities (progress callback per video), each video
   * in one pass of `SynthTubes.renderVideo`; with `workers` > 1, in that many worker threads
   * ({@link renderInWorkers}). The store (and so {@link save}'s file) is the same either way:
   * entries in the order of `videos`, RGB before flow.
   */
  async preload(
    videos: readonly VideoAnnotation[],
    onVideo?: () => void,
    options: { workers?: number } = {},
  ): Promise<void> {
    const S = this.size;
    const todo = videos.filter(
      (v) => !this.store.has(this.key(v.name, 'rgb')) || !this.store.has(this.key(v.name, 'flow')),
    );
    for (let i = todo.length; i < videos.length; i++) onVideo?.();
    const workers = options.workers ?? 1;
    if (workers > 1 && todo.length > 1) {
      const done = new Map<string, [Uint8Array, Uint8Array]>();
      await renderInWorkers(
        this.synth.config,
        todo.map((v) => v.name),
        S,
        workers,
        (video, rgb, flow) => {
          done.set(video, [rgb, flow]);
          onVideo?.();
        },
      );
      for (const v of todo) {
        const [rgb, flow] = done.get(v.name) as [Uint8Array, Uint8Array];
        this.store.set(this.key(v.name, 'rgb'), rgb);
        this.store.set(this.key(v.name, 'flow'), flow);
      }
      return;
    }
    for (const video of todo) {
      const rgb = new Uint8Array(video.nframes * S * S * 3);
      const flow = new Uint8Array(rgb.length);
      this.synth.renderVideo(video.name, { rgb, flow }, [S, S]);
      this.store.set(this.key(video.name, 'rgb'), rgb);
      this.store.set(this.key(video.name, 'flow'), flow);
      onVideo?.();
      // Let progress bars and signals run between videos.
      await new Promise((resolve) => setImmediate(resolve));
    }
  }

  /**
   * Writes every rendered frame to one file (atomically), so worker processes load the frames
   * the parent rendered instead of rendering them again: a little-endian uint32 header length,
   * a JSON header `{ size, entries: [key, byteLength][] }`, then the entries' bytes in order.
   */
  async save(path: string): Promise<void> {
    const entries = [...this.store.entries()];
    const header = Buffer.from(
      JSON.stringify({ size: this.size, entries: entries.map(([k, b]) => [k, b.byteLength]) }),
    );
    const length = Buffer.alloc(4);
    length.writeUInt32LE(header.byteLength);
    const out = openAtomicWriteStream(path);
    try {
      for (const chunk of [length, header, ...entries.map(([, b]) => b)])
        if (!out.stream.write(chunk))
          await new Promise<void>((resolve) => out.stream.once('drain', resolve));
      await out.commit();
    } catch (error) {
      await out.abort();
      throw error;
    }
  }

  /**
   * Loads a file written by {@link save}, entry by entry with positional reads: `quick`'s frames
   * (720 videos, RGB and flow) are 2.8 GB, past the 2 GiB that one `readFileSync` can return.
   * Throws one line naming the file when it is not such a file or was rendered at another size.
   */
  static load(synth: SynthTubes, size: number, path: string): FrameCache {
    const bad = (why: string) => new Error(`FrameCache: ${path}: ${why}`);
    return readPositional(path, bad, (file) => {
      const { header, end } = readJsonHeader<{ size: number; entries: Array<[string, number]> }>(
        file,
        bad,
      );
      if (header.size !== size) throw bad(`frames of ${header.size}px, expected ${size}px`);
      const cache = new FrameCache(synth, size);
      let at = end;
      for (const [key, length] of header.entries) {
        cache.store.set(key, file.read(at, length));
        at += length;
      }
      return cache;
    });
  }

  /** Channels of a modality. */
  static channels(modality: StepModality): number {
    return modality === 'early' ? 6 : 3;
  }

  /** Where a stream's 3 channels sit in a modality's frames (`early` = RGB ⊕ flow). */
  static streamChannels(modality: StepModality, stream: 'rgb' | 'flow'): number[] {
    const first = modality === 'early' && stream === 'flow' ? 3 : 0;
    return [first, first + 1, first + 2];
  }

  /** A reader of preloaded frames (throws naming the video when it was not preloaded). */
  reader(modality: StepModality): FrameReader {
    const S = this.size;
    const frame = S * S * 3;
    const get = (video: VideoAnnotation, m: 'rgb' | 'flow') => {
      const bytes = this.store.get(this.key(video.name, m));
      if (!bytes) throw new Error(`FrameCache: ${video.name} (${m}) was not preloaded`);
      return bytes;
    };
    if (modality !== 'early')
      return (video, f) => {
        return dequantizeFrame(get(video, modality), (f - 1) * frame, frame);
      };
    return (video, f) => {
      const rgb = get(video, 'rgb');
      const flow = get(video, 'flow');
      const out = new Float32Array(2 * frame);
      const o = (f - 1) * frame;
      for (let p = 0; p < S * S; p++)
        for (let c = 0; c < 3; c++) {
          out[p * 6 + c] = rgb[o + p * 3 + c] / 255;
          out[p * 6 + 3 + c] = flow[o + p * 3 + c] / 255;
        }
      return out;
    };
  }
}
