import { type SynthPreset, type SynthTubesConfig, synthPresetConfig } from '@tubekit/datasets';
import type { StepStream } from './configurations';

/** The benchmark profiles of `pnpm reproduce --profile …`. */
export type StepProfileName = 'smoke' | 'quick' | 'full';

/** Everything a profile fixes; the report records it verbatim. */
export interface StepProfile {
  name: StepProfileName;
  /**
   * SynthTubes preset and seed of the dataset, and the actors' standing height range in pixels of
   * the preset's frames (replacing the preset's). STEP's coarse 11-box grid assumes actors of the
   * size UCF101-24 has (box height: median 0.55 of the frame, 5–95% 0.15–0.92; width: median
   * 0.23, measured on `pyannot.pkl`); the presets' actors are about half that area, which leaves
   * almost no initial proposal at IoU ≥ 0.3 with any actor. The profiles therefore draw actors of
   * UCF101-24's relative size.
   */
  synth: { preset: SynthPreset; seed: number; actorHeight: { min: number; max: number } };
  /**
   * The stream of the single-stream experiments (Table 1(a), Figure 5, the ablations, Figure 6).
   * STEP uses RGB. SynthTubes' classes differ only in motion, and within the CPU profiles' training
   * budget an RGB model does not learn them (class accuracy stays at chance while flow reaches
   * ~50%), so those profiles compare the progressive mechanics on the flow stream; Table 1(b)
   * still trains and reports both streams.
   */
  baseStream: StepStream;
  /** Seed of every model's weights and of the training samplers (of one seed's run: see `seeds`). */
  seed: number;
  /**
   * The model seeds the profile trains every configuration with. Claims are decided only on at
   * least 3 seeds (see `@tubekit/report`'s claim rule); a profile with fewer marks them undecided.
   */
  seeds: number[];
  /** Side of the square frames the detector sees (SynthTubes frames are resized to it). */
  frameSize: number;
  /** Clip length K (STEP: 6). */
  clipLength: number;
  /** RoI side R. */
  roiSize: number;
  /** Hidden width of each step's head. */
  hidden: number;
  /** Optimiser iterations and clips per mini-batch (STEP: batch 4). */
  iterations: number;
  batchClips: number;
  learningRate: number;
  /** Regression target normalisation (see `ProgressiveDetectorOptions.deltaStd`). */
  deltaStd: [number, number, number, number];
  /** Positives per clip and step. */
  positivesPerClip: number;
  /** Use at most this many train / test videos of the preset (`undefined`: all). */
  maxTrainVideos?: number;
  maxTestVideos?: number;
  /** Frames between target clips at test time (K/2: overlapping tubelets for linking). */
  testStride: number;
  /** Clips timed per configuration for the runtime figure. */
  timingClips: number;
}

/** The three profiles. `quick` is the default of `pnpm reproduce`. */
export const PROFILES: Record<StepProfileName, StepProfile> = {
  smoke: {
    name: 'smoke',
    baseStream: 'flow',
    synth: { preset: 'smoke', seed: 1, actorHeight: { min: 19, max: 57 } },
    seed: 1,
    seeds: [1],
    frameSize: 32,
    clipLength: 6,
    roiSize: 6,
    hidden: 32,
    iterations: 3,
    batchClips: 2,
    learningRate: 3e-3,
    deltaStd: [0.5, 0.5, 1, 1],
    positivesPerClip: 2,
    maxTrainVideos: 6,
    maxTestVideos: 2,
    testStride: 3,
    timingClips: 2,
  },
  quick: {
    name: 'quick',
    baseStream: 'flow',
    synth: { preset: 'quick', seed: 1, actorHeight: { min: 34, max: 100 } },
    seed: 1,
    seeds: [1],
    frameSize: 64,
    clipLength: 6,
    roiSize: 8,
    hidden: 64,
    iterations: 400,
    batchClips: 4,
    learningRate: 5e-3,
    deltaStd: [0.5, 0.5, 1, 1],
    positivesPerClip: 3,
    testStride: 3,
    timingClips: 16,
  },
  full: {
    name: 'full',
    baseStream: 'rgb',
    synth: { preset: 'full', seed: 1, actorHeight: { min: 48, max: 142 } },
    seed: 1,
    seeds: [1, 2, 3],
    frameSize: 64,
    clipLength: 6,
    roiSize: 8,
    hidden: 96,
    iterations: 3000,
    batchClips: 4,
    learningRate: 1e-3,
    deltaStd: [0.5, 0.5, 1, 1],
    positivesPerClip: 4,
    testStride: 3,
    timingClips: 64,
  },
};

/** The SynthTubes configuration of a profile: its preset, seed and actor heights. */
export function synthConfigOf(profile: StepProfile): SynthTubesConfig {
  const preset = synthPresetConfig(profile.synth.preset, profile.synth.seed);
  return {
    ...preset,
    actors: {
      ...preset.actors,
      minHeight: profile.synth.actorHeight.min,
      maxHeight: profile.synth.actorHeight.max,
    },
  };
}

/** The profile of one seed's run: `seed` set, `seeds` reduced to it (cache keys stay per seed). */
export function seedProfile(profile: StepProfile, seed: number): StepProfile {
  return { ...profile, seed, seeds: [seed] };
}
