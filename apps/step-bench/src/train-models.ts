import { fork } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { createSynthTubes, type SynthTubes, type VideoAnnotation } from '@tubekit/datasets';
import type { ClipTubelet } from '@tubekit/heads/progressive';
import { createProgress, writeFileAtomic } from '@tubekit/report';
import { type StepModelConfig, stepModels, streamModelId } from './configurations';
import { frameMapOf } from './evaluate';
import { FrameCache } from './frame-cache';
import { type StepProfile, synthConfigOf } from './profiles';
import { runModel } from './run-model';
import { pretrainedTrunk, synthActors } from './trunks';

/** A model's evaluated numbers, cached on disk so an interrupted run resumes. */
export interface ModelSummary {
  id: string;
  config: StepModelConfig;
  /** The profile it was trained and tested with (a cached result is reused only for the same one). */
  profile: StepProfile;
  frameMapByStep: number[];
  fpsByStep: number[];
  /** STEP Fig. 4: proposal–GT IoU at each step's input (models evaluated at every step). */
  inputIoUByStep?: number[][];
  train: { iterations: number; resumedFrom: number; finalLoss: number; wallMs: number };
  testWallMs: number;
  /** Last-step tubelets ([video, [start, label, score, ...boxes][]]), for the fusion models only. */
  tubelets?: Array<[string, number[][]]>;
}

/** The SynthTubes data of a profile, rendered at the detector's frame size. */
export interface SynthBench {
  profile: StepProfile;
  synth: SynthTubes;
  train: VideoAnnotation[];
  test: VideoAnnotation[];
  frames: FrameCache;
  /** `<outDir>/cache/<profile>`: model summaries and checkpoints. */
  cacheDir: string;
}

/** Builds the profile's SynthTubes dataset and renders its train and test videos. */
export async function prepareSynthBench(profile: StepProfile, outDir: string): Promise<SynthBench> {
  const synth = createSynthTubes(synthConfigOf(profile));
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
  const frames = new FrameCache(synth, profile.frameSize);
  const loadBar = createProgress({ label: 'render SynthTubes', total: train.length + test.length });
  await frames.preload([...train, ...test], () => loadBar.tick());
  loadBar.done(`${train.length} train + ${test.length} test videos at ${profile.frameSize}px`);
  return { profile, synth, train, test, frames, cacheDir: join(outDir, 'cache', profile.name) };
}

/** The cached summary of a model, if one exists for exactly this profile and configuration. */
export function cachedSummary(
  cacheDir: string,
  profile: StepProfile,
  config: StepModelConfig,
): ModelSummary | undefined {
  const path = join(cacheDir, `${config.id}.json`);
  if (!existsSync(path)) return undefined;
  const cached = JSON.parse(readFileSync(path, 'utf8')) as ModelSummary;
  return JSON.stringify(cached.config) === JSON.stringify(config) &&
    JSON.stringify(cached.profile) === JSON.stringify(profile)
    ? cached
    : undefined;
}

function encodeTubelets(videos: Array<[string, ClipTubelet[]]>): Array<[string, number[][]]> {
  return videos.map(([v, list]) => [v, list.map((t) => [t.start, t.label, t.score, ...t.boxes])]);
}

/**
 * Trains one configuration (resuming from its checkpoint), tests it, and writes its summary to
 * the cache. The models whose tubelets feed the fusions of Table 1(b) keep their last-step tubelets.
 */
export async function trainAndSummarize(
  bench: SynthBench,
  config: StepModelConfig,
): Promise<ModelSummary> {
  const { profile, synth, test, cacheDir } = bench;
  const base = profile.baseStream;
  const numClasses = synth.dataset.labels.length;
  const actors = synthActors(synth, profile.frameSize);
  // The stream's pretrained trunk, shared by every configuration (pretrained once, cached).
  const trunkKey = createHash('sha256')
    .update(
      JSON.stringify([
        profile.synth,
        profile.trunk,
        profile.pretrain,
        profile.frameSize,
        profile.clipLength,
        profile.seed,
        bench.train.length,
      ]),
    )
    .digest('hex')
    .slice(0, 12);
  const trunk = await pretrainedTrunk({
    profile,
    modality: config.modality,
    numClasses,
    train: bench.train,
    read: bench.frames.reader(config.modality),
    actors,
    path: join(cacheDir, `trunk-${config.modality}.${trunkKey}.safetensors`),
    log: (line) => process.stderr.write(`${line}\n`),
  });
  const run = await runModel({
    trunk,
    actors,
    profile,
    config,
    numClasses,
    train: bench.train,
    test,
    frames: bench.frames,
    allSteps: config.id.startsWith('smax'),
    timeAllSteps: config.id === 'smax3' || config.id === 'anticipation',
    // The checkpoint name carries a hash of profile + config, so a changed setting never resumes
    // from weights trained under another.
    checkpointPath: join(
      cacheDir,
      `${config.id}.${createHash('sha256')
        .update(JSON.stringify([profile, config]))
        .digest('hex')
        .slice(0, 12)}.safetensors`,
    ),
  });
  trunk.dispose();
  const summary: ModelSummary = {
    id: config.id,
    config,
    profile,
    frameMapByStep: run.stepTubelets.map((s) =>
      frameMapOf(synth.dataset, test, new Map(s.videos), profile.clipLength),
    ),
    fpsByStep: run.fpsByStep,
    inputIoUByStep: run.inputIoUByStep,
    train: run.train,
    testWallMs: run.testWallMs,
  };
  const fusionInputs = [streamModelId('rgb', base), streamModelId('flow', base), 'early'];
  if (fusionInputs.includes(config.id))
    summary.tubelets = encodeTubelets(run.stepTubelets[run.stepTubelets.length - 1].videos);
  await writeFileAtomic(join(cacheDir, `${config.id}.json`), JSON.stringify(summary));
  return summary;
}

/** Messages between {@link trainInWorkers} and `model-worker.ts`. */
export type WorkerMessage = { ready: true } | { done: string } | { train: string };

/**
 * Trains `ids` in `workers` child processes (each renders the data once, then takes models from a
 * shared queue and writes their summaries to the cache), so a machine with more cores than
 * tfjs-wasm's one thread trains several models at once. Child output is forwarded line by line
 * with a `[wN]` prefix; a failing child fails the whole run with its exit code.
 */
export async function trainInWorkers(
  profile: StepProfile,
  outDir: string,
  ids: string[],
  workers: number,
  log: (line: string) => void,
): Promise<void> {
  const queue = [...ids];
  const entry = fileURLToPath(new URL('./model-worker.ts', import.meta.url));
  const runOne = (w: number) =>
    new Promise<void>((resolveRun, reject) => {
      const child = fork(entry, [profile.name, outDir], {
        stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
      });
      for (const stream of [child.stdout, child.stderr])
        if (stream) createInterface({ input: stream }).on('line', (line) => log(`[w${w}] ${line}`));
      const next = () => {
        const id = queue.shift();
        if (id === undefined) child.disconnect();
        else {
          log(`[w${w}] ${id}`);
          child.send({ train: id } satisfies WorkerMessage);
        }
      };
      child.on('message', (m: WorkerMessage) => {
        if ('ready' in m || 'done' in m) next();
      });
      child.on('exit', (code, signal) => {
        if (code === 0) resolveRun();
        else
          reject(
            new Error(
              `step-bench: model worker ${w} stopped (${signal ?? `exit code ${code}`}); finished models stay cached, run again to resume`,
            ),
          );
      });
    });
  await Promise.all(Array.from({ length: Math.min(workers, ids.length) }, (_, w) => runOne(w + 1)));
}

/** All of a profile's models, in the order the report lists them. */
export function profileModels(profile: StepProfile): StepModelConfig[] {
  return stepModels(profile.baseStream);
}
