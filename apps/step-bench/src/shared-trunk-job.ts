/**
 * The `step-shared-trunk` job kind (run by `runLocalPool` in a child process): pretrains one
 * stream's trunk of a step profile (shared by its seeds) into the cache of a STEP results folder
 * on this machine (`SharedTrunkJobConfig`), where another bench's models (CFAD's, PCSC's) load it.
 */

import { initBackend } from '@tubekit/nn';
import type { JobKind } from '@tubekit/queue';
import { jobConvolutions, selectConvolutions } from './convolutions';
import type { SharedTrunkJobConfig } from './jobs';
import { PROFILES } from './profiles';
import { loadTrunk } from './train-models';
import { workerBench } from './worker-bench';

export const jobKind: JobKind<SharedTrunkJobConfig, null> = {
  async run(config, context) {
    await initBackend({ log: () => undefined });
    await selectConvolutions(jobConvolutions(config));
    const bench = await workerBench(PROFILES[config.profile], config.stepOutDir, context.log);
    (await loadTrunk(bench, config.modality)).dispose();
    return null;
  },
};
