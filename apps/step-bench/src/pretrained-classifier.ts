import { createHash } from 'node:crypto';
import { existsSync, renameSync } from 'node:fs';
import type { Trunk } from '@tubekit/backbones';
import type { VideoAnnotation } from '@tubekit/datasets';
import {
  type ClassifierClip,
  type FrameReader,
  ProgressiveDetector,
  pretrainClassifier,
} from '@tubekit/heads/progressive';
import type { Rng } from '@tubekit/nn';
import type { StepModality } from './configurations';
import { firstLine, setAsideDamaged } from './damaged-cache';
import type { StreamFeatures } from './feature-banks';
import { FrameCache } from './frame-cache';
import type { StepProfile } from './profiles';
import { createOnce, flipBoxes, flipFrames, type WindowActors } from './trunks';

/** What {@link storedClassifier} needs: a stream's trunk, its data, and where the trunk lies. */
export interface ClassifierSource {
  profile: StepProfile;
  modality: StepModality;
  numClasses: number;
  /** The stream's pretrained trunk (frozen here; the caller disposes it). */
  trunk: Trunk;
  /** Its file: the classifier is kept beside it ({@link classifierPath}). */
  trunkPath: string;
  train: readonly VideoAnnotation[];
  read: FrameReader;
  /** The stream's stored backbone features, read instead of running the backbone. */
  features?: StreamFeatures;
  actors: WindowActors;
  log: (line: string) => void;
}

/**
 * `<trunk path>.classifier-<hash>.safetensors`: the stream's pretrained classifier, named by a hash
 * of what it depends on besides the trunk (the profile's `classifier` settings and head sizes, the
 * classes and training videos, whether it read stored features).
 */
export function classifierPath(source: ClassifierSource): string {
  const p = source.profile;
  const hash = createHash('sha256')
    .update(
      JSON.stringify([
        p.classifier,
        p.roiSize,
        p.hidden,
        p.clipLength,
        p.pretrain.seed,
        source.numClasses,
        source.features !== undefined,
        source.train.map((v) => v.name),
      ]),
    )
    .digest('hex')
    .slice(0, 12);
  return `${source.trunkPath}.classifier-${hash}.safetensors`;
}

/**
 * The clips of classifier pretraining: a training video with a GT tube, a K-frame clip starting
 * within 3 frames of a random frame of the tube (most clips hold an acting actor, some its start
 * or end), every actor of it (target: its class + 1 where it acts on at least half of the clip's
 * frames, else 0), flipped horizontally half of the time.
 */
function classifierClipSampler(source: ClassifierSource): (rng: Rng) => ClassifierClip {
  const { profile, modality, features } = source;
  const S = profile.frameSize;
  const K = profile.clipLength;
  const size = features?.valuesPerFrame ?? S * S * FrameCache.channels(modality);
  const videos = source.train.filter((v) => v.tubes.length > 0);
  if (videos.length === 0)
    throw new Error('step-bench: classifier pretraining needs training videos with GT tubes');
  return (rng) => {
    const video = videos[rng.int(videos.length)];
    const tube = video.tubes[rng.int(video.tubes.length)];
    const length = tube.boxes.length / 4;
    const start = Math.min(
      Math.max(1, tube.start - 3 + rng.int(length + 6)),
      Math.max(1, video.nframes - K + 1),
    );
    const flipped = rng.next() < 0.5;
    const read = features ? (flipped ? features.readFlipped : features.read) : source.read;
    const frames = new Float32Array(K * size);
    for (let t = 0; t < K; t++)
      frames.set(read(video, Math.min(start + t, video.nframes)), t * size);
    if (flipped && !features) flipFrames(frames, S, modality);
    const actors = source.actors(video, start, K).map((a) => {
      let acting = 0;
      for (let t = 0; t < K; t++) acting += a.acting[t];
      if (flipped) flipBoxes(a.boxes, S);
      return { boxes: a.boxes, target: a.label >= 0 && acting * 2 >= K ? a.label + 1 : 0 };
    });
    return { frames, actors };
  };
}

/**
 * The stream's pretrained classifier ({@link pretrainClassifier} of @tubekit/heads), trained once
 * per trunk on its frozen neck and kept at {@link classifierPath}, where every model of the
 * stream starts its heads' global branches from (`ProgressiveDetector.loadClassifier`). Pretraining
 * resumes from `<path>.partial`; concurrent processes wait for the one holding `<path>.lock`; a
 * damaged file is set aside and trained again. Returns the path; without `profile.classifier`
 * (iterations 0) nothing is trained and it returns `undefined`.
 */
export async function storedClassifier(source: ClassifierSource): Promise<string | undefined> {
  const settings = source.profile.classifier;
  if (settings.iterations === 0) return undefined;
  const path = classifierPath(source);
  await createOnce(path, () => pretrainOnce(source, path));
  return path;
}

async function pretrainOnce(source: ClassifierSource, path: string): Promise<void> {
  const { profile, modality } = source;
  const settings = profile.classifier;
  const detector = new ProgressiveDetector({
    numClasses: source.numClasses,
    trunk: source.trunk,
    frameWidth: profile.frameSize,
    frameHeight: profile.frameSize,
    clipLength: profile.clipLength,
    steps: 1,
    extension: 'none',
    roiSize: profile.roiSize,
    hidden: profile.hidden,
    sceneContext: true,
    seed: profile.pretrain.seed,
  });
  const partial = `${path}.partial`;
  const train = async () => {
    let accuracy = 0;
    let counted = 0;
    const summary = await pretrainClassifier(detector, {
      iterations: settings.iterations,
      batchClips: settings.batchClips,
      learningRate: settings.learningRate,
      seed: profile.pretrain.seed,
      sampleClip: classifierClipSampler(source),
      input: source.features ? 'backbone' : 'frames',
      boxRegression: settings.boxRegression,
      checkpoint: { path: partial, every: Math.max(10, Math.round(settings.iterations / 10)) },
      progress: `  pretrain ${modality} classifier`,
      onIteration: (i, _loss, batchAccuracy) => {
        // the last tenth's batches are fresh clips: close to accuracy on unseen ones
        if (i >= settings.iterations * 0.9) {
          accuracy += batchAccuracy;
          counted++;
        }
      },
    });
    source.log(
      `step-bench: ${modality} classifier pretrained (${settings.iterations} iterations, ${(summary.wallMs / 1000).toFixed(0)} s${counted ? `, accuracy ${(accuracy / counted).toFixed(3)} on the last tenth's fresh batches` : ''})`,
    );
  };
  try {
    try {
      await train();
    } catch (error) {
      // a checkpoint that cannot be resumed from is set aside and the classifier trained afresh
      if (!existsSync(partial)) throw error;
      const aside = setAsideDamaged(partial);
      source.log(
        `step-bench: cannot resume the ${modality} classifier from ${partial} (${firstLine(error)}); set aside as ${aside}, training it afresh`,
      );
      await train();
    }
  } finally {
    detector.dispose();
  }
  renameSync(partial, path);
}
