import { fileURLToPath } from 'node:url';
import { type QueueJob, queueJob } from '@tubekit/queue';
import type { Convolutions } from '@tubekit/step-bench/convolutions';
import type { PcscProfileName } from './profiles';
import type { PcscModel } from './train-detector';

/** Configuration of a `pcsc-trunk` job: pretraining one stream's trunk for one seed. */
export interface PcscTrunkJobConfig {
  profile: PcscProfileName;
  stream: 'rgb' | 'flow';
  seed: number;
  /** PCSC's results folder (`results/pcsc`) on this machine: trunks are cached below it. */
  outDir: string;
  /** Where the convolutions run (absent: `wasm`). */
  convolutions?: Convolutions;
}

/** Configuration of a `pcsc-model` job: training, testing and caching one model and seed. */
export interface PcscModelJobConfig {
  profile: PcscProfileName;
  model: PcscModel;
  seed: number;
  /** PCSC's results folder on this machine: the model's results are cached below it. */
  outDir: string;
  convolutions?: Convolutions;
}

/** Result of a `pcsc-model` job: where its results were cached, and its summary line. */
export interface PcscModelJobResult {
  path: string;
  line: string;
}

/**
 * The models of a PCSC run as a job graph for `runLocalPool`: one `pcsc-model` job per model and
 * seed, each the child of the seed's `pcsc-trunk` jobs (one per stream) whose trunk `trunkCached`
 * says is not pretrained yet, so the two streams pretrain side by side, once. Configurations hold
 * this machine's folder: the jobs run here, not on a queue.
 */
export function pcscJobs(
  profile: PcscProfileName,
  models: ReadonlyArray<{ model: PcscModel; seed: number }>,
  outDir: string,
  trunkCached: (stream: 'rgb' | 'flow', seed: number) => boolean,
  convolutions: Convolutions = 'wasm',
): Array<QueueJob<PcscTrunkJobConfig | PcscModelJobConfig>> {
  const where = convolutions === 'wasm' ? {} : { convolutions };
  const jobs: Array<QueueJob<PcscTrunkJobConfig | PcscModelJobConfig>> = [];
  const trunks = new Map<number, string[]>();
  for (const { model, seed } of models) {
    let parents = trunks.get(seed);
    if (!parents) {
      parents = [];
      for (const stream of ['rgb', 'flow'] as const)
        if (!trunkCached(stream, seed)) {
          const trunk = queueJob<PcscTrunkJobConfig>(
            'pcsc-trunk',
            { profile, stream, seed, outDir, ...where },
            { label: `${stream} trunk seed ${seed}` },
          );
          jobs.push(trunk);
          parents.push(trunk.id);
        }
      trunks.set(seed, parents);
    }
    jobs.push(
      queueJob<PcscModelJobConfig>(
        'pcsc-model',
        { profile, model, seed, outDir, ...where },
        { label: `${model} seed ${seed}`, parents },
      ),
    );
  }
  return jobs;
}

/** The job kinds of PCSC for `runLocalPool`: kind → module exporting its `jobKind`. */
export const PCSC_JOB_KINDS: Record<string, string> = {
  'pcsc-trunk': fileURLToPath(new URL('./trunk-job.ts', import.meta.url)),
  'pcsc-model': fileURLToPath(new URL('./model-job.ts', import.meta.url)),
};
