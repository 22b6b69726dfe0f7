/**
 * Can the trunk's pretraining learn SynthTubes' classes? Pretrains a trunk of a profile on its
 * first `videos` training videos (or, with `--overfit N`, on N fixed clips) with the benchmark's
 * own clip sampler (`pretrainClipSampler`: flips, colour jitter), and prints every 10 iterations
 * the loss terms and the clip classifier's accuracy on the batch, and every 50 its accuracy on
 * fixed clips of the first `--held-out` test videos (default 40), each beside the accuracy of
 * always answering idle. `--modality rgb|flow|early` picks the stream (default the profile's base
 * stream); `--conv wasm|onnxruntime` where the trunk's convolutions run (`selectConvolutions`,
 * default onnxruntime); `--confusion` prints the last held-out evaluation's confusion matrix (true class
 * by row, argmax class by column; order classes count by the sub-action their clip shows, see
 * `synthActors`) and its summary: idle ↔ acting errors, errors within a class pair. `--from-flow
 * <trunk file>` starts an `early` trunk from that pretrained flow trunk, as the profiles'
 * `pretrain.earlyFromFlow` does (`Trunk.load` with `inputChannels` [3, 4, 5]).
 *
 *   nice -n 10 npx tsx apps/step-bench/scripts/pretrain-probe.ts [profile] [iterations] [videos] [--overfit N] [--held-out N] [--modality m] [--from-flow file] [--conv c] [--confusion]
 */
import { type PretrainHeldOutResult, pretrainTrunk } from '@tubekit/backbones';
import { createSynthTubes, type SynthActionClass } from '@tubekit/datasets';
import { createRng, initBackend, readCheckpoint } from '@tubekit/nn';
import type { StepModality } from '../src/configurations';
import { DEFAULT_CONVOLUTIONS, parseConvolutions, selectConvolutions } from '../src/convolutions';
import { FrameCache } from '../src/frame-cache';
import { PROFILES, type StepProfileName, synthConfigOf } from '../src/profiles';
import { createTrunk, pretrainClipSampler, synthActors } from '../src/trunks';

function option(args: string[], name: string): string | undefined {
  const at = args.indexOf(name);
  return at >= 0 ? args.splice(at, 2)[1] : undefined;
}

async function main() {
  await initBackend({ log: () => undefined });
  const args = process.argv.slice(2);
  const overfit = Number(option(args, '--overfit') ?? 0);
  const heldOutVideos = Number(option(args, '--held-out') ?? 40);
  const confusionAt = args.indexOf('--confusion');
  if (confusionAt >= 0) args.splice(confusionAt, 1);
  let last: PretrainHeldOutResult | undefined;
  const profile = PROFILES[(args[0] ?? 'quick') as StepProfileName];
  const modality = (option(args, '--modality') ?? profile.baseStream) as StepModality;
  const fromFlow = option(args, '--from-flow');
  const convolutions = await selectConvolutions(
    parseConvolutions(option(args, '--conv') ?? DEFAULT_CONVOLUTIONS),
  );
  const iterations = Number(args[1] ?? 200);
  const nVideos = Number(args[2] ?? 24);
  const synth = createSynthTubes(synthConfigOf(profile));
  const byName = new Map(synth.dataset.videos.map((v) => [v.name, v]));
  const videos = (split: string, n: number) =>
    (synth.dataset.splits[split] ?? []).slice(0, n).map((name) => byName.get(name)!);
  const train = videos('train', nVideos);
  const test = videos('test', heldOutVideos);
  const frames = new FrameCache(synth, profile.frameSize);
  let t = performance.now();
  await frames.preload([...train, ...test]);
  console.log(
    `${profile.synth.preset}: rendered ${train.length} + ${test.length} videos in ${((performance.now() - t) / 1000).toFixed(0)} s; convolutions ${convolutions}`,
  );
  const source = {
    profile,
    modality,
    read: frames.reader(modality),
    actors: synthActors(synth, profile.frameSize),
  };
  const draw = pretrainClipSampler({ ...source, train });
  const drawHeldOut = pretrainClipSampler({ ...source, train: test });
  const heldOutRng = createRng(4242);
  const heldOut = Array.from({ length: 4 * test.length }, () => drawHeldOut(heldOutRng));
  const fixed = overfit ? Array.from({ length: overfit }, (_, i) => draw(createRng(1000 + i))) : [];
  const trunk = createTrunk(profile, modality);
  if (fromFlow !== undefined) {
    if (modality !== 'early')
      throw new Error('--from-flow starts an early trunk: add --modality early');
    trunk.load(await readCheckpoint(fromFlow), fromFlow, {
      inputChannels: FrameCache.streamChannels(modality, 'flow'),
    });
  }
  const window: number[][] = [];
  t = performance.now();
  await pretrainTrunk(trunk, {
    numClasses: synth.dataset.labels.length,
    clipLength: profile.clipLength,
    frameWidth: profile.frameSize,
    frameHeight: profile.frameSize,
    iterations,
    batchClips: profile.pretrain.batchClips,
    actornessClips: profile.pretrain.actornessClips,
    learningRate: profile.pretrain.learningRate,
    cropSize: profile.pretrain.cropSize,
    seed: profile.pretrain.seed,
    sampleClip: overfit ? (rng) => fixed[rng.int(fixed.length)] : draw,
    progress: false,
    heldOut:
      test.length > 0
        ? {
            clips: heldOut,
            every: 50,
            onAccuracy: (i, r) => {
              last = r;
              console.log(
                `it ${String(i + 1).padStart(4)}  held-out accuracy ${r.accuracy.toFixed(3)} (all-idle ${r.idle.toFixed(3)}, ${r.actors} actors of ${test.length} test videos)`,
              );
            },
          }
        : undefined,
    onLossTerms: (i, x) => {
      window.push([x.actorness, x.recognition, x.accuracy, 1 - x.acting / Math.max(1, x.actors)]);
      if ((i + 1) % 10 === 0) {
        const mean = (j: number) => {
          const v = window.map((r) => r[j]).filter(Number.isFinite);
          return v.reduce((a, b) => a + b, 0) / Math.max(1, v.length);
        };
        console.log(
          `it ${String(i + 1).padStart(4)}  actorness ${mean(0).toFixed(3)}  recognition ${mean(1).toFixed(3)}  acc ${mean(2).toFixed(3)} (all-idle ${mean(3).toFixed(3)})  ${((performance.now() - t) / (i + 1)).toFixed(0)} ms/it`,
        );
        window.length = 0;
      }
    },
  });
  if (confusionAt >= 0 && last) printConfusion(last.confusion, synth.config.classes);
}

/**
 * The confusion matrix of held-out recognition with class names, then where its errors fall:
 * between idle and acting, between the two members of a class pair, elsewhere.
 */
function printConfusion(confusion: number[][], classes: readonly SynthActionClass[]): void {
  const names = ['idle', ...classes.map((c) => c.name)];
  console.log('held-out confusion (rows: true class, columns: argmax class)');
  console.log(`${''.padEnd(20)}${names.map((_, j) => String(j).padStart(4)).join('')}`);
  confusion.forEach((row, i) => {
    console.log(
      `${`${i} ${names[i]}`.padEnd(20)}${row.map((v) => String(v).padStart(4)).join('')}`,
    );
  });
  const pairOf = (i: number) =>
    i === 0 ? -1 : classes.findIndex((c) => c.name === classes[i - 1].pairedWith) + 1;
  let idleActing = 0;
  let pair = 0;
  let other = 0;
  confusion.forEach((row, i) => {
    row.forEach((v, j) => {
      if (i === j) return;
      if ((i === 0) !== (j === 0)) idleActing += v;
      else if (pairOf(i) === j) pair += v;
      else other += v;
    });
  });
  const total = confusion.flat().reduce((a, b) => a + b, 0);
  console.log(
    `errors of ${total} actors: idle <-> acting ${idleActing}, within a class pair ${pair}, between classes of different pairs ${other}`,
  );
}

main().catch((error) => {
  console.error(`pretrain-probe: ${error instanceof Error ? error.message : error}`);
  process.exit(1);
});
