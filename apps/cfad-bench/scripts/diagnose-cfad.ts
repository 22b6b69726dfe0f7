/**
 * How far does one CFAD configuration learn? Trains one model of a profile through the
 * benchmark's own path (step's rendered frames and pretrained trunk, CFAD's variant frames,
 * `runModel`) once per iteration count, one after another in this process, and prints for each
 * its training time and final loss, then per inference setting (no refinement, and the largest σ)
 * the v-MABO of its output tubes (class-agnostic: do they find the actor?), v-mAP at δ = 0.2 and
 * 0.5, frame-mAP@0.5 and Fig. 5's outcome counts. Nothing is cached: each count trains afresh.
 *
 *   nice -n 10 npx tsx apps/cfad-bench/scripts/diagnose-cfad.ts [profile] [model] [--iterations 100,400] [--out dir] [--conv onnxruntime|wasm]
 *
 * `--out` is the CFAD output folder of a finished or started run (default `results/cfad`): its
 * step trunk comes from the `step` folder beside it, as `pnpm reproduce` arranges, and is
 * pretrained there if missing.
 */
import { dirname, join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { initBackend } from '@tubekit/nn';
import {
  DEFAULT_CONVOLUTIONS,
  parseConvolutions,
  selectConvolutions,
} from '@tubekit/step-bench/convolutions';
import { PROFILES as STEP_PROFILES } from '@tubekit/step-bench/profiles';
import { loadTrunk, prepareSynthBench } from '@tubekit/step-bench/train-models';
import { prepareVariant } from '../src/data';
import { type CfadProfileName, PROFILES } from '../src/profiles';
import { profileModels } from '../src/results';
import { runModel } from '../src/run-model';

async function main() {
  await initBackend({ log: () => undefined });
  const { values, positionals } = parseArgs({
    options: { out: { type: 'string' }, conv: { type: 'string' }, iterations: { type: 'string' } },
    allowPositionals: true,
  });
  const outDir = resolve(values.out ?? join('results', 'cfad'));
  const convolutions = await selectConvolutions(
    values.conv === undefined ? DEFAULT_CONVOLUTIONS : parseConvolutions(values.conv),
  );
  const counts = (values.iterations ?? '100').split(',').map((v) => {
    const n = Number(v);
    if (!(Number.isInteger(n) && n > 0))
      throw new Error(`--iterations expects positive integers separated by commas, got "${v}"`);
    return n;
  });
  const name = (positionals[0] ?? 'quick') as CfadProfileName;
  const base = PROFILES[name];
  if (!base)
    throw new Error(`no profile "${name}"; expected one of ${Object.keys(PROFILES).join(', ')}`);
  const modelId = positionals[1] ?? `dynamic-k${base.orders[Math.floor(base.orders.length / 2)]}`;
  const config = profileModels(base).find((m) => m.id === modelId);
  if (!config)
    throw new Error(
      `no model "${modelId}"; expected one of ${profileModels(base)
        .map((m) => m.id)
        .join(', ')}`,
    );
  const log = (line: string) => console.log(line);
  const step = STEP_PROFILES[base.step];
  const bench = await prepareSynthBench(step, join(dirname(outDir), 'step'), log);
  const data = await prepareVariant(base, step, config.variant, join(outDir, 'cache', base.name));
  log(
    `${modelId} (${config.variant}, ${data.train.length} train / ${data.test.length} test videos), convolutions ${convolutions}`,
  );
  const pct = (v: number | undefined) => (v === undefined ? '–' : `${v.toFixed(1)}%`);
  for (const iterations of counts) {
    const profile = { ...base, iterations };
    const trunk = await loadTrunk(bench, config.modality);
    let result: Awaited<ReturnType<typeof runModel>>;
    try {
      result = await runModel(profile, data, trunk, { ...config, selectionSweep: false }, 1);
    } finally {
      trunk.dispose();
    }
    log(
      `${iterations} iterations: training ${(result.train.wallMs / 1000).toFixed(0)} s, final loss ${result.train.finalLoss.toFixed(3)}`,
    );
    const keys = Object.keys(result.refine);
    for (const key of [keys[0], keys[keys.length - 1]]) {
      const e = key === undefined ? undefined : result.refine[key];
      if (!e) continue;
      log(
        `  ${key}: v-MABO ${pct(e.mabo)}, v-mAP@0.2 ${pct(e.videoMap['0.2'])}, @0.5 ${pct(e.videoMap['0.5'])}, frame-mAP@0.5 ${pct(e.frameMap)}, outcomes ${JSON.stringify(e.errors)}`,
      );
    }
  }
}

main().catch((error) => {
  console.error(`diagnose-cfad: ${error instanceof Error ? error.message : error}`);
  process.exit(1);
});
