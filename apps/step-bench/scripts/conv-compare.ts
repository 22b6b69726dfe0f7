/**
 * `wasm` vs `onnxruntime` convolutions (`selectConvolutions`), side by side in one process, stage
 * by stage at quick-profile sizes through the benchmark's own code: trunk pretraining
 * (`pretrainTrunk` with the profile's pretraining options and clip sampler), storing backbone
 * features (`streamFeatures`), and STEP training iterations of `anticipation` (windows 6 → 18 →
 * 30) and `smax3` (K = 6) on the stored features (`runModel`). Rounds alternate the order
 * (wasm first, then onnxruntime first). Prints per stage the process CPU time (onnxruntime's
 * worker thread included) and wall time per unit with the load average, then the projected
 * `quick` totals, and how far the two choices' numbers differ (same seeds: the first
 * pretraining losses, the stored features of an untrained trunk, the STEP losses).
 *
 *   nice -n 10 timeout 1800 npx tsx apps/step-bench/scripts/conv-compare.ts [rounds] [pretrain its] [feature videos] [step its]
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { pretrainTrunk } from '@tubekit/backbones';
import { createSynthTubes } from '@tubekit/datasets';
import { initBackend, stopOnnxConvolutions, useOnnxConvolutions } from '@tubekit/nn';
import { setProgressSink } from '@tubekit/report';
import { stepModels } from '../src/configurations';
import { streamFeatures } from '../src/feature-banks';
import { FrameCache } from '../src/frame-cache';
import { PROFILES, synthConfigOf } from '../src/profiles';
import { runModel } from '../src/run-model';
import { createTrunk, pretrainClipSampler, synthActors } from '../src/trunks';

type Choice = 'wasm' | 'onnxruntime';
const [rounds, pretrainIts, featureVideos, stepIts] = [2, 40, 10, 10].map((d, i) =>
  Number(process.argv[2 + i] ?? d),
);
const q = PROFILES.quick;
const S = q.frameSize;
const cpuSeconds = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1e6;
};

/** CPU and wall seconds per unit between the first and the last tick of a bar (warm-up excluded). */
async function perTick<T>(label: string, units: number, run: () => Promise<T>) {
  const marks: Array<{ cpu: number; wall: number }> = [];
  setProgressSink((e) => {
    if (e.label.includes(label) && !e.done && (e.n === 1 || e.n === units))
      marks.push({ cpu: cpuSeconds(), wall: performance.now() / 1000 });
  });
  const load = loadavg()[0];
  try {
    const value = await run();
    const [a, b] = marks;
    return {
      value,
      cpu: (b.cpu - a.cpu) / (units - 1),
      wall: (b.wall - a.wall) / (units - 1),
      load: (load + loadavg()[0]) / 2,
    };
  } finally {
    setProgressSink(undefined);
  }
}

async function main() {
  await initBackend({ log: () => undefined });
  const synth = createSynthTubes(synthConfigOf(q));
  const byName = new Map(synth.dataset.videos.map((v) => [v.name, v]));
  const train = (synth.dataset.splits.train ?? []).slice(0, 40).map((n) => byName.get(n)!);
  const frames = new FrameCache(synth, S);
  await frames.preload(train);
  const read = frames.reader('rgb');
  const actors = synthActors(synth, S);
  const featureTrain = train.slice(0, Math.ceil(featureVideos / 2)); // each as is and flipped
  const featureFrames = 2 * featureTrain.reduce((s, v) => s + v.nframes, 0);
  const models = stepModels('rgb');
  const dir = mkdtempSync(join(tmpdir(), 'conv-compare-'));
  const rows: Array<Record<string, number | string>> = [];
  const numbers = new Map<Choice, { losses: number[]; features: Float32Array; step: number[] }>();
  const ortInfo = await useOnnxConvolutions({ threads: 1 });
  await stopOnnxConvolutions({ keepWorker: true });
  console.log(
    `quick sizes: ${S} px, trunk ${q.trunk.widths}, pretraining batch ${q.pretrain.batchClips} clips; onnxruntime-node ${ortInfo.version}, 1 thread; ${rounds} rounds × (${pretrainIts} pretraining its, ${featureVideos} feature videos = ${featureFrames} frames, ${stepIts} STEP its × 2 models)`,
  );
  for (let round = 0; round < rounds; round++) {
    const order: Choice[] = round % 2 ? ['onnxruntime', 'wasm'] : ['wasm', 'onnxruntime'];
    for (const choice of order) {
      if (choice === 'onnxruntime') await useOnnxConvolutions({ threads: 1 });
      else await stopOnnxConvolutions({ keepWorker: true });
      const trunk = createTrunk(q, 'rgb');
      // Features of the untrained trunk first: the same weights under both choices.
      const load0 = loadavg()[0];
      const c0 = cpuSeconds();
      const w0 = performance.now() / 1000;
      const features = streamFeatures({
        key: `${choice} ${round}`,
        trunk,
        modality: 'rgb',
        frameSize: S,
        train: featureTrain,
        test: [],
        read,
        log: () => undefined,
      });
      const featureRow = {
        cpu: (cpuSeconds() - c0) / featureVideos,
        wall: (performance.now() / 1000 - w0) / featureVideos,
        load: (load0 + loadavg()[0]) / 2,
      };
      const pre = await perTick('pretrain', pretrainIts, () =>
        pretrainTrunk(trunk, {
          numClasses: synth.dataset.labels.length,
          clipLength: q.clipLength,
          frameWidth: S,
          frameHeight: S,
          ...q.pretrain,
          iterations: pretrainIts,
          sampleClip: pretrainClipSampler({ profile: q, modality: 'rgb', train, read, actors }),
          progress: 'pretrain',
        }),
      );
      const step: number[] = [];
      const stepRows: Record<string, { cpu: number; wall: number; load: number }> = {};
      for (const id of ['anticipation', 'smax3']) {
        const config = models.find((m) => m.id === id)!;
        const r = await perTick(`train ${id}`, stepIts, () =>
          runModel({
            profile: { ...q, iterations: stepIts, timingClips: 1 },
            config,
            numClasses: synth.dataset.labels.length,
            train: featureTrain,
            test: featureTrain.slice(0, 1),
            frames,
            allSteps: false,
            timeAllSteps: false,
            checkpointPath: join(dir, `${id}-${choice}-${round}.safetensors`),
            trunk,
            actors,
            features,
          }),
        );
        step.push(r.value.train.finalLoss);
        stepRows[id] = r;
      }
      trunk.dispose();
      if (round === 0)
        numbers.set(choice, {
          losses: Array.from(pre.value.losses),
          features: features.read(featureTrain[0], 1) as Float32Array,
          step,
        });
      for (const [stage, r] of [
        ['pretraining iteration', pre],
        ['features, per video', featureRow],
        ['anticipation iteration', stepRows.anticipation],
        ['smax3 (K = 6) iteration', stepRows.smax3],
      ] as const)
        rows.push({ round, choice, stage, cpu: r.cpu, wall: r.wall, load: r.load });
      console.log(
        rows
          .slice(-4)
          .map(
            (r) =>
              `round ${round} ${String(r.choice).padEnd(11)} ${String(r.stage).padEnd(24)} CPU ${(r.cpu as number).toFixed(2)} s, wall ${(r.wall as number).toFixed(2)} s, load ${(r.load as number).toFixed(1)}`,
          )
          .join('\n'),
      );
    }
  }
  rmSync(dir, { recursive: true, force: true });
  // Medians over the rounds, and the projected quick run (CPU of the stages measured here; not
  // rendering, testing or timing): 3 streams' trunks (RGB, flow, early) pretrained
  // `q.pretrain.iterations` times; features of 600 × 2 + 120 video passes per stream and process
  // that trains it (`streamFeatures` keeps one bank per process: with `pnpm reproduce`'s 2 workers,
  // RGB twice, flow and early once); 5 models on K = 30 windows (anticipation-like) and 9 on
  // K = 6 (smax3-like), 400 iterations each.
  const median = (v: number[]) => [...v].sort((a, b) => a - b)[Math.floor((v.length - 1) / 2)];
  const stat = (choice: Choice, stage: string, key: 'cpu' | 'wall') =>
    median(
      rows.filter((r) => r.choice === choice && r.stage === stage).map((r) => r[key] as number),
    );
  const counts: Record<string, number> = {
    'pretraining iteration': 3 * q.pretrain.iterations,
    'features, per video': 4 * (600 * 2 + 120),
    'anticipation iteration': 5 * q.iterations,
    'smax3 (K = 6) iteration': 9 * q.iterations,
  };
  console.log(
    '\nstage | count in quick | wasm CPU s | onnxruntime CPU s | ratio | wasm wall s | onnxruntime wall s',
  );
  const total = { wasm: 0, onnxruntime: 0 };
  for (const [stage, n] of Object.entries(counts)) {
    const w = stat('wasm', stage, 'cpu');
    const o = stat('onnxruntime', stage, 'cpu');
    total.wasm += w * n;
    total.onnxruntime += o * n;
    console.log(
      `${stage} | ${n} | ${w.toFixed(2)} | ${o.toFixed(2)} | ${(w / o).toFixed(2)}× | ${stat('wasm', stage, 'wall').toFixed(2)} | ${stat('onnxruntime', stage, 'wall').toFixed(2)}`,
    );
  }
  console.log(
    `projected quick CPU of these stages: wasm ${(total.wasm / 3600).toFixed(1)} h, onnxruntime ${(total.onnxruntime / 3600).toFixed(1)} h (wall on 2 cores ≥ half of it); loads ${Math.min(...rows.map((r) => r.load as number)).toFixed(1)}–${Math.max(...rows.map((r) => r.load as number)).toFixed(1)}`,
  );
  const w = numbers.get('wasm');
  const o = numbers.get('onnxruntime');
  if (w && o) {
    let maxDiff = 0;
    let maxAbs = 0;
    for (let i = 0; i < w.features.length; i++) {
      maxDiff = Math.max(maxDiff, Math.abs(w.features[i] - o.features[i]));
      maxAbs = Math.max(maxAbs, Math.abs(w.features[i]));
    }
    console.log(
      `features of the untrained trunk, frame 1: max |wasm − onnxruntime| ${maxDiff.toExponential(2)} (max |value| ${maxAbs.toFixed(3)}); bit-identical: ${maxDiff === 0}`,
    );
    const relLoss = w.losses.map((l, i) => Math.abs(l - o.losses[i]) / Math.abs(l));
    console.log(
      `pretraining losses, relative difference at iterations 1, 10, ${pretrainIts}: ${[0, 9, pretrainIts - 1].map((i) => relLoss[i]?.toExponential(2)).join(', ')}`,
    );
    console.log(
      `STEP final losses (anticipation, smax3): wasm ${w.step.map((x) => x.toFixed(5)).join(', ')}; onnxruntime ${o.step.map((x) => x.toFixed(5)).join(', ')}`,
    );
  }
  await stopOnnxConvolutions();
}

main().catch((error) => {
  console.error(`conv-compare: ${error instanceof Error ? error.message : error}`);
  process.exit(1);
});
