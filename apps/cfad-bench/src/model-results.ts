import { createHash } from 'node:crypto';
import { join } from 'node:path';
import type { Trunk } from '@tubekit/backbones';
import { writeFileAtomic } from '@tubekit/report';
import { readCachedResult } from '@tubekit/step-bench/cached-runs';
import { convolutionsCacheKey } from '@tubekit/step-bench/convolutions';
import { PROFILES as STEP_PROFILES } from '@tubekit/step-bench/profiles';
import type { VariantData } from './data';
import type { CfadProfile } from './profiles';
import { type CfadModelConfig, type CfadModelResult, runModel } from './run-model';

/**
 * The version of how a model is evaluated, part of every cached result's name: bumped when the
 * evaluation changes, so that older results are not read as new ones (2, 2026-12-06: the whole
 * video is a TPN proposal on trimmed data only, spec S3).
 */
const EVALUATION_VERSION = 2;

/**
 * `<cacheDir>/seed-<seed>/<model>.<hash>.json`: where a model's result is cached, named by a hash
 * of everything it depends on (profile, step data and trunk, configuration, seed, where the
 * convolutions run: `convolutionsCacheKey`, and {@link EVALUATION_VERSION}).
 */
export function modelResultPath(
  profile: CfadProfile,
  config: CfadModelConfig,
  seed: number,
  cacheDir: string,
): string {
  const step = STEP_PROFILES[profile.step];
  const key = createHash('sha256')
    .update(
      JSON.stringify([
        EVALUATION_VERSION,
        profile,
        step.synth,
        step.trunk,
        config,
        seed,
        ...convolutionsCacheKey(),
      ]),
    )
    .digest('hex')
    .slice(0, 12);
  return join(cacheDir, `seed-${seed}`, `${config.id}.${key}.json`);
}

/** The cached result at `path`, if any; an unreadable one is reported and treated as absent. */
export function readModelResult(
  path: string,
  log: (line: string) => void,
): CfadModelResult | undefined {
  return readCachedResult<CfadModelResult>('cfad-bench', path, log);
}

/**
 * Trains and evaluates one model on its stream's freshly loaded pretrained step trunk (`runModel`;
 * the trunk is disposed of afterwards) and caches its result at `path` ({@link writeModelResult}).
 */
export async function trainModelResult(
  profile: CfadProfile,
  trunk: Trunk,
  data: VariantData,
  config: CfadModelConfig,
  seed: number,
  path: string,
): Promise<CfadModelResult> {
  let result: CfadModelResult;
  try {
    result = await runModel(profile, data, trunk, config, seed);
  } finally {
    trunk.dispose();
  }
  await writeModelResult(path, result);
  return result;
}

/** Caches a model's result at `path` (atomically; non-finite numbers as `null`). */
export async function writeModelResult(path: string, result: CfadModelResult): Promise<void> {
  await writeFileAtomic(
    path,
    `${JSON.stringify(result, (_, v) => (typeof v === 'number' && !Number.isFinite(v) ? null : v))}\n`,
  );
}

/** `dynamic-k2: v-mAP@0.5 12.3 without refinement, 15.6 at σ=0.6` (seed 2: `dynamic-k2 seed 2: …`). */
export function modelLine(result: CfadModelResult, seeds: number): string {
  const at = (key: string) => result.refine[key]?.videoMap['0.5']?.toFixed(1) ?? '–';
  const refined = Object.keys(result.refine).filter((k) => k !== 'none');
  const middle = refined[Math.floor(refined.length / 2)];
  return `${result.id}${seeds > 1 ? ` seed ${result.seed}` : ''}: v-mAP@0.5 ${at('none')} without refinement${middle ? `, ${at(middle)} at ${middle}` : ''}`;
}
