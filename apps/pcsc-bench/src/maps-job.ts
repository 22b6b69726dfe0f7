/**
 * The `pcsc-training-maps` job kind of a local pool (`runLocalPool`): computes the training key
 * frames' maps of one part of the training videos on the pretrained step trunks and stores them
 * (`writeTrainingMaps`), so a pool's workers compute each video's maps once between them instead
 * of once each, and a rerun reads them.
 */

import { initBackend } from '@tubekit/nn';
import type { JobKind } from '@tubekit/queue';
import { jobConvolutions, selectConvolutions } from '@tubekit/step-bench/convolutions';
import { jobBenchData } from './job-data';
import { type PcscMapsJobConfig, pcscEnvironment } from './jobs';
import { PROFILES } from './profiles';
import { trainingFrames } from './train-detector';
import { writeTrainingMaps } from './training-maps-file';
import { partVideos } from './training-maps-parts';
import { readStreamTrunks } from './trunks';

export const jobKind: JobKind<PcscMapsJobConfig, { path: string; videos: number }> = {
  environment: (config) => pcscEnvironment(config.profile),
  async run(config) {
    await initBackend({ log: () => undefined });
    await selectConvolutions(jobConvolutions(config));
    const profile = PROFILES[config.profile];
    const data = await jobBenchData(config.profile);
    const trunks = await readStreamTrunks(profile, config.trunks);
    try {
      const frames = trainingFrames(profile, trunks, data.train, partVideos(data.train, config));
      await writeTrainingMaps(config.path, frames.videos);
      return { path: config.path, videos: frames.videos.length };
    } finally {
      trunks.rgb.dispose();
      trunks.flow.dispose();
    }
  },
};
