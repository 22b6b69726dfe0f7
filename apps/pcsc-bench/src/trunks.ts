import { join } from 'node:path';
import type { Trunk } from '@tubekit/backbones';
import { convolutionsCacheKey } from '@tubekit/step-bench/convolutions';
import {
  createTrunk as createStepTrunk,
  pretrainedTrunk as stepPretrainedTrunk,
  type TrunkProfile,
  tubeActors,
} from '@tubekit/step-bench/trunks';
import type { BenchVideo } from './bench-data';
import type { PcscProfile } from './profiles';

/**
 * A PCSC profile and seed as the trunk profile step-bench's trunk functions take (PCSC's stack
 * length k is the trunk's clip length).
 */
export function trunkProfile(profile: PcscProfile, seed: number): TrunkProfile {
  return {
    name: profile.name,
    seed,
    trunk: { widths: profile.trunkWidths, neckChannels: profile.trunkWidths[2] },
    frameSize: profile.frameSize,
    clipLength: profile.stackLength,
    pretrain: profile.pretrain,
  };
}

/** A stream's trunk of the profile's size (3 channels: RGB, or encoded flow), freshly initialised. */
export function createTrunk(profile: PcscProfile, seed: number): Trunk {
  return createStepTrunk(trunkProfile(profile, seed), 'rgb');
}

/**
 * `<cacheDir>/trunk-<stream>-s<seed>[.onnxruntime].safetensors`: where {@link pretrainedTrunk}
 * caches a stream's trunk (where the convolutions ran: `convolutionsCacheKey`).
 */
export function trunkPath(stream: 'rgb' | 'flow', seed: number, cacheDir: string): string {
  return join(
    cacheDir,
    `trunk-${stream}-s${seed}${convolutionsCacheKey()
      .map((k) => `.${k}`)
      .join('')}.safetensors`,
  );
}

/**
 * The pretrained trunk of one stream (tubekit's stand-in for PCSC's Kinetics-pretrained I3D,
 * `pretrainTrunk` of @tubekit/backbones) through step-bench's shared `pretrainedTrunk`: pretrained
 * once per profile, stream and seed on the training videos (stacks of k frames, actors from the
 * GT tubes, half of the clips flipped), resumable, cached at {@link trunkPath} for later runs;
 * concurrent processes wait for the one pretraining, and a damaged file is set aside and
 * pretrained again.
 */
export function pretrainedTrunk(
  profile: PcscProfile,
  stream: 'rgb' | 'flow',
  seed: number,
  train: readonly BenchVideo[],
  numClasses: number,
  cacheDir: string,
  log: (line: string) => void,
): Promise<Trunk> {
  const size = profile.frameSize * profile.frameSize * 3;
  const byName = new Map(train.map((v) => [v.annotation.name, v]));
  return stepPretrainedTrunk({
    profile: trunkProfile(profile, seed),
    modality: stream,
    numClasses,
    train: train.map((v) => v.annotation),
    read: (video, f) => {
      const v = byName.get(video.name);
      if (!v) throw new Error(`pcsc-bench: no frames of training video ${video.name}`);
      return v[stream].subarray((f - 1) * size, f * size);
    },
    actors: tubeActors(profile.frameSize),
    path: trunkPath(stream, seed, cacheDir),
    log,
  });
}
