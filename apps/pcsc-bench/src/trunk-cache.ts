import { existsSync } from 'node:fs';
import { mkdir, rm } from 'node:fs/promises';
import { dirname } from 'node:path';
import { type PretrainActor, pretrainTrunk, Trunk } from '@tubekit/backbones';
import { readCheckpoint, writeCheckpoint } from '@tubekit/nn';
import type { BenchVideo } from './bench-data';
import type { PcscProfile } from './profiles';

/** A stream's trunk of the profile's size, freshly initialised. */
export function createTrunk(profile: PcscProfile, seed: number): Trunk {
  return new Trunk({
    channels: 3,
    widths: profile.trunkWidths,
    neckChannels: profile.trunkWidths[2],
    seed,
  });
}

/** The actors of a window from GT tubes: acting on annotated frames, else at the nearest box. */
function windowActors(video: BenchVideo, first: number, length: number): PretrainActor[] {
  const { annotation } = video;
  return annotation.tubes.map((tube) => {
    const T = tube.boxes.length / 4;
    const boxes = new Float64Array(length * 4);
    const acting = new Uint8Array(length);
    for (let t = 0; t < length; t++) {
      const f = Math.min(Math.max(first + t, 1), annotation.nframes);
      const i = Math.min(Math.max(f - tube.start, 0), T - 1);
      boxes.set(tube.boxes.subarray(4 * i, 4 * i + 4), 4 * t);
      acting[t] = f >= tube.start && f < tube.start + T ? 1 : 0;
    }
    return { boxes, acting, label: tube.label };
  });
}

/**
 * The pretrained trunk of one stream (tubekit's stand-in for PCSC's Kinetics-pretrained I3D,
 * `pretrainTrunk` of @tubekit/backbones), trained once per profile, stream and seed on the
 * training videos and cached at `path` (safetensors); later runs load it.
 */
export async function pretrainedTrunk(
  profile: PcscProfile,
  stream: 'rgb' | 'flow',
  seed: number,
  train: readonly BenchVideo[],
  numClasses: number,
  path: string,
  log: (line: string) => void,
): Promise<Trunk> {
  const trunk = createTrunk(profile, seed);
  if (existsSync(path)) {
    try {
      trunk.load(await readCheckpoint(path), path);
      return trunk;
    } catch (error) {
      log(
        `pcsc-bench: cannot load ${path} (${(error as Error).message.split('\n')[0]}); pretraining again`,
      );
    }
  }
  await mkdir(dirname(path), { recursive: true });
  const S = profile.frameSize;
  const T = profile.stackLength;
  const size = S * S * 3;
  const summary = await pretrainTrunk(trunk, {
    numClasses,
    clipLength: T,
    frameWidth: S,
    frameHeight: S,
    iterations: profile.pretrain.iterations,
    batchClips: profile.pretrain.batchClips,
    learningRate: profile.pretrain.learningRate,
    seed,
    progress: false,
    checkpoint: {
      path: `${path}.partial`,
      every: Math.max(10, Math.round(profile.pretrain.iterations / 5)),
    },
    sampleClip: (rng) => {
      const video = train[rng.int(train.length)]!;
      const n = video.annotation.nframes;
      const first = 1 + rng.int(Math.max(1, n - T + 1));
      const frames = new Float32Array(T * size);
      for (let t = 0; t < T; t++) {
        const f = Math.min(first + t, n);
        frames.set(video[stream].subarray((f - 1) * size, f * size), t * size);
      }
      return { frames, actors: windowActors(video, first, T) };
    },
  });
  const tensors = (await readCheckpoint(`${path}.partial`)).tensors.filter((t) =>
    t.name.startsWith('param/trunk/'),
  );
  await writeCheckpoint(path, {
    tensors,
    metadata: { format: 'tubekit-trunk', stream, profile: profile.name },
  });
  await rm(`${path}.partial`, { force: true });
  log(
    `pcsc-bench: ${stream} trunk (seed ${seed}) pretrained in ${(summary.wallMs / 1000).toFixed(0)} s`,
  );
  return trunk;
}
