import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { type QueueJob, queueJob } from '@tubekit/queue';
import {
  type Convolutions,
  DEFAULT_CONVOLUTIONS,
  jobConvolutionsField,
} from '@tubekit/step-bench/convolutions';
import { STEP_JOB_KINDS, sharedTrunkJobs } from '@tubekit/step-bench/jobs';
import { PROFILES as STEP_PROFILES, synthConfigOf } from '@tubekit/step-bench/profiles';
import type { CfadModality } from './data';
import { type CfadProfileName, PROFILES } from './profiles';
import type { CfadBenchModel } from './results';
import type { CfadModelResult } from './run-model';

/** The folders of a local CFAD run, as every job of it sees them. */
export interface CfadDirs {
  /** CFAD's results folder (`results/cfad`): model results are cached below it. */
  outDir: string;
  /** step-bench's results folder, whose cache holds the rendered frames and pretrained trunks. */
  stepOutDir: string;
}

/**
 * Configuration of a `cfad-model` job: training, evaluating and caching one model and seed. A
 * local run's job names this machine's folders; a queued job names none: its trunk comes from its
 * parent `step-trunk` job and its files go to the worker's folder.
 */
export interface CfadModelJobConfig {
  profile: CfadProfileName;
  model: CfadBenchModel;
  seed: number;
  /** The stream's step trunk file (cached, or pretrained by the parent `step-shared-trunk` job). */
  trunk?: string;
  /** CFAD's results folder: the result is cached below it. */
  outDir?: string;
  /** Where the convolutions run (absent: `wasm`). */
  convolutions?: Convolutions;
}

/** Result of a `cfad-model` job: the model's result and its summary line. */
export interface CfadModelJobResult {
  result: CfadModelResult;
  line: string;
}

/**
 * What this code makes of a model job's data: the SynthTubes configuration of its variant. A
 * worker whose code renders other videos from the same profile is refused.
 */
export function cfadEnvironment(
  profile: CfadProfileName,
  model: CfadBenchModel,
): Record<string, unknown> {
  return { dataset: synthConfigOf(STEP_PROFILES[PROFILES[profile].step], model.variant) };
}

/**
 * The models of a CFAD run as a job graph for `runLocalPool`: one `cfad-model` job per model and
 * seed, each the child of a `step-shared-trunk` job for its stream (one trunk per stream serves
 * every seed: step-bench's `trunkProfile`) unless that trunk's file (`trunkFile`) exists already
 * (so the streams' trunks pretrain side by side, once, before their models, and a model job loads
 * its trunk from the file without step's rendered frames).
 * Configurations hold this machine's folders: the jobs run here, not on a queue.
 */
export function cfadJobs(
  profile: CfadProfileName,
  models: ReadonlyArray<{ config: CfadBenchModel; seed: number }>,
  dirs: CfadDirs,
  trunkFile: (modality: CfadModality) => string,
  convolutions: Convolutions = DEFAULT_CONVOLUTIONS,
): QueueJob[] {
  return cfadJobGraph(profile, models, convolutions, { dirs, trunkFile });
}

/**
 * The models of a CFAD run as a job graph for the queue (`runOnQueue`): one `cfad-model` job per
 * model and seed, each the child of step-bench's `step-trunk` job of its stream — the
 * very job a `--paper step --queue` run queues, so a queue that ran STEP already hands its stored
 * trunk over. The configurations name no folder.
 */
export function cfadQueueJobs(
  profile: CfadProfileName,
  models: ReadonlyArray<{ config: CfadBenchModel; seed: number }>,
  convolutions: Convolutions = DEFAULT_CONVOLUTIONS,
): QueueJob[] {
  return cfadJobGraph(profile, models, convolutions);
}

/** {@link cfadJobs} (with `local`) and {@link cfadQueueJobs} (without). */
function cfadJobGraph(
  profile: CfadProfileName,
  models: ReadonlyArray<{ config: CfadBenchModel; seed: number }>,
  convolutions: Convolutions,
  local?: { dirs: CfadDirs; trunkFile: (modality: CfadModality) => string },
): QueueJob[] {
  const step = PROFILES[profile].step;
  const where = jobConvolutionsField(convolutions);
  const seeds = new Set(models.map((m) => m.seed)).size;
  const trunks = new Map<string, QueueJob>();
  const trunkJobs: QueueJob[] = [];
  const modelJobs: QueueJob[] = [];
  for (const { config, seed } of models) {
    const suffix = seeds > 1 ? ` seed ${seed}` : '';
    const key = config.modality;
    const file = local?.trunkFile(config.modality);
    let trunk = trunks.get(key);
    if (!trunk && !(file !== undefined && existsSync(file))) {
      const chain = sharedTrunkJobs(step, config.modality, {
        stepOutDir: local?.dirs.stepOutDir,
        convolutions,
      });
      trunk = chain[chain.length - 1];
      trunks.set(key, trunk);
      for (const job of chain) if (!trunkJobs.some((j) => j.id === job.id)) trunkJobs.push(job);
    }
    modelJobs.push(
      queueJob<CfadModelJobConfig>(
        'cfad-model',
        {
          profile,
          model: config,
          seed,
          ...(local && { trunk: file, outDir: local.dirs.outDir }),
          ...where,
        },
        {
          label: `${config.id}${suffix}`,
          parents: trunk ? [trunk.id] : [],
          environment: cfadEnvironment(profile, config),
        },
      ),
    );
  }
  // trunks first: a pool starts them before any model, beside the models that need none
  return [...trunkJobs, ...modelJobs];
}

/** The job kinds of CFAD for `runLocalPool`: kind → module exporting its `jobKind`. */
export const CFAD_JOB_KINDS: Record<string, string> = {
  'step-shared-trunk': STEP_JOB_KINDS['step-shared-trunk']!,
  'cfad-model': fileURLToPath(new URL('./model-job.ts', import.meta.url)),
};
