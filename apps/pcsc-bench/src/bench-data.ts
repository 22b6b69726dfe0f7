import {
  createSynthTubes,
  type SynthTubesConfig,
  type SynthVariant,
  type VideoAnnotation,
} from '@tubekit/datasets';
import { dequantizeFrame } from '@tubekit/step-bench/frame-bytes';
import { synthConfigOf } from '@tubekit/step-bench/profiles';
import { type PcscProfile, stepProfileOf } from './profiles';

/**
 * Where a bench video comes from: the plain preset or one of PCSC's two stress roles, each
 * rendered by the SynthTubes variant the profile's `stress` names ({@link synthVariantOf}).
 */
export type BenchVariant = 'plain' | Extract<SynthVariant, 'appearance-hard' | 'motion-hard'>;

/** The variants mixed into every split (spec §5: each stream fails on different actors). */
export const BENCH_VARIANTS: readonly BenchVariant[] = ['plain', 'appearance-hard', 'motion-hard'];

/** A rendered video: annotation at the detector's frame size, RGB and encoded-flow frames. */
export interface BenchVideo {
  variant: BenchVariant;
  /** Name `<variant>/<SynthTubes name>`; GT boxes scaled to the step profile's frame size. */
  annotation: VideoAnnotation;
  /** `T × S × S × 3` RGB in [0, 1]. */
  rgb: Float32Array;
  /** `T × S × S × 3` SynthTubes' encoded flow (`encodeFlow`), in [0, 1]. */
  flow: Float32Array;
}

/**
 * The SynthTubes configurations of the profile's variants ({@link BENCH_VARIANTS}, rendered by
 * the SynthTubes variants its `stress` names) of the step profile's preset, at its actor heights
 * (`synthConfigOf` of step-bench): what {@link loadBenchData} renders, compared between a
 * queue's coordinator and its workers.
 */
export function benchConfigs(profile: PcscProfile): SynthTubesConfig[] {
  const step = stepProfileOf(profile);
  return BENCH_VARIANTS.map((variant) => synthConfigOf(step, synthVariantOf(profile, variant)));
}

/** The SynthTubes variant that renders a bench variant under the profile's `stress` calibration. */
export function synthVariantOf(
  profile: PcscProfile,
  variant: BenchVariant,
): SynthVariant | undefined {
  if (variant === 'plain') return undefined;
  return variant === 'appearance-hard' ? profile.stress.appearance : profile.stress.motion;
}

/**
 * A video whose frames are drawn when asked for and not kept: the training videos, read once per
 * process for their key frames' maps (quick's 600 would hold 9 GB of frames).
 */
export interface BenchVideoSource {
  variant: BenchVariant;
  /** As {@link BenchVideo}'s. */
  annotation: VideoAnnotation;
  /** The video with its frames (SynthTubes renders it again on each call: about 0.1 s at 112 px). */
  load(): BenchVideo;
}

/** A video already in memory as a {@link BenchVideoSource}. */
export function keptVideo(video: BenchVideo): BenchVideoSource {
  return { variant: video.variant, annotation: video.annotation, load: () => video };
}

/** The bench's videos and labels: training videos drawn on demand, test videos kept. */
export interface BenchData {
  labels: string[];
  train: BenchVideoSource[];
  test: BenchVideo[];
}

/** A video's annotation with its boxes scaled to `S × S` px (the detector's frames), renamed `name`. */
export function scaledAnnotation(video: VideoAnnotation, S: number, name: string): VideoAnnotation {
  const sx = S / video.width;
  const sy = S / video.height;
  return {
    name,
    nframes: video.nframes,
    width: S,
    height: S,
    tubes: video.tubes.map((t) => ({
      ...t,
      boxes: t.boxes.map((v, i) => v * (i % 2 === 0 ? sx : sy)),
    })),
  };
}

/**
 * The profile's SynthTubes videos at the step profile's frame size, rendered as its trunks saw
 * their training frames (8-bit values, `SynthTubes.renderVideo`): the first `videos.train` /
 * `videos.test` of each split of each variant ({@link BENCH_VARIANTS}). Test videos are rendered
 * now and kept; training videos are rendered whenever they are loaded ({@link BenchVideoSource}).
 */
export async function loadBenchData(profile: PcscProfile): Promise<BenchData> {
  const S = stepProfileOf(profile).frameSize;
  const out: BenchData = { labels: [], train: [], test: [] };
  const configs = benchConfigs(profile);
  for (const [v, variant] of BENCH_VARIANTS.entries()) {
    const synth = createSynthTubes(configs[v]!);
    const { dataset } = synth;
    out.labels = dataset.labels;
    const byName = new Map(dataset.videos.map((video) => [video.name, video]));
    for (const [split, count] of [
      ['train', profile.videos.train],
      ['test', profile.videos.test],
    ] as const) {
      for (const name of (dataset.splits[split] ?? []).slice(0, count)) {
        const video = byName.get(name)!;
        const annotation = scaledAnnotation(video, S, `${variant}/${video.name}`);
        const load = (): BenchVideo => {
          const bytes = {
            rgb: new Uint8Array(video.nframes * S * S * 3),
            flow: new Uint8Array(video.nframes * S * S * 3),
          };
          synth.renderVideo(name, bytes, [S, S]);
          return {
            variant,
            annotation,
            rgb: dequantizeFrame(bytes.rgb, 0, bytes.rgb.length),
            flow: dequantizeFrame(bytes.flow, 0, bytes.flow.length),
          };
        };
        if (split === 'train') {
          out.train.push({ variant, annotation, load });
          continue;
        }
        out.test.push(load());
        // let progress bars and signals run between videos
        await new Promise((resolve) => setImmediate(resolve));
      }
    }
  }
  return out;
}

/** The GT boxes (S px) and 1-based classes on 1-based frame `f` of a video. */
export function frameGroundTruth(
  video: VideoAnnotation,
  f: number,
): { boxes: Float64Array; labels: Int32Array } {
  const boxes: number[] = [];
  const labels: number[] = [];
  for (const t of video.tubes) {
    const i = f - t.start;
    if (i < 0 || i >= t.boxes.length / 4) continue;
    boxes.push(...t.boxes.subarray(4 * i, 4 * i + 4));
    labels.push(t.label + 1);
  }
  return { boxes: Float64Array.from(boxes), labels: Int32Array.from(labels) };
}
