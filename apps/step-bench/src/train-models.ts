import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { basename, join } from 'node:path';
import { PRETRAIN_OBJECTIVE_VERSION, type Trunk } from '@tubekit/backbones';
import { createSynthTubes, type SynthTubes, type VideoAnnotation } from '@tubekit/datasets';
import type { ClipTubelet } from '@tubekit/heads/progressive';
import {
  createProgress,
  type MultiProgress,
  setProgressSink,
  writeFileAtomic,
} from '@tubekit/report';
import {
  hybridFusionModelIds,
  type StepModality,
  type StepModelConfig,
  stepModels,
} from './configurations';
import { convolutionsCacheKey, convolutionsInUse } from './convolutions';
import { firstLine, readCacheJson, setAsideDamaged } from './damaged-cache';
import { calibrationVideos, frameAPsOf } from './evaluate';
import { type StreamFeatures, type StreamFeaturesOptions, streamFeatures } from './feature-banks';
import { FrameCache } from './frame-cache';
import { storedClassifier } from './pretrained-classifier';
import { type StepProfile, seedProfile, synthConfigOf, trunkWarmStart } from './profiles';
import { runModel } from './run-model';
import { pretrainedTrunk, synthActors } from './trunks';

/** A model's evaluated numbers, cached on disk so an interrupted run resumes. */
export interface ModelSummary {
  id: string;
  config: StepModelConfig;
  /** The profile it was trained and tested with (a cached result is reused only for the same one). */
  profile: StepProfile;
  frameMapByStep: number[];
  /**
   * Frame-AP@0.5 (%) of each class at the last step, keyed by label (`frameAPsOf`). Absent
   * in summaries cached before it was measured.
   */
  frameClassAps?: Record<string, number>;
  fpsByStep: number[];
  /** STEP Fig. 4: proposal–GT IoU at each step's input (models evaluated at every step). */
  inputIoUByStep?: number[][];
  train: { iterations: number; resumedFrom: number; finalLoss: number; wallMs: number };
  testWallMs: number;
  /** `onnxruntime` when trained with onnxruntime convolutions (absent: wasm). */
  convolutions?: 'onnxruntime';
  /** Last-step tubelets ([video, [start, label, score, ...boxes][]]), for the fusion models only. */
  tubelets?: Array<[string, number[][]]>;
  /**
   * The same, on the calibration videos (`calibrationVideos`), for the fusion models only:
   * Table 2's trimmer is calibrated on them.
   */
  calibrationTubelets?: Array<[string, number[][]]>;
}

/** The SynthTubes data of a profile, rendered at the detector's frame size. */
export interface SynthBench {
  profile: StepProfile;
  synth: SynthTubes;
  train: VideoAnnotation[];
  test: VideoAnnotation[];
  frames: FrameCache;
  /** `<outDir>/cache/<profile>`: rendered frames; model summaries and checkpoints per seed below. */
  cacheDir: string;
}

/** One model to train: a configuration and a seed. */
export interface ModelJob {
  id: string;
  seed: number;
}

/** `<cacheDir>/seed-<seed>`: the summaries and checkpoints of one seed's models. */
export function seedCacheDir(cacheDir: string, seed: number): string {
  return join(cacheDir, `seed-${seed}`);
}

/**
 * Builds the profile's SynthTubes dataset and its train and test videos' frames. The frames are
 * rendered once and kept in `<cacheDir>/frames-<hash>.bin` (hash of the dataset configuration,
 * frame size and videos): the parent renders them before it starts workers, and every worker
 * and every later run loads the file instead of rendering again. A damaged file is set aside and
 * rendered anew. `renderWorkers` > 1 renders in that many worker threads (same file).
 */
export async function prepareSynthBench(
  profile: StepProfile,
  outDir: string,
  log: (line: string) => void = () => undefined,
  renderWorkers = 1,
): Promise<SynthBench> {
  const config = synthConfigOf(profile);
  const synth = createSynthTubes(config);
  const byName = new Map(synth.dataset.videos.map((v) => [v.name, v]));
  const pick = (split: string, max?: number): VideoAnnotation[] => {
    const names = synth.dataset.splits[split] ?? [];
    return names.slice(0, max ?? names.length).map((n) => {
      const v = byName.get(n);
      if (!v) throw new Error(`SynthTubes split ${split} names unknown video ${n}`);
      return v;
    });
  };
  const train = pick('train', profile.maxTrainVideos);
  const test = pick('test', profile.maxTestVideos);
  const cacheDir = join(outDir, 'cache', profile.name);
  const hash = createHash('sha256')
    .update(JSON.stringify([config, profile.frameSize, [...train, ...test].map((v) => v.name)]))
    .digest('hex')
    .slice(0, 12);
  const framesPath = join(cacheDir, `frames-${hash}.bin`);
  let frames: FrameCache | undefined;
  if (existsSync(framesPath)) {
    try {
      frames = FrameCache.load(synth, profile.frameSize, framesPath);
    } catch (error) {
      const aside = setAsideDamaged(framesPath);
      log(
        `step-bench: damaged cache file ${framesPath} (${firstLine(error)}); set aside as ${aside}, rendering again`,
      );
    }
  }
  if (!frames) {
    frames = new FrameCache(synth, profile.frameSize);
    const loadBar = createProgress({
      label: 'render SynthTubes',
      total: train.length + test.length,
    });
    await frames.preload([...train, ...test], () => loadBar.tick(), { workers: renderWorkers });
    loadBar.done(`${train.length} train + ${test.length} test videos at ${profile.frameSize}px`);
    await frames.save(framesPath);
  }
  return { profile, synth, train, test, frames, cacheDir };
}

/**
 * The cached summary of a model and seed, if one exists for exactly this profile and
 * configuration, trained with the convolutions this process runs. A damaged summary file is reported, set aside and treated as absent.
 */
export function cachedSummary(
  cacheDir: string,
  profile: StepProfile,
  config: StepModelConfig,
  seed: number,
  log: (line: string) => void,
): ModelSummary | undefined {
  const path = join(seedCacheDir(cacheDir, seed), `${config.id}.json`);
  const cached = readCacheJson<ModelSummary>(path, log);
  // a fusion model's summary from before the trimmer's calibration lacks its calibration
  // tubelets: its model resumes from its finished checkpoint and is tested again
  return cached &&
    (cached.calibrationTubelets !== undefined || !isFusionInput(profile, config.id)) &&
    JSON.stringify(cached.config) === JSON.stringify(config) &&
    JSON.stringify(cached.profile) === JSON.stringify(seedProfile(profile, seed)) &&
    (cached.convolutions ?? 'wasm') === convolutionsInUse()
    ? cached
    : undefined;
}

/** Whether a model's tubelets feed the fusions (Table 1(b) late and hybrid fusion, Table 2). */
export function isFusionInput(profile: Pick<StepProfile, 'baseStream'>, id: string): boolean {
  return hybridFusionModelIds(profile.baseStream).includes(id);
}

function encodeTubelets(videos: Array<[string, ClipTubelet[]]>): Array<[string, number[][]]> {
  return videos.map(([v, list]) => [v, list.map((t) => [t.start, t.label, t.score, ...t.boxes])]);
}

/**
 * `<cacheDir>/seed-<pretrain seed>/trunk-<modality>.<hash>.safetensors`: the pretrained trunk of a
 * stream, shared by every model seed of the profile (`pretrain.seed`, `trunkProfile`), named by a
 * hash of everything its pretraining depends on (where the convolutions run included:
 * `convolutionsCacheKey`).
 */
export function trunkPath(bench: SynthBench, modality: StepModality): string {
  const profile = bench.profile;
  const { seed, earlyFromFlow: _, ...pretrain } = profile.pretrain;
  // a trunk started from another stream's is named after that trunk too; the others' names stay
  // what they were before `earlyFromFlow`
  const start = trunkWarmStart(profile, modality);
  const warmStart = start
    ? [{ from: basename(trunkPath(bench, start.from)), iterations: start.iterations }]
    : [];
  const trunkKey = createHash('sha256')
    .update(
      JSON.stringify([
        PRETRAIN_OBJECTIVE_VERSION,
        profile.synth,
        profile.trunk,
        pretrain,
        profile.frameSize,
        profile.clipLength,
        seed,
        bench.train.length,
        ...convolutionsCacheKey(),
        ...warmStart,
      ]),
    )
    .digest('hex')
    .slice(0, 12);
  return join(seedCacheDir(bench.cacheDir, seed), `trunk-${modality}.${trunkKey}.safetensors`);
}

/**
 * The stream's pretrained trunk, shared by every configuration and seed (pretrained once, cached).
 * With `pretrain.earlyFromFlow`, the RGB ⊕ flow trunk starts from the flow trunk (pretrained first
 * if it is not there yet).
 */
export function loadTrunk(bench: SynthBench, modality: StepModality): Promise<Trunk> {
  const start = trunkWarmStart(bench.profile, modality);
  return pretrainedTrunk({
    profile: bench.profile,
    modality,
    numClasses: bench.synth.dataset.labels.length,
    train: bench.train,
    read: bench.frames.reader(modality),
    actors: synthActors(bench.synth, bench.profile.frameSize),
    path: trunkPath(bench, modality),
    ...(start && {
      warmStart: {
        trunk: async () => {
          (await loadTrunk(bench, start.from)).dispose();
          return trunkPath(bench, start.from);
        },
        inputChannels: FrameCache.streamChannels(modality, start.from),
        iterations: start.iterations,
      },
    }),
    log: (line) => process.stderr.write(`${line}\n`),
  });
}

/**
 * What {@link streamFeatures} needs for a stream of the bench: its
 * trunk, and the training (as is and flipped) and test videos, stored beside the trunk's file.
 */
export function benchFeaturesOptions(
  bench: SynthBench,
  modality: StepModality,
  trunk: Trunk,
): StreamFeaturesOptions {
  return {
    key: trunkPath(bench, modality),
    trunk,
    modality,
    frameSize: bench.profile.frameSize,
    train: bench.train,
    test: bench.test,
    read: bench.frames.reader(modality),
    log: (line) => process.stderr.write(`${line}\n`),
  };
}

/**
 * The stream's pretrained classifier for the bench (`storedClassifier`: trained on the trunk once,
 * kept beside it), or `undefined` when the profile pretrains none.
 */
export function benchClassifier(
  bench: SynthBench,
  modality: StepModality,
  trunk: Trunk,
  features: StreamFeatures | undefined,
): Promise<string | undefined> {
  return storedClassifier({
    profile: bench.profile,
    modality,
    numClasses: bench.synth.dataset.labels.length,
    trunk,
    trunkPath: trunkPath(bench, modality),
    train: bench.train,
    read: bench.frames.reader(modality),
    features,
    actors: synthActors(bench.synth, bench.profile.frameSize),
    log: (line) => process.stderr.write(`${line}\n`),
  });
}

/**
 * The resumable training checkpoint of a model and seed: its name carries a hash of profile +
 * config (+ `convolutionsCacheKey`), so a changed setting never resumes from weights trained under another.
 */
export function modelCheckpointPath(
  bench: SynthBench,
  config: StepModelConfig,
  seed: number,
): string {
  const profile = seedProfile(bench.profile, seed);
  return join(
    seedCacheDir(bench.cacheDir, seed),
    `${config.id}.${createHash('sha256')
      .update(JSON.stringify([profile, config, ...convolutionsCacheKey()]))
      .digest('hex')
      .slice(0, 12)}.safetensors`,
  );
}

/**
 * Trains one configuration (resuming from its checkpoint), tests it, and writes its summary to
 * the cache. The models whose tubelets feed the fusions of Table 1(b) keep their last-step tubelets.
 */
export async function trainAndSummarize(
  bench: SynthBench,
  config: StepModelConfig,
  seed: number,
  log: (line: string) => void,
): Promise<ModelSummary> {
  const { synth, test } = bench;
  const profile = seedProfile(bench.profile, seed);
  const cacheDir = seedCacheDir(bench.cacheDir, seed);
  const numClasses = synth.dataset.labels.length;
  const actors = synthActors(synth, profile.frameSize);
  const trunk = await loadTrunk(bench, config.modality);
  const features = profile.frozenBackbone
    ? streamFeatures(benchFeaturesOptions(bench, config.modality, trunk))
    : undefined;
  const classifier = await benchClassifier(bench, config.modality, trunk, features);
  const checkpointPath = modelCheckpointPath(bench, config, seed);
  const fusionInput = isFusionInput(profile, config.id);
  const train = () =>
    runModel({
      trunk,
      actors,
      features,
      classifier,
      profile,
      config,
      numClasses,
      train: bench.train,
      test,
      calibration: fusionInput ? calibrationVideos(bench) : undefined,
      frames: bench.frames,
      allSteps: config.id.startsWith('smax'),
      timeAllSteps: config.id === 'smax3' || config.id === 'anticipation',
      checkpointPath,
    });
  let run: Awaited<ReturnType<typeof runModel>>;
  try {
    run = await train();
  } catch (error) {
    // A checkpoint that cannot be resumed from (cut off, from another format) is set aside and
    // the model trained from scratch; any other failure is the model's own.
    if (!existsSync(checkpointPath)) throw error;
    const aside = setAsideDamaged(checkpointPath);
    log(
      `step-bench: cannot resume from ${checkpointPath} (${firstLine(error)}); set aside as ${aside}, training ${config.id} from scratch`,
    );
    run = await train();
  }
  trunk.dispose();
  const byStep = run.stepTubelets.map((s) =>
    frameAPsOf(synth.dataset, test, new Map(s.videos), profile.clipLength),
  );
  const summary: ModelSummary = {
    id: config.id,
    config,
    profile,
    frameMapByStep: byStep.map((r) => r.mAP),
    frameClassAps: byStep[byStep.length - 1].byClass,
    fpsByStep: run.fpsByStep,
    inputIoUByStep: run.inputIoUByStep,
    train: run.train,
    testWallMs: run.testWallMs,
    ...(convolutionsInUse() === 'onnxruntime' && { convolutions: 'onnxruntime' as const }),
  };
  if (fusionInput) {
    summary.tubelets = encodeTubelets(run.stepTubelets[run.stepTubelets.length - 1].videos);
    summary.calibrationTubelets = encodeTubelets(run.calibrationTubelets ?? []);
  }
  await writeFileAtomic(join(cacheDir, `${config.id}.json`), JSON.stringify(summary));
  return summary;
}

/** `smax3: frame-mAP by step 1.0 → 2.0` (seed 2: `smax3 seed 2: …`). */
export function summaryLine(s: ModelSummary, seed: number, seeds: number): string {
  return `${s.id}${seeds > 1 ? ` seed ${seed}` : ''}: frame-mAP by step ${s.frameMapByStep.map((x) => x.toFixed(1)).join(' → ')}`;
}

/** Options of {@link trainJobs}. */
export interface TrainJobsOptions {
  /** The rendered data. */
  bench: SynthBench;
  jobs: ModelJob[];
  ui: MultiProgress;
}

/**
 * Trains every job (model × seed) in this process, one after another, each writing its summary to
 * the cache; its bars go to the display `ui` as the `main` worker. (`--workers n` runs the same
 * jobs in child processes: `trainStepJobs`.)
 */
export async function trainJobs(options: TrainJobsOptions): Promise<void> {
  const { bench, jobs, ui } = options;
  const models = profileModels(bench.profile);
  const seeds = bench.profile.seeds.length;
  const configOf = (id: string) => {
    const config = models.find((m) => m.id === id);
    if (!config) throw new Error(`step-bench: unknown model ${id}`);
    return config;
  };
  setProgressSink((e) => ui.update('main', e));
  try {
    for (const job of jobs) {
      const s = await trainAndSummarize(bench, configOf(job.id), job.seed, (l) => ui.log(l));
      ui.log(summaryLine(s, job.seed, seeds));
      ui.jobDone('main', `${job.id}${seeds > 1 ? ` seed ${job.seed}` : ''}`);
    }
  } finally {
    setProgressSink(undefined);
  }
}

/** All of a profile's models, in the order the report lists them. */
export function profileModels(profile: StepProfile): StepModelConfig[] {
  return stepModels(profile.baseStream);
}
