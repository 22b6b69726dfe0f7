/**
 * The `step-trunk` job kind (run by `tubekit worker` in a child process per job): renders the
 * profile's SynthTubes data in the worker's folder (deterministic from the seed), pretrains one
 * stream's trunk, shared by every model seed (its pretraining checkpoint is stored as it goes, so
 * a retry elsewhere resumes from it; the RGB ⊕ flow trunk starts from its parent job's flow trunk
 * when `pretrain.earlyFromFlow` says so), and stores the trunk for the models trained on it; with a frozen backbone it also
 * stores the trunk's backbone features of every video beside it in the worker's folder, where
 * the models of that stream on this worker read them, and pretrains the stream's classifier
 * (`storedClassifier`) there.
 */

import { existsSync } from 'node:fs';
import { initBackend } from '@tubekit/nn';
import type { BlobRef, JobKind } from '@tubekit/queue';
import { jobConvolutions, selectConvolutions } from './convolutions';
import { streamFeatures } from './feature-banks';
import { stepEnvironment, stepTrunkJob, type TrunkJobConfig } from './jobs';
import { trunkWarmStart } from './profiles';
import { benchClassifier, benchFeaturesOptions, loadTrunk, trunkPath } from './train-models';
import { workerBench } from './worker-bench';

/** Result of a `step-trunk` job. */
export interface TrunkJobResult {
  trunk: BlobRef;
}

export const jobKind: JobKind<TrunkJobConfig, TrunkJobResult> = {
  environment: (config) => stepEnvironment(config.profile),
  async run(config, context) {
    await initBackend({ log: () => undefined });
    await selectConvolutions(jobConvolutions(config));
    const bench = await workerBench(config.profile, context.workDir, context.log);
    const from = trunkWarmStart(config.profile, config.modality)?.from;
    if (from) {
      // the trunk this one starts from: its parent job's, fetched unless this folder has it
      const fromPath = trunkPath(bench, from);
      const { id } = stepTrunkJob(config.profile, from, '', jobConvolutions(config));
      const parent = context.parents[id] as TrunkJobResult | undefined;
      if (!existsSync(fromPath) && parent?.trunk) await context.get(parent.trunk, fromPath);
    }
    const path = trunkPath(bench, config.modality);
    await context.keepCheckpoint(`${path}.partial`);
    const trunk = await loadTrunk(bench, config.modality);
    // A frozen backbone's features are stored here, once per stream, before any model of it starts
    // (two model jobs of a stream starting at once would otherwise both compute them).
    // So is the stream's pretrained classifier, which every model of the stream starts from.
    const features = config.profile.frozenBackbone
      ? streamFeatures(benchFeaturesOptions(bench, config.modality, trunk))
      : undefined;
    await benchClassifier(bench, config.modality, trunk, features);
    trunk.dispose();
    return { trunk: await context.put('trunk.safetensors', path) };
  },
};
