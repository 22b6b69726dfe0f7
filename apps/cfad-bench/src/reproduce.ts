import { dirname, join, resolve } from 'node:path';
import { type ActionDataset, loadDataset, tubekitDataPath } from '@tubekit/datasets';
import { initBackend } from '@tubekit/nn';
import { type ClaimResult, writeReport } from '@tubekit/report';
import { planRuns, trainPending } from '@tubekit/step-bench/cached-runs';
import { type Convolutions, selectConvolutions } from '@tubekit/step-bench/convolutions';
import { PROFILES as STEP_PROFILES } from '@tubekit/step-bench/profiles';
import { meanOverSeeds } from '@tubekit/step-bench/seed-mean';
import { prepareSynthBench } from '@tubekit/step-bench/train-models';
import { type CfadVariant, prepareVariant, type VariantData } from './data';
import { modelResultPath, readModelResult } from './model-results';
import { type CfadProfile, type CfadProfileName, PROFILES } from './profiles';
import { type CfadRunInfo, cfadReport } from './report';
import {
  type CfadResults,
  type CfadTier2,
  checkCfadClaims,
  profileModels,
  seedResults,
} from './results';
import type { CfadModelResult } from './run-model';
import { keyTimestampCounts, polynomialFitMabo } from './tier2';
import { trainModels } from './train-models';

/** Options of {@link reproduce}. */
export interface ReproduceOptions {
  /** Benchmark profile (default `quick`). */
  profile?: CfadProfileName;
  /** Output folder (default `results/cfad` under the current directory). */
  outDir?: string;
  /**
   * step-bench's output folder, whose cache holds the pretrained trunks and rendered frames CFAD
   * shares (default: `step` beside `outDir`, i.e. `results/step`).
   */
  stepOutDir?: string;
  /**
   * Where the trunk's convolutions run (default `onnxruntime`, step-bench's `DEFAULT_CONVOLUTIONS`): recorded in
   * the report; `onnxruntime` runs cache their trunks and models apart (`convolutionsCacheKey`).
   */
  convolutions?: Convolutions;
  /**
   * Child processes that train models concurrently (default 1: in this process; `runLocalPool`).
   * tfjs-wasm runs one thread, so on a machine with n cores `workers: n` trains about n models at
   * once.
   */
  workers?: number;
  /** Progress and summary lines (default stderr / stdout). */
  log?: (line: string) => void;
  /**
   * Handle Ctrl-C (SIGINT): stop the workers, print "stopped; rerun the same command to resume
   * from <cache>" and exit 130 (default false; the `pnpm reproduce` script sets it). Finished
   * models stay cached either way.
   */
  exitOnInterrupt?: boolean;
  /**
   * Train on the BullMQ queue of this Redis (`redis://[:password@]host:port[/db]`) instead of
   * local worker processes: `tubekit worker --queue <url>` processes on any machines take the jobs
   * (`cfadQueueJobs`: each model's job is the child of step-bench's `step-trunk` job of its stream,
   * which a queue that ran STEP has finished already).
   */
  queue?: string;
}

/** What {@link reproduce} wrote and found. */
export interface ReproduceResult {
  reportPath: string;
  htmlPath: string;
  jsonPath: string;
  results: CfadResults;
  resultsBySeed: CfadResults[];
  claims: ClaimResult[];
  wallSeconds: number;
}

async function tier2(profile: CfadProfile, log: (line: string) => void): Promise<CfadTier2> {
  const out: CfadTier2 = {};
  for (const [name, rel, samples] of [
    ['UCF101-24', 'ucf101-24/pyannot.pkl', 16],
    ['J-HMDB-21', 'jhmdb-21/groundtruths_jhmdb.zip', 6],
  ] as const) {
    let dataset: ActionDataset;
    try {
      dataset = await loadDataset(tubekitDataPath(rel));
    } catch (error) {
      out[name] = { unavailable: (error as Error).message.split('\n')[0]! };
      log(
        `cfad-bench: tier 2 ${name} unavailable — ${(out[name] as { unavailable: string }).unavailable}`,
      );
      continue;
    }
    const videos = dataset.videos.slice(0, profile.tier2.maxVideos);
    const subset = { ...dataset, videos };
    out[name] = {
      fit: polynomialFitMabo(subset, profile.tier2.orders),
      keys: keyTimestampCounts(subset, samples),
      samples,
      videos: videos.length,
    };
  }
  return out;
}

/**
 * `pnpm reproduce --paper cfad`: reproduces CFAD's Table 1–3 and Figures 4–6 on two SynthTubes
 * variants (dynamic for UCF101-24, static for J-HMDB) from step-bench's pretrained trunk, and the
 * polynomial-fit and key-timestamp analyses on real annotations (tier 2); writes `report.md`,
 * `report.html`, `report.json` and the SVG figures atomically into `results/cfad/`. Each trained
 * model's result is cached under `results/cfad/cache/<profile>/`, so a rerun resumes.
 *
 * @example
 * const { reportPath, claims } = await reproduce({ profile: 'smoke' });
 */
export async function reproduce(options: ReproduceOptions = {}): Promise<ReproduceResult> {
  const t0 = Date.now();
  const profile = PROFILES[options.profile ?? 'quick'];
  const step = STEP_PROFILES[profile.step];
  const outDir = resolve(options.outDir ?? join(process.cwd(), 'results', 'cfad'));
  const stepOutDir = resolve(options.stepOutDir ?? join(dirname(outDir), 'step'));
  const log = options.log ?? ((line: string) => process.stderr.write(`${line}\n`));
  const cacheDir = join(outDir, 'cache', profile.name);
  const backend = await initBackend({ log });
  const convolutions = await selectConvolutions(options.convolutions);
  const models = profileModels(profile);
  log(
    `cfad-bench: profile ${profile.name}, ${models.length} models × ${profile.seeds.length} seed(s), trunk from ${stepOutDir}, output ${outDir}`,
  );
  const tier2Results = await tier2(profile, log);
  const bench = await prepareSynthBench(step, stepOutDir, log);
  const data = new Map<CfadVariant, VariantData>();
  for (const variant of ['dynamic', 'static'] as const)
    data.set(variant, await prepareVariant(profile, step, variant, cacheDir));
  const workers = Math.max(1, Math.floor(options.workers ?? 1));
  const plan = planRuns(
    'cfad-bench',
    profile.seeds.flatMap((seed) =>
      models.map((config) => ({
        config,
        seed,
        path: modelResultPath(profile, config, seed, cacheDir),
      })),
    ),
    (path) => readModelResult(path, log),
    { workers, queue: options.queue },
    log,
  );
  const { all, cached, pending } = plan;
  await trainPending(
    'cfad-bench',
    plan,
    { cacheDir, exitOnInterrupt: options.exitOnInterrupt },
    (ui, signal) =>
      trainModels({
        profile,
        bench,
        data,
        pending,
        workers,
        outDir,
        stepOutDir,
        convolutions: options.convolutions,
        ui,
        signal,
        queue: options.queue,
      }),
  );
  const runs: CfadResults[] = [];
  const infoModels: CfadRunInfo['models'] = [];
  for (const seed of profile.seeds) {
    const byId = new Map<string, CfadModelResult>();
    for (const { config, path } of all.filter((m) => m.seed === seed)) {
      const result = cached.get(path) ?? readModelResult(path, log);
      if (!result) throw new Error(`cfad-bench: model ${config.id} (seed ${seed}) has no result`);
      byId.set(config.id, result);
      infoModels.push({
        id: config.id,
        seed,
        trainSeconds: result.train.wallMs / 1000,
        finalLoss: result.train.finalLoss,
      });
    }
    runs.push(
      seedResults(profile, (id) => {
        const r = byId.get(id);
        if (!r) throw new Error(`cfad-bench: model ${id} (seed ${seed}) has no result`);
        return r;
      }),
    );
  }
  const results = meanOverSeeds(runs);
  const claims = checkCfadClaims(profile, runs);
  const wallSeconds = (Date.now() - t0) / 1000;
  const describe = (d: VariantData) =>
    `SynthTubes "${d.synth.config.name}" (${d.synth.dataset.labels.length} classes; ${d.train.length} train / ${d.test.length} test videos at ${d.frames.size}×${d.frames.size})`;
  const info: CfadRunInfo = {
    profile: profile.name,
    seeds: profile.seeds,
    backend: `${backend.name}${backend.threads ? ` (${backend.threads} thread${backend.threads > 1 ? 's' : ''})` : ''}`,
    convolutions,
    wallSeconds,
    startedAt: new Date(t0).toISOString(),
    datasets: Object.fromEntries([...data].map(([v, d]) => [v, describe(d)])),
    trunk: `step-bench's pretrained ${step.name} trunk per stream (${stepOutDir}/cache/${step.name}), neck fine-tuned per model`,
    models: infoModels,
  };
  const doc = cfadReport(profile, results, tier2Results, claims, info);
  const { reportPath, htmlPath, jsonPath } = await writeReport(outDir, doc, {
    paper: 'CFAD (ECCV 2020)',
    info,
    profile,
    models,
    results,
    resultsBySeed: runs,
    tier2: tier2Results,
    claims,
  });
  const count = (status: ClaimResult['status']) => claims.filter((c) => c.status === status).length;
  (options.log ?? ((line: string) => process.stdout.write(`${line}\n`)))(
    `cfad-bench: CFAD claims: ${count('holds')} hold, ${count('fails')} do not, ${count('undecided')} undecided of ${claims.length} (profile ${profile.name}, ${wallSeconds.toFixed(0)} s, ${info.backend}) — report: ${reportPath}, ${htmlPath}`,
  );
  return { reportPath, htmlPath, jsonPath, results, resultsBySeed: runs, claims, wallSeconds };
}
