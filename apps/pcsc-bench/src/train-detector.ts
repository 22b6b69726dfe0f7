import type { VideoAnnotation } from '@tubekit/datasets';
import {
  CrossStreamDetector,
  type CrossStreamInput,
  type FrameGroundTruth,
} from '@tubekit/heads/cross-stream';
import { createRng, Trainer } from '@tubekit/nn';
import { createProgress } from '@tubekit/report';
import { type BenchVideoSource, frameGroundTruth } from './bench-data';
import { type PcscProfile, stepProfileOf } from './profiles';
import { disposeInput, gatherInput, type StreamTrunks, videoInput } from './video-features';

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
  const parts = profile.stack.segments;
  return new CrossStreamDetector({
    numClasses,
    frameSize: step.frameSize,
    trunkLevels: { channels: [w4 * parts, w8 * parts], strides: [4, 8] },
    fpnChannels: profile.fpnChannels,
    roiSize: profile.roiSize,
    hidden: profile.hidden,
    stages: m.stages(profile),
    featureCooperation: m.featureCooperation,
    rpnTopN: profile.rpnTopN,
    sampling: profile.sampling,
    seed,
  });
}

/** A training video's key-frame maps: its index in the training list, name and key frames. */
export interface TrainingVideo {
  index: number;
  name: string;
  /** 1-based key frames, one row of `input` each. */
  keys: number[];
  input: CrossStreamInput;
}

/** Training key frames of the videos (mini-UCF-101-24 style): every n-th annotated frame. */
export interface TrainingFrames {
  items: { input: CrossStreamInput; row: number; gt: FrameGroundTruth }[];
  /** The videos with key frames, in the training list's order. */
  videos: TrainingVideo[];
}

/**
 * A training video's key frames (1-based): every `every`-th of its frames with at least one GT box,
 * the first of them included (mini-UCF-101-24 keeps every 10th annotated frame).
 */
export function trainingKeyFrames(video: VideoAnnotation, every: number): number[] {
  const annotated: number[] = [];
  for (let f = 1; f <= video.nframes; f++)
    if (frameGroundTruth(video, f).labels.length > 0) annotated.push(f);
  return annotated.filter((_, i) => i % every === 0);
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
 * time (only the maps are kept). On an error the maps computed so far are freed.
 */
export function trainingFrames(
  profile: PcscProfile,
  trunks: StreamTrunks,
  videos: readonly BenchVideoSource[],
  indices: readonly number[] = videos.map((_, i) => i),
): TrainingFrames {
  const done: TrainingVideo[] = [];
  const bar = createProgress({ label: '  training key-frame maps', total: indices.length });
  try {
    for (const index of indices) {
      bar.tick();
      const video = videos[index]!;
      const keys = trainingKeyFrames(video.annotation, profile.trainEvery);
      if (keys.length === 0) continue;
      const input = videoInput(trunks, video.load(), keys, profile.stack);
      done.push({ index, name: video.annotation.name, keys, input });
    }
  } catch (error) {
    // the maps of the videos done so far are freed; the error is the video's
    for (const v of done) disposeInput(v.input);
    throw error;
  } finally {
    bar.done();
  }
  return assembleTrainingFrames(done, videos);
}

/** Frees the training frames' tensors. */
export function disposeTrainingFrames(frames: TrainingFrames): void {
  for (const v of frames.videos) disposeInput(v.input);
}

/**
 * Trains a detector end to end on the training key frames (spec §2: the sum of every stage's and
 * both RPNs' losses), with @tubekit/nn's `Trainer`. Optimiser: Adam with the profile's step decay
 * (the paper's SGD schedule, 6 epochs at lr 0.01 on three GPUs, does not fit the CPU budget; *our
 * choice*). A non-finite loss stops training with an error naming the step. Returns the mean loss
 * of the last tenth.
 */
export function trainDetector(
  profile: PcscProfile,
  det: CrossStreamDetector,
  frames: TrainingFrames,
  seed: number,
  onIteration?: (i: number, loss: number) => void,
): number {
  if (frames.items.length === 0) throw new Error('pcsc-bench: no annotated training frames');
  const rng = createRng(seed * 7 + 3);
  const trainer = new Trainer({
    parameters: det.trainableVariables.map((variable) => ({ name: variable.name, variable })),
    optimizer: { kind: 'adam', learningRate: profile.learningRate },
    schedule: {
      kind: 'step',
      milestones: [Math.round(profile.iterations * profile.decay.at)],
      gamma: profile.decay.gamma,
    },
    seed,
  });
  const losses: number[] = [];
  try {
    for (let i = 0; i < profile.iterations; i++) {
      const batch = Array.from(
        { length: profile.batchFrames },
        () => frames.items[rng.int(frames.items.length)]!,
      );
      const input = gatherInput(batch);
      try {
        const { loss } = trainer.step(
          () =>
            det.run(
              input,
              batch.map((b) => b.gt),
              rng,
            ).loss!,
        );
        losses.push(loss);
        onIteration?.(i, loss);
      } finally {
        disposeInput(input);
      }
    }
  } finally {
    trainer.dispose();
  }
  const tail = losses.slice(-Math.max(1, Math.round(losses.length / 10)));
  return tail.reduce((a, b) => a + b, 0) / tail.length;
}
