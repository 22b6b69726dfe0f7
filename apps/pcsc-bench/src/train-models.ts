import { type JobOutcome, type QueueJob, runLocalPool, runOnQueue } from '@tubekit/queue';
import { type MultiProgress, type ProgressEvent, setProgressSink } from '@tubekit/report';
import type { Convolutions } from '@tubekit/step-bench/convolutions';
import { type SynthBench, trunkPath } from '@tubekit/step-bench/train-models';
import type { BenchData } from './bench-data';
import { PCSC_JOB_KINDS, type PcscModelJobConfig, type PcscModelJobResult, pcscJobs } from './jobs';
import { modelLine, trainModelResults, writeModelResults } from './model-results';
import type { PcscProfile } from './profiles';
import type { PcscModel } from './train-detector';
import { disposeTrainingData, trainingDataOf } from './training-data';
import { benchStreamTrunks } from './trunks';

/**
 * The models by the time one takes (quick, one core: PCSC about 290 s with its actionness
 * classifiers and refined tubes, PCSC w/o feature cooperation 190 s, FPN 155 s).
 */
const LONGEST_FIRST: readonly PcscModel[] = ['pcsc', 'pcsc-no-fc', 'fpn'];

/** A model and seed without cached results, and where its results go. */
export interface PendingModel {
  model: PcscModel;
  seed: number;
  path: string;
}

/** Options of {@link trainModels}. */
export interface TrainModelsOptions {
  profile: PcscProfile;
  /** The rendered videos (this process's; worker processes render their own). */
  data: BenchData;
  /** PCSC's results folder; results are cached under `<outDir>/cache/<profile>`. */
  outDir: string;
  /**
   * step-bench's rendered data of the profile's step profile, in step-bench's results folder
   * `stepOutDir`, whose cache holds the pretrained trunks PCSC shares.
   */
  stepBench: SynthBench;
  stepOutDir: string;
  pending: PendingModel[];
  /** Child processes (tfjs-wasm trains on one thread: one per core trains that many at once). */
  workers: number;
  convolutions?: Convolutions;
  /** One bar per worker (`main` in this process) and the total. */
  ui: MultiProgress;
  /** Log lines of the models and of the worker processes. */
  log: (line: string) => void;
  /** Ends the worker processes when aborted (Ctrl-C). */
  signal?: AbortSignal;
  /**
   * Run the jobs on the BullMQ queue of this Redis (`redis://[:password@]host:port[/db]`) instead,
   * for `tubekit worker` processes on any machines ({@link pcscJobs} without local folders).
   */
  queue?: string;
}

/**
 * Trains every pending model and caches its results: on the queue when `queue` is set
 * (`runOnQueue`; each answered result is cached here), else in this process when `workers` ≤ 1
 * (or one model is left), the trunks (from step-bench's cache, pretrained there when missing)
 * and training frames loaded once for every model; else in a pool of `workers` child processes
 * (`runLocalPool` over {@link pcscJobs}: missing trunks first, the two streams side by side, then
 * the training maps in `workers` parts, one per worker, stored under the cache's `training-maps/`
 * and read by every model, then the models longest first) that write the same cache files. Each
 * worker process renders the videos once. A failed job fails the run once the others have ended, naming it;
 * finished models stay cached.
 */
export async function trainModels(options: TrainModelsOptions): Promise<void> {
  const { profile, data, ui, pending, log } = options;
  if (!options.queue && (options.workers <= 1 || pending.length <= 1)) {
    setProgressSink((e) => ui.update('main', e));
    try {
      const training = trainingDataOf(profile, data, await benchStreamTrunks(options.stepBench));
      try {
        for (const { model, seed, path } of pending) {
          const results = await trainModelResults(profile, data, seed, model, training, path, log);
          log(modelLine(results));
          ui.jobDone('main', `${model} seed ${seed}`);
        }
      } finally {
        disposeTrainingData(training);
      }
    } finally {
      setProgressSink(undefined);
    }
    return;
  }
  const pathOf = new Map(pending.map((m) => [`${m.seed} ${m.model}`, m.path]));
  // the pool takes the first ready job: longest first, so the workers end close together
  const models = [...pending].sort(
    (a, b) => LONGEST_FIRST.indexOf(a.model) - LONGEST_FIRST.indexOf(b.model) || a.seed - b.seed,
  );
  const failed: string[] = [];
  const handlers = {
    log,
    onProgress: (worker: string, job: QueueJob, event: ProgressEvent) =>
      ui.update(worker, { ...event, label: `${job.label}: ${event.label.trim()}` }),
    onOutcome: async (job: QueueJob, outcome: JobOutcome) => {
      if (!outcome.ok) failed.push(`${job.label}: ${outcome.error}`);
      else if (job.kind === 'pcsc-model') {
        const { model, seed } = job.config as PcscModelJobConfig;
        const { results, line } = outcome.result as PcscModelJobResult;
        // a queued job's results reach this machine's cache here (a local job wrote them already)
        await writeModelResults(pathOf.get(`${seed} ${model}`) as string, results);
        log(`[${outcome.worker}] ${line}`);
        ui.jobDone(outcome.worker, job.label);
      } else if (job.kind === 'pcsc-training-maps') {
        const { path, videos } = outcome.result as { path: string; videos: number };
        log(`[${outcome.worker}] ${job.label}: ${videos} videos' maps stored in ${path}`);
      }
    },
  };
  let jobs: QueueJob[];
  if (options.queue) {
    jobs = pcscJobs(profile.name, models, undefined, options.convolutions);
    await runOnQueue({ url: options.queue, jobs, ...handlers });
  } else {
    jobs = pcscJobs(
      profile.name,
      models,
      {
        outDir: options.outDir,
        stepOutDir: options.stepOutDir,
        trunkFile: (stream) => trunkPath(options.stepBench, stream),
        mapsParts: options.workers,
      },
      options.convolutions,
    );
    await runLocalPool({
      jobs,
      kinds: PCSC_JOB_KINDS,
      workers: options.workers,
      signal: options.signal,
      ...handlers,
    });
  }
  if (failed.length)
    throw new Error(
      `pcsc-bench: ${failed.length} of ${jobs.length} jobs failed (${failed[0]}); finished models stay cached, run again to resume`,
    );
}
