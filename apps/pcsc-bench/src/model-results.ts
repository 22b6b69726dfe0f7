import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { writeFileAtomic } from '@tubekit/report';
import { readCachedResult } from '@tubekit/step-bench/cached-runs';
import { convolutionsCacheKey } from '@tubekit/step-bench/convolutions';
import type { BenchData } from './bench-data';
import { type PcscProfile, stepProfileOf } from './profiles';
import { type ModelResults, runModel } from './run-seed';
import { ACTIONNESS_VIDEO_CHOICE } from './train-actionness';
import type { PcscModel } from './train-detector';
import type { TrainingData } from './training-data';

/**
 * `<cacheDir>/seed-<seed>/<model>.<hash>.json`: where a model's results are cached, named by a
 * hash of the profile, the step profile whose data and trunks it shares, model, seed, where
 * the convolutions run (`convolutionsCacheKey`) and, for PCSC, how its actionness classifiers
 * choose their videos ({@link ACTIONNESS_VIDEO_CHOICE}).
 */
export function modelResultsPath(
  profile: PcscProfile,
  model: PcscModel,
  seed: number,
  cacheDir: string,
): string {
  const key = createHash('sha256')
    .update(
      JSON.stringify([
        profile,
        stepProfileOf(profile),
        model,
        seed,
        ...convolutionsCacheKey(),
        ...(model === 'pcsc' ? [ACTIONNESS_VIDEO_CHOICE] : []),
      ]),
    )
    .digest('hex')
    .slice(0, 12);
  return join(cacheDir, `seed-${seed}`, `${model}.${key}.json`);
}

/**
 * The cached results at `path`, if any (JSON's `null`s read back as the NaNs they were written
 * from); an unreadable file is reported and treated as absent.
 */
export function readModelResults(
  path: string,
  log: (line: string) => void,
): ModelResults | undefined {
  return readCachedResult<ModelResults>('pcsc-bench', path, log, (_, v) =>
    v === null ? Number.NaN : v,
  );
}

/** Trains and tests one model (`runModel`) and caches its results at `path` (atomically). */
export async function trainModelResults(
  profile: PcscProfile,
  data: BenchData,
  seed: number,
  model: PcscModel,
  training: TrainingData,
  path: string,
  log: (line: string) => void,
): Promise<ModelResults> {
  const results = runModel(profile, data, seed, model, training.trunks, training.frames, log);
  await writeModelResults(path, results);
  return results;
}

/** Caches a model's results at `path` (atomically; NaNs as `null`, read back by {@link readModelResults}). */
export async function writeModelResults(path: string, results: ModelResults): Promise<void> {
  await writeFileAtomic(path, `${JSON.stringify(results)}\n`);
}

/** `pcsc seed 1: frame-mAP@0.5 12.3, video-mAP@0.5 4.5`. */
export function modelLine(results: ModelResults): string {
  const f = (v: number | undefined) =>
    v === undefined || !Number.isFinite(v) ? '–' : v.toFixed(1);
  return `${results.model} seed ${results.seed}: frame-mAP@0.5 ${f(results.frame['0.5'])}, video-mAP@0.5 ${f(results.video[results.model]?.['0.5'])}`;
}
