import type { VideoAnnotation } from '@tubekit/datasets';
import {
  type ClipTubelet,
  clipWindow,
  detectVideo,
  ProgressiveDetector,
  trainProgressive,
} from '@tubekit/heads/progressive';
import { createProgress } from '@tubekit/report';
import type { StepModelConfig } from './configurations';
import { FrameCache } from './frame-cache';
import type { StepProfile } from './profiles';

/** What training and testing one model produced (all serialisable). */
export interface ModelRun {
  id: string;
  config: StepModelConfig;
  seed: number;
  train: { iterations: number; resumedFrom: number; finalLoss: number; wallMs: number };
  /** Per evaluated step s: the tubelets of every test video ([video, tubelets][]). */
  stepTubelets: Array<{ step: number; videos: Array<[string, ClipTubelet[]]> }>;
  /** Inference frames per second when running steps 1…s (index s−1), on cached frames. */
  fpsByStep: number[];
  testWallMs: number;
}

/** Options of {@link runModel}. */
export interface RunModelOptions {
  profile: StepProfile;
  config: StepModelConfig;
  numClasses: number;
  train: readonly VideoAnnotation[];
  test: readonly VideoAnnotation[];
  /** Frame readers per modality (SynthTubes: {@link FrameCache}; your data: any reader). */
  frames: Pick<FrameCache, 'reader'>;
  /** Evaluate every step (Table 1(a)) or only the last. */
  allSteps: boolean;
  /** Time every step prefix (Figure 6(a)) or only the full model. */
  timeAllSteps: boolean;
  checkpointPath: string;
}

/**
 * Trains one STEP configuration on the SynthTubes training videos (seeded, resumable) and runs it
 * on the test videos, returning tubelets per step and the measured inference fps.
 */
export async function runModel(options: RunModelOptions): Promise<ModelRun> {
  const { profile, config, frames } = options;
  const S = profile.frameSize;
  const K = profile.clipLength;
  const channels = FrameCache.channels(config.modality);
  const detector = new ProgressiveDetector({
    numClasses: options.numClasses,
    channels,
    frameWidth: S,
    frameHeight: S,
    clipLength: K,
    steps: config.steps,
    extension: config.extension,
    directContextClips: config.directContextClips,
    grid: config.grid,
    roiSize: profile.roiSize,
    hidden: profile.hidden,
    deltaStd: profile.deltaStd,
    sceneContext: config.sceneContext,
    seed: profile.seed,
  });
  const read = frames.reader(config.modality);
  // Training clips: a random video, and (with probability ¾) a target clip inside an action, so
  // positives are frequent; otherwise anywhere (idle and background clips).
  const train = options.train;
  const sampleClip = (rand: () => number) => {
    const video = train[Math.floor(rand() * train.length)];
    let start: number;
    const tube = video.tubes[Math.floor(rand() * video.tubes.length)];
    if (tube && rand() < 0.75) {
      const T = tube.boxes.length / 4;
      start = tube.start + Math.floor(rand() * Math.max(1, T - K + 1));
    } else start = 1 + Math.floor(rand() * Math.max(1, video.nframes - K + 1));
    start = Math.min(Math.max(start, 1), Math.max(1, video.nframes - K + 1));
    return clipWindow(video, read, {
      start,
      clipLength: K,
      windowLength: detector.windowLength,
      frameWidth: S,
      frameHeight: S,
      channels,
    });
  };
  const bar = createProgress({ label: `  train ${config.id}`, total: profile.iterations });
  const trained = await trainProgressive(detector, {
    iterations: profile.iterations,
    batchClips: profile.batchClips,
    learningRate: profile.learningRate,
    seed: profile.seed,
    iouThresholds: config.iouThresholds,
    positivesPerClip: profile.positivesPerClip,
    hardAware: config.hardAware,
    sampleClip,
    onIteration: (_, loss) => bar.tick(1, `loss ${loss.toFixed(3)}`),
    checkpoint: {
      path: options.checkpointPath,
      every: Math.max(10, Math.round(profile.iterations / 10)),
    },
  });
  bar.done(`loss ${trained.finalLoss.toFixed(3)}`);
  const t0 = Date.now();
  const steps = options.allSteps
    ? Array.from({ length: config.steps }, (_, i) => i + 1)
    : [config.steps];
  const stepTubelets: ModelRun['stepTubelets'] = [];
  const testBar = createProgress({
    label: `  test  ${config.id}`,
    total: steps.length * options.test.length,
  });
  for (const step of steps) {
    const videos: Array<[string, ClipTubelet[]]> = [];
    for (const video of options.test) {
      videos.push([
        video.name,
        detectVideo(detector, video, read, { upToStep: step, stride: profile.testStride }),
      ]);
      testBar.tick();
    }
    stepTubelets.push({ step, videos });
  }
  testBar.done();
  // Runtime (Figure 6): frames per second of the detector on cached frames, non-overlapping clips.
  const fpsByStep: number[] = [];
  const timed = options.test.slice(0, Math.max(1, Math.ceil(profile.timingClips / 8)));
  const timeSteps = options.timeAllSteps
    ? steps.length === config.steps
      ? steps
      : Array.from({ length: config.steps }, (_, i) => i + 1)
    : [config.steps];
  for (let s = 1; s <= config.steps; s++) {
    if (!timeSteps.includes(s)) {
      fpsByStep.push(Number.NaN);
      continue;
    }
    detectVideo(detector, timed[0], read, { upToStep: s }); // warm-up
    let framesDone = 0;
    const t = performance.now();
    for (const video of timed) {
      detectVideo(detector, video, read, { upToStep: s, stride: K });
      framesDone += video.nframes;
    }
    fpsByStep.push(framesDone / ((performance.now() - t) / 1000));
  }
  detector.dispose();
  return {
    id: config.id,
    config,
    seed: profile.seed,
    train: {
      iterations: trained.iterations,
      resumedFrom: trained.resumedFrom,
      finalLoss: trained.finalLoss,
      wallMs: trained.wallMs,
    },
    stepTubelets,
    fpsByStep,
    testWallMs: Date.now() - t0,
  };
}
