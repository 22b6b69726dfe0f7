import { boxIoUAt, clipBoxes, drawBackgroundBox, encodeBoxDeltas } from '@tubekit/geometry';
import { type Rng, roiAlign, Trainer, type TrainSummary, tf, train } from '@tubekit/nn';
import type { DetectorInput, ProgressiveDetector } from './progressive-detector';
import { tubeletSmoothL1 } from './tubelet-regression-loss';

/** One actor of a {@link ClassifierClip}: its boxes on the clip's K frames and what it is. */
export interface ClassifierActor {
  /** `K × 4` boxes `[x1, y1, x2, y2]` at the detector's frame size. */
  boxes: Float64Array;
  /** 0 for idle (or a bystander), c + 1 for an actor performing class c on most of the frames. */
  target: number;
}

/** One clip of {@link pretrainClassifier}: K frames of the detector's input and its actors. */
export interface ClassifierClip {
  /** `K` frames of the detector's input: pixels, or stored backbone features (`input`). */
  frames: Float32Array;
  actors: ClassifierActor[];
}

/** Options of {@link pretrainClassifier}. */
export interface PretrainClassifierOptions {
  iterations: number;
  /** Clips per mini-batch; each gives {@link TUBELETS_PER_CLIP} tubelets. */
  batchClips: number;
  /** Adam rate, ×0.1 for the last third. */
  learningRate: number;
  seed: number;
  /** Draws one clip (augmentation included) from the trainer's seeded generator. */
  sampleClip: (rng: Rng) => ClassifierClip;
  /** What `frames` holds (default `'frames'`: pixels through the whole trunk). */
  input?: DetectorInput;
  /**
   * Also pretrain the local branch's class-specific box regression (STEP Eq. 3, weight 1): each
   * clip adds {@link REGRESSION_TUBELETS_PER_CLIP} loosely placed tubelets of its acting actor
   * ({@link regressionTubelets}), and every tubelet on an acting actor regresses that actor's
   * boxes. Default false (the classifier only).
   */
  boxRegression?: boolean;
  /** Resumable checkpoint (nn's `Trainer`): the `classifier/<i>` weights and Adam state. */
  checkpoint?: { path: string; every: number };
  /** Progress bar label (default `pretrain classifier`); `false` for silence. */
  progress?: string | false;
  /** Called after each iteration with its loss and the batch's accuracy (before the update). */
  onIteration?: (iteration: number, loss: number, accuracy: number) => void;
}

/** Tubelets per clip: two jittered boxes of one actor, another actor, a background box. */
export const TUBELETS_PER_CLIP = 4;

/** Largest shift (fraction of the box's side) and scale change of a jittered actor tubelet. */
const JITTER = 0.1;

/** Loosely placed tubelets per clip of box-regression pretraining ({@link regressionTubelets}). */
export const REGRESSION_TUBELETS_PER_CLIP = 2;

/**
 * Largest shift (fraction of the box's side) and log scale change of a loosely placed tubelet,
 * and the least mean IoU it keeps with its actor (STEP's step-1 positives: τ₁ = 0.3).
 */
const LOOSE = { shift: 0.35, logScale: Math.log(1.5), minIoU: 0.3 };

/**
 * The tubelets of one clip for {@link pretrainClassifier}, written at tubelet `first` of `boxes`
 * (`K × 4` values each) and `targets`: two jittered copies of an actor (an acting one when the
 * clip has any; shift and scale within ±10% of the box, one draw per tubelet, so IoU ≥ 0.67 with
 * the actor), another actor unchanged (an idle one is a hard negative) or else a background box,
 * and a background box (target 0) overlapping every actor at mean IoU < 0.3 where 20 draws find
 * one. With `actorBoxes`, each actor tubelet's actor boxes are written there at the same place
 * (the targets of box regression); a background tubelet's are left as they are.
 */
export function classifierTubelets(
  clip: ClassifierClip,
  K: number,
  frame: { width: number; height: number },
  rng: Rng,
  boxes: Float32Array,
  targets: Int32Array,
  first: number,
  actorBoxes?: Float32Array,
): void {
  const actors = clip.actors;
  const acting = actors.filter((a) => a.target > 0);
  const pool = acting.length > 0 ? acting : actors;
  const main = pool.length > 0 ? pool[rng.int(pool.length)] : undefined;
  const others = actors.filter((a) => a !== main);
  const put = (
    n: number,
    source: Float64Array | Float32Array,
    target: number,
    actor?: ClassifierActor,
  ) => {
    boxes.set(source, (first + n) * K * 4);
    targets[first + n] = target;
    if (actor && actorBoxes) actorBoxes.set(actor.boxes, (first + n) * K * 4);
  };
  const jittered = (a: ClassifierActor) => {
    const dx = (2 * rng.next() - 1) * JITTER;
    const dy = (2 * rng.next() - 1) * JITTER;
    const scale = 1 + (2 * rng.next() - 1) * JITTER;
    const out = new Float32Array(K * 4);
    for (let t = 0; t < K; t++) {
      const [x1, y1, x2, y2] = a.boxes.subarray(t * 4, t * 4 + 4);
      const w = x2 - x1;
      const h = y2 - y1;
      const cx = (x1 + x2) / 2 + dx * w;
      const cy = (y1 + y2) / 2 + dy * h;
      out.set(
        [cx - (scale * w) / 2, cy - (scale * h) / 2, cx + (scale * w) / 2, cy + (scale * h) / 2],
        t * 4,
      );
    }
    return clipBoxes(out, frame, undefined, out);
  };
  const actorTubelets = actors.map((a) => a.boxes);
  const background = () => drawBackgroundBox(new Float32Array(K * 4), frame, actorTubelets, rng);
  if (main) {
    put(0, jittered(main), main.target, main);
    put(1, jittered(main), main.target, main);
  } else {
    put(0, background(), 0);
    put(1, background(), 0);
  }
  const other = others.length > 0 ? others[rng.int(others.length)] : undefined;
  if (other) put(2, other.boxes, other.target, other);
  else put(2, background(), 0);
  put(3, background(), 0);
}

/**
 * The loosely placed tubelets of one clip for box-regression pretraining, written at tubelet
 * `first` of `boxes`, with their actor's boxes at the same place of `actorBoxes`: an acting actor
 * of the clip (drawn with `rng`), then {@link REGRESSION_TUBELETS_PER_CLIP} tubelets, each
 * following the actor frame by frame or held still as its mean box (a cuboid, as STEP's initial
 * proposals are; one tubelet in two), shifted by up to ±35% of the box's side and scaled by up to
 * ×1.5 or ÷1.5 in each direction, redrawn (up to 20 times) until its mean IoU with the actor is at
 * least 0.3, the least overlap of STEP's step-1 positives. Returns the actor's target (its class
 * + 1), or 0 when the clip has no acting actor (nothing written).
 */
export function regressionTubelets(
  clip: ClassifierClip,
  K: number,
  frame: { width: number; height: number },
  rng: Rng,
  boxes: Float32Array,
  actorBoxes: Float32Array,
  first: number,
): number {
  const acting = clip.actors.filter((a) => a.target > 0);
  if (acting.length === 0) return 0;
  const actor = acting[rng.int(acting.length)];
  const mean = [0, 0, 0, 0];
  for (let t = 0; t < K; t++) for (let j = 0; j < 4; j++) mean[j] += actor.boxes[t * 4 + j] / K;
  const draw = (out: Float32Array) => {
    const cuboid = rng.next() < 0.5;
    const dx = (2 * rng.next() - 1) * LOOSE.shift;
    const dy = (2 * rng.next() - 1) * LOOSE.shift;
    const sw = Math.exp((2 * rng.next() - 1) * LOOSE.logScale);
    const sh = Math.exp((2 * rng.next() - 1) * LOOSE.logScale);
    for (let t = 0; t < K; t++) {
      const [x1, y1, x2, y2] = cuboid ? mean : actor.boxes.subarray(t * 4, t * 4 + 4);
      const w = x2 - x1;
      const h = y2 - y1;
      const cx = (x1 + x2) / 2 + dx * w;
      const cy = (y1 + y2) / 2 + dy * h;
      out.set([cx - (sw * w) / 2, cy - (sh * h) / 2, cx + (sw * w) / 2, cy + (sh * h) / 2], t * 4);
    }
    clipBoxes(out, frame, { minSize: 1 }, out);
    let sum = 0;
    for (let t = 0; t < K; t++) sum += boxIoUAt(out, t, actor.boxes, t);
    return sum / K;
  };
  for (let n = 0; n < REGRESSION_TUBELETS_PER_CLIP; n++) {
    const out = boxes.subarray((first + n) * K * 4, (first + n + 1) * K * 4);
    for (let attempt = 0; attempt < 20 && draw(out) < LOOSE.minIoU; attempt++);
    actorBoxes.set(actor.boxes, (first + n) * K * 4);
  }
  return actor.target;
}

/**
 * Pretrains the classification of STEP's heads on actor tubelets with the trunk frozen: the
 * step-1 head's global branch (region encoder, temporal layers, global fc, classifier; scene
 * context as configured) learns softmax cross-entropy over idle/background + C classes on
 * {@link TUBELETS_PER_CLIP} tubelets per clip ({@link classifierTubelets}) pooled from the neck.
 * With `boxRegression` the local branch (fc and class-specific regressor) learns STEP's Eq. 3 as
 * well, on every tubelet of an acting actor: the classifier's two jittered copies, an acting
 * second actor as it is, and {@link REGRESSION_TUBELETS_PER_CLIP} loosely placed tubelets per clip
 * ({@link regressionTubelets}, mean IoU ≥ 0.3 as step-1 positives; they carry no cross-entropy),
 * encoded with the detector's `deltaStd`.
 * A tubekit choice, not STEP's: the paper's heads start from ImageNet-pretrained VGG16 layers;
 * here every step's global (and local) branch starts from this pretraining
 * ({@link ProgressiveDetector.loadClassifier}), which learns from many cheap samples (the neck
 * runs forward only, no progression) what the joint training would otherwise learn from a few
 * positives per clip (on step-bench's `quick`, 14% of step 1's coarse proposals overlap an actor at
 * IoU ≥ 0.3, Figure 4).
 * nn's `Trainer` (Adam, ×0.1 at 2/3), resumable checkpoint, progress bar.
 *
 * @example
 * await pretrainClassifier(detector, { iterations: 600, batchClips: 16, learningRate: 2e-3,
 *   seed: 1, sampleClip, input: 'backbone', checkpoint: { path: 'classifier.safetensors', every: 100 } });
 */
export async function pretrainClassifier(
  detector: ProgressiveDetector,
  options: PretrainClassifierOptions,
): Promise<TrainSummary> {
  const { clipLength: K, frameWidth: W, frameHeight: H, roiSize: R } = detector.options;
  if (!(Number.isInteger(options.iterations) && options.iterations >= 1))
    throw new Error(
      `pretrainClassifier: iterations must be a positive integer, got ${options.iterations}`,
    );
  if (!(Number.isInteger(options.batchClips) && options.batchClips >= 1))
    throw new Error(
      `pretrainClassifier: batchClips must be a positive integer, got ${options.batchClips}`,
    );
  const input = options.input ?? 'frames';
  const [h, w, ch] = detector.inputShape(input);
  const head = detector.heads[0];
  const sceneContext = detector.options.sceneContext;
  const trainer = new Trainer({
    parameters: [
      ...detector.classifierParameters(),
      ...(options.boxRegression ? detector.localParameters() : []),
    ],
    optimizer: { kind: 'adam', learningRate: options.learningRate },
    schedule: { kind: 'step', milestones: [Math.round((options.iterations * 2) / 3)], gamma: 0.1 },
    seed: options.seed,
  });
  const B = options.batchClips;
  const regression = options.boxRegression ?? false;
  // tubelets per clip: the classifier's, then (with box regression) the loosely placed ones
  const P = TUBELETS_PER_CLIP + (regression ? REGRESSION_TUBELETS_PER_CLIP : 0);
  const N = B * P;
  const C = detector.options.numClasses;
  const roi = { outputSize: R, spatialScale: 1 / detector.trunk.neckStride };
  const frameIndex = new Int32Array(N * K);
  for (let n = 0; n < N; n++)
    for (let t = 0; t < K; t++) frameIndex[n * K + t] = Math.floor(n / P) * K + t;
  const sceneBoxes = new Float32Array(B * K * 4);
  const sceneIndex = Int32Array.from({ length: B * K }, (_, i) => i);
  for (let i = 0; i < B * K; i++) sceneBoxes.set([0, 0, W, H], i * 4);
  // cross-entropy weights: the classifier's tubelets only
  const classified = new Float32Array(N).map((_, n) => (n % P < TUBELETS_PER_CLIP ? 1 : 0));
  const codec = { stds: detector.options.deltaStd };
  try {
    return await train(trainer, {
      steps: options.iterations,
      checkpoint: options.checkpoint,
      progress:
        options.progress === false ? false : { label: options.progress ?? 'pretrain classifier' },
      loss: (step, rng) => {
        const clips = Array.from({ length: B }, () => options.sampleClip(rng));
        const data = new Float32Array(B * K * h * w * ch);
        clips.forEach((c, b) => {
          if (c.frames.length !== K * h * w * ch)
            throw new Error(
              `pretrainClassifier: a clip has ${c.frames.length} values, expected ${K} frames of ${h} × ${w} × ${ch}`,
            );
          data.set(c.frames, b * K * h * w * ch);
        });
        const boxes = new Float32Array(N * K * 4);
        const targets = new Int32Array(N);
        // the actor each tubelet regresses (box regression only); a loose tubelet's target is
        // its actor's, which its zero cross-entropy weight leaves out of the classification
        const actorBoxes = regression ? new Float32Array(N * K * 4) : undefined;
        const frame = { width: W, height: H };
        clips.forEach((c, b) => {
          classifierTubelets(c, K, frame, rng, boxes, targets, b * P, actorBoxes);
          if (!actorBoxes) return;
          const target = regressionTubelets(
            c,
            K,
            frame,
            rng,
            boxes,
            actorBoxes,
            b * P + TUBELETS_PER_CLIP,
          );
          targets.fill(target, b * P + TUBELETS_PER_CLIP, (b + 1) * P);
        });
        // the trunk stays frozen: no trunk weight is trained, so its ops leave no gradient work
        const features = detector.neckFeatures(tf.tensor4d(data, [B * K, h, w, ch]), K, input);
        const ch2 = features.shape[3];
        const regions = tf.reshape(roiAlign(features, boxes, frameIndex, roi), [N, K, R, R, ch2]);
        const scene = sceneContext
          ? (tf.reshape(roiAlign(features, sceneBoxes, sceneIndex, roi), [
              B,
              K,
              R,
              R,
              ch2,
            ]) as tf.Tensor5D)
          : undefined;
        const { logits, deltas } = head.apply(regions as tf.Tensor5D, scene);
        const labels = tf.oneHot(tf.tensor1d(targets, 'int32'), logits.shape[1]);
        let loss = regression
          ? (tf.losses.softmaxCrossEntropy(labels, logits, tf.tensor1d(classified)) as tf.Scalar)
          : (tf.losses.softmaxCrossEntropy(labels, logits) as tf.Scalar);
        if (actorBoxes) {
          // Eq. 3 on every tubelet of an acting actor, at its class's regression
          const locTarget = new Float32Array(N * K * 4);
          const locMask = new Float32Array(N * K);
          const classMask = new Float32Array(N * C);
          let positives = 0;
          for (let n = 0; n < N; n++) {
            if (targets[n] <= 0) continue;
            positives++;
            classMask[n * C + targets[n] - 1] = 1;
            for (let t = 0; t < K; t++) {
              const r = (n * K + t) * 4;
              encodeBoxDeltas(
                actorBoxes.subarray(r, r + 4),
                boxes.subarray(r, r + 4),
                codec,
                locTarget.subarray(r, r + 4),
              );
              locMask[n * K + t] = 1;
            }
          }
          const picked = tf.sum(tf.mul(deltas, tf.tensor4d(classMask, [N, 1, C, 1])), 2);
          loss = tf.add(loss, tubeletSmoothL1(picked, locTarget, locMask, positives)) as tf.Scalar;
        }
        deltas.dispose();
        if (options.onIteration) {
          const predicted = tf.argMax(logits, 1).dataSync();
          let right = 0;
          let counted = 0;
          targets.forEach((t, i) => {
            if (classified[i] === 0) return;
            counted++;
            if (predicted[i] === t) right++;
          });
          options.onIteration(step, loss.dataSync()[0], right / counted);
        }
        return loss;
      },
    });
  } finally {
    trainer.dispose();
  }
}
