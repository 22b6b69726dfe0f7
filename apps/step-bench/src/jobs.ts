import { fileURLToPath } from 'node:url';
import { type QueueJob, queueJob } from '@tubekit/queue';
import { type StepModality, type StepModelConfig, stepModels } from './configurations';
import { type Convolutions, DEFAULT_CONVOLUTIONS, jobConvolutionsField } from './convolutions';
import { type StepProfile, seedProfile, synthConfigOf } from './profiles';

/** Configuration of a `step-trunk` job: pretraining one stream's trunk for one seed. */
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
 * The STEP run of a profile as a job graph: per seed, one `step-trunk` job per stream the models
 * use (the pretrained trunk every model of that stream starts from) and one `step-model` job per
 * configuration, whose parent is its stream's trunk job. Configurations hold the seed's profile
 * (`seedProfile`), so ids differ per seed. `--workers n` runs them in child processes here
 * (`runLocalPool`), `--queue` on BullMQ (`runOnQueue`): `trainStepJobs`.
 */
export function stepJobs(
  profile: StepProfile,
  models: readonly StepModelConfig[] = stepModels(profile.baseStream),
  convolutions: Convolutions = DEFAULT_CONVOLUTIONS,
): Array<QueueJob<TrunkJobConfig | ModelJobConfig>> {
  const environment = stepEnvironment(profile);
  const where = jobConvolutionsField(convolutions);
  const seeds = profile.seeds.length;
  const jobs: Array<QueueJob<TrunkJobConfig | ModelJobConfig>> = [];
  for (const seed of profile.seeds) {
    const seeded = seedProfile(profile, seed);
    const suffix = seeds > 1 ? ` seed ${seed}` : '';
    const trunks = new Map<StepModality, QueueJob<TrunkJobConfig>>();
    for (const model of models) {
      let trunk = trunks.get(model.modality);
      if (!trunk) {
        trunk = queueJob<TrunkJobConfig>(
          'step-trunk',
          { profile: seeded, modality: model.modality, ...where },
          { label: `${model.modality} trunk${suffix}`, environment },
        );
        trunks.set(model.modality, trunk);
        jobs.push(trunk);
      }
      jobs.push(
        queueJob<ModelJobConfig>(
          'step-model',
          { profile: seeded, model, ...where },
          { label: `${model.id}${suffix}`, parents: [trunk.id], environment },
        ),
      );
    }
  }
  return jobs;
}

/** The job kinds of STEP for `runQueueWorker`: kind → module exporting its `jobKind`. */
export const STEP_JOB_KINDS: Record<string, string> = {
  'step-trunk': fileURLToPath(new URL('./trunk-job.ts', import.meta.url)),
  'step-model': fileURLToPath(new URL('./model-job.ts', import.meta.url)),
};
