import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type QueueJob, queueJob } from '@tubekit/queue';
import {
  type Convolutions,
  DEFAULT_CONVOLUTIONS,
  jobConvolutionsField,
} from '@tubekit/step-bench/convolutions';
import { STEP_JOB_KINDS, sharedTrunkJobs } from '@tubekit/step-bench/jobs';
import { benchConfigs } from './bench-data';
import { type PcscProfileName, PROFILES } from './profiles';
import type { ModelResults } from './run-seed';
import type { PcscModel } from './train-detector';
import { trainingMapsFile } from './training-maps-parts';
// a module of constants and types only: this one stays light for `tubekit worker`
import { STREAMS, type Stream, type TrunkFiles } from './trunk-files';

/**
 * Configuration of a `pcsc-model` job: training, testing and caching one model and seed. A local
 * run's job names this machine's folder and the trunk files; a queued job names neither: it
 * fetches the trunks from its parent `step-trunk` jobs and works in the worker's folder.
 */
export interface PcscModelJobConfig {
  profile: PcscProfileName;
  model: PcscModel;
  seed: number;
  /** The pretrained step trunks (cached, or pretrained by the parent `step-shared-trunk` jobs). */
  trunks?: TrunkFiles;
  /** PCSC's results folder on this machine: the model's results are cached below it. */
  outDir?: string;
  /** Where the convolutions run (absent: `wasm`). */
  convolutions?: Convolutions;
  /**
   * The stored training maps, every part (`pcsc-training-maps` jobs of a local pool): read
   * instead of computed. Absent: the job computes them (once per worker process).
   */
  maps?: string[];
}

/**
 * Configuration of a `pcsc-training-maps` job (local pools only): the maps of the training
 * videos whose index is `part` modulo `parts`, stored at `path`.
 */
export interface PcscMapsJobConfig {
  profile: PcscProfileName;
  part: number;
  parts: number;
  trunks: TrunkFiles;
  path: string;
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

/** The folders and trunk files of a local PCSC run, as every job of it sees them. */
export interface PcscLocalRun {
  /** PCSC's results folder (`results/pcsc`): model results are cached below it. */
  outDir: string;
  /** step-bench's results folder, whose cache holds the rendered frames and pretrained trunks. */
  stepOutDir: string;
  /** A stream's step trunk file (`trunkPath` of step-bench); a missing one gets a job. */
  trunkFile: (stream: Stream) => string;
  /**
   * Split the training maps into this many parts, each a `pcsc-training-maps` job whose file
   * every model reads (a pool's workers: each computes one part at once). A part already stored
   * gets no job. Absent: every worker process computes all the maps itself.
   */
  mapsParts?: number;
}

/**
 * The models of a PCSC run as a job graph: one `pcsc-model` job per model and seed, each the
 * child of the step profile's trunk jobs, one per stream (`sharedTrunkJobs` of step-bench: the
 * two streams pretrain side by side, once, into step-bench's cache, which STEP and CFAD share;
 * every PCSC seed starts from them, as every run of the paper starts from one
 * Kinetics-pretrained I3D). A local run (`runLocalPool`) passes its folders and trunk files
 * (`local`: a trunk already cached gets no job); a queued run (`runOnQueue`) passes none, and
 * every trunk is step-bench's own `step-trunk` job, whose stored file its models fetch.
 */
export function pcscJobs(
  profile: PcscProfileName,
  models: ReadonlyArray<{ model: PcscModel; seed: number }>,
  local: PcscLocalRun | undefined,
  convolutions: Convolutions = DEFAULT_CONVOLUTIONS,
): QueueJob[] {
  const step = PROFILES[profile].step;
  const environment = pcscEnvironment(profile);
  const files = local && { rgb: local.trunkFile('rgb'), flow: local.trunkFile('flow') };
  const chains = STREAMS.filter((stream) => !(files && existsSync(files[stream]))).map((stream) =>
    sharedTrunkJobs(step, stream, { stepOutDir: local?.stepOutDir, convolutions }),
  );
  const trunks = chains.flat().filter((j, i, all) => all.findIndex((k) => k.id === j.id) === i);
  const trunkParents = chains.map((chain) => chain[chain.length - 1].id);
  // a local pool's training maps: one part per worker, stored once, read by every model
  const mapsParts = local?.mapsParts ?? 0;
  const maps =
    local && files
      ? Array.from({ length: mapsParts }, (_, part) => {
          const cacheDir = join(local.outDir, 'cache', profile);
          const where = { part, parts: mapsParts };
          const path = trainingMapsFile(PROFILES[profile], files, where, cacheDir, convolutions);
          const config: PcscMapsJobConfig = {
            profile,
            ...where,
            trunks: files,
            path,
            ...jobConvolutionsField(convolutions),
          };
          return { path, config };
        })
      : [];
  const mapsJobs = maps
    .filter(({ path }) => !existsSync(path))
    .map(({ config }) =>
      queueJob<PcscMapsJobConfig>('pcsc-training-maps', config, {
        label: `training maps ${config.part + 1}/${mapsParts}`,
        parents: trunkParents,
        environment,
      }),
    );
  const parents = [...trunkParents, ...mapsJobs.map((j) => j.id)];
  return [
    ...trunks,
    ...mapsJobs,
    ...models.map(({ model, seed }) =>
      queueJob<PcscModelJobConfig>(
        'pcsc-model',
        {
          profile,
          model,
          seed,
          ...(local && { trunks: files, outDir: local.outDir }),
          ...(maps.length > 0 && { maps: maps.map((m) => m.path) }),
          ...jobConvolutionsField(convolutions),
        },
        { label: `${model} seed ${seed}`, parents, environment },
      ),
    ),
  ];
}

/** The job kinds of PCSC for `runLocalPool` and `tubekit worker`: kind → module exporting its `jobKind`. */
export const PCSC_JOB_KINDS: Record<string, string> = {
  'step-shared-trunk': STEP_JOB_KINDS['step-shared-trunk']!,
  'pcsc-model': fileURLToPath(new URL('./model-job.ts', import.meta.url)),
  'pcsc-training-maps': fileURLToPath(new URL('./maps-job.ts', import.meta.url)),
};
