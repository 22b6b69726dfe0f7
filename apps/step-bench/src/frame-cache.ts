import type { SynthTubes, VideoAnnotation } from '@tubekit/datasets';
import type { FrameReader } from '@tubekit/heads/progressive';
import type { StepModality } from './configurations';
import { dequantizeFrame, quantizeFrame } from './frame-bytes';

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

  /** Renders every frame of `videos` in both modalities (progress callback per video). */
  async preload(videos: readonly VideoAnnotation[], onVideo?: () => void): Promise<void> {
    const S = this.size;
    const frame = S * S * 3;
    for (const video of videos) {
      for (const modality of ['rgb', 'flow'] as const) {
        const k = this.key(video.name, modality);
        if (this.store.has(k)) continue;
        const source = this.synth.frameSource(video.name, modality);
        const bytes = new Uint8Array(video.nframes * frame);
        for (let f = 1; f <= video.nframes; f++) {
          const data = await source.read(f, { size: [S, S] });
          quantizeFrame(bytes, (f - 1) * frame, data, frame);
        }
        this.store.set(k, bytes);
      }
      onVideo?.();
    }
  }

  /** Channels of a modality. */
  static channels(modality: StepModality): number {
    return modality === 'early' ? 6 : 3;
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
