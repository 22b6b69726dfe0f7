import {
  createSynthTubes,
  type SynthTubesConfig,
  type SynthVariant,
  synthPresetConfig,
  type VideoAnnotation,
} from '@tubekit/datasets';
import type { PcscProfile } from './profiles';

/** Where a bench video comes from: the plain preset or one of PCSC's stress variants. */
export type BenchVariant = 'plain' | Extract<SynthVariant, 'appearance-hard' | 'motion-hard'>;

/** The variants mixed into every split (spec §5: each stream fails on different actors). */
export const BENCH_VARIANTS: readonly BenchVariant[] = ['plain', 'appearance-hard', 'motion-hard'];

/** A rendered video: annotation at the detector's frame size, RGB and encoded-flow frames. */
export interface BenchVideo {
  variant: BenchVariant;
  /** Name `<variant>/<SynthTubes name>`; GT boxes scaled to `frameSize` px. */
  annotation: VideoAnnotation;
  /** `T × S × S × 3` RGB in [0, 1]. */
  rgb: Float32Array;
  /** `T × S × S × 3` SynthTubes' encoded flow (`encodeFlow`), in [0, 1]. */
  flow: Float32Array;
}

/**
 * The SynthTubes configurations of the profile's variants ({@link BENCH_VARIANTS}): what
 * {@link loadBenchData} renders, compared between a queue's coordinator and its workers.
 */
export function benchConfigs(profile: PcscProfile): SynthTubesConfig[] {
  return BENCH_VARIANTS.map((variant) =>
    synthPresetConfig(
      profile.synth.preset,
      profile.synth.seed,
      variant === 'plain' ? undefined : variant,
    ),
  );
}

/** The bench's videos and labels. */
export interface BenchData {
  labels: string[];
  train: BenchVideo[];
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
 * Renders the profile's SynthTubes videos at `frameSize`: the first `trainVideos` / `testVideos`
 * of each split of each variant ({@link BENCH_VARIANTS}).
 */
export async function loadBenchData(
  profile: PcscProfile,
  onVideo?: () => void,
): Promise<BenchData> {
  const S = profile.frameSize;
  const out: BenchData = { labels: [], train: [], test: [] };
  for (const variant of BENCH_VARIANTS) {
    const synth = createSynthTubes({
      preset: profile.synth.preset,
      seed: profile.synth.seed,
      variant: variant === 'plain' ? undefined : variant,
    });
    const { dataset } = synth;
    out.labels = dataset.labels;
    const byName = new Map(dataset.videos.map((v) => [v.name, v]));
    for (const [split, count] of [
      ['train', profile.synth.trainVideos],
      ['test', profile.synth.testVideos],
    ] as const) {
      for (const name of (dataset.splits[split] ?? []).slice(0, count)) {
        const video = byName.get(name)!;
        const frames = {
          rgb: new Float32Array(video.nframes * S * S * 3),
          flow: new Float32Array(video.nframes * S * S * 3),
        };
        for (const modality of ['rgb', 'flow'] as const) {
          const source = synth.frameSource(name, modality);
          for (let f = 1; f <= video.nframes; f++)
            frames[modality].set(await source.read(f, { size: [S, S] }), (f - 1) * S * S * 3);
        }
        out[split].push({
          variant,
          annotation: scaledAnnotation(video, S, `${variant}/${video.name}`),
          ...frames,
        });
        onVideo?.();
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
