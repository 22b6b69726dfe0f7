import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import {
  createSynthTubes,
  type SynthTubes,
  type SynthVariant,
  type VideoAnnotation,
} from '@tubekit/datasets';
import { tubeLength } from '@tubekit/geometry';
import type { CoarseToFineTrainingVideo } from '@tubekit/heads/coarse-to-fine';
import { tf } from '@tubekit/nn';
import { createProgress } from '@tubekit/report';
import { FrameCache } from '@tubekit/step-bench/frame-cache';
import { type StepProfile, synthConfigOf } from '@tubekit/step-bench/profiles';
import type { CfadProfile } from './profiles';

/** The two SynthTubes stand-ins of CFAD's datasets (spec §5). */
export type CfadVariant = Extract<SynthVariant, 'dynamic' | 'static'>;

/**
 * The videos a CFAD model trains and is tested on, and their frames at the detector's size: a
 * SynthTubes variant (tier 1, {@link VariantData}) or your annotated videos (tier 3).
 */
export interface CfadVideos {
  /** Class names of the annotation (labels index them). */
  labels: string[];
  train: VideoAnnotation[];
  test: VideoAnnotation[];
  /** Frames at `size × size` per modality (SynthTubes: `FrameCache`; your data: `DatasetFrames`). */
  frames: Pick<FrameCache, 'reader' | 'size'>;
}

/** One preset variant's videos and rendered frames. */
export interface VariantData extends CfadVideos {
  variant: CfadVariant;
  synth: SynthTubes;
  frames: FrameCache;
}

/** Frames of the modalities CFAD runs: RGB, or RGB ⊕ flow (early fusion, §4.3). */
export type CfadModality = 'rgb' | 'early';

/**
 * The SynthTubes videos of a variant (`dynamic`: large displacement with direction changes, the
 * UCF101-24 stand-in; `static`: no drift, travel or camera motion, the J-HMDB stand-in;
 * `synthConfigOf` of step-bench), rendered once at the step profile's frame size and cached under
 * `cacheDir`.
 */
export async function prepareVariant(
  profile: CfadProfile,
  step: StepProfile,
  variant: CfadVariant,
  cacheDir: string,
): Promise<VariantData> {
  const config = synthConfigOf(step, variant);
  const synth = createSynthTubes(config);
  const byName = new Map(synth.dataset.videos.map((v) => [v.name, v]));
  const pick = (split: string, max?: number) =>
    (synth.dataset.splits[split] ?? [])
      .slice(0, max)
      .map((n) => byName.get(n) as VideoAnnotation)
      .filter((v) => v.tubes.some((t) => tubeLength(t) >= 2));
  const train = pick('train', profile.maxTrainVideos);
  const test = pick('test', profile.maxTestVideos);
  const S = step.frameSize;
  const hash = createHash('sha256')
    .update(JSON.stringify([config, S, [...train, ...test].map((v) => v.name)]))
    .digest('hex')
    .slice(0, 12);
  await mkdir(cacheDir, { recursive: true });
  const path = join(cacheDir, `frames-${variant}-${hash}.bin`);
  let frames: FrameCache;
  if (existsSync(path)) frames = FrameCache.load(synth, S, path);
  else {
    frames = new FrameCache(synth, S);
    const bar = createProgress({
      label: `render SynthTubes ${variant}`,
      total: train.length + test.length,
    });
    await frames.preload([...train, ...test], () => bar.tick());
    bar.done(`${train.length} train + ${test.length} test videos at ${S}px`);
    await frames.save(path);
  }
  return { variant, synth, labels: synth.dataset.labels, train, test, frames };
}

/** Original frame (1-based) of resampled frame `j` of `T` (spec S1: `round(1 + j(L−1)/(T−1))`). */
export function resampledFrame(j: number, T: number, L: number): number {
  return T <= 1 ? 1 : Math.round(1 + (j * (L - 1)) / (T - 1));
}

/** The `T` resampled frames of a video as a `[T, S, S, channels]` tensor (the caller disposes it). */
export function clipTensor(
  data: CfadVideos,
  modality: CfadModality,
  video: VideoAnnotation,
  T: number,
): tf.Tensor4D {
  const read = data.frames.reader(modality);
  const S = data.frames.size;
  const ch = FrameCache.channels(modality);
  const out = new Float32Array(T * S * S * ch);
  for (let j = 0; j < T; j++)
    out.set(read(video, resampledFrame(j, T, video.nframes)), j * S * S * ch);
  return tf.tensor4d(out, [T, S, S, ch]);
}

/** A training video for `CoarseToFineDetector.loss`: its clip and GT tubes scaled to S. */
export function trainingVideo(
  data: CfadVideos,
  modality: CfadModality,
  video: VideoAnnotation,
  T: number,
): CoarseToFineTrainingVideo {
  const S = data.frames.size;
  return {
    frames: clipTensor(data, modality, video, T),
    nframes: video.nframes,
    tubes: video.tubes.map((t) => ({
      start: t.start,
      label: t.label,
      boxes: Float64Array.from(t.boxes, (v, i) => (v * S) / (i % 2 ? video.height : video.width)),
    })),
  };
}
