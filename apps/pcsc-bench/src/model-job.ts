/**
 * The `pcsc-model` job kind (run by `runLocalPool` in a child process): trains and tests one model
 * and seed on the seed's cached trunks and writes its results into PCSC's cache, as the in-process
 * path does, so the report is made from the same files and a rerun resumes.
 */

import { join } from 'node:path';
import { initBackend } from '@tubekit/nn';
import type { JobKind } from '@tubekit/queue';
import { selectConvolutions } from '@tubekit/step-bench/convolutions';
import { jobBenchData, jobSeedData } from './job-data';
import type { PcscModelJobConfig, PcscModelJobResult } from './jobs';
import { modelLine, modelResultsPath, trainModelResults } from './model-results';
import { PROFILES } from './profiles';

export const jobKind: JobKind<PcscModelJobConfig, PcscModelJobResult> = {
  async run(config, context) {
    await initBackend({ log: () => undefined });
    await selectConvolutions(config.convolutions);
    const profile = PROFILES[config.profile];
    const cacheDir = join(config.outDir, 'cache', profile.name);
    const data = await jobBenchData(config.profile);
    const seedData = await jobSeedData(config.profile, config.seed, cacheDir, context.log);
    const path = modelResultsPath(profile, config.model, config.seed, cacheDir);
    const results = await trainModelResults(
      profile,
      data,
      config.seed,
      config.model,
      seedData,
      path,
      context.log,
    );
    return { path, line: modelLine(results) };
  },
};
