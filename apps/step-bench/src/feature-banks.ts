import { BackboneFeatureBank, type Trunk } from '@tubekit/backbones';
import type { VideoAnnotation } from '@tubekit/datasets';
import type { FrameReader } from '@tubekit/heads/progressive';
import { createProgress } from '@tubekit/report';
import type { StepModality } from './configurations';
import { FrameCache } from './frame-cache';
import { flipFrames } from './trunks';

/** A stream's stored backbone features: readers for the frames as they are and flipped. */
export interface StreamFeatures {
  /** Frame `f` (1-based) of a video: its stride-8 backbone features. */
  read: FrameReader;
  /** The same frame of the horizontally flipped video (training videos only). */
  readFlipped: FrameReader;
  /** Values per frame (`H/8 × W/8 × C`). */
  valuesPerFrame: number;
  /** Bytes held. */
  bytes: number;
}

const banks = new Map<string, StreamFeatures>();

/** Options of {@link streamFeatures}. */
export interface StreamFeaturesOptions {
  /** Identifies the pretrained trunk (its checkpoint path): one bank per trunk and process. */
  key: string;
  trunk: Trunk;
  modality: StepModality;
  frameSize: number;
  train: readonly VideoAnnotation[];
  test: readonly VideoAnnotation[];
  read: FrameReader;
  log: (line: string) => void;
}

/**
 * The pretrained trunk's backbone features of every training video (as is and flipped, for the
 * flip augmentation) and test video, computed once per frame and shared by every configuration
 * of the stream that this process trains (`BackboneFeatureBank` of @tubekit/backbones): with a
 * frozen backbone, STEP's iterations and its test passes run only the neck and the heads.
 */
export function streamFeatures(options: StreamFeaturesOptions): StreamFeatures {
  const cached = banks.get(options.key);
  if (cached) return cached;
  const { trunk, modality, frameSize: S, read } = options;
  const bank = new BackboneFeatureBank(trunk);
  const size = S * S * FrameCache.channels(modality);
  const t0 = performance.now();
  const bar = createProgress({
    label: `  ${modality} backbone features`,
    total: options.train.length + options.test.length,
  });
  const add = (video: VideoAnnotation, flipped: boolean) => {
    const frames = new Float32Array(video.nframes * size);
    for (let f = 1; f <= video.nframes; f++) frames.set(read(video, f), (f - 1) * size);
    if (flipped) flipFrames(frames, S, modality);
    bank.add(flipped ? `${video.name}\u0000flipped` : video.name, frames, video.nframes, S, S);
  };
  for (const video of options.train) {
    add(video, false);
    add(video, true);
    bar.tick();
  }
  for (const video of options.test) {
    if (!bank.has(video.name)) add(video, false);
    bar.tick();
  }
  bar.done(`${(bank.bytes / 2 ** 20).toFixed(0)} MiB`);
  const { height, width, channels } = bank.frameShape;
  const features: StreamFeatures = {
    read: (video, f) => bank.read(video.name, f - 1),
    readFlipped: (video, f) => bank.read(`${video.name}\u0000flipped`, f - 1),
    valuesPerFrame: height * width * channels,
    bytes: bank.bytes,
  };
  options.log(
    `step-bench: ${modality} backbone features of ${options.train.length} + ${options.test.length} videos stored (${(bank.bytes / 2 ** 20).toFixed(0)} MiB, ${((performance.now() - t0) / 1000).toFixed(0)} s)`,
  );
  banks.set(options.key, features);
  return features;
}
