/**
 * The `cfad-model` job kind (run by `runLocalPool` in a child process): trains and evaluates one
 * model and seed on its stream's cached step trunk (read from its file: the process needs no step
 * frames) and writes its result into CFAD's cache, as the
 * in-process path does, so the report is made from the same files and a rerun resumes.
 */

import { join } from 'node:path';
import { initBackend } from '@tubekit/nn';
import type { JobKind } from '@tubekit/queue';
import { selectConvolutions } from '@tubekit/step-bench/convolutions';
import { jobVariant } from './job-data';
import type { CfadModelJobConfig, CfadModelJobResult } from './jobs';
import { cachedTrunk, modelLine, modelResultPath, trainModelResult } from './model-results';
import { PROFILES } from './profiles';

export const jobKind: JobKind<CfadModelJobConfig, CfadModelJobResult> = {
  async run(config) {
    await initBackend({ log: () => undefined });
    await selectConvolutions(config.convolutions);
    const profile = PROFILES[config.profile];
    const cacheDir = join(config.outDir, 'cache', profile.name);
    const data = await jobVariant(config.profile, config.model.variant, cacheDir);
    const path = modelResultPath(profile, config.model, config.seed, cacheDir);
    const trunk = await cachedTrunk(profile, config.model.modality, config.seed, config.trunk);
    const result = await trainModelResult(profile, trunk, data, config.model, config.seed, path);
    return { path, line: modelLine(result, profile.seeds.length) };
  },
};
