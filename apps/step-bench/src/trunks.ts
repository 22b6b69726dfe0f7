import { closeSync, existsSync, openSync, readFileSync, unlinkSync, writeSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { basename, dirname } from 'node:path';
import {
  type PretrainActor,
  type PretrainClip,
  type PretrainHeldOutResult,
  pretrainTrunk,
  Trunk,
} from '@tubekit/backbones';
import { actorBoxAt, type SynthTubes, type VideoAnnotation } from '@tubekit/datasets';
import type { FrameReader } from '@tubekit/heads/progressive';
import { createRng, type Rng, readCheckpoint, writeCheckpoint } from '@tubekit/nn';
import { jitterColours } from './colour-jitter';
import type { StepModality } from './configurations';
import { firstLine, setAsideDamaged } from './damaged-cache';
import { FrameCache } from './frame-cache';
import type { StepProfile } from './profiles';

/** Every actor of a frame window: boxes at the detector's frame size, acting flags, label. */
export type WindowActors = (
  video: VideoAnnotation,
  first: number,
  length: number,
) => PretrainActor[];

/**
 * The actors of a SynthTubes window from the video's scene script: every actor (annotated or a
 * bystander) with its box on each window frame (frames beyond the video's ends repeat the border
 * frame), acting where the frame lies inside its GT tube. Boxes are scaled to `frameSize`.
 *
 * An actor of an *order* class (`kick-bow`, …: two sub-actions whose order tells the class from
 * its partner) has as `recognitionLabel` the class whose first sub-action most of the window's
 * frames show: its own class before the switch, its partner after it (trunk pretraining learns
 * the visible sub-action, which a short clip can decide, instead of the order, which it cannot).
 */
export function synthActors(synth: SynthTubes, frameSize: number): WindowActors {
  const classes = synth.config.classes;
  const partner = classes.map((c) => classes.findIndex((p) => p.name === c.pairedWith));
  return (video, first, length) => {
    const scene = synth.scene(video.name);
    const sx = frameSize / scene.width;
    const sy = frameSize / scene.height;
    return scene.actors.map((a) => {
      const boxes = new Float64Array(length * 4);
      const acting = new Uint8Array(length);
      let second = 0;
      for (let t = 0; t < length; t++) {
        const f = Math.min(Math.max(first + t, 1), video.nframes);
        actorBoxAt(scene, a, f, boxes, t * 4);
        boxes[t * 4] *= sx;
        boxes[t * 4 + 1] *= sy;
        boxes[t * 4 + 2] *= sx;
        boxes[t * 4 + 3] *= sy;
        acting[t] = a.label >= 0 && f >= a.start && f <= a.end ? 1 : 0;
        second += a.mix?.[f] ?? 0;
      }
      const actor: PretrainActor = { boxes, acting, label: a.label };
      if (a.mix && second * 2 >= length) actor.recognitionLabel = partner[a.label];
      return actor;
    });
  };
}

/**
 * The actors of a window from GT tubes alone (data without scene scripts, tier 3): each tube is an
 * actor acting on its annotated frames; frames outside the tube hold its nearest box, not acting.
 */
export function tubeActors(frameSize: number): WindowActors {
  return (video, first, length) =>
    video.tubes.map((tube) => {
      const T = tube.boxes.length / 4;
      const boxes = new Float64Array(length * 4);
      const acting = new Uint8Array(length);
      for (let t = 0; t < length; t++) {
        const f = Math.min(Math.max(first + t, 1), video.nframes);
        const i = Math.min(Math.max(f - tube.start, 0), T - 1);
        for (let j = 0; j < 4; j++)
          boxes[t * 4 + j] =
            (tube.boxes[i * 4 + j] * frameSize) / (j % 2 ? video.height : video.width);
        acting[t] = f >= tube.start && f < tube.start + T ? 1 : 0;
      }
      return { boxes, acting, label: tube.label };
    });
}

/**
 * Horizontal flip of `frames` (`T × S × S × ch`, in place) and of `boxes` (`[x1, y1, x2, y2]` rows, in
 * place): the training augmentation of the trunk and of STEP. A flipped flow field has its
 * horizontal component negated: channel 0 of encoded flow (0.5 + u/2b) becomes 1 − value (channel
 * 3 in RGB ⊕ flow).
 */
export function flipFrames(frames: Float32Array, S: number, modality: StepModality): void {
  const ch = FrameCache.channels(modality);
  const row = S * ch;
  const u = modality === 'flow' ? 0 : modality === 'early' ? 3 : -1;
  for (let r = 0; r < frames.length / row; r++) {
    const o = r * row;
    for (let x = 0; x < S / 2; x++)
      for (let c = 0; c < ch; c++) {
        const a = o + x * ch + c;
        const b = o + (S - 1 - x) * ch + c;
        const v = frames[a];
        frames[a] = frames[b];
        frames[b] = v;
      }
    if (u >= 0) for (let x = 0; x < S; x++) frames[o + x * ch + u] = 1 - frames[o + x * ch + u];
  }
}

/** Mirrors `[x1, y1, x2, y2]` rows in place across a frame of width `S`. */
export function flipBoxes(boxes: Float64Array, S: number): void {
  for (let i = 0; i < boxes.length; i += 4) {
    const x1 = boxes[i];
    boxes[i] = S - boxes[i + 2];
    boxes[i + 2] = S - x1;
  }
}

/**
 * The part of a profile that fixes a stream's trunk and its pretraining (the cache of a pretrained
 * trunk depends on nothing else): step-bench's profiles, and PCSC's, which shares the trunk.
 */
export type TrunkProfile = Pick<
  StepProfile,
  'name' | 'trunk' | 'frameSize' | 'clipLength' | 'pretrain'
>;

/** What {@link pretrainedTrunk} needs to pretrain a stream's trunk. */
export interface TrunkSource {
  profile: TrunkProfile;
  modality: StepModality;
  numClasses: number;
  train: readonly VideoAnnotation[];
  read: FrameReader;
  actors: WindowActors;
  /** Final checkpoint of the pretrained trunk (the resumable one is `<path>.partial`). */
  path: string;
  /**
   * Start from another stream's pretrained trunk instead of from scratch (`Trunk.load` with
   * `inputChannels`) and pretrain `iterations` instead of the profile's: early fusion's RGB ⊕ flow
   * trunk from the flow trunk (`pretrain.earlyFromFlow`). `trunk` resolves to that trunk's file,
   * pretraining it first if needed; it is called only when this trunk is pretrained.
   */
  warmStart?: {
    trunk: () => Promise<string>;
    inputChannels: readonly number[];
    iterations: number;
  };
  log: (line: string) => void;
}

/** A trunk of the profile's size for a modality, freshly initialised. */
export function createTrunk(profile: TrunkProfile, modality: StepModality): Trunk {
  return new Trunk({
    channels: FrameCache.channels(modality),
    widths: profile.trunk.widths,
    neckChannels: profile.trunk.neckChannels,
    seed: profile.pretrain.seed,
  });
}

/**
 * A stream's pretrained trunk read from its cached file (`trunkPath`, or a copy a queued job
 * fetched), without the rendered frames its pretraining needed: what a model's process of
 * another bench (CFAD, PCSC) loads once the trunk exists. Throws naming the file when it holds
 * no trunk of the profile's shape.
 */
export async function readTrunk(
  profile: TrunkProfile,
  modality: StepModality,
  path: string,
): Promise<Trunk> {
  const trunk = createTrunk(profile, modality);
  try {
    trunk.load(await readCheckpoint(path), path);
  } catch (error) {
    trunk.dispose();
    throw error;
  }
  return trunk;
}

function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** Takes `<path>.lock` (exclusive create; a lock whose process is gone is taken over). */
function tryLock(lock: string): boolean {
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const fd = openSync(lock, 'wx');
      writeSync(fd, String(process.pid));
      closeSync(fd);
      return true;
    } catch {
      const pid = Number(readFileSync(lock, 'utf8'));
      if (pidAlive(pid)) return false;
      unlinkSync(lock);
    }
  }
  return false;
}

/**
 * Makes sure the file `path` exists: `create` writes it unless it is there; concurrent processes
 * (benchmark workers) needing the same file wait for the one holding `<path>.lock`.
 */
export async function createOnce(path: string, create: () => Promise<void>): Promise<void> {
  const lock = `${path}.lock`;
  while (!existsSync(path)) {
    if (!tryLock(lock)) {
      await new Promise((r) => setTimeout(r, 1000));
      continue;
    }
    try {
      if (!existsSync(path)) await create();
    } finally {
      unlinkSync(lock);
    }
  }
}

/**
 * The pretrained trunk of a stream (tubekit's stand-in for the papers' ImageNet/Kinetics weights,
 * see `pretrainTrunk` of @tubekit/backbones), trained once per profile and stream on the training
 * videos and cached as a safetensors file that every configuration starts from. Pretraining
 * resumes from `<path>.partial`; concurrent processes (benchmark workers) needing the same stream
 * wait for the one holding `<path>.lock`.
 */
export async function pretrainedTrunk(source: TrunkSource): Promise<Trunk> {
  const { profile, modality, path } = source;
  const trunk = createTrunk(profile, modality);
  await mkdir(dirname(path), { recursive: true });
  for (;;) {
    await createOnce(path, () => pretrainOnce(trunk, source));
    try {
      trunk.load(await readCheckpoint(path), path);
      return trunk;
    } catch (error) {
      // a damaged cached trunk (cut off, another format) is reported, set aside and pretrained again
      const aside = setAsideDamaged(path);
      source.log(
        `step-bench: cannot load the pretrained trunk ${path} (${firstLine(error)}); set aside as ${aside}, pretraining again`,
      );
    }
  }
}

/**
 * The clip sampler of a stream's trunk pretraining: a uniformly drawn training video and window
 * of the profile's clip length (frames past the video's end repeat its last frame), every actor
 * in it, flipped horizontally half of the time and with its RGB colours jittered
 * ({@link jitterColours}).
 */
export function pretrainClipSampler(
  source: Pick<TrunkSource, 'profile' | 'modality' | 'train' | 'read' | 'actors'>,
): (rng: Rng) => PretrainClip {
  const { profile, modality, train, read } = source;
  const S = profile.frameSize;
  const T = profile.clipLength;
  const size = S * S * FrameCache.channels(modality);
  return (rng) => {
    const video = train[rng.int(train.length)];
    const first = 1 + rng.int(Math.max(1, video.nframes - T + 1));
    const frames = new Float32Array(T * size);
    for (let t = 0; t < T; t++)
      frames.set(read(video, Math.min(first + t, video.nframes)), t * size);
    const actors = source.actors(video, first, T);
    if (rng.next() < 0.5) {
      flipFrames(frames, S, modality);
      for (const a of actors) flipBoxes(a.boxes, S);
    }
    jitterColours(frames, modality, rng);
    return { frames, actors };
  };
}

async function pretrainOnce(trunk: Trunk, source: TrunkSource): Promise<void> {
  const { profile, modality } = source;
  const S = profile.frameSize;
  const T = profile.clipLength;
  const p = profile.pretrain;
  // 1 in 20 training videos (at least 20 of them) sits out, so the log can say whether the trunk
  // recognises actions on videos it has not seen, or memorises its training videos.
  const held = source.train.length >= 20 ? Math.round(source.train.length / 20) : 0;
  const split = source.train.length - held;
  const sampleClip = pretrainClipSampler({ ...source, train: source.train.slice(0, split) });
  const drawHeldOut = pretrainClipSampler({ ...source, train: source.train.slice(split) });
  const heldOutRng = createRng(p.seed * 7919 + 31);
  const heldOutClips = Array.from({ length: 4 * held }, () => drawHeldOut(heldOutRng));
  let heldOut: PretrainHeldOutResult | undefined;
  const { warmStart } = source;
  const iterations = warmStart?.iterations ?? p.iterations;
  let startedFrom: string | undefined;
  if (warmStart) {
    const path = await warmStart.trunk();
    trunk.load(await readCheckpoint(path), path, { inputChannels: warmStart.inputChannels });
    startedFrom = basename(path);
  }
  source.log(
    `step-bench: pretraining the ${modality} trunk (${iterations} iterations on ${split} videos${held ? `, ${held} held out` : ''}${startedFrom ? `, starting from ${startedFrom}` : ''})`,
  );
  const terms = { actorness: 0, recognition: 0, steps: 0, recognitionSteps: 0 };
  const summary = await pretrainTrunk(trunk, {
    numClasses: source.numClasses,
    clipLength: T,
    frameWidth: S,
    frameHeight: S,
    iterations,
    batchClips: p.batchClips,
    actornessClips: p.actornessClips,
    learningRate: p.learningRate,
    cropSize: p.cropSize,
    seed: p.seed,
    sampleClip,
    checkpoint: {
      path: `${source.path}.partial`,
      every: Math.max(10, Math.round(iterations / 10)),
    },
    progress: `  pretrain ${modality} trunk`,
    // the loss terms' means since the last held-out report go into its log line
    onLossTerms: held
      ? (_, t) => {
          terms.actorness += t.actorness;
          terms.steps++;
          // a batch without actors has no recognition term
          if (!Number.isNaN(t.recognition)) {
            terms.recognition += t.recognition;
            terms.recognitionSteps++;
          }
        }
      : undefined,
    heldOut: held
      ? {
          clips: heldOutClips,
          every: Math.max(1, Math.round(iterations / 6)),
          onAccuracy: (i, r) => {
            heldOut = r;
            const mean = (v: number, n: number) => (v / Math.max(1, n)).toFixed(3);
            source.log(
              `step-bench: ${modality} trunk, iteration ${i + 1}: recognition accuracy ${r.accuracy.toFixed(3)} on ${r.actors} actors of ${held} held-out videos (all-idle ${r.idle.toFixed(3)}); mean loss terms since the last report: actorness ${mean(terms.actorness, terms.steps)}, recognition ${mean(terms.recognition, terms.recognitionSteps)}`,
            );
            Object.assign(terms, { actorness: 0, recognition: 0, steps: 0, recognitionSteps: 0 });
          },
        }
      : undefined,
  });
  const tail = summary.losses.slice(-Math.max(1, Math.round(summary.losses.length / 10)));
  source.log(
    `step-bench: ${modality} trunk pretrained (final loss ${(tail.reduce((a, b) => a + b, 0) / Math.max(1, tail.length)).toFixed(3)}, ${(summary.wallMs / 1000).toFixed(0)} s)`,
  );
  const trunkWeights = (await readCheckpoint(`${source.path}.partial`)).tensors.filter((t) =>
    t.name.startsWith('param/trunk/'),
  );
  await writeCheckpoint(source.path, {
    tensors: trunkWeights,
    metadata: {
      format: 'tubekit-trunk',
      modality,
      profile: profile.name,
      ...(startedFrom && { startedFrom }),
      ...(heldOut && {
        heldOutAccuracy: heldOut.accuracy.toFixed(4),
        heldOutAllIdle: heldOut.idle.toFixed(4),
      }),
    },
  });
  // the resumable state (optimizer slots included) is of no use once the trunk is final
  unlinkSync(`${source.path}.partial`);
}
