/**
 * How far does one STEP configuration learn? Trains one model of a profile through the
 * benchmark's own path (rendered frames cache, pretrained trunk cache, stored backbone features,
 * `runModel`), optionally on fewer videos or iterations, and prints its frame-mAP@0.5 per step,
 * STEP Figure 4's proposal–GT IoU per step, the final training loss and the class-agnostic
 * frame-AP@0.5 of the last step (every GT tube and detection relabelled as one class: how well it
 * localises, whatever the class).
 *
 *   nice -n 10 npx tsx apps/step-bench/scripts/diagnose-step.ts [profile] [model] [--train N] [--test N] [--iterations N] [--out dir] [--conv wasm|onnxruntime] [--variants JSON]
 *
 * `--conv` picks where the trunk's convolutions run (`selectConvolutions`; default onnxruntime).
 * `--variants '[{"iterations": 1200}, {"pretrain": {…}}]'` trains one model per entry, each with
 * those profile fields replaced (a `model` field picks another configuration), one after another
 * in this process: the rendered frames, and the stored backbone features of every variant that
 * keeps the trunk, are shared. Each variant's trunk and model are cached under `--out` by their
 * settings (a variant that changes `pretrain` pretrains its own trunk).
 */
import { initBackend } from '@tubekit/nn';
import { DEFAULT_CONVOLUTIONS, parseConvolutions, selectConvolutions } from '../src/convolutions';
import { frameMapOf } from '../src/evaluate';
import { streamFeatures } from '../src/feature-banks';
import { PROFILES, type StepProfile, type StepProfileName } from '../src/profiles';
import { runModel } from '../src/run-model';
import {
  benchClassifier,
  benchFeaturesOptions,
  loadTrunk,
  modelCheckpointPath,
  prepareSynthBench,
  profileModels,
} from '../src/train-models';
import { synthActors } from '../src/trunks';

function option(args: string[], name: string): string | undefined {
  const at = args.indexOf(name);
  return at >= 0 ? args.splice(at, 2)[1] : undefined;
}

function numberOption(args: string[], name: string): number | undefined {
  const value = option(args, name);
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!(Number.isInteger(n) && n > 0))
    throw new Error(`${name} expects a positive integer, got "${value}"`);
  return n;
}

type Variant = Partial<StepProfile> & { model?: string };

function parseVariants(text: string | undefined): Variant[] {
  if (text === undefined) return [{}];
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new Error(`--variants expects a JSON array of profile overrides, got "${text}"`);
  }
  if (!Array.isArray(parsed) || parsed.some((v) => typeof v !== 'object' || v === null))
    throw new Error('--variants expects a JSON array of objects (profile fields to replace)');
  return parsed as Variant[];
}

async function main() {
  await initBackend({ log: () => undefined });
  const args = process.argv.slice(2);
  const out = option(args, '--out') ?? 'results/diagnose';
  const conv = option(args, '--conv');
  const convolutions = await selectConvolutions(
    conv === undefined ? DEFAULT_CONVOLUTIONS : parseConvolutions(conv),
  );
  const variants = parseVariants(option(args, '--variants'));
  const name = (args[0] ?? 'quick') as StepProfileName;
  const chosen = PROFILES[name];
  if (!chosen)
    throw new Error(`no profile "${name}"; expected one of ${Object.keys(PROFILES).join(', ')}`);
  const base: StepProfile = {
    ...chosen,
    maxTrainVideos: numberOption(args, '--train') ?? chosen.maxTrainVideos,
    maxTestVideos: numberOption(args, '--test') ?? chosen.maxTestVideos,
    iterations: numberOption(args, '--iterations') ?? chosen.iterations,
  };
  const defaultModel = args[1] ?? 'anticipation';
  const log = (line: string) => console.log(line);
  const rendered = await prepareSynthBench(base, out, log);
  const actors = synthActors(rendered.synth, base.frameSize);
  const pct = (v: number) => `${v.toFixed(1)}%`; // the evaluators give percent
  for (const variant of variants) {
    const { model = defaultModel, ...fields } = variant;
    const profile: StepProfile = { ...base, ...fields };
    const bench = { ...rendered, profile };
    const config = profileModels(profile).find((m) => m.id === model);
    if (!config)
      throw new Error(
        `no model "${model}"; expected one of ${profileModels(profile)
          .map((m) => m.id)
          .join(', ')}`,
      );
    log(
      `${bench.train.length} train / ${bench.test.length} test videos, model ${model}, convolutions ${convolutions}${variants.length > 1 ? `, variant ${JSON.stringify(variant)}` : ''}`,
    );
    const t = performance.now();
    const trunk = await loadTrunk(bench, config.modality);
    const features = profile.frozenBackbone
      ? streamFeatures(benchFeaturesOptions(bench, config.modality, trunk))
      : undefined;
    const classifier = await benchClassifier(bench, config.modality, trunk, features);
    const run = await runModel({
      trunk,
      actors,
      features,
      classifier,
      profile,
      config,
      numClasses: bench.synth.dataset.labels.length,
      train: bench.train,
      test: bench.test,
      frames: bench.frames,
      allSteps: true,
      timeAllSteps: false,
      checkpointPath: modelCheckpointPath(bench, config, profile.seed),
    });
    trunk.dispose();
    const byStep = run.stepTubelets.map((s) =>
      frameMapOf(bench.synth.dataset, bench.test, new Map(s.videos), profile.clipLength),
    );
    log(`frame-mAP@0.5 by step: ${byStep.map(pct).join(' ')}`);
    if (run.inputIoUByStep)
      log(
        `mean input IoU by step: ${run.inputIoUByStep.map((v) => (v.reduce((a, b) => a + b, 0) / Math.max(1, v.length)).toFixed(3)).join(' ')}`,
      );
    log(
      `final loss ${run.train.finalLoss.toFixed(3)}, training ${(run.train.wallMs / 1000).toFixed(0)} s, testing ${(run.testWallMs / 1000).toFixed(0)} s, total ${((performance.now() - t) / 1000).toFixed(0)} s`,
    );
    const last = run.stepTubelets[run.stepTubelets.length - 1];
    const agnostic = new Map(
      last.videos.map(([video, list]) => [
        video,
        list.map((tubelet) => ({ ...tubelet, label: 0 })),
      ]),
    );
    const videos = bench.test.map((v) => ({
      ...v,
      tubes: v.tubes.map((tube) => ({ ...tube, label: 0 })),
    }));
    log(
      `class-agnostic frame-AP@0.5: ${pct(frameMapOf({ labels: ['actor'] }, videos, agnostic, profile.clipLength))}`,
    );
  }
}

main().catch((error) => {
  console.error(`diagnose-step: ${error instanceof Error ? error.message : error}`);
  process.exit(1);
});
