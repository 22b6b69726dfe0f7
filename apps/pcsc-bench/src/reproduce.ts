import { mkdir } from 'node:fs/promises';
import { loadavg } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { initBackend } from '@tubekit/nn';
import { type ClaimResult, type MultiProgress, writeReport } from '@tubekit/report';
import { planRuns, trainPending } from '@tubekit/step-bench/cached-runs';
import { type Convolutions, selectConvolutions } from '@tubekit/step-bench/convolutions';
import { prepareSynthBench } from '@tubekit/step-bench/train-models';
import { loadBenchData } from './bench-data';
import { trainingKeyFrames } from './key-frames';
import { modelResultsPath, readModelResults } from './model-results';
import { type PcscProfileName, PROFILES, stepProfileOf } from './profiles';
import { pcscClaims, pcscReport } from './report';
import { type ModelResults, type SeedResults, seedResultsOf } from './run-seed';
import { tier2Trimmers } from './tier2-trimmers';
import { fpsByStages } from './timing';
import { MODELS, type PcscModel } from './train-detector';
import { trainModels } from './train-models';
import { freshStreamTrunks } from './trunks';

/** Options of {@link reproduce} (the shape `scripts/reproduce.ts` passes to every bench app). */
export interface ReproduceOptions {
  /** Benchmark profile (default `quick`). */
  profile?: PcscProfileName;
  /** Output folder (default `results/pcsc` under the current directory). */
  outDir?: string;
  /**
   * step-bench's output folder, whose cache holds the pretrained trunks and rendered frames PCSC
   * shares (default: `step` beside `outDir`, i.e. `results/step`).
   */
  stepOutDir?: string;
  /**
   * Child processes that train models concurrently (default 1: in this process; `runLocalPool`).
   * tfjs-wasm runs one thread, so on a machine with n cores `workers: n` trains about n models at
   * once.
   */
  workers?: number;
  /**
   * Where the trunk's convolutions run (default `onnxruntime`, step-bench's `DEFAULT_CONVOLUTIONS`): recorded in
   * the report; `onnxruntime` runs cache their trunks and models apart (`convolutionsCacheKey`).
   */
  convolutions?: Convolutions;
  /** Progress and summary lines (default stderr). */
  log?: (line: string) => void;
  /**
   * Handle Ctrl-C (SIGINT): stop the workers, print "stopped; rerun the same command to resume
   * from <cache>" and exit 130 (default false; the `pnpm reproduce` script sets it). Trunks and
   * finished models stay cached either way.
   */
  exitOnInterrupt?: boolean;
  /**
   * Train on the BullMQ queue of this Redis (`redis://[:password@]host:port[/db]`) instead of
   * local worker processes: `tubekit worker --queue <url>` processes on any machines take the jobs
   * (the trunks are jobs too; their stored files go to the models' workers).
   */
  queue?: string;
}

/** What {@link reproduce} wrote and found. */
export interface ReproduceResult {
  reportPath: string;
  htmlPath: string;
  jsonPath: string;
  seeds: SeedResults[];
  claims: ClaimResult[];
  wallSeconds: number;
}

/**
 * `pnpm reproduce --paper pcsc`: renders the SynthTubes bench videos (three variants of the step
 * profile's preset), loads the RGB and flow trunks of the step profile's seed from step-bench's
 * cache (pretrained there first when missing, shared with STEP and CFAD; every PCSC seed starts
 * from them, as every run of the paper starts from one Kinetics-pretrained I3D), trains Faster
 * R-CNN + FPN, PCSC without and with feature cooperation on the same key frames, trains the
 * actionness classifiers, evaluates Tables 1–6 and proposal recall per stage, times detection per
 * stage count, and writes `report.md`, `report.html`, `report.json` (atomically) into `outDir`. Each model's results are cached per
 * seed under `<outDir>/cache/<profile>/` (so a rerun resumes), trained in this process or in
 * `workers` child processes (`trainModels`).
 */
export async function reproduce(options: ReproduceOptions = {}): Promise<ReproduceResult> {
  const profile = PROFILES[options.profile ?? 'quick'];
  const outDir = resolve(options.outDir ?? join('results', 'pcsc'));
  const stepOutDir = resolve(options.stepOutDir ?? join(dirname(outDir), 'step'));
  let ui: MultiProgress | undefined;
  // above the bars while they are drawn
  const log =
    options.log ?? ((line: string) => (ui ? ui.log(line) : process.stderr.write(`${line}\n`)));
  const started = Date.now();
  await initBackend({ log: () => undefined });
  const convolutions = await selectConvolutions(options.convolutions);
  await mkdir(outDir, { recursive: true });
  log(
    `pcsc-bench: profile ${profile.name}, trunks from ${stepOutDir}, output ${outDir}; rendering SynthTubes videos`,
  );
  const stepBench = await prepareSynthBench(stepProfileOf(profile), stepOutDir, log);
  const data = await loadBenchData(profile);
  const cacheDir = join(outDir, 'cache', profile.name);
  const workers = Math.max(1, Math.floor(options.workers ?? 1));
  const models = Object.keys(MODELS) as PcscModel[];
  const plan = planRuns(
    'pcsc-bench',
    profile.seeds.flatMap((seed) =>
      models.map((model) => ({
        model,
        seed,
        path: modelResultsPath(profile, model, seed, cacheDir),
      })),
    ),
    (path) => readModelResults(path, log),
    { workers, queue: options.queue },
    log,
  );
  const { all, cached, pending } = plan;
  await trainPending(
    'pcsc-bench',
    plan,
    {
      cacheDir,
      exitOnInterrupt: options.exitOnInterrupt,
      onDisplay: (display) => {
        ui = display;
      },
    },
    (display, signal) =>
      trainModels({
        profile,
        data,
        outDir,
        stepBench,
        stepOutDir,
        pending,
        workers,
        convolutions: options.convolutions,
        ui: display,
        log,
        signal,
        queue: options.queue,
      }),
  );
  const seeds: SeedResults[] = profile.seeds.map((seed) => {
    const byModel = {} as Record<PcscModel, ModelResults>;
    for (const { model, path } of all.filter((m) => m.seed === seed)) {
      const results = cached.get(path) ?? readModelResults(path, log);
      if (!results) throw new Error(`pcsc-bench: model ${model} (seed ${seed}) has no results`);
      byModel[model] = results;
    }
    return seedResultsOf(seed, byModel);
  });
  const trunks = freshStreamTrunks(profile);
  const fps = fpsByStages(profile, trunks, data.test[0]!, data.labels.length);
  trunks.rgb.dispose();
  trunks.flow.dispose();
  const tier2 = await tier2Trimmers(profile.tier2Videos, profile.seeds[0]!, log);
  const claims = pcscClaims(seeds);
  const wallSeconds = (Date.now() - started) / 1000;
  const info = {
    wallSeconds,
    convolutions,
    load: loadavg()
      .map((l) => l.toFixed(2))
      .join(' '),
    trainFrames: data.train.reduce(
      (s, v) => s + trainingKeyFrames(v.annotation, profile.keyFrames).length,
      0,
    ),
    testFrames: data.test.reduce((s, v) => s + v.annotation.nframes, 0),
    fps,
    tier2,
  };
  const doc = pcscReport(profile, seeds, claims, info);
  const { reportPath, htmlPath, jsonPath } = await writeReport(outDir, doc, {
    profile,
    info,
    seeds,
    claims,
  });
  log(`pcsc-bench: wrote ${reportPath} (${(wallSeconds / 60).toFixed(1)} min)`);
  return { reportPath, htmlPath, jsonPath, seeds, claims, wallSeconds };
}
