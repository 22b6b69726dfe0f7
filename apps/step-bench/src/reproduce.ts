import { join, resolve } from 'node:path';
import { type ActionDataset, loadDataset, tubekitDataPath } from '@tubekit/datasets';
import { initBackend } from '@tubekit/nn';
import {
  type ClaimResult,
  createMultiProgress,
  type MultiProgress,
  writeFileAtomic,
  writeReport,
} from '@tubekit/report';
import { type Convolutions, selectConvolutions } from './convolutions';
import { figure4Of, figure4Svg } from './figure4';
import { FIGURE6_ROUNDS, timeFigure6 } from './figure6-timing';
import { orderClassesOf } from './order-classes';
import { PROFILES, type StepProfileName, seedProfile, withSeeds } from './profiles';
import { checkStepClaims, type StepRunInfo, stepReport } from './report';
import { acquireRunLock } from './run-lock';
import { meanOverSeeds } from './seed-mean';
import { seedResults } from './seed-results';
import type { StepResults } from './step-results';
import { spatialDisplacement } from './tier2-displacement';
import {
  cachedSummary,
  type ModelJob,
  type ModelSummary,
  prepareSynthBench,
  profileModels,
  trainJobs,
} from './train-models';
import { type MissingModel, missingSummary, trainStepJobs } from './train-step-jobs';

/** Options of {@link reproduce}. */
export interface ReproduceOptions {
  /** Benchmark profile (default `quick`). */
  profile?: StepProfileName;
  /**
   * Model seeds in place of the profile's (`seeds`), e.g. `[1, 2, 3]` to decide the claims on
   * `quick` (the report decides a claim only on ≥ 3 seeds). Every seed trains every configuration
   * from the same pretrained trunks (`trunkProfile`), so more seeds add models, not pretraining.
   */
  seeds?: readonly number[];
  /** Output folder (default `results/step` under the current directory). */
  outDir?: string;
  /**
   * Child processes that train models concurrently (default 1: in this process). tfjs-wasm runs
   * one thread, so on a machine with n cores `workers: n` trains about n models at once. The
   * SynthTubes frames are rendered in as many worker threads.
   */
  workers?: number;
  /**
   * Where the trunk's convolutions run, in this process and every worker (default `onnxruntime`; see
   * `CONVOLUTIONS`): `onnxruntime` needs onnxruntime-node installed. Recorded in the report.
   * Trained numbers differ between the two (float rounding, amplified by training), so
   * `onnxruntime` runs cache their trunks and models apart (`convolutionsCacheKey`).
   */
  convolutions?: Convolutions;
  /** Progress and summary lines (default stderr / stdout). */
  log?: (line: string) => void;
  /**
   * Handle Ctrl-C (SIGINT): stop the workers, release the lock, print "stopped; rerun the same
   * command to resume from <cache>" and exit 130 (default false; the `pnpm reproduce` script
   * sets it).
   */
  exitOnInterrupt?: boolean;
  /**
   * Train on the BullMQ queue of this Redis (`redis://[:password@]host:port[/db]`) instead of
   * local worker processes: `tubekit worker --queue <url>` processes on any machines take the
   * jobs (see `trainStepJobs`).
   */
  queue?: string;
  /** With `queue`: give up when no job progressed for this long (ms; default 30 min). */
  queueStallTimeoutMs?: number;
}

/** What {@link reproduce} wrote and found. */
export interface ReproduceResult {
  reportPath: string;
  htmlPath: string;
  jsonPath: string;
  /** The seeds' mean of every number. */
  results: StepResults;
  /** One result per seed of the profile. */
  resultsBySeed: StepResults[];
  claims: ClaimResult[];
  wallSeconds: number;
}

async function tier2(log: (line: string) => void): Promise<StepResults['tier2']> {
  const out: StepResults['tier2'] = {};
  for (const [name, rel] of [
    ['UCF101-24', 'ucf101-24/pyannot.pkl'],
    ['J-HMDB-21', 'jhmdb-21/groundtruths_jhmdb.zip'],
  ] as const) {
    let dataset: ActionDataset;
    try {
      dataset = await loadDataset(tubekitDataPath(rel));
    } catch (error) {
      out[name] = { unavailable: (error as Error).message.split('\n')[0] };
      log(
        `step-bench: tier 2 ${name} unavailable — ${(out[name] as { unavailable: string }).unavailable}`,
      );
      continue;
    }
    out[name] = { rows: spatialDisplacement(dataset, 6) };
  }
  return out;
}

/**
 * `pnpm reproduce --paper step`: reproduces every STEP table and figure of reproduction.md on
 * SynthTubes (tier 1: trains each configuration with each of the profile's seeds, detects, links,
 * evaluates) and the displacement analysis on real annotations (tier 2), and writes `report.md`,
 * `report.html` (the same document, figures inline), `report.json` and the SVG figures atomically
 * into `results/step/`. The results folder is locked for the run (`.reproduce.lock`: pid, host,
 * start). Rendered frames and trained models' results are cached under
 * `results/step/cache/<profile>/` (with resumable checkpoints), so an interrupted run resumes;
 * damaged cache files are reported, set aside and recomputed.
 *
 * @example
 * const { reportPath, claims } = await reproduce({ profile: 'smoke' });
 */
export async function reproduce(options: ReproduceOptions = {}): Promise<ReproduceResult> {
  const t0 = Date.now();
  const profile = withSeeds(PROFILES[options.profile ?? 'quick'], options.seeds);
  const outDir = resolve(options.outDir ?? join(process.cwd(), 'results', 'step'));
  const log = options.log ?? ((line: string) => process.stderr.write(`${line}\n`));
  const cacheDir = join(outDir, 'cache', profile.name);
  const release = acquireRunLock(outDir);
  const stop = new AbortController();
  let ui: MultiProgress | undefined;
  const onInterrupt = () => {
    ui?.stop();
    stop.abort();
    release();
    process.stderr.write(
      `\nstep-bench: stopped; rerun the same command to resume from ${cacheDir}\n`,
    );
    process.exit(130);
  };
  if (options.exitOnInterrupt) process.on('SIGINT', onInterrupt);
  try {
    const backend = await initBackend({ log });
    const convolutions = await selectConvolutions(options.convolutions);
    const models = profileModels(profile);
    log(
      `step-bench: profile ${profile.name}, ${models.length} models × ${profile.seeds.length} seed${profile.seeds.length > 1 ? 's' : ''} (single-stream experiments on ${profile.baseStream}), output ${outDir}`,
    );
    const tier2Results = await tier2(log);
    const workers = Math.max(1, Math.floor(options.workers ?? 1));
    const bench = await prepareSynthBench(profile, outDir, log, workers);
    const jobs: ModelJob[] = profile.seeds.flatMap((seed) =>
      models.map((m) => ({ id: m.id, seed })),
    );
    const cached = new Map<string, ModelSummary>();
    const key = (id: string, seed: number) => `${seed}\u0000${id}`;
    for (const job of jobs) {
      const s = cachedSummary(
        cacheDir,
        profile,
        models.find((m) => m.id === job.id) as (typeof models)[number],
        job.seed,
        log,
      );
      if (s) cached.set(key(job.id, job.seed), s);
    }
    const pending = jobs.filter((j) => !cached.has(key(j.id, j.seed)));
    if (pending.length)
      log(
        `step-bench: training ${pending.length} of ${jobs.length} models${workers > 1 && pending.length > 1 ? ` in ${Math.min(workers, pending.length)} worker processes` : ''}${cached.size ? ` (${cached.size} cached)` : ''}`,
      );
    ui = createMultiProgress({ unit: 'models', total: jobs.length, alreadyDone: cached.size });
    let missing: MissingModel[] = [];
    if (options.queue || (workers > 1 && pending.length > 1)) {
      missing = await trainStepJobs({
        where: options.queue
          ? { queue: options.queue, stallTimeoutMs: options.queueStallTimeoutMs }
          : { workers, outDir },
        profile,
        cacheDir,
        jobs: pending,
        convolutions: options.convolutions,
        ui,
        signal: stop.signal,
      });
      // A local job's failure is the run's; a queue's failed-twice jobs are reported missing.
      if (!options.queue && missing.length)
        throw new Error(
          `step-bench: ${missing.length} model${missing.length > 1 ? 's' : ''} failed (${missing[0].id}${profile.seeds.length > 1 ? ` seed ${missing[0].seed}` : ''}: ${missing[0].error}); finished models stay cached, run again to resume`,
        );
    } else await trainJobs({ bench, jobs: pending, ui });
    ui.stop();

    const resumed: string[] = [];
    let fig4 = figure4Of([]);
    const runs: StepResults[] = [];
    const linkings: unknown[] = [];
    const infoModels: StepRunInfo['models'] = [];
    const fpsTimings: string[] = [];
    for (const seed of profile.seeds) {
      const summaries = new Map<string, ModelSummary>();
      for (const m of models) {
        const lost = missing.find((x) => x.id === m.id && x.seed === seed);
        if (lost) {
          summaries.set(m.id, missingSummary(m, seedProfile(profile, seed)));
          continue;
        }
        const s = cached.get(key(m.id, seed)) ?? cachedSummary(cacheDir, profile, m, seed, log);
        if (!s) throw new Error(`step-bench: model ${m.id} (seed ${seed}) has no result`);
        if (cached.has(key(m.id, seed)))
          resumed.push(`${m.id}${profile.seeds.length > 1 ? `@seed${seed}` : ''}`);
        else if (s.train.resumedFrom > 0) resumed.push(`${m.id}@${s.train.resumedFrom}`);
        summaries.set(m.id, s);
        infoModels.push({
          id: m.id,
          seed,
          trainSeconds: s.train.wallMs / 1000,
          testSeconds: s.testWallMs / 1000,
          finalLoss: s.train.finalLoss,
          iterations: s.train.iterations,
        });
      }
      // Figure 6 timed again here, alone, once the models are trained (the jobs timed theirs
      // beside the other workers' training)
      const quiet = await timeFigure6(bench, seed);
      if ('fps' in quiet)
        for (const [id, fpsByStep] of quiet.fps) {
          const s = summaries.get(id);
          if (s && !missing.some((x) => x.id === id && x.seed === seed))
            summaries.set(id, { ...s, fpsByStep });
        }
      else fpsTimings.push(`seed ${seed}: in the training jobs (${quiet.missing})`);
      const get = (id: string): ModelSummary => {
        const s = summaries.get(id);
        if (!s) throw new Error(`step-bench: model ${id} has no result`);
        return s;
      };
      // STEP Fig. 4: proposal–GT IoU at each step's input, of the first seed's 3-step model.
      if (seed === profile.seeds[0]) fig4 = figure4Of(get('smax3').inputIoUByStep ?? []);
      const one = seedResults(bench, get, tier2Results);
      runs.push(one.results);
      linkings.push(one.linking);
    }
    const results = meanOverSeeds(runs);
    const claims = checkStepClaims(runs);
    const wallSeconds = (Date.now() - t0) / 1000;
    const { synth, train, test } = bench;
    const info: StepRunInfo = {
      profile: profile.name,
      tier: 'tier 1 SynthTubes',
      seeds: { dataset: profile.synth.seed, models: profile.seeds },
      backend: `${backend.name}${backend.threads ? ` (${backend.threads} thread${backend.threads > 1 ? 's' : ''})` : ''}`,
      convolutions,
      wallSeconds,
      startedAt: new Date(t0).toISOString(),
      dataset: `SynthTubes preset "${profile.synth.preset}" (${synth.dataset.labels.length} classes; ${train.length} train / ${test.length} test videos, frames resized to ${profile.frameSize}×${profile.frameSize})`,
      classifierIterations: profile.classifier.iterations,
      orderClasses: orderClassesOf(profile.synth.preset),
      baseStream: {
        stream: profile.baseStream,
        note:
          profile.baseStream === 'rgb'
            ? undefined
            : `SynthTubes' classes differ only in motion, and within this profile's training budget an RGB model does not learn them (see Table 1(b)'s RGB row), so the progressive mechanics are compared on flow.`,
      },
      resumed,
      missing,
      models: infoModels,
      fpsTiming:
        fpsTimings.length === 0
          ? `after training, in this process alone: median of ${FIGURE6_ROUNDS} alternating rounds`
          : `after training, in this process alone, except ${fpsTimings.join('; ')}`,
    };
    const doc = stepReport(runs, claims, info);
    const { reportPath, htmlPath, jsonPath } = await writeReport(outDir, doc, {
      paper: 'STEP (CVPR 2019)',
      info,
      profile,
      models,
      linking: linkings[0],
      results,
      resultsBySeed: runs,
      claims,
    });
    await writeFileAtomic(join(outDir, 'figure4.json'), `${JSON.stringify(fig4)}\n`);
    await writeFileAtomic(join(outDir, 'figure4.svg'), figure4Svg(fig4));
    const count = (status: ClaimResult['status']) =>
      claims.filter((c) => c.status === status).length;
    (options.log ?? ((line: string) => process.stdout.write(`${line}\n`)))(
      `step-bench: STEP claims: ${count('holds')} hold, ${count('fails')} do not, ${count('undecided')} undecided of ${claims.length} (profile ${profile.name}, ${profile.seeds.length} seed${profile.seeds.length > 1 ? 's' : ''}, ${wallSeconds.toFixed(0)} s, ${info.backend}, convolutions ${info.convolutions}) — report: ${reportPath}, ${htmlPath}`,
    );
    return { reportPath, htmlPath, jsonPath, results, resultsBySeed: runs, claims, wallSeconds };
  } finally {
    ui?.stop();
    stop.abort();
    process.off('SIGINT', onInterrupt);
    release();
  }
}
