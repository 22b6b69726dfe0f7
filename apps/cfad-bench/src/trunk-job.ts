/**
 * The `cfad-trunk` job kind (run by `runLocalPool` in a child process): pretrains one stream's
 * step trunk for one seed into step-bench's cache, where the models of that stream load it.
 */

import { initBackend } from '@tubekit/nn';
import type { JobKind } from '@tubekit/queue';
import { jobConvolutions, selectConvolutions } from '@tubekit/step-bench/convolutions';
import { loadTrunk } from '@tubekit/step-bench/train-models';
import { jobStepBench } from './job-data';
import type { CfadTrunkJobConfig } from './jobs';

export const jobKind: JobKind<CfadTrunkJobConfig, null> = {
  async run(config, context) {
    await initBackend({ log: () => undefined });
    await selectConvolutions(jobConvolutions(config));
    const bench = await jobStepBench(config.profile, config.stepOutDir, context.log);
    (await loadTrunk(bench, config.modality, config.seed)).dispose();
    return null;
  },
};
