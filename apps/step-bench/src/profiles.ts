import {
  type SynthPreset,
  type SynthTubesConfig,
  type SynthVariant,
  synthPresetConfig,
} from '@tubekit/datasets';
import type { StepModality, StepStream } from './configurations';

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
   * STEP uses RGB; the trunk's temporal layers let an RGB model learn SynthTubes' motion classes.
   */
  baseStream: StepStream;
  /** Trunk size (`Trunk` of @tubekit/backbones): stage widths and neck channels. */
  trunk: { widths: [number, number, number]; neckChannels: number };
  /**
   * Freeze the pretrained backbone: its features of every frame are computed once per stream
   * (`streamFeatures`) and each configuration trains only the neck and heads on them.
   */
  frozenBackbone: boolean;
  /**
   * Trunk pretraining per stream (`pretrainTrunk`): iterations, clips per batch (every actor of
   * each is a clip-recognition sample), how many of them also run the whole-frame actorness task,
   * Adam rate, side of the actor crops of clip recognition. Iterations and the crops' scale are
   * what limit held-out recognition (FINDINGS.md, "Pretraining v5": with the ×0.1 decay at 2/3, 600 →
   * 0.47, 900 → 0.51, 1 200 → 0.52 on 724 held-out actors; 1 800 → 0.55 RGB, 0.70 flow on 32 px
   * crops, 0.61 and 0.71 on 48 px: {@link cropSize}). `quick` runs 1 800 (900 until
   * 2026-12-05): the RGB models' naming is limited by their trunk, not by their heads
   * (FINDINGS.md, "RGB's lever is its trunk's pretraining"). `seed` seeds the pretraining: one
   * trunk per stream serves every model seed of `seeds`, as every run of the paper starts from one
   * ImageNet-pretrained VGG16, so the seeds vary the detectors, not the pretraining
   * ({@link trunkProfile}).
   */
  pretrain: {
    seed: number;
    iterations: number;
    batchClips: number;
    actornessClips: number;
    learningRate: number;
    /**
     * Side of the actor crops of clip recognition, in pixels. A crop is a square of 1.15× the
     * actor's extent over the clip, so 32 px shows `quick`'s actors (45–74 px tall) at 0.4–0.6 of
     * the size the detectors' neck sees them at in whole frames; 48 px at 0.6–0.9. `quick` runs 48
     * since 2026-12-06 (32 before; FINDINGS.md, "Actor crops at the detector's scale"): RGB
     * `anticipation` 25.1 ± 0.9 → 37.5 ± 0.6% frame-mAP@0.5 over 3 seeds, for 1.2–1.5× the
     * pretraining time (740 s against 484 s per trunk in a cold run, two side by side).
     */
    cropSize: number;
    /**
     * Early fusion's RGB ⊕ flow trunk starts from the pretrained flow trunk (`Trunk.load` with
     * `inputChannels` [3, 4, 5]: every flow weight, the stem's RGB weights at zero, so it starts
     * as the flow trunk) and pretrains `iterations` more, instead of {@link iterations} from
     * scratch, as a pretrained network is extended to a new input by its first layer (TSN's
     * cross-modality initialisation). Absent: the RGB ⊕ flow trunk pretrains from scratch. The
     * paper's early fusion starts from ImageNet weights, so the RGB ⊕ flow network starts
     * pretrained too (FINDINGS.md, "Early fusion starts from the flow trunk": on `quick`, 300
     * iterations from the flow trunk recognise held-out clips about as well as 900 from scratch;
     * `full`'s 1 000, a third of its 3 000 as on `quick`, is not measured).
     */
    earlyFromFlow?: { iterations: number };
  };
  /**
   * Classifier pretraining per stream (`storedClassifier`, `pretrainClassifier` of
   * @tubekit/heads): iterations (0: none), clips per batch, Adam rate. On the frozen pretrained
   * trunk, the heads' global branch learns to classify actor tubelets from many cheap samples,
   * once per stream (seeded by `pretrain.seed`, shared by every model seed as the trunk is), and
   * every step's head of every model of the stream starts from it (FINDINGS.md, "A pretrained
   * classifier": on `quick`, `smax3`'s frame-mAP rose on each of 3 seeds). With
   * `boxRegression`, on 3 seeds of `quick`, 600 → 1 200 → 2 400 iterations (`quick` now) lifted
   * hybrid fusion 34.4 ± 0.6 → 40.1 ± 0.8 → 46.5 ± 0.5% and flow 26.4 → 31.8 → 39.2%, but not RGB
   * (10.9 → 13.0 → 13.3%), all with the anticipation loss at γ = 1 (γ = 0.1 since:
   * `ANTICIPATION_WEIGHT`); each doubling adds minutes of pretraining per stream (FINDINGS.md,
   * "Pretrained box regression").
   */
  classifier: {
    iterations: number;
    batchClips: number;
    learningRate: number;
    /**
     * Also pretrain the heads' local branch, the class-specific box regression (`boxRegression`
     * of `pretrainClassifier`: STEP's Eq. 3 on the classifier's actor tubelets and on loosely
     * placed ones, mean IoU ≥ 0.3), which every step's local branch then starts from (FINDINGS.md,
     * "Pretrained box regression"; `full`'s is not measured).
     */
    boxRegression?: boolean;
  };
  /** Seed of every model's weights and of the training samplers (of one seed's run: see `seeds`). */
  seed: number;
  /**
   * The model seeds the profile trains every configuration with. Claims are decided only on at
   * least 3 seeds (see `@tubekit/report`'s claim rule); a profile with fewer marks them undecided.
   */
  seeds: number[];
  /** Side of the square frames the trunk sees (a multiple of 8; SynthTubes frames are resized to it). */
  frameSize: number;
  /** Clip length K (STEP: 6). */
  clipLength: number;
  /** RoI side R (RoIAlign bins on the trunk's stride-8 neck). */
  roiSize: number;
  /** Hidden width of each step's head. */
  hidden: number;
  /** Optimiser iterations and clips per mini-batch (STEP: batch 4). */
  iterations: number;
  batchClips: number;
  /**
   * Frame budget of one micro-batch (gradient accumulation, `microBatchFrames` of
   * `trainProgressive`): a mini-batch of `batchClips` windows of Tw frames trains as micro-batches
   * of max(1, ⌊microBatchFrames / Tw⌋) windows whose gradients one Adam step sums, so a pass holds
   * one micro-batch's activations. K = 6 windows (Tw = 6) stay one pass; K = 30 windows (Tw = 30,
   * 120 frames a batch) train 2 + 2, which keeps a pass at 0.5–0.8 GB of the wasm backend's heap
   * (112–160 px) and is no slower than one pass (FINDINGS.md, "Making it learn within budget").
   */
  microBatchFrames: number;
  learningRate: number;
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

/**
 * The stream whose pretrained trunk `modality`'s trunk starts from, and how many iterations it
 * pretrains from there (`pretrain.earlyFromFlow`: the RGB ⊕ flow trunk from the flow trunk), or
 * `undefined` when it pretrains from scratch.
 */
export function trunkWarmStart(
  profile: Pick<StepProfile, 'pretrain'>,
  modality: StepModality,
): { from: StepStream; iterations: number } | undefined {
  const { earlyFromFlow } = profile.pretrain;
  return modality === 'early' && earlyFromFlow
    ? { from: 'flow', iterations: earlyFromFlow.iterations }
    : undefined;
}

/** The three profiles. `quick` is the default of `pnpm reproduce`. */
export const PROFILES: Record<StepProfileName, StepProfile> = {
  smoke: {
    name: 'smoke',
    baseStream: 'rgb',
    synth: { preset: 'smoke', seed: 1, actorHeight: { min: 19, max: 57 } },
    trunk: { widths: [4, 8, 8], neckChannels: 8 },
    frozenBackbone: true,
    pretrain: {
      seed: 1,
      iterations: 3,
      batchClips: 2,
      actornessClips: 1,
      learningRate: 2e-3,
      cropSize: 16,
      earlyFromFlow: { iterations: 2 },
    },
    classifier: { iterations: 3, batchClips: 2, learningRate: 2e-3, boxRegression: true },
    seed: 1,
    seeds: [1],
    frameSize: 32,
    clipLength: 6,
    roiSize: 3,
    hidden: 32,
    iterations: 3,
    batchClips: 2,
    microBatchFrames: 60,
    learningRate: 3e-3,
    positivesPerClip: 2,
    maxTrainVideos: 6,
    maxTestVideos: 2,
    testStride: 3,
    timingClips: 2,
  },
  quick: {
    name: 'quick',
    baseStream: 'rgb',
    synth: { preset: 'quick-v2', seed: 1, actorHeight: { min: 45, max: 74 } },
    trunk: { widths: [16, 32, 64], neckChannels: 64 },
    frozenBackbone: true,
    pretrain: {
      seed: 1,
      iterations: 1800,
      batchClips: 16,
      actornessClips: 2,
      learningRate: 2e-3,
      cropSize: 48,
      earlyFromFlow: { iterations: 300 },
    },
    classifier: { iterations: 2400, batchClips: 16, learningRate: 2e-3, boxRegression: true },
    seed: 1,
    seeds: [1],
    frameSize: 112,
    clipLength: 6,
    roiSize: 5,
    hidden: 64,
    iterations: 400,
    batchClips: 4,
    microBatchFrames: 60,
    learningRate: 2e-3,
    positivesPerClip: 6,
    testStride: 3,
    timingClips: 16,
  },
  full: {
    name: 'full',
    baseStream: 'rgb',
    synth: { preset: 'full-v2', seed: 1, actorHeight: { min: 64, max: 106 } },
    trunk: { widths: [16, 32, 64], neckChannels: 64 },
    frozenBackbone: true,
    pretrain: {
      seed: 1,
      iterations: 3000,
      batchClips: 16,
      actornessClips: 2,
      learningRate: 2e-3,
      cropSize: 48,
      earlyFromFlow: { iterations: 1000 },
    },
    classifier: { iterations: 1500, batchClips: 16, learningRate: 2e-3, boxRegression: true },
    seed: 1,
    seeds: [1, 2, 3],
    frameSize: 160,
    clipLength: 6,
    roiSize: 5,
    hidden: 96,
    iterations: 3000,
    batchClips: 4,
    microBatchFrames: 60,
    learningRate: 1e-3,
    positivesPerClip: 4,
    testStride: 3,
    timingClips: 64,
  },
};

/**
 * The SynthTubes configuration of a profile: its preset, seed and actor heights; with `variant`,
 * that variant of the preset (the other benches' stand-ins: CFAD's `dynamic` / `static`, PCSC's
 * `appearance-hard` / `motion-hard`) at the same actor heights, so the profile's trunk sees
 * actors of the sizes it was pretrained on.
 */
export function synthConfigOf(profile: StepProfile, variant?: SynthVariant): SynthTubesConfig {
  const preset = synthPresetConfig(profile.synth.preset, profile.synth.seed, variant);
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

/**
 * The profile a stream's trunk is pretrained under: the seed's profile of `pretrain.seed`. Every
 * model seed of the profile (and of CFAD's and PCSC's profiles on it) shares that one trunk.
 */
export function trunkProfile(profile: StepProfile): StepProfile {
  return seedProfile(profile, profile.pretrain.seed);
}

/**
 * `profile` with the model seeds `seeds` (unchanged without); throws naming the list unless it
 * holds distinct positive integers.
 */
export function withSeeds(profile: StepProfile, seeds?: readonly number[]): StepProfile {
  if (seeds === undefined) return profile;
  if (
    seeds.length === 0 ||
    !seeds.every((s) => Number.isInteger(s) && s > 0) ||
    new Set(seeds).size !== seeds.length
  )
    throw new RangeError(
      `step-bench: seeds [${seeds.join(', ')}]; expected distinct positive integers, e.g. [1, 2, 3]`,
    );
  return { ...profile, seeds: [...seeds] };
}
