/**
 * The `step-shared-trunk` job kind (run by `runLocalPool` in a child process): pretrains one
 * stream's trunk of a step profile for one seed into the cache of a STEP results folder on this
 * machine (`SharedTrunkJobConfig`), where another bench's models (CFAD's, PCSC's) load it.
 */

import { initBackend } from '@tubekit/nn';
import type { JobKind } from '@tubekit/queue';
import { jobConvolutions, selectConvolutions } from './convolutions';
import type { SharedTrunkJobConfig } from './jobs';
import { PROFILES, seedProfile } from './profiles';
import { loadTrunk } from './train-models';
import { workerBench } from './worker-bench';

export const jobKind: JobKind<SharedTrunkJobConfig, null> = {
  async run(config, context) {
    await initBackend({ log: () => undefined });
    await selectConvolutions(jobConvolutions(config));
    const profile = seedProfile(PROFILES[config.profile], config.seed);
    const bench = await workerBench(profile, config.stepOutDir, context.log);
    (await loadTrunk(bench, config.modality, config.seed)).dispose();
    return null;
  },
};
