import { runLocalPool } from '@tubekit/queue';
import { type MultiProgress, setProgressSink } from '@tubekit/report';
import type { Convolutions } from '@tubekit/step-bench/convolutions';
import { loadTrunk, type SynthBench, trunkPath } from '@tubekit/step-bench/train-models';
import type { CfadVariant, VariantData } from './data';
import { CFAD_JOB_KINDS, type CfadDirs, type CfadModelJobResult, cfadJobs } from './jobs';
import { modelLine, trainModelResult } from './model-results';
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
}

/**
 * Trains every pending model and caches its result: in this process when `workers` ≤ 1 (or one
 * model is left), else in a pool of `workers` child processes (`runLocalPool` over
 * {@link cfadJobs}: missing step trunks first, each stream's once) that write the same cache files.
 * A failed job fails the run once the others have ended, naming it; finished models stay cached.
 */
export async function trainModels(options: TrainModelsOptions): Promise<void> {
  const { profile, bench, ui, pending } = options;
  const seeds = profile.seeds.length;
  if (options.workers <= 1 || pending.length <= 1) {
    setProgressSink((e) => ui.update('main', e));
    try {
      for (const { config, seed, path } of pending) {
        const data = options.data.get(config.variant) as VariantData;
        const trunk = await loadTrunk(bench, config.modality, seed);
        const result = await trainModelResult(profile, trunk, data, config, seed, path);
        ui.log(modelLine(result, seeds));
        ui.jobDone('main', `${config.id}${seeds > 1 ? ` seed ${seed}` : ''}`);
      }
    } finally {
      setProgressSink(undefined);
    }
    return;
  }
  const jobs = cfadJobs(
    profile.name,
    pending,
    { outDir: options.outDir, stepOutDir: options.stepOutDir },
    (modality, seed) => trunkPath(bench, modality, seed),
    options.convolutions,
  );
  const failed: string[] = [];
  await runLocalPool({
    jobs,
    kinds: CFAD_JOB_KINDS,
    workers: options.workers,
    signal: options.signal,
    log: (line) => ui.log(line),
    onProgress: (worker, job, event) =>
      ui.update(worker, { ...event, label: `${job.label}: ${event.label.trim()}` }),
    onOutcome: (job, outcome) => {
      if (!outcome.ok) failed.push(`${job.label}: ${outcome.error}`);
      else if (job.kind === 'cfad-model') {
        ui.log(`[${outcome.worker}] ${(outcome.result as CfadModelJobResult).line}`);
        ui.jobDone(outcome.worker, job.label);
      }
    },
  });
  if (failed.length)
    throw new Error(
      `cfad-bench: ${failed.length} of ${jobs.length} jobs failed (${failed[0]}); finished models stay cached, run again to resume`,
    );
}
