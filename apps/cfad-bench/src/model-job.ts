/**
 * The `cfad-model` job kind, run in a child process per job by `runLocalPool` or by `tubekit
 * worker` on a queue: trains and evaluates one model and seed on its stream's pretrained step
 * trunk (read from its file: the process needs no step frames) and caches its result. A local job
 * reads the trunk file its configuration names and writes into CFAD's cache, as the in-process
 * path does, so the report is made from the same files and a rerun resumes; a queued job fetches
 * the trunk its parent `step-trunk` job stored and works in the worker's folder, and the
 * coordinator caches the result it answers.
 */

import { join } from 'node:path';
import { initBackend } from '@tubekit/nn';
import type { JobKind } from '@tubekit/queue';
import { jobConvolutions, selectConvolutions } from '@tubekit/step-bench/convolutions';
import { fetchSharedTrunk } from '@tubekit/step-bench/jobs';
import { PROFILES as STEP_PROFILES } from '@tubekit/step-bench/profiles';
import { readTrunk } from '@tubekit/step-bench/trunks';
import { jobVariant } from './job-data';
import { type CfadModelJobConfig, type CfadModelJobResult, cfadEnvironment } from './jobs';
import { modelLine, modelResultPath, trainModelResult } from './model-results';
import { PROFILES } from './profiles';

export const jobKind: JobKind<CfadModelJobConfig, CfadModelJobResult> = {
  environment: (config) => cfadEnvironment(config.profile, config.model),
  async run(config, context) {
    await initBackend({ log: () => undefined });
    await selectConvolutions(jobConvolutions(config));
    const { model, seed } = config;
    const profile = PROFILES[config.profile];
    const cacheDir = join(config.outDir ?? join(context.workDir, 'cfad'), 'cache', profile.name);
    const trunkFile =
      config.trunk ??
      (await fetchSharedTrunk(
        context,
        profile.step,
        model.modality,
        jobConvolutions(config),
        join(cacheDir, `trunk-${model.modality}.safetensors`),
      ));
    const data = await jobVariant(config.profile, model.variant, cacheDir);
    const path = modelResultPath(profile, model, seed, cacheDir);
    const trunk = await readTrunk(STEP_PROFILES[profile.step], model.modality, trunkFile);
    const result = await trainModelResult(profile, trunk, data, model, seed, path);
    return { result, line: modelLine(result, profile.seeds.length) };
  },
};
