/**
 * How far does one STEP configuration learn? Trains one model of a profile through the
 * benchmark's own path (rendered frames cache, pretrained trunk cache, stored backbone features,
 * `trainAndSummarize`), optionally on fewer videos or iterations, and prints its frame-mAP@0.5
 * per step, STEP Figure 4's proposal–GT IoU per step, the final training loss and — for the
 * models that keep their tubelets (`anticipation`, the other stream, `early`) — the
 * class-agnostic frame-AP@0.5 (every GT tube and detection relabelled as one class: how well it
 * localises, whatever the class).
 *
 *   nice -n 10 npx tsx apps/step-bench/scripts/diagnose-step.ts [profile] [model] [--train N] [--test N] [--iterations N] [--out dir] [--conv wasm|onnxruntime]
 *
 * `--conv` picks where the trunk's convolutions run (`selectConvolutions`; default wasm).
 */
import { initBackend } from '@tubekit/nn';
import { parseConvolutions, selectConvolutions } from '../src/convolutions';
import { frameMapOf } from '../src/evaluate';
import { PROFILES, type StepProfileName } from '../src/profiles';
import { decodeTubelets } from '../src/seed-results';
import { prepareSynthBench, profileModels, trainAndSummarize } from '../src/train-models';

function option(args: string[], name: string): number | undefined {
  const at = args.indexOf(name);
  return at >= 0 ? Number(args.splice(at, 2)[1]) : undefined;
}

async function main() {
  await initBackend({ log: () => undefined });
  const args = process.argv.slice(2);
  const outAt = args.indexOf('--out');
  const out = outAt >= 0 ? args.splice(outAt, 2)[1] : 'results/diagnose';
  const convAt = args.indexOf('--conv');
  const convolutions = await selectConvolutions(
    convAt >= 0 ? parseConvolutions(args.splice(convAt, 2)[1]) : 'wasm',
  );
  const base = PROFILES[(args[0] ?? 'quick') as StepProfileName];
  const profile = {
    ...base,
    maxTrainVideos: option(args, '--train') ?? base.maxTrainVideos,
    maxTestVideos: option(args, '--test') ?? base.maxTestVideos,
    iterations: option(args, '--iterations') ?? base.iterations,
  };
  const id = args[1] ?? 'anticipation';
  const config = profileModels(profile).find((m) => m.id === id);
  if (!config)
    throw new Error(
      `diagnose-step: no model "${id}"; expected one of ${profileModels(profile)
        .map((m) => m.id)
        .join(', ')}`,
    );
  const log = (line: string) => console.log(line);
  const bench = await prepareSynthBench(profile, out, log);
  log(
    `${bench.train.length} train / ${bench.test.length} test videos, model ${id}, convolutions ${convolutions}`,
  );
  const t = performance.now();
  const s = await trainAndSummarize(bench, config, profile.seed, log);
  const pct = (v: number) => `${v.toFixed(1)}%`; // the evaluators give percent
  log(`frame-mAP@0.5 by step: ${s.frameMapByStep.map(pct).join(' ')}`);
  if (s.inputIoUByStep)
    log(
      `mean input IoU by step: ${s.inputIoUByStep.map((v) => (v.reduce((a, b) => a + b, 0) / Math.max(1, v.length)).toFixed(3)).join(' ')}`,
    );
  log(
    `final loss ${s.train.finalLoss.toFixed(3)}, training ${(s.train.wallMs / 1000).toFixed(0)} s, testing ${(s.testWallMs / 1000).toFixed(0)} s, total ${((performance.now() - t) / 1000).toFixed(0)} s`,
  );
  if (s.tubelets) {
    const tubelets = decodeTubelets(s.tubelets);
    for (const list of tubelets.values()) for (const tubelet of list) tubelet.label = 0;
    const videos = bench.test.map((v) => ({
      ...v,
      tubes: v.tubes.map((tube) => ({ ...tube, label: 0 })),
    }));
    log(
      `class-agnostic frame-AP@0.5: ${pct(frameMapOf({ labels: ['actor'] }, videos, tubelets, profile.clipLength))}`,
    );
  }
}

main().catch((error) => {
  console.error(`diagnose-step: ${error instanceof Error ? error.message : error}`);
  process.exit(1);
});
