import {
  CrossStreamDetector,
  type CrossStreamInput,
  type FrameGroundTruth,
} from '@tubekit/heads/cross-stream';
import { createRng, type Rng, Trainer, type tf } from '@tubekit/nn';
import { createProgress } from '@tubekit/report';
import { type BenchVideoSource, frameGroundTruth } from './bench-data';
import { trainingKeyFrames } from './key-frames';
import { type PcscProfile, stepProfileOf } from './profiles';
import {
  disposeInput,
  gatherInput,
  type HostInput,
  hostInput,
  type StreamTrunks,
  videoInput,
} from './video-features';

/** The three detectors the bench trains (spec §4: Tables 5 and 6). */
export type PcscModel = 'fpn' | 'pcsc-no-fc' | 'pcsc';

/** What distinguishes them: refinement stages and feature cooperation. */
export const MODELS: Record<
  PcscModel,
  { stages: (p: PcscProfile) => number; featureCooperation: boolean; title: string }
> = {
  fpn: {
    stages: () => 0,
    featureCooperation: false,
    title: 'Faster R-CNN + FPN (two streams, no cooperation)',
  },
  'pcsc-no-fc': {
    stages: (p) => p.stages,
    featureCooperation: false,
    title: 'PCSC w/o feature cooperation',
  },
  pcsc: { stages: (p) => p.stages, featureCooperation: true, title: 'PCSC' },
};

/** A detector of the profile's size for a model. */
export function createDetector(
  profile: PcscProfile,
  model: PcscModel,
  seed: number,
  numClasses: number,
): CrossStreamDetector {
  const m = MODELS[model];
  const step = stepProfileOf(profile);
  const [, w4, w8] = step.trunk.widths;
  const [fine, coarse] = profile.stacks;
  return new CrossStreamDetector({
    numClasses,
    frameSize: step.frameSize,
    trunkLevels: { channels: [w4 * fine.segments, w8 * coarse.segments], strides: [4, 8] },
    fpnChannels: profile.fpnChannels,
    roiSize: profile.roiSize,
    hidden: profile.hidden,
    stages: m.stages(profile),
    featureCooperation: m.featureCooperation,
    pretrainRefinementStages: profile.headPretraining.refinementStages,
    rpnTopN: profile.rpnTopN,
    sampling: profile.sampling,
    frameOutput: profile.frameOutput,
    seed,
  });
}

/** A training video's key-frame maps: its index in the training list, name and key frames. */
export interface TrainingVideo {
  index: number;
  name: string;
  /** 1-based key frames, one row of `input` each. */
  keys: number[];
  /** The key frames' maps, in this process's memory (each batch becomes tensors when drawn). */
  input: HostInput;
}

/** Training key frames of the videos (mini-UCF-101-24 style): every n-th annotated frame. */
export interface TrainingFrames {
  items: { input: HostInput; row: number; gt: FrameGroundTruth }[];
  /** The videos with key frames, in the training list's order. */
  videos: TrainingVideo[];
}

/**
 * The training frames of per-video maps (computed here or read from files, in any order): the
 * videos sorted by their index in `train`, and one item per key frame with its GT boxes.
 */
export function assembleTrainingFrames(
  videos: readonly TrainingVideo[],
  train: readonly BenchVideoSource[],
): TrainingFrames {
  const sorted = [...videos].sort((a, b) => a.index - b.index);
  const items: TrainingFrames['items'] = [];
  for (const v of sorted) {
    const annotation = train[v.index]!.annotation;
    v.keys.forEach((f, row) => {
      items.push({ input: v.input, row, gt: frameGroundTruth(annotation, f) });
    });
  }
  return { items, videos: sorted };
}

/**
 * Computes (once per process's trunks) the key-frame maps of every `trainEvery`-th annotated frame
 * of the training videos (or of those at `indices` of the list), loading one video's frames at a
 * time; only the maps are kept, in this process's memory, not the ML backend's.
 */
export function trainingFrames(
  profile: PcscProfile,
  trunks: StreamTrunks,
  videos: readonly BenchVideoSource[],
  indices: readonly number[] = videos.map((_, i) => i),
): TrainingFrames {
  const done: TrainingVideo[] = [];
  const bar = createProgress({ label: '  training key-frame maps', total: indices.length });
  for (const index of indices) {
    bar.tick();
    const video = videos[index]!;
    const keys = trainingKeyFrames(video.annotation, profile.keyFrames);
    if (keys.length === 0) continue;
    const maps = videoInput(trunks, video.load(), keys, profile.stacks);
    try {
      done.push({ index, name: video.annotation.name, keys, input: hostInput(maps) });
    } finally {
      disposeInput(maps);
    }
  }
  bar.done();
  return assembleTrainingFrames(done, videos);
}

/** Iterations of both phases of {@link trainDetector} (for a progress bar). */
export function trainingIterations(profile: PcscProfile): number {
  return profile.headPretraining.iterations + profile.iterations;
}

/**
 * What {@link trainDetector} runs, in words: "300 head-pretraining iterations × 16 key frames
 * (PCSC's cooperating stages included), then 900 end-to-end iterations × 4 key frames" (or "900
 * iterations × 4 key frames").
 */
export function trainingSummary(profile: PcscProfile): string {
  const h = profile.headPretraining;
  const endToEnd = `iterations × ${profile.batchFrames} key frames`;
  const stages = h.refinementStages ? " (PCSC's cooperating stages included)" : '';
  return h.iterations > 0
    ? `${h.iterations} head-pretraining iterations × ${h.batchFrames} key frames${stages}, then ${profile.iterations} end-to-end ${endToEnd}`
    : `${profile.iterations} ${endToEnd}`;
}

/** The two phases of {@link trainDetector}. */
export type TrainingPhase = 'head pretraining' | 'end to end';

/**
 * A WebAssembly heap that ran out during training, as an error that says so and what fills it
 * (the detector and its batches: the training maps are kept outside it); any other error as it
 * is.
 */
function heapExhausted(error: unknown, batchFrames: number, step: number): unknown {
  if (!(error instanceof Error && /memory access out of bounds|out of memory/i.test(error.message)))
    return error;
  return new Error(
    `pcsc-bench: the ML backend's memory ran out at training step ${step} ("${error.message}"). It holds the detector and its batches of ${batchFrames} key frames (the training maps are kept outside it); fewer key frames a batch or a narrower detector (fpnChannels, hidden) fit.`,
    { cause: error },
  );
}

/** What {@link optimise} trains, how, and on which loss. */
interface Optimisation {
  parameters: readonly tf.Variable[];
  schedule: { iterations: number; batchFrames: number; learningRate: number };
  /** Draws the batches (and whatever `lossOf` samples). */
  rng: Rng;
  lossOf: (input: CrossStreamInput, gt: FrameGroundTruth[]) => tf.Scalar;
  onIteration?: (i: number, loss: number) => void;
  /** `Trainer`'s option: a parameter a step's loss does not reach is skipped, not an error. */
  unusedParameters?: 'skip';
}

/**
 * One optimisation over the training key frames: `iterations` batches of `batchFrames` frames
 * drawn with `rng`, Adam at `learningRate` with the profile's step decay, `lossOf` each batch.
 * Returns the losses.
 */
function optimise(
  profile: PcscProfile,
  frames: TrainingFrames,
  seed: number,
  { parameters, schedule, rng, lossOf, onIteration, unusedParameters }: Optimisation,
): number[] {
  const { iterations, batchFrames, learningRate } = schedule;
  const trainer = new Trainer({
    parameters: parameters.map((variable) => ({ name: variable.name, variable })),
    optimizer: { kind: 'adam', learningRate },
    schedule: {
      kind: 'step',
      milestones: [Math.round(iterations * profile.decay.at)],
      gamma: profile.decay.gamma,
    },
    seed,
    unusedParameters,
  });
  const losses: number[] = [];
  let i = 0;
  try {
    for (; i < iterations; i++) {
      const batch = Array.from(
        { length: batchFrames },
        () => frames.items[rng.int(frames.items.length)]!,
      );
      const input = gatherInput(batch);
      try {
        const { loss } = trainer.step(() =>
          lossOf(
            input,
            batch.map((b) => b.gt),
          ),
        );
        losses.push(loss);
        onIteration?.(i, loss);
      } finally {
        disposeInput(input);
      }
    }
  } catch (error) {
    // A wasm heap that ran out leaves the backend unusable: freeing the trainer then fails too,
    // and that failure must not hide the one that says why.
    try {
      trainer.dispose();
    } catch {}
    throw heapExhausted(error, batchFrames, i);
  }
  trainer.dispose();
  return losses;
}

/**
 * Trains a detector in up to two phases, with @tubekit/nn's `Trainer` (Adam with the profile's
 * step decay: the paper's SGD schedule, 6 epochs at lr 0.01 on three GPUs, does not fit the CPU
 * budget; *our choice*):
 * 1. **head pretraining**, when the profile asks for it (`headPretraining.iterations > 0`): the
 *    pyramids and stage-0 heads on labelled boxes of the training key frames
 *    (`CrossStreamDetector.pretrainingLoss`: jittered ground-truth boxes and background boxes,
 *    no RPN); with `headPretraining.refinementStages` and feature cooperation, every later
 *    stage's head and RoI-level message passing on the same boxes; otherwise every later stage's
 *    head starts from its stream's (`shareStageZeroHeads`).
 *    Its own seeded draws, so the second phase draws the batches it would draw without it;
 * 2. **end to end** on the training key frames (spec §2: the sum of every stage's and both RPNs'
 *    losses).
 * A non-finite loss stops training with an error naming the step. `onIteration` hears every
 * iteration of both phases. Returns the mean end-to-end loss of the last tenth.
 */
export function trainDetector(
  profile: PcscProfile,
  det: CrossStreamDetector,
  frames: TrainingFrames,
  seed: number,
  onIteration?: (i: number, loss: number, phase: TrainingPhase) => void,
): number {
  if (frames.items.length === 0) throw new Error('pcsc-bench: no annotated training frames');
  if (profile.headPretraining.iterations > 0) {
    const rng = createRng(seed * 7 + 5);
    optimise(profile, frames, seed, {
      parameters: det.pretrainingWeights.map((w) => w.variable),
      schedule: profile.headPretraining,
      rng,
      lossOf: (input, gt) => det.pretrainingLoss(input, gt, rng),
      onIteration: (i, loss) => onIteration?.(i, loss, 'head pretraining'),
      // a batch's RoIs pool from the pyramid levels their sizes pick, not always from every level
      unusedParameters: 'skip',
    });
    det.shareStageZeroHeads();
  }
  const rng = createRng(seed * 7 + 3);
  const losses = optimise(profile, frames, seed, {
    parameters: det.trainableVariables,
    schedule: profile,
    rng,
    lossOf: (input, gt) => det.run(input, gt, rng).loss!,
    onIteration: (i, loss) => onIteration?.(i, loss, 'end to end'),
  });
  const tail = losses.slice(-Math.max(1, Math.round(losses.length / 10)));
  return tail.reduce((a, b) => a + b, 0) / tail.length;
}
