/**
 * The `pcsc-model` job kind, run in a child process per job by `runLocalPool` or by `tubekit
 * worker` on a queue: trains and tests one model and seed on the seed's trunks and caches its
 * results. A local job writes into PCSC's cache, as the in-process path does, so the report is
 * made from the same files and a rerun resumes; a queued job fetches the trunks its parent
 * `pcsc-trunk` jobs stored, works in the worker's folder, and the coordinator caches the results
 * it answers.
 */

import { join } from 'node:path';
import { initBackend } from '@tubekit/nn';
import type { JobKind } from '@tubekit/queue';
import { jobConvolutions, selectConvolutions } from '@tubekit/step-bench/convolutions';
import { jobBenchData, jobSeedData } from './job-data';
import {
  type PcscModelJobConfig,
  type PcscModelJobResult,
  type PcscTrunkJobResult,
  pcscEnvironment,
} from './jobs';
import { modelLine, modelResultsPath, trainModelResults } from './model-results';
import { PROFILES } from './profiles';
import { trunkPath } from './trunks';

export const jobKind: JobKind<PcscModelJobConfig, PcscModelJobResult> = {
  environment: (config) => pcscEnvironment(config.profile),
  async run(config, context) {
    await initBackend({ log: () => undefined });
    await selectConvolutions(jobConvolutions(config));
    const { model, seed } = config;
    const profile = PROFILES[config.profile];
    const cacheDir = join(config.outDir ?? join(context.workDir, 'pcsc'), 'cache', profile.name);
    if (config.outDir === undefined)
      for (const parent of Object.values(context.parents) as PcscTrunkJobResult[]) {
        if (!parent?.trunk) throw new Error(`${context.label}: a trunk job's result is missing`);
        await context.get(parent.trunk, trunkPath(parent.stream, seed, cacheDir));
      }
    const data = await jobBenchData(config.profile);
    const seedData = await jobSeedData(config.profile, seed, cacheDir, context.log);
    const path = modelResultsPath(profile, model, seed, cacheDir);
    const results = await trainModelResults(
      profile,
      data,
      seed,
      model,
      seedData,
      path,
      context.log,
    );
    return { results, line: modelLine(results) };
  },
};
