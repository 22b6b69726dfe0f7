import type { StepProfileName } from '@tubekit/step-bench/profiles';

/** The benchmark profiles of `pnpm reproduce --paper cfad --profile …`. */
export type CfadProfileName = 'smoke' | 'quick' | 'full';

/** Everything a profile fixes; the report records it verbatim. */
export interface CfadProfile {
  name: CfadProfileName;
  /**
   * The step-bench profile whose SynthTubes preset, frame size and **pretrained trunk** CFAD
   * shares (the trunk is read from step-bench's cache, or pretrained there once).
   */
  step: StepProfileName;
  /** Frames T of the resampled clip (§4.1: 96 UCF101-24, 32 J-HMDB). */
  clipLength: number;
  /** Maps N sampled per proposal (§3.1: 16 UCF101-24, 6 J-HMDB). */
  samples: number;
  /** Polynomial orders k of Table 1's columns; the middle one is the default elsewhere. */
  orders: number[];
  /** Search areas σ of Table 1's rows (§4.2). */
  sigmas: number[];
  /** Selector thresholds α of Fig. 4(b). */
  alphas: number[];
  /** Channels C' of the coarse module's 3-D conv heads and the RPN. */
  hidden: number;
  /** Neck pooling before CFAD's modules (`featurePool`: 2 gives I3D's 7×7 map at 112 px). */
  featurePool: number;
  /** TPN anchor lengths as fractions of T (spec: {1, 2, 4, 8, 12} of 12 cells). */
  tpnLengths: number[];
  /** Optimiser iterations, training videos per iteration, Adam learning rate (×0.1 at 2/3). */
  iterations: number;
  batchVideos: number;
  learningRate: number;
  /** Model seeds; claims are decided on ≥ 3 (`@tubekit/report`'s rule). */
  seeds: number[];
  /** Use at most this many train / test videos of each preset variant. */
  maxTrainVideos?: number;
  maxTestVideos?: number;
  /** Tier 2: polynomial orders fitted, and at most this many annotated videos per dataset (all when absent). */
  tier2: { orders: number[]; maxVideos?: number };
}

/** The three profiles; `quick` is the default of `pnpm reproduce`. */
export const PROFILES: Record<CfadProfileName, CfadProfile> = {
  smoke: {
    name: 'smoke',
    step: 'smoke',
    clipLength: 8,
    samples: 4,
    orders: [1, 2],
    sigmas: [0.4, 0.6, 0.8],
    alphas: [0.15, 0.45],
    hidden: 4,
    featurePool: 1,
    tpnLengths: [0.25, 0.5, 1],
    iterations: 2,
    batchVideos: 1,
    learningRate: 2e-3,
    seeds: [1],
    maxTrainVideos: 4,
    maxTestVideos: 2,
    tier2: { orders: [1, 2], maxVideos: 20 },
  },
  quick: {
    name: 'quick',
    step: 'quick',
    clipLength: 24,
    samples: 8,
    orders: [1, 2, 3],
    sigmas: [0.4, 0.6, 0.8],
    alphas: [0.15, 0.25, 0.35, 0.45],
    hidden: 16,
    featurePool: 2,
    tpnLengths: [0.125, 0.25, 0.5, 0.75, 1],
    iterations: 100,
    batchVideos: 2,
    learningRate: 2e-3,
    seeds: [1, 2, 3],
    maxTrainVideos: 64,
    maxTestVideos: 24,
    tier2: { orders: [1, 2, 3, 4, 5, 6] },
  },
  full: {
    name: 'full',
    step: 'full',
    clipLength: 32,
    samples: 8,
    orders: [1, 2, 3, 4],
    sigmas: [0.4, 0.6, 0.8],
    alphas: [0.15, 0.25, 0.35, 0.45],
    hidden: 32,
    featurePool: 2,
    tpnLengths: [0.125, 0.25, 0.5, 0.75, 1],
    iterations: 1500,
    batchVideos: 4,
    learningRate: 1e-3,
    seeds: [1, 2, 3],
    tier2: { orders: [1, 2, 3, 4, 5, 6] },
  },
};
