import { fileURLToPath } from 'node:url';
import { type JobContext, type QueueJob, queueJob } from '@tubekit/queue';
import { type StepModality, type StepModelConfig, stepModels } from './configurations';
import { type Convolutions, DEFAULT_CONVOLUTIONS, jobConvolutionsField } from './convolutions';
import {
  PROFILES,
  type StepProfile,
  type StepProfileName,
  seedProfile,
  synthConfigOf,
  trunkProfile,
  trunkWarmStart,
} from './profiles';
// a type only: this module stays light for `tubekit worker`, which loads the job kinds' map
import type { TrunkJobResult } from './trunk-job';

/** Configuration of a `step-trunk` job: pretraining one stream's trunk (`trunkProfile`). */
export interface TrunkJobConfig {
  profile: StepProfile;
  modality: StepModality;
  /** Where the worker runs the convolutions (absent: `wasm`). */
  convolutions?: Convolutions;
}

/** Configuration of a `step-model` job: training and testing one configuration for one seed. */
export interface ModelJobConfig {
  profile: StepProfile;
  model: StepModelConfig;
  /** Where the worker runs the convolutions (absent: `wasm`). */
  convolutions?: Convolutions;
}

/**
 * What this code makes of a profile's data: the SynthTubes configuration its preset names. A
 * worker whose code renders other data from the same profile is refused.
 */
export function stepEnvironment(profile: StepProfile): Record<string, unknown> {
  return { dataset: synthConfigOf(profile) };
}

/**
 * The STEP run of a profile as a job graph: one `step-trunk` job per stream the models use (the
 * pretrained trunk every model of that stream and every seed starts from, `trunkProfile`) and per
 * seed one `step-model` job per configuration, whose parent is its stream's trunk job.
 * Configurations hold the seed's profile (`seedProfile`), so ids differ per seed. `--workers n`
 * runs them in child processes here (`runLocalPool`), `--queue` on BullMQ (`runOnQueue`):
 * `trainStepJobs`.
 */
export function stepJobs(
  profile: StepProfile,
  models: readonly StepModelConfig[] = stepModels(profile.baseStream),
  convolutions: Convolutions = DEFAULT_CONVOLUTIONS,
): Array<QueueJob<TrunkJobConfig | ModelJobConfig>> {
  const environment = stepEnvironment(profile);
  const where = jobConvolutionsField(convolutions);
  const seeds = profile.seeds.length;
  const trunks = new Map<StepModality, QueueJob<TrunkJobConfig>>();
  for (const model of models)
    for (const job of stepTrunkJobs(profile, model.modality, convolutions))
      if (!trunks.has(job.config.modality)) trunks.set(job.config.modality, job);
  const jobs: Array<QueueJob<TrunkJobConfig | ModelJobConfig>> = [...trunks.values()];
  for (const seed of profile.seeds) {
    const seeded = seedProfile(profile, seed);
    const suffix = seeds > 1 ? ` seed ${seed}` : '';
    for (const model of models)
      jobs.push(
        queueJob<ModelJobConfig>(
          'step-model',
          { profile: seeded, model, ...where },
          {
            label: `${model.id}${suffix}`,
            parents: [(trunks.get(model.modality) as QueueJob<TrunkJobConfig>).id],
            environment,
          },
        ),
      );
  }
  return jobs;
}

/**
 * `jobs` with every job of `all` that they need, their parents' parents included (the flow trunk
 * that an RGB ⊕ flow trunk starts from), those first in `all`'s order: the graph of a run of some
 * of `all`'s jobs.
 */
export function withAncestors<J extends QueueJob>(all: readonly J[], jobs: readonly J[]): J[] {
  const byId = new Map(all.map((j) => [j.id, j]));
  const own = new Set(jobs.map((j) => j.id));
  const needed = new Set<string>();
  const need = (id: string) => {
    if (needed.has(id)) return;
    needed.add(id);
    for (const p of byId.get(id)?.parents ?? []) need(p);
  };
  for (const job of jobs) for (const p of job.parents) need(p);
  return [...all.filter((j) => needed.has(j.id) && !own.has(j.id)), ...jobs];
}

/**
 * The `step-trunk` job of a stream: its configuration holds `trunkProfile(profile)`, so every
 * seed's profile (and every bench on the step profile) names the same job. The RGB ⊕ flow
 * trunk's job is a child of the flow trunk's when it starts from it (`pretrain.earlyFromFlow`):
 * {@link stepTrunkJobs} gives both.
 */
export function stepTrunkJob(
  profile: StepProfile,
  modality: StepModality,
  label: string,
  convolutions: Convolutions = DEFAULT_CONVOLUTIONS,
): QueueJob<TrunkJobConfig> {
  const trunk = trunkProfile(profile);
  const from = trunkWarmStart(trunk, modality)?.from;
  return queueJob<TrunkJobConfig>(
    'step-trunk',
    { profile: trunk, modality, ...jobConvolutionsField(convolutions) },
    {
      label,
      parents: from ? [stepTrunkJob(profile, from, `${from} trunk`, convolutions).id] : [],
      environment: stepEnvironment(trunk),
    },
  );
}

/**
 * The `step-trunk` jobs a stream's trunk needs, parents first, the stream's own last: the flow
 * trunk's job before the RGB ⊕ flow trunk's when that starts from it, otherwise only
 * {@link stepTrunkJob}.
 */
export function stepTrunkJobs(
  profile: StepProfile,
  modality: StepModality,
  convolutions: Convolutions = DEFAULT_CONVOLUTIONS,
): Array<QueueJob<TrunkJobConfig>> {
  const from = trunkWarmStart(profile, modality)?.from;
  return [
    ...(from ? stepTrunkJobs(profile, from, convolutions) : []),
    stepTrunkJob(profile, modality, `${modality} trunk`, convolutions),
  ];
}

/**
 * Configuration of a `step-shared-trunk` job: pretraining one stream's trunk of a step profile
 * into the cache of a STEP results folder on this machine, where the models of another bench
 * (CFAD's, PCSC's) load it.
 */
export interface SharedTrunkJobConfig {
  profile: StepProfileName;
  modality: StepModality;
  /** step-bench's results folder on this machine (its cache holds the rendered frames and trunks). */
  stepOutDir: string;
  /** Where the convolutions run (absent: `wasm`). */
  convolutions?: Convolutions;
}

/**
 * The jobs that another bench's models of a stream wait on for their pretrained step trunk (one
 * per stream, shared by every seed: `trunkProfile`), parents first; the models' parent is the
 * last. A local run (`stepOutDir` given) gets one `step-shared-trunk` job that pretrains it into
 * that folder's cache, where the models read the file (a trunk that starts from another stream's
 * pretrains that one there first); a queued run gets step-bench's own `step-trunk` jobs
 * ({@link stepTrunkJobs}), the very jobs a `--paper step --queue` run queues, so a queue that ran
 * STEP hands its stored trunk over ({@link fetchSharedTrunk}).
 */
export function sharedTrunkJobs(
  profile: StepProfileName,
  modality: StepModality,
  options: { stepOutDir?: string; convolutions?: Convolutions },
): Array<QueueJob<SharedTrunkJobConfig | TrunkJobConfig>> {
  const convolutions = options.convolutions ?? DEFAULT_CONVOLUTIONS;
  if (options.stepOutDir === undefined)
    return stepTrunkJobs(PROFILES[profile], modality, convolutions);
  return [
    queueJob<SharedTrunkJobConfig>(
      'step-shared-trunk',
      {
        profile,
        modality,
        stepOutDir: options.stepOutDir,
        ...jobConvolutionsField(convolutions),
      },
      { label: `${modality} trunk` },
    ),
  ];
}

/**
 * In a queued model job of another bench: fetches the trunk that its parent `step-trunk` job
 * ({@link sharedTrunkJobs} without a folder) stored into `path` and returns `path`; throws naming
 * the job when that parent's result is missing.
 */
export async function fetchSharedTrunk(
  context: JobContext,
  profile: StepProfileName,
  modality: StepModality,
  convolutions: Convolutions,
  path: string,
): Promise<string> {
  const { id } = stepTrunkJob(PROFILES[profile], modality, '', convolutions);
  const parent = context.parents[id] as TrunkJobResult | undefined;
  if (!parent?.trunk)
    throw new Error(`${context.label}: the result of its ${modality} trunk job (${id}) is missing`);
  await context.get(parent.trunk, path);
  return path;
}

/** The job kinds of STEP for `runQueueWorker` and `runLocalPool`: kind → module exporting its `jobKind`. */
export const STEP_JOB_KINDS: Record<string, string> = {
  'step-trunk': fileURLToPath(new URL('./trunk-job.ts', import.meta.url)),
  'step-model': fileURLToPath(new URL('./model-job.ts', import.meta.url)),
  'step-shared-trunk': fileURLToPath(new URL('./shared-trunk-job.ts', import.meta.url)),
};
