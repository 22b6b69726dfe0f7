/**
 * The `pcsc-model` job kind, run in a child process per job by `runLocalPool` or by `tubekit
 * worker` on a queue: trains and tests one model and seed on the pretrained step trunks
 * and caches its results. A local job reads the trunk files its configuration names and writes
 * into PCSC's cache, as the in-process path does, so the report is made from the same files and a
 * rerun resumes; a queued job fetches the trunks its parent `step-trunk` jobs stored, works in the
 * worker's folder, and the coordinator caches the results it answers.
 */

import { join } from 'node:path';
import { initBackend } from '@tubekit/nn';
import type { JobKind } from '@tubekit/queue';
import { jobConvolutions, selectConvolutions } from '@tubekit/step-bench/convolutions';
import { fetchSharedTrunk } from '@tubekit/step-bench/jobs';
import { jobBenchData, jobTrainingData } from './job-data';
import { type PcscModelJobConfig, type PcscModelJobResult, pcscEnvironment } from './jobs';
import { modelLine, modelResultsPath, trainModelResults } from './model-results';
import { PROFILES } from './profiles';
import { STREAMS, type TrunkFiles } from './trunk-files';

export const jobKind: JobKind<PcscModelJobConfig, PcscModelJobResult> = {
  environment: (config) => pcscEnvironment(config.profile),
  async run(config, context) {
    await initBackend({ log: () => undefined });
    const convolutions = jobConvolutions(config);
    await selectConvolutions(convolutions);
    const { model, seed } = config;
    const profile = PROFILES[config.profile];
    const cacheDir = join(config.outDir ?? join(context.workDir, 'pcsc'), 'cache', profile.name);
    let files = config.trunks;
    if (files === undefined) {
      const fetched: Partial<TrunkFiles> = {};
      for (const stream of STREAMS)
        fetched[stream] = await fetchSharedTrunk(
          context,
          profile.step,
          stream,
          convolutions,
          join(cacheDir, `trunk-${stream}.safetensors`),
        );
      files = fetched as TrunkFiles;
    }
    const data = await jobBenchData(config.profile);
    const training = await jobTrainingData(config.profile, files, config.maps);
    const path = modelResultsPath(profile, model, seed, cacheDir);
    const results = await trainModelResults(
      profile,
      data,
      seed,
      model,
      training,
      path,
      context.log,
    );
    return { results, line: modelLine(results) };
  },
};
