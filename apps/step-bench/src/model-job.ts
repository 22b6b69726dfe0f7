/**
 * The `step-model` job kind (run by `tubekit worker` in a child process per job): renders the
 * profile's SynthTubes data in the worker's folder, fetches its stream's pretrained trunk (the
 * parent job's), trains and tests one configuration — its training checkpoint is stored as it
 * goes, so a retry elsewhere resumes from it — and answers the model's summary and its stored
 * checkpoint.
 */

import { initBackend } from '@tubekit/nn';
import type { BlobRef, JobKind } from '@tubekit/queue';
import { jobConvolutions, selectConvolutions } from './convolutions';
import { type ModelJobConfig, stepEnvironment } from './jobs';
import {
  type ModelSummary,
  modelCheckpointPath,
  trainAndSummarize,
  trunkPath,
} from './train-models';
import type { TrunkJobResult } from './trunk-job';
import { workerBench } from './worker-bench';

/** Result of a `step-model` job. */
export interface ModelJobResult {
  summary: ModelSummary;
  checkpoint: BlobRef;
}

export const jobKind: JobKind<ModelJobConfig, ModelJobResult> = {
  environment: (config) => stepEnvironment(config.profile),
  async run(config, context) {
    await initBackend({ log: () => undefined });
    await selectConvolutions(jobConvolutions(config));
    const bench = await workerBench(config.profile, context.workDir, context.log);
    const seed = config.profile.seed;
    const [parent] = Object.values(context.parents) as TrunkJobResult[];
    if (!parent?.trunk) throw new Error(`${context.label}: the trunk job's result is missing`);
    await context.get(parent.trunk, trunkPath(bench, config.model.modality));
    const checkpoint = modelCheckpointPath(bench, config.model, seed);
    if (await context.keepCheckpoint(checkpoint))
      context.log(`${context.label}: resuming from the checkpoint an earlier attempt stored`);
    const summary = await trainAndSummarize(bench, config.model, seed, context.log);
    return { summary, checkpoint: await context.put('model.safetensors', checkpoint) };
  },
};
