import { fileURLToPath } from 'node:url';
import { type BlobRef, type QueueJob, queueJob } from '@tubekit/queue';
import {
  type Convolutions,
  DEFAULT_CONVOLUTIONS,
  jobConvolutionsField,
} from '@tubekit/step-bench/convolutions';
import { benchConfigs } from './bench-data';
import { type PcscProfileName, PROFILES } from './profiles';
import type { ModelResults } from './run-seed';
import type { PcscModel } from './train-detector';

/**
 * Configuration of a `pcsc-trunk` job: pretraining one stream's trunk for one seed. A local run's
 * job names this machine's folder; a queued job names none: it works in the worker's folder and
 * stores the trunk for its models.
 */
export interface PcscTrunkJobConfig {
  profile: PcscProfileName;
  stream: 'rgb' | 'flow';
  seed: number;
  /** PCSC's results folder (`results/pcsc`) on this machine: trunks are cached below it. */
  outDir?: string;
  /** Where the convolutions run (absent: `wasm`). */
  convolutions?: Convolutions;
}

/** Result of a `pcsc-trunk` job: its stream, and on a queue the stored trunk. */
export interface PcscTrunkJobResult {
  stream: 'rgb' | 'flow';
  trunk?: BlobRef;
}

/**
 * Configuration of a `pcsc-model` job: training, testing and caching one model and seed (a queued
 * job names no folder: it fetches its seed's trunks from its parent `pcsc-trunk` jobs).
 */
export interface PcscModelJobConfig {
  profile: PcscProfileName;
  model: PcscModel;
  seed: number;
  /** PCSC's results folder on this machine: the model's results are cached below it. */
  outDir?: string;
  convolutions?: Convolutions;
}

/** Result of a `pcsc-model` job: the model's results and its summary line. */
export interface PcscModelJobResult {
  results: ModelResults;
  line: string;
}

/**
 * What this code makes of a job's data: the SynthTubes configurations of the bench's variants. A
 * worker whose code renders other videos from the same profile is refused.
 */
export function pcscEnvironment(profile: PcscProfileName): Record<string, unknown> {
  return { dataset: benchConfigs(PROFILES[profile]) };
}

/**
 * The models of a PCSC run as a job graph: one `pcsc-model` job per model and seed, each the child
 * of its seed's `pcsc-trunk` jobs (one per stream, so the two streams pretrain side by side, once).
 * A local run (`runLocalPool`) passes this machine's `outDir` and which trunks are cached already
 * (those get no job); a queued run (`runOnQueue`) passes neither, and every trunk is a job whose
 * stored file its models fetch.
 */
export function pcscJobs(
  profile: PcscProfileName,
  models: ReadonlyArray<{ model: PcscModel; seed: number }>,
  local:
    | { outDir: string; trunkCached: (stream: 'rgb' | 'flow', seed: number) => boolean }
    | undefined,
  convolutions: Convolutions = DEFAULT_CONVOLUTIONS,
): Array<QueueJob<PcscTrunkJobConfig | PcscModelJobConfig>> {
  const where = {
    ...(local && { outDir: local.outDir }),
    ...jobConvolutionsField(convolutions),
  };
  const environment = pcscEnvironment(profile);
  const jobs: Array<QueueJob<PcscTrunkJobConfig | PcscModelJobConfig>> = [];
  const trunks = new Map<number, string[]>();
  for (const { model, seed } of models) {
    let parents = trunks.get(seed);
    if (!parents) {
      parents = [];
      for (const stream of ['rgb', 'flow'] as const)
        if (!local?.trunkCached(stream, seed)) {
          const trunk = queueJob<PcscTrunkJobConfig>(
            'pcsc-trunk',
            { profile, stream, seed, ...where },
            { label: `${stream} trunk seed ${seed}`, environment },
          );
          jobs.push(trunk);
          parents.push(trunk.id);
        }
      trunks.set(seed, parents);
    }
    jobs.push(
      queueJob<PcscModelJobConfig>(
        'pcsc-model',
        { profile, model, seed, ...where },
        { label: `${model} seed ${seed}`, parents, environment },
      ),
    );
  }
  return jobs;
}

/** The job kinds of PCSC for `runLocalPool` and `tubekit worker`: kind → module exporting its `jobKind`. */
export const PCSC_JOB_KINDS: Record<string, string> = {
  'pcsc-trunk': fileURLToPath(new URL('./trunk-job.ts', import.meta.url)),
  'pcsc-model': fileURLToPath(new URL('./model-job.ts', import.meta.url)),
};
