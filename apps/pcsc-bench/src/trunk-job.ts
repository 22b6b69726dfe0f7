/**
 * The `pcsc-trunk` job kind, run in a child process per job by `runLocalPool` or by `tubekit
 * worker` on a queue: pretrains one stream's trunk for one seed into PCSC's cache (a local run's,
 * or the worker's folder), where the seed's models load it; a queued job stores it for them.
 */

import { join } from 'node:path';
import { initBackend } from '@tubekit/nn';
import type { JobKind } from '@tubekit/queue';
import { jobConvolutions, selectConvolutions } from '@tubekit/step-bench/convolutions';
import { jobBenchData } from './job-data';
import { type PcscTrunkJobConfig, type PcscTrunkJobResult, pcscEnvironment } from './jobs';
import { PROFILES } from './profiles';
import { pretrainedTrunk, trunkPath } from './trunks';

export const jobKind: JobKind<PcscTrunkJobConfig, PcscTrunkJobResult> = {
  environment: (config) => pcscEnvironment(config.profile),
  async run(config, context) {
    await initBackend({ log: () => undefined });
    await selectConvolutions(jobConvolutions(config));
    const { stream, seed } = config;
    const profile = PROFILES[config.profile];
    const cacheDir = join(config.outDir ?? join(context.workDir, 'pcsc'), 'cache', profile.name);
    const data = await jobBenchData(config.profile);
    const trunk = await pretrainedTrunk(
      profile,
      stream,
      seed,
      data.train,
      data.labels.length,
      cacheDir,
      context.log,
    );
    trunk.dispose();
    if (config.outDir !== undefined) return { stream };
    return {
      stream,
      trunk: await context.put(`trunk-${stream}.safetensors`, trunkPath(stream, seed, cacheDir)),
    };
  },
};
