/**
 * Can the trunk's pretraining learn SynthTubes' classes? Pretrains a trunk on the first `videos`
 * training videos of a profile (or, with `--overfit N`, on N fixed clips) and prints the loss
 * terms and the clip classifier's batch accuracy every 10 iterations, beside the accuracy of
 * always answering idle (the batch's fraction of idle actors).
 *
 *   nice -n 10 npx tsx apps/step-bench/scripts/pretrain-probe.ts [profile] [iterations] [videos] [--overfit N]
 */
import { pretrainTrunk } from '@tubekit/backbones';
import { createSynthTubes } from '@tubekit/datasets';
import { createRng, initBackend, type Rng } from '@tubekit/nn';
import { FrameCache } from '../src/frame-cache';
import { PROFILES, type StepProfileName, synthConfigOf } from '../src/profiles';
import { createTrunk, flipBoxes, flipFrames, synthActors } from '../src/trunks';

async function main() {
  await initBackend({ log: () => undefined });
  const args = process.argv.slice(2);
  const overfitAt = args.indexOf('--overfit');
  const overfit = overfitAt >= 0 ? Number(args.splice(overfitAt, 2)[1]) : 0;
  const profile = PROFILES[(args[0] ?? 'quick') as StepProfileName];
  const iterations = Number(args[1] ?? 200);
  const nVideos = Number(args[2] ?? 24);
  const modality = profile.baseStream;
  const synth = createSynthTubes(synthConfigOf(profile));
  const byName = new Map(synth.dataset.videos.map((v) => [v.name, v]));
  const train = (synth.dataset.splits.train ?? []).slice(0, nVideos).map((n) => byName.get(n)!);
  const frames = new FrameCache(synth, profile.frameSize);
  let t = performance.now();
  await frames.preload(train);
  console.log(
    `rendered ${train.length} videos in ${((performance.now() - t) / 1000).toFixed(0)} s`,
  );
  const read = frames.reader(modality);
  const actors = synthActors(synth, profile.frameSize);
  const S = profile.frameSize;
  const T = profile.clipLength;
  const draw = (rng: Rng) => {
    const video = train[rng.int(train.length)];
    const first = 1 + rng.int(Math.max(1, video.nframes - T + 1));
    const size = S * S * FrameCache.channels(modality);
    const data = new Float32Array(T * size);
    for (let k = 0; k < T; k++) data.set(read(video, Math.min(first + k, video.nframes)), k * size);
    const list = actors(video, first, T);
    if (rng.next() < 0.5) {
      flipFrames(data, S, modality);
      for (const a of list) flipBoxes(a.boxes, S);
    }
    return { frames: data, actors: list };
  };
  const fixed = overfit ? Array.from({ length: overfit }, (_, i) => draw(createRng(1000 + i))) : [];
  const C = synth.dataset.labels.length;
  const trunk = createTrunk(profile, modality);
  const window: number[][] = [];
  t = performance.now();
  await pretrainTrunk(trunk, {
    numClasses: C,
    clipLength: T,
    frameWidth: S,
    frameHeight: S,
    iterations,
    batchClips: profile.pretrain.batchClips,
    learningRate: profile.pretrain.learningRate,
    cropSize: profile.pretrain.cropSize,
    seed: profile.seed,
    sampleClip: overfit ? (rng) => fixed[rng.int(fixed.length)] : draw,
    progress: false,
    onLossTerms: (i, x) => {
      window.push([x.actorness, x.recognition, x.accuracy, 1 - x.acting / Math.max(1, x.actors)]);
      if ((i + 1) % 10 === 0) {
        const mean = (j: number) =>
          window
            .map((r) => r[j])
            .filter(Number.isFinite)
            .reduce((a, b) => a + b, 0) /
          Math.max(1, window.filter((r) => Number.isFinite(r[j])).length);
        console.log(
          `it ${String(i + 1).padStart(4)}  actorness ${mean(0).toFixed(3)}  recognition ${mean(1).toFixed(3)}  acc ${mean(2).toFixed(3)} (all-idle ${mean(3).toFixed(3)})  ${((performance.now() - t) / (i + 1)).toFixed(0)} ms/it`,
        );
        window.length = 0;
      }
    },
  });
}

main();
