import { join } from 'node:path';
import { runOnQueue } from '@tubekit/queue';
import { type MultiProgress, writeFileAtomic } from '@tubekit/report';
import type { StepModelConfig } from './configurations';
import type { Convolutions } from './convolutions';
import { type ModelJobConfig, stepJobs } from './jobs';
import type { ModelJobResult } from './model-job';
import type { StepProfile } from './profiles';
import {
  type ModelJob,
  type ModelSummary,
  profileModels,
  seedCacheDir,
  summaryLine,
} from './train-models';

/** Options of {@link trainOnQueue}. */
export interface TrainOnQueueOptions {
  /** `redis://[:password@]host:port[/db]`. */
  url: string;
  profile: StepProfile;
  /** `<outDir>/cache/<profile>`: finished models' summaries are written below it. */
  cacheDir: string;
  /** The models to train (model × seed); their trunk jobs come along. */
  jobs: ModelJob[];
  /** Where the workers run the convolutions (default `wasm`). */
  convolutions?: Convolutions;
  ui: MultiProgress;
  /** See `runOnQueue` (default 30 min). */
  stallTimeoutMs?: number;
}

/** A model whose job failed twice. */
export interface MissingModel {
  id: string;
  seed: number;
  error: string;
}

/**
 * `pnpm reproduce --queue redis://…`: runs the jobs of {@link stepJobs} for the given models on
 * the BullMQ queue (`runOnQueue`), for `tubekit worker` processes on any machines to take, and
 * writes each finished model's summary into the cache exactly as a local run does, so the report
 * is made from the same files. One bar per worker shows its running job. Resolves with the models
 * whose jobs failed twice (the report marks their cells missing).
 */
export async function trainOnQueue(options: TrainOnQueueOptions): Promise<MissingModel[]> {
  const { profile, ui } = options;
  const wanted = new Set(options.jobs.map((j) => `${j.seed}\u0000${j.id}`));
  const all = stepJobs(profile, profileModels(profile), options.convolutions);
  const models = all.filter((j) => {
    if (j.kind !== 'step-model') return false;
    const c = j.config as ModelJobConfig;
    return wanted.has(`${c.profile.seed}\u0000${c.model.id}`);
  });
  const parents = new Set(models.flatMap((j) => j.parents));
  const jobs = [...all.filter((j) => parents.has(j.id)), ...models];
  const missing: MissingModel[] = [];
  const seeds = profile.seeds.length;
  await runOnQueue({
    url: options.url,
    jobs,
    stallTimeoutMs: options.stallTimeoutMs,
    log: (line) => ui.log(line),
    onProgress: (worker, job, event) =>
      ui.update(worker, { ...event, label: `${job.label}: ${event.label.trim()}` }),
    onOutcome: async (job, outcome) => {
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
        ui.log(`step-bench: ${job.label} failed twice: ${outcome.error}`);
        ui.jobDone('queue', `${job.label} (failed)`);
      }
    },
  });
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
