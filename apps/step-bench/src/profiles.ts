import type { SynthPreset } from '@tubekit/datasets';

/** The benchmark profiles of `pnpm reproduce --profile …`. */
export type StepProfileName = 'smoke' | 'quick' | 'full';

/** Everything a profile fixes; the report records it verbatim. */
export interface StepProfile {
  name: StepProfileName;
  /** SynthTubes preset and seed of the dataset. */
  synth: { preset: SynthPreset; seed: number };
  /** Seed of every model's weights and of the training samplers. */
  seed: number;
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
    synth: { preset: 'smoke', seed: 1 },
    seed: 1,
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
    synth: { preset: 'quick', seed: 1 },
    seed: 1,
    frameSize: 64,
    clipLength: 6,
    roiSize: 8,
    hidden: 64,
    iterations: 100,
    batchClips: 4,
    learningRate: 5e-3,
    deltaStd: [0.5, 0.5, 1, 1],
    positivesPerClip: 3,
    maxTestVideos: 16,
    testStride: 3,
    timingClips: 16,
  },
  full: {
    name: 'full',
    synth: { preset: 'full', seed: 1 },
    seed: 1,
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
