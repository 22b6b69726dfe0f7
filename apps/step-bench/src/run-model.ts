import type { Trunk } from '@tubekit/backbones';
import type { VideoAnnotation } from '@tubekit/datasets';
import { boxIoUAt } from '@tubekit/geometry';
import {
  type ClipTubelet,
  clipWindow,
  type DetectVideoOptions,
  detectVideo,
  detectVideoByStep,
  type FrameReader,
  ProgressiveDetector,
  type StepResult,
  trainProgressive,
} from '@tubekit/heads/progressive';
import { type Rng, readCheckpoint } from '@tubekit/nn';
import { createProgress } from '@tubekit/report';
import type { StepModelConfig } from './configurations';
import type { StreamFeatures } from './feature-banks';
import { FrameCache } from './frame-cache';
import type { StepProfile } from './profiles';
import { flipBoxes, flipFrames, type WindowActors } from './trunks';

/** What training and testing one model produced (all serialisable). */
export interface ModelRun {
  id: string;
  config: StepModelConfig;
  seed: number;
  train: { iterations: number; resumedFrom: number; finalLoss: number; wallMs: number };
  /** Per evaluated step s: the tubelets of every test video ([video, tubelets][]). */
  stepTubelets: Array<{ step: number; videos: Array<[string, ClipTubelet[]]> }>;
  /** The last step's tubelets of every calibration video (with `calibration` only). */
  calibrationTubelets?: Array<[string, ClipTubelet[]]>;
  /** Inference frames per second when running steps 1…s (index s−1), on cached frames. */
  fpsByStep: number[];
  /**
   * STEP Fig. 4: per step s (index s−1), the mean per-frame IoU over the target clip of every
   * proposal at the step's input with its best-overlapping GT tube, on the test clips that hold
   * an actor (only with `allSteps`).
   */
  inputIoUByStep?: number[][];
  testWallMs: number;
}

/** Options of {@link runModel}. */
export interface RunModelOptions {
  profile: StepProfile;
  config: StepModelConfig;
  numClasses: number;
  train: readonly VideoAnnotation[];
  test: readonly VideoAnnotation[];
  /**
   * Training videos the trained model also runs on (last step, as on the test videos), for what is
   * fit on its detections, e.g. the trimmer's calibration (`fitTrimmingCalibration`).
   */
  calibration?: readonly VideoAnnotation[];
  /** Frame readers per modality (SynthTubes: {@link FrameCache}; your data: any reader). */
  frames: Pick<FrameCache, 'reader'>;
  /** Evaluate every step (Table 1(a)) or only the last. */
  allSteps: boolean;
  /** Time every step prefix (Figure 6(a)) or only the full model. */
  timeAllSteps: boolean;
  checkpointPath: string;
  /** The stream's pretrained trunk (its neck is fine-tuned; the caller disposes it). */
  trunk: Trunk;
  /**
   * Every actor of a window (SynthTubes: from the scene script), for idle-actor negatives; without
   * it only GT tubes are known.
   */
  actors?: WindowActors;
  /**
   * The stream's stored backbone features (`streamFeatures`): training and test passes read them
   * and run only the neck and heads (a frozen backbone); without them every pass runs the whole
   * trunk on the frames. Inference fps is always timed on frames, backbone included.
   */
  features?: StreamFeatures;
  /**
   * The stream's pretrained classifier (`storedClassifier`): every step's global branch starts
   * from it; without it the heads start from their seeded initialisation.
   */
  classifier?: string;
}

/** The detector of a configuration at the profile's sizes, on a stream's trunk (seeded). */
export function createStepDetector(
  profile: StepProfile,
  config: StepModelConfig,
  numClasses: number,
  trunk: Trunk,
): ProgressiveDetector {
  return new ProgressiveDetector({
    numClasses,
    trunk,
    frameWidth: profile.frameSize,
    frameHeight: profile.frameSize,
    clipLength: profile.clipLength,
    steps: config.steps,
    extension: config.extension,
    directContextClips: config.directContextClips,
    grid: config.grid,
    roiSize: profile.roiSize,
    hidden: profile.hidden,
    sceneContext: config.sceneContext,
    seed: profile.seed,
  });
}

/** The test videos Figure 6 times: the first ⌈timingClips / 8⌉ (at least one). */
export function timingVideos(
  profile: StepProfile,
  test: readonly VideoAnnotation[],
): readonly VideoAnnotation[] {
  return test.slice(0, Math.max(1, Math.ceil(profile.timingClips / 8)));
}

/**
 * Figure 6's runtime: frames per second of a detector running steps 1…`upToStep` on `videos`
 * (frames read from memory, backbone included, non-overlapping clips), after one warm-up pass.
 */
export function detectionFps(
  detector: ProgressiveDetector,
  videos: readonly VideoAnnotation[],
  read: FrameReader,
  upToStep: number,
): number {
  const K = detector.options.clipLength;
  detectVideo(detector, videos[0]!, read, { upToStep }); // warm-up
  let framesDone = 0;
  const t = performance.now();
  for (const video of videos) {
    detectVideo(detector, video, read, { upToStep, stride: K });
    framesDone += video.nframes;
  }
  return framesDone / ((performance.now() - t) / 1000);
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
  const detector = createStepDetector(profile, config, options.numClasses, options.trunk);
  if (options.classifier)
    detector.loadClassifier(await readCheckpoint(options.classifier), options.classifier);
  const read = frames.reader(config.modality);
  const features = options.features;
  const input = features ? 'backbone' : 'frames';
  // Training clips: a random video, and (with probability ½) a target clip inside an action, so
  // positives are frequent; otherwise anywhere (idle and background clips). Half are flipped.
  const train = options.train;
  const Tw = detector.windowLength;
  const sampleClip = (rng: Rng) => {
    const flip = rng.next() < 0.5;
    const video = train[rng.int(train.length)];
    let start: number;
    const tube = video.tubes[rng.int(video.tubes.length)];
    if (tube && rng.next() < 0.5) {
      const T = tube.boxes.length / 4;
      start = tube.start + rng.int(Math.max(1, T - K + 1));
    } else start = 1 + rng.int(Math.max(1, video.nframes - K + 1));
    start = Math.min(Math.max(start, 1), Math.max(1, video.nframes - K + 1));
    const window = clipWindow(
      video,
      features ? (flip ? features.readFlipped : features.read) : read,
      {
        start,
        clipLength: K,
        windowLength: Tw,
        frameWidth: S,
        frameHeight: S,
        channels,
        valuesPerFrame: features?.valuesPerFrame,
      },
    );
    if (options.actors) {
      const actors = options.actors(video, start - (Tw - K) / 2, Tw);
      const boxes = new Float64Array(actors.length * Tw * 4);
      const present = new Uint8Array(actors.length * Tw);
      actors.forEach((a, i) => {
        boxes.set(a.boxes, i * Tw * 4);
        for (let t = 0; t < Tw; t++) present[i * Tw + t] = a.acting[t] ? 0 : 1;
      });
      window.gt.idle = { boxes, present };
    }
    if (flip) {
      if (!features) flipFrames(window.frames, S, config.modality);
      flipBoxes(window.gt.boxes, S);
      if (window.gt.idle) flipBoxes(window.gt.idle.boxes, S);
    }
    return window;
  };
  const trained = await trainProgressive(detector, {
    iterations: profile.iterations,
    batchClips: profile.batchClips,
    microBatchFrames: profile.microBatchFrames,
    learningRate: profile.learningRate,
    seed: profile.seed,
    iouThresholds: config.iouThresholds,
    positivesPerClip: profile.positivesPerClip,
    hardAware: config.hardAware,
    gamma: config.anticipationWeight,
    sampleClip,
    input,
    progress: `  train ${config.id}`,
    checkpoint: {
      path: options.checkpointPath,
      every: Math.max(10, Math.round(profile.iterations / 10)),
    },
  });
  const t0 = Date.now();
  // One pass of every step per test video; a model evaluated at every step (Table 1(a)) keeps
  // each step's tubelets, the others only the last step's.
  const steps = options.allSteps
    ? Array.from({ length: config.steps }, (_, i) => i + 1)
    : [config.steps];
  const stepVideos = steps.map(() => [] as Array<[string, ClipTubelet[]]>);
  const testBar = createProgress({ label: `  test  ${config.id}`, total: options.test.length });
  // Fig. 4 comes from the full-depth pass of a model evaluated at every step.
  const inputIoUByStep = options.allSteps
    ? Array.from({ length: config.steps }, () => [] as number[])
    : undefined;
  const reader = features?.read ?? read;
  for (const video of options.test) {
    const test: DetectVideoOptions = {
      input,
      upToStep: config.steps,
      stride: profile.testStride,
      onSteps: inputIoUByStep
        ? (starts, results) => collectInputIoU(detector, video, starts, results, inputIoUByStep)
        : undefined,
    };
    const byStep = options.allSteps
      ? detectVideoByStep(detector, video, reader, test)
      : [detectVideo(detector, video, reader, test)];
    byStep.forEach((tubelets, i) => {
      stepVideos[i].push([video.name, tubelets]);
    });
    testBar.tick();
  }
  const stepTubelets: ModelRun['stepTubelets'] = steps.map((step, i) => ({
    step,
    videos: stepVideos[i],
  }));
  testBar.done();
  let calibrationTubelets: ModelRun['calibrationTubelets'];
  if (options.calibration) {
    const bar = createProgress({
      label: `  calibrate ${config.id}`,
      total: options.calibration.length,
    });
    calibrationTubelets = options.calibration.map((video) => {
      const tubelets = detectVideo(detector, video, reader, {
        input,
        upToStep: config.steps,
        stride: profile.testStride,
      });
      bar.tick();
      return [video.name, tubelets];
    });
    bar.done();
  }
  // Runtime (Figure 6): frames per second of the detector on cached frames, non-overlapping clips.
  const timed = timingVideos(profile, options.test);
  const fpsByStep = Array.from({ length: config.steps }, (_, i) =>
    options.timeAllSteps || i + 1 === config.steps
      ? detectionFps(detector, timed, read, i + 1)
      : Number.NaN,
  );
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
    calibrationTubelets,
    fpsByStep,
    inputIoUByStep,
    testWallMs: Date.now() - t0,
  };
}

/**
 * STEP Fig. 4 data: for every target clip holding a GT tube on all its frames, the mean per-frame
 * IoU of each proposal at each step's input (the initial cuboids at step 1, the previous step's
 * refined tubelets after) with the GT tube it overlaps most, over the K target frames.
 */
function collectInputIoU(
  detector: ProgressiveDetector,
  video: VideoAnnotation,
  starts: number[],
  results: StepResult[],
  out: number[][],
): void {
  const o = detector.options;
  const K = o.clipLength;
  const M = detector.numProposals;
  starts.forEach((start, b) => {
    const tubes = video.tubes.filter(
      (t) => t.start <= start && t.start + t.boxes.length / 4 >= start + K,
    );
    if (!tubes.length) return;
    // GT boxes of the target clip at the detector's frame size: tube g, frame k at row g·K + k.
    const gt = new Float64Array(tubes.length * K * 4);
    tubes.forEach((tube, g) => {
      for (let k = 0; k < K; k++)
        for (let j = 0; j < 4; j++)
          gt[(g * K + k) * 4 + j] =
            (tube.boxes[(start + k - tube.start) * 4 + j] *
              (j % 2 ? o.frameHeight : o.frameWidth)) /
            (j % 2 ? video.height : video.width);
    });
    results.forEach((_, s) => {
      // The input of step s + 1: the initial cuboids, or step s's refined tubelets.
      const T = s === 0 ? detector.lengthAt(1) : results[s - 1].length;
      const target0 = (T - K) / 2;
      for (let m = 0; m < M; m++) {
        const row = s === 0 ? m * T : (b * M + m) * T;
        const input = s === 0 ? detector.initialProposals : results[s - 1].boxes;
        let best = 0;
        for (let g = 0; g < tubes.length; g++) {
          let sum = 0;
          for (let k = 0; k < K; k++) sum += boxIoUAt(input, row + target0 + k, gt, g * K + k);
          best = Math.max(best, sum / K);
        }
        out[s].push(best);
      }
    });
  });
}
