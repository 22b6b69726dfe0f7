import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type JobOutcome, type QueueJob, runLocalPool, runOnQueue } from '@tubekit/queue';
import { type MultiProgress, type ProgressEvent, writeFileAtomic } from '@tubekit/report';
import type { StepModelConfig } from './configurations';
import type { Convolutions } from './convolutions';
import { type ModelJobConfig, STEP_JOB_KINDS, stepJobs, withAncestors } from './jobs';
import type { ModelJobResult } from './model-job';
import type { StepProfile } from './profiles';
import {
  type ModelJob,
  type ModelSummary,
  profileModels,
  seedCacheDir,
  summaryLine,
} from './train-models';

/** Options of {@link trainStepJobs}. */
export interface TrainStepJobsOptions {
  /**
   * Where the jobs run: the BullMQ queue of this Redis (`redis://[:password@]host:port[/db]`), for
   * `tubekit worker` processes on any machines; or `workers` child processes on this machine
   * (`runLocalPool`), whose jobs use `outDir`'s rendered frames and trunks as their own.
   */
  where: { queue: string; stallTimeoutMs?: number } | { workers: number; outDir: string };
  profile: StepProfile;
  /** `<outDir>/cache/<profile>`: finished models' summaries are written below it. */
  cacheDir: string;
  /** The models to train (model × seed); their trunk jobs come along. */
  jobs: ModelJob[];
  /** Where the workers run the convolutions (default `onnxruntime`). */
  convolutions?: Convolutions;
  ui: MultiProgress;
  /** Ends the local worker processes when aborted (Ctrl-C). */
  signal?: AbortSignal;
}

/** A model whose job failed twice. */
export interface MissingModel {
  id: string;
  seed: number;
  error: string;
}

/**
 * Runs the jobs of {@link stepJobs} for the given models — on the BullMQ queue (`pnpm reproduce
 * --queue redis://…`: `runOnQueue`, for `tubekit worker` processes on any machines to take), or
 * in a pool of child processes here (`--workers n`: `runLocalPool`, the same job kinds, files
 * stored in a temporary folder) — and writes each finished model's summary into the cache exactly
 * as the in-process path does, so the report is made from the same files. One bar per worker
 * shows its running job. Resolves with the models whose jobs failed (twice, on a queue).
 */
export async function trainStepJobs(options: TrainStepJobsOptions): Promise<MissingModel[]> {
  const { profile, ui } = options;
  const wanted = new Set(options.jobs.map((j) => `${j.seed}\u0000${j.id}`));
  const all = stepJobs(profile, profileModels(profile), options.convolutions);
  const models = all.filter((j) => {
    if (j.kind !== 'step-model') return false;
    const c = j.config as ModelJobConfig;
    return wanted.has(`${c.profile.seed}\u0000${c.model.id}`);
  });
  const jobs = withAncestors(all, models);
  const missing: MissingModel[] = [];
  const seeds = profile.seeds.length;
  const { where } = options;
  const handlers = {
    log: (line: string) => ui.log(line),
    onProgress: (worker: string, job: QueueJob, event: ProgressEvent) =>
      ui.update(worker, { ...event, label: `${job.label}: ${event.label.trim()}` }),
    onOutcome: async (job: QueueJob, outcome: JobOutcome) => {
      if (job.kind !== 'step-model') {
        if (!outcome.ok) ui.log(`step-bench: ${job.label} failed: ${outcome.error}`);
        return;
      }
      const { profile: seeded, model } = job.config as ModelJobConfig;
      if (outcome.ok) {
        const { summary } = outcome.result as ModelJobResult;
        await writeFileAtomic(
          join(seedCacheDir(options.cacheDir, seeded.seed), `${model.id}.json`),
          JSON.stringify(summary),
        );
        ui.log(`[${outcome.worker}] ${summaryLine(summary, seeded.seed, seeds)}`);
        ui.jobDone(outcome.worker, job.label);
      } else {
        missing.push({ id: model.id, seed: seeded.seed, error: outcome.error });
        ui.log(
          `step-bench: ${job.label} failed${'queue' in where ? ' twice' : ''}: ${outcome.error}`,
        );
        ui.jobDone('queue' in where ? 'queue' : 'pool', `${job.label} (failed)`);
      }
    },
  };
  if ('queue' in where) {
    await runOnQueue({ url: where.queue, jobs, stallTimeoutMs: where.stallTimeoutMs, ...handlers });
    return missing;
  }
  // Stored trunks and checkpoints only pass between this run's processes.
  const store = mkdtempSync(join(tmpdir(), 'step-bench-pool-'));
  try {
    await runLocalPool({
      jobs,
      kinds: STEP_JOB_KINDS,
      workers: where.workers,
      workDir: where.outDir,
      store,
      signal: options.signal,
      ...handlers,
    });
  } finally {
    rmSync(store, { recursive: true, force: true });
  }
  return missing;
}

/**
 * The stand-in summary of a model without a result: every number NaN (its report cells read `–`),
 * no tubelets (the fusions that need them are missing as well).
 */
export function missingSummary(config: StepModelConfig, profile: StepProfile): ModelSummary {
  const steps = config.id.startsWith('smax') ? config.steps : 1;
  return {
    id: config.id,
    config,
    profile,
    frameMapByStep: Array.from({ length: steps }, () => Number.NaN),
    fpsByStep: Array.from({ length: config.steps }, () => Number.NaN),
    train: { iterations: 0, resumedFrom: 0, finalLoss: Number.NaN, wallMs: 0 },
    testWallMs: 0,
  };
}
