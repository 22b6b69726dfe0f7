import {
  createNamedWeight,
  createRng,
  heNormal,
  type NamedWeight,
  type Rng,
  Trainer,
  type TrainSummary,
  tf,
  tidyValues,
  train,
  variableScope,
} from '@tubekit/nn';
import type { Trunk } from './trunk';

/**
 * Version of {@link pretrainTrunk}'s objective and heads. Caches of pretrained trunks put it in
 * their key, so a changed objective pretrains again. 5: clip recognition learns each actor's
 * {@link PretrainActor.recognitionLabel} (the sub-action an order class shows in the clip); 4:
 * only `actornessClips` clips of a batch run the dense task, every clip's actors feed
 * recognition; 3: clip recognition runs the trunk on actor crops and encodes each frame's cell
 * layout (1: spatial mean of neck RoIs).
 */
export const PRETRAIN_OBJECTIVE_VERSION = 5;

/** One actor of a pretraining clip (annotated or not), with a box on every clip frame. */
export interface PretrainActor {
  /** `T × 4` boxes `[x1, y1, x2, y2]` in clip-frame pixels. */
  boxes: Float64Array;
  /** `T` flags: 1 where the actor performs its action, 0 where it idles. */
  acting: Uint8Array;
  /** 0-based action class, or −1 for an actor that never acts (a bystander). */
  label: number;
  /**
   * The class clip recognition learns for this actor when it differs from `label` (default
   * `label`): what the clip itself shows. For a class told from its partner only by the order of
   * two sub-actions (SynthTubes' `kick-bow` / `bow-kick`), a clip inside one segment is equally
   * likely to come from either member, so the class label carries no information about which
   * sub-action is visible and recognition could never learn to tell them apart; naming the class
   * whose first sub-action the clip shows teaches the trunk the sub-actions, from which the heads'
   * longer windows decide the order.
   */
  recognitionLabel?: number;
}

/** One pretraining clip: `T` consecutive frames and every actor in them. */
export interface PretrainClip {
  /** `T × H × W × channels` values in [0, 1]. */
  frames: Float32Array;
  actors: PretrainActor[];
}

/** Options of {@link pretrainTrunk}. */
export interface PretrainTrunkOptions {
  /** Action classes C (the clip classifier has C + 1 outputs, 0 = idle). */
  numClasses: number;
  /** Frames per clip T. */
  clipLength: number;
  frameWidth: number;
  frameHeight: number;
  iterations: number;
  /** Clips per mini-batch: every actor of each clip is a clip-recognition sample. */
  batchClips: number;
  /**
   * How many of a batch's clips (the first ones) also train the dense actorness task on whole
   * frames (default: all). Recognition runs on small actor crops and learns from many actors per
   * batch; the whole-frame pass costs far more per clip, so it runs on a few.
   */
  actornessClips?: number;
  /** Adam learning rate (cosine-free: constant, ×0.1 for the last third). */
  learningRate: number;
  /** Seed of the pretraining heads and of the clip stream. */
  seed: number;
  /** Draws one clip (augmentation included) from the trainer's seeded generator. */
  sampleClip: (rng: Rng) => PretrainClip;
  /** Resumable safetensors checkpoint (nn's `Trainer`): trunk + pretraining heads + Adam state. */
  checkpoint?: { path: string; every: number };
  /** Progress bar label (default `pretrain trunk`); `false` for silence. */
  progress?: string | false;
  /**
   * Side in pixels of the actor crops of clip recognition (default 48; a multiple of the trunk's
   * stride 8).
   */
  cropSize?: number;
  /**
   * Called after each iteration's forward pass with its loss terms and the clip classifier's
   * accuracy on the batch's actors (measured before the update: the batch is fresh clips, so it
   * tracks held-out recognition on a large training set).
   */
  onLossTerms?: (iteration: number, terms: PretrainLossTerms) => void;
  /**
   * Fixed clips (e.g. of held-out videos) on which clip recognition is evaluated every `every`
   * iterations, without updating anything: whether the trunk learns the classes or memorises the
   * training videos (their actors' colours, their backgrounds).
   */
  heldOut?: {
    clips: readonly PretrainClip[];
    every: number;
    onAccuracy: (iteration: number, result: PretrainHeldOutResult) => void;
  };
}

/** Clip recognition on {@link PretrainTrunkOptions.heldOut}'s clips. */
export interface PretrainHeldOutResult {
  /** Fraction of the clips' actors whose argmax class (idle + C) is right. */
  accuracy: number;
  /** Accuracy of always answering idle (the fraction of idle actors): the chance level. */
  idle: number;
  actors: number;
  /**
   * `(C + 1) × (C + 1)` counts of the actors by true class (row) and argmax class (column), 0 =
   * idle: what recognition confuses (idle with acting, the members of a class pair).
   */
  confusion: number[][];
}

/** The loss terms of one pretraining iteration ({@link PretrainTrunkOptions.onLossTerms}). */
export interface PretrainLossTerms {
  /** Balanced BCE of the dense actorness task. */
  actorness: number;
  /** Softmax cross-entropy of clip recognition (NaN for a batch with no actor). */
  recognition: number;
  /** Fraction of the batch's actors whose argmax class (idle + C) is right (NaN without actors). */
  accuracy: number;
  /** Actors in the batch, and those of them labelled with a class (the rest are idle). */
  actors: number;
  acting: number;
}

interface Dense {
  w: NamedWeight;
  b: NamedWeight;
}

function dense(scope: string, rng: Rng, name: string, fanIn: number, out: number, gain = 1): Dense {
  const w = heNormal(fanIn * out, fanIn, rng);
  for (let i = 0; i < w.length; i++) w[i] *= gain;
  return {
    w: createNamedWeight(scope, `${name}.weight`, [fanIn, out], w, { kind: 'conv' }),
    b: createNamedWeight(scope, `${name}.bias`, [out], new Float32Array(out), { kind: 'vector' }),
  };
}

const linear = (x: tf.Tensor2D, d: Dense) =>
  tf.add(tf.matMul(x, d.w.variable as tf.Tensor2D), d.b.variable) as tf.Tensor2D;

/**
 * Per-cell targets of the dense objectness task on the stride-s grid: channel 0 = the cell centre
 * lies inside some actor's box, channel 1 = inside an actor that is acting at that frame.
 */
function cellTargets(clips: PretrainClip[], T: number, h: number, w: number, stride: number) {
  const target = new Float32Array(clips.length * T * h * w * 2);
  clips.forEach((clip, b) => {
    for (const a of clip.actors)
      for (let t = 0; t < T; t++) {
        const o = t * 4;
        const [x1, y1, x2, y2] = [a.boxes[o], a.boxes[o + 1], a.boxes[o + 2], a.boxes[o + 3]];
        for (let i = 0; i < h; i++) {
          const cy = (i + 0.5) * stride;
          if (cy < y1 || cy > y2) continue;
          for (let j = 0; j < w; j++) {
            const cx = (j + 0.5) * stride;
            if (cx < x1 || cx > x2) continue;
            const k = ((((b * T + t) * h + i) * w + j) * 2) as number;
            target[k] = 1;
            if (a.acting[t]) target[k + 1] = 1;
          }
        }
      }
  });
  return target;
}

/**
 * Balanced binary cross-entropy of logits against 0/1 targets: the mean over positives and the
 * mean over negatives, averaged (actors cover a small part of a frame).
 */
function balancedBce(logits: tf.Tensor, target: Float32Array): tf.Scalar {
  let pos = 0;
  for (const v of target) pos += v;
  const neg = target.length - pos;
  const weight = new Float32Array(target.length);
  for (let i = 0; i < target.length; i++)
    weight[i] = target[i] ? 0.5 / Math.max(pos, 1) : 0.5 / Math.max(neg, 1);
  const y = tf.tensor(target, logits.shape);
  // log(1 + e^x) − y·x, stable: relu(x) − y·x + log(1 + e^−|x|)
  const l = tf.add(
    tf.sub(tf.relu(logits), tf.mul(y, logits)),
    tf.log1p(tf.exp(tf.neg(tf.abs(logits)))),
  );
  return tf.sum(tf.mul(l, tf.tensor(weight, logits.shape))) as tf.Scalar;
}

/**
 * Pretrains a {@link Trunk} on clips of one stream, once, as the papers start from ImageNet /
 * Kinetics weights (tubekit's choice of pretext tasks, on the benchmark's own training videos):
 *
 * 1. **dense actorness**, per frame and per stride-8 cell of the neck: "inside an actor" and
 *    "inside an acting actor" (balanced binary cross-entropy) — localisation features over the
 *    whole frame, and the action/idle distinction the detectors' classifiers need;
 * 2. **clip recognition** per actor: one square around the actor's boxes on the clip's T frames
 *    is cropped from every frame at `cropSize` px (the actor fills it; its displacement within the
 *    clip stays visible) and run through the trunk; each frame's neck cells are encoded by a fully
 *    connected layer (keeping where the limbs are: with the spatial mean of an RoI on the
 *    full-frame neck, the classifier stayed at the all-idle answer on fresh clips), passed
 *    through a 3-tap temporal layer and max-pooled over time,
 *    and classified into idle + C classes (softmax cross-entropy; an actor acting on at least half
 *    of the frames has its {@link PretrainActor.recognitionLabel}, otherwise idle) — motion
 *    features, the only cue of SynthTubes' classes, so an RGB trunk learns motion through its
 *    temporal layers.
 *
 * The loss is the sum of both. Training uses nn's `Trainer` (Adam, ×0.1 at 2/3) and `train` loop:
 * a safetensors checkpoint of trunk, pretraining heads and optimiser state, resumed when present,
 * with a progress bar. The pretraining heads are discarded afterwards; {@link Trunk.load} reads
 * the trunk's weights (`param/trunk/…`) from the checkpoint.
 *
 * @example
 * const trunk = new Trunk({ channels: 3, seed: 1 });
 * await pretrainTrunk(trunk, { numClasses: 8, clipLength: 6, frameWidth: 112, frameHeight: 112,
 *   iterations: 300, batchClips: 4, learningRate: 2e-3, seed: 1, sampleClip,
 *   checkpoint: { path: 'trunk-rgb.safetensors', every: 50 } });
 */
export async function pretrainTrunk(
  trunk: Trunk,
  options: PretrainTrunkOptions,
): Promise<TrainSummary> {
  const { numClasses: C, clipLength: T, frameWidth: W, frameHeight: H } = options;
  if (!(Number.isInteger(T) && T >= 2))
    throw new Error(`pretrainTrunk: clipLength must be an integer ≥ 2, got ${T}`);
  const Sc = options.cropSize ?? 48;
  if (!(Number.isInteger(Sc) && Sc > 0 && Sc % 8 === 0))
    throw new Error(`pretrainTrunk: cropSize must be a positive multiple of 8, got ${Sc}`);
  const R = Sc / 8;
  const F = trunk.options.neckChannels;
  const stride = trunk.neckStride;
  const scope = variableScope('pretrain');
  const rng = createRng(options.seed * 7919 + 17);
  const obj = dense(scope, rng, 'objectness', F, 2, 0.1);
  const frame = dense(scope, rng, 'clip.frame', R * R * F, F);
  const temporal = dense(scope, rng, 'clip.temporal', 3 * F, F);
  const cls = dense(scope, rng, 'clip.classifier', F, C + 1, 0.1);
  const heads = [obj, frame, temporal, cls].flatMap((d) => [d.w, d.b]);
  const actornessClips = options.actornessClips ?? options.batchClips;
  if (
    !(
      Number.isInteger(actornessClips) &&
      actornessClips >= 1 &&
      actornessClips <= options.batchClips
    )
  )
    throw new Error(
      `pretrainTrunk: actornessClips must be an integer from 1 to batchClips (${options.batchClips}), got ${actornessClips}`,
    );
  const heldOut = options.heldOut;
  if (heldOut && !(Number.isInteger(heldOut.every) && heldOut.every >= 1))
    throw new Error(
      `pretrainTrunk: heldOut.every must be a positive integer, got ${heldOut.every}`,
    );
  const h = Math.ceil(H / stride);
  const w = Math.ceil(W / stride);
  const framesTensor = (clips: readonly PretrainClip[]) => {
    const frames = new Float32Array(clips.reduce((k, c) => k + c.frames.length, 0));
    let o = 0;
    for (const c of clips) {
      frames.set(c.frames, o);
      o += c.frames.length;
    }
    return tf.tensor4d(frames, [clips.length * T, H, W, trunk.options.channels]);
  };
  /**
   * Clip recognition samples: every actor, cropped on each clip frame by one square around its
   * boxes on all T frames (so its displacement within the clip stays visible).
   */
  const recognitionSamples = (clips: readonly PretrainClip[]) => {
    const crops: number[] = [];
    const frameIndex: number[] = [];
    const labels: number[] = [];
    clips.forEach((clip, b) => {
      for (const a of clip.actors) {
        let acting = 0;
        for (let t = 0; t < T; t++) acting += a.acting[t];
        const label = a.recognitionLabel ?? a.label;
        labels.push(label >= 0 && acting * 2 >= T ? label + 1 : 0);
        let [x1, y1, x2, y2] = [Infinity, Infinity, -Infinity, -Infinity];
        for (let t = 0; t < T; t++) {
          x1 = Math.min(x1, a.boxes[t * 4]);
          y1 = Math.min(y1, a.boxes[t * 4 + 1]);
          x2 = Math.max(x2, a.boxes[t * 4 + 2]);
          y2 = Math.max(y2, a.boxes[t * 4 + 3]);
        }
        const half = 0.575 * Math.max(x2 - x1, y2 - y1, 1);
        const [cx, cy] = [(x1 + x2) / 2, (y1 + y2) / 2];
        for (let t = 0; t < T; t++) {
          crops.push(
            (cy - half) / (H - 1),
            (cx - half) / (W - 1),
            (cy + half) / (H - 1),
            (cx + half) / (W - 1),
          );
          frameIndex.push(b * T + t);
        }
      }
    });
    return { crops, frameIndex, labels };
  };
  /** Idle + C logits of the samples' crops of `x` (call inside a tidy or a gradient scope). */
  const recognitionLogits = (x: tf.Tensor4D, s: ReturnType<typeof recognitionSamples>) => {
    const n = s.labels.length;
    const cropped = tf.image.cropAndResize(
      x,
      tf.tensor2d(s.crops, [n * T, 4]),
      tf.tensor1d(s.frameIndex, 'int32'),
      [Sc, Sc],
    );
    const cropNeck = trunk.neck(trunk.backbone(cropped, T), T);
    // per frame: the crop's R × R neck cells (where the limbs are) → F features
    const perFrame = tf.relu(
      linear(tf.reshape(cropNeck, [n * T, R * R * F]) as tf.Tensor2D, frame),
    );
    const seq = tf.reshape(perFrame, [n, T, F]);
    const prev = tf.concat([tf.slice(seq, [0, 0], [n, 1]), tf.slice(seq, [0, 0], [n, T - 1])], 1);
    const next = tf.concat(
      [tf.slice(seq, [0, 1], [n, T - 1]), tf.slice(seq, [0, T - 1], [n, 1])],
      1,
    );
    const taps = tf.reshape(tf.concat([prev, seq, next], 2), [n * T, 3 * F]) as tf.Tensor2D;
    const hidden = tf.max(tf.reshape(tf.relu(linear(taps, temporal)), [n, T, F]), 1);
    return linear(hidden as tf.Tensor2D, cls);
  };
  const correct = (logits: tf.Tensor2D, labels: readonly number[]) => {
    const predicted = tidyValues(() => tf.argMax(logits, 1));
    return labels.filter((l, i) => predicted[i] === l).length;
  };
  const evaluateHeldOut = (clips: readonly PretrainClip[]): PretrainHeldOutResult => {
    const confusion = Array.from({ length: C + 1 }, () => new Array<number>(C + 1).fill(0));
    for (let o = 0; o < clips.length; o += options.batchClips) {
      const batch = clips.slice(o, o + options.batchClips);
      const samples = recognitionSamples(batch);
      if (samples.labels.length === 0) continue;
      const predicted = tidyValues(() =>
        tf.argMax(recognitionLogits(framesTensor(batch), samples), 1),
      );
      samples.labels.forEach((l, i) => {
        confusion[l][predicted[i]]++;
      });
    }
    const actors = confusion.reduce((k, row) => k + row.reduce((a, b) => a + b, 0), 0);
    const right = confusion.reduce((k, row, l) => k + row[l], 0);
    const idle = confusion[0].reduce((a, b) => a + b, 0);
    return {
      accuracy: right / Math.max(actors, 1),
      idle: idle / Math.max(actors, 1),
      actors,
      confusion,
    };
  };
  const trainer = new Trainer({
    parameters: [
      ...trunk.weights().map((w) => ({ name: `trunk/${w.name}`, variable: w.variable })),
      ...heads.map((w) => ({ name: `pretrain/${w.name}`, variable: w.variable })),
    ],
    optimizer: { kind: 'adam', learningRate: options.learningRate },
    schedule: { kind: 'step', milestones: [Math.round((options.iterations * 2) / 3)], gamma: 0.1 },
    seed: options.seed,
  });
  try {
    return await train(trainer, {
      steps: options.iterations,
      checkpoint: options.checkpoint,
      progress:
        options.progress === false ? false : { label: options.progress ?? 'pretrain trunk' },
      loss: (step, clipRng) => {
        const clips = Array.from({ length: options.batchClips }, () => options.sampleClip(clipRng));
        const x = framesTensor(clips);
        const A = actornessClips;
        const whole = A === clips.length ? x : tf.slice(x, 0, A * T);
        const neck = trunk.neck(trunk.backbone(whole, T), T);
        const objLogits = tf.reshape(linear(tf.reshape(neck, [-1, F]) as tf.Tensor2D, obj), [
          A * T,
          h,
          w,
          2,
        ]);
        const actorness = balancedBce(objLogits, cellTargets(clips.slice(0, A), T, h, w, stride));
        let loss = actorness;
        const samples = recognitionSamples(clips);
        const n = samples.labels.length;
        let recognition = Number.NaN;
        let accuracy = Number.NaN;
        if (n > 0) {
          const logits = recognitionLogits(x, samples);
          const onehot = tf.oneHot(tf.tensor1d(samples.labels, 'int32'), C + 1);
          const ce = tf.mean(tf.neg(tf.sum(tf.mul(onehot, tf.logSoftmax(logits)), 1)));
          loss = tf.add(loss, ce) as tf.Scalar;
          if (options.onLossTerms) {
            recognition = ce.dataSync()[0];
            accuracy = correct(logits, samples.labels) / n;
          }
        }
        options.onLossTerms?.(step, {
          actorness: actorness.dataSync()[0],
          recognition,
          accuracy,
          actors: n,
          acting: samples.labels.filter((l) => l > 0).length,
        });
        return loss;
      },
      onStep: heldOut
        ? (r) => {
            if ((r.step + 1) % heldOut.every === 0)
              heldOut.onAccuracy(r.step, evaluateHeldOut(heldOut.clips));
          }
        : undefined,
    });
  } finally {
    trainer.dispose();
    for (const v of heads) v.variable.dispose();
  }
}
