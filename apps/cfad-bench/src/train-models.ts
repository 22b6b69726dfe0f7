import { type JobOutcome, type QueueJob, runLocalPool, runOnQueue } from '@tubekit/queue';
import { type MultiProgress, type ProgressEvent, setProgressSink } from '@tubekit/report';
import type { Convolutions } from '@tubekit/step-bench/convolutions';
import { loadTrunk, type SynthBench, trunkPath } from '@tubekit/step-bench/train-models';
import type { CfadVariant, VariantData } from './data';
import {
  CFAD_JOB_KINDS,
  type CfadDirs,
  type CfadModelJobConfig,
  type CfadModelJobResult,
  cfadJobs,
  cfadQueueJobs,
} from './jobs';
import { modelLine, trainModelResult, writeModelResult } from './model-results';
import type { CfadProfile } from './profiles';
import type { CfadBenchModel } from './results';

/** A model and seed without a cached result, and where its result goes. */
export interface PendingModel {
  config: CfadBenchModel;
  seed: number;
  path: string;
}

/** Options of {@link trainModels}. */
export interface TrainModelsOptions extends CfadDirs {
  profile: CfadProfile;
  /** The step profile's rendered data (its cache holds the trunks). */
  bench: SynthBench;
  data: Map<CfadVariant, VariantData>;
  pending: PendingModel[];
  /** Child processes (tfjs-wasm trains on one thread: one per core trains that many at once). */
  workers: number;
  convolutions?: Convolutions;
  /** One bar per worker (`main` in this process) and the total. */
  ui: MultiProgress;
  /** Ends the worker processes when aborted (Ctrl-C). */
  signal?: AbortSignal;
  /**
   * Run the jobs on the BullMQ queue of this Redis (`redis://[:password@]host:port[/db]`) instead,
   * for `tubekit worker` processes on any machines ({@link cfadQueueJobs}).
   */
  queue?: string;
}

/**
 * Trains every pending model and caches its result: on the queue when `queue` is set
 * (`runOnQueue` over {@link cfadQueueJobs}; each answered result is cached here), else in this
 * process when `workers` ≤ 1 (or one model is left), else in a pool of `workers` child processes
 * (`runLocalPool` over {@link cfadJobs}: missing step trunks first, each stream's once) that write
 * the same cache files. A failed job fails the run once the others have ended, naming it;
 * finished models stay cached.
 */
export async function trainModels(options: TrainModelsOptions): Promise<void> {
  const { profile, bench, ui, pending } = options;
  const seeds = profile.seeds.length;
  if (!options.queue && (options.workers <= 1 || pending.length <= 1)) {
    setProgressSink((e) => ui.update('main', e));
    try {
      for (const { config, seed, path } of pending) {
        const data = options.data.get(config.variant) as VariantData;
        const trunk = await loadTrunk(bench, config.modality);
        const result = await trainModelResult(profile, trunk, data, config, seed, path);
        ui.log(modelLine(result, seeds));
        ui.jobDone('main', `${config.id}${seeds > 1 ? ` seed ${seed}` : ''}`);
      }
    } finally {
      setProgressSink(undefined);
    }
    return;
  }
  const pathOf = new Map(pending.map((m) => [`${m.seed} ${m.config.id}`, m.path]));
  const failed: string[] = [];
  const handlers = {
    log: (line: string) => ui.log(line),
    onProgress: (worker: string, job: QueueJob, event: ProgressEvent) =>
      ui.update(worker, { ...event, label: `${job.label}: ${event.label.trim()}` }),
    onOutcome: async (job: QueueJob, outcome: JobOutcome) => {
      if (!outcome.ok) failed.push(`${job.label}: ${outcome.error}`);
      else if (job.kind === 'cfad-model') {
        const { model, seed } = job.config as CfadModelJobConfig;
        const { result, line } = outcome.result as CfadModelJobResult;
        // a queued job's result reaches this machine's cache here (a local job wrote it already)
        await writeModelResult(pathOf.get(`${seed} ${model.id}`) as string, result);
        ui.log(`[${outcome.worker}] ${line}`);
        ui.jobDone(outcome.worker, job.label);
      }
    },
  };
  let jobs: QueueJob[];
  if (options.queue) {
    jobs = cfadQueueJobs(profile.name, pending, options.convolutions);
    await runOnQueue({ url: options.queue, jobs, ...handlers });
  } else {
    jobs = cfadJobs(
      profile.name,
      pending,
      { outDir: options.outDir, stepOutDir: options.stepOutDir },
      (modality) => trunkPath(bench, modality),
      options.convolutions,
    );
    await runLocalPool({
      jobs,
      kinds: CFAD_JOB_KINDS,
      workers: options.workers,
      signal: options.signal,
      ...handlers,
    });
  }
  if (failed.length)
    throw new Error(
      `cfad-bench: ${failed.length} of ${jobs.length} jobs failed (${failed[0]}); finished models stay cached, run again to resume`,
    );
}
