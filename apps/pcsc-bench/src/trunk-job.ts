/**
 * The `pcsc-trunk` job kind (run by `runLocalPool` in a child process): pretrains one stream's
 * trunk for one seed into PCSC's cache, where the seed's models load it.
 */

import { join } from 'node:path';
import { initBackend } from '@tubekit/nn';
import type { JobKind } from '@tubekit/queue';
import { selectConvolutions } from '@tubekit/step-bench/convolutions';
import { jobBenchData } from './job-data';
import type { PcscTrunkJobConfig } from './jobs';
import { PROFILES } from './profiles';
import { pretrainedTrunk } from './trunks';

export const jobKind: JobKind<PcscTrunkJobConfig, null> = {
  async run(config, context) {
    await initBackend({ log: () => undefined });
    await selectConvolutions(config.convolutions);
    const profile = PROFILES[config.profile];
    const data = await jobBenchData(config.profile);
    const trunk = await pretrainedTrunk(
      profile,
      config.stream,
      config.seed,
      data.train,
      data.labels.length,
      join(config.outDir, 'cache', profile.name),
      context.log,
    );
    trunk.dispose();
    return null;
  },
};
