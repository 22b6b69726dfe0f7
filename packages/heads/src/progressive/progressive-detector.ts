import { boxIoUAt } from '@tubekit/geometry';
import { tf } from '@tubekit/nn';
import {
  gridSize,
  initialProposals,
  type ProposalGridLevel,
  STEP_GRID_11,
} from './initial-proposals';
import { assignAndSample } from './sample-tubelets';
import { DELTA_STD, decodeDelta, encodeDelta, extrapolateTubelets } from './tubelet-ops';
import { TwoBranchHead } from './two-branch-head';

/** How proposals are extended in time between steps (STEP §3.3). */
export type TemporalExtension = 'none' | 'extrapolation' | 'anticipation';

/** Load-time options of a {@link ProgressiveDetector}. */
export interface ProgressiveDetectorOptions {
  /** Action classes C (background is added). */
  numClasses: number;
  /** Input channels of the frames (3 RGB or flow; 6 for early fusion). */
  channels: number;
  /** Frame size in pixels of the frames given to the detector. */
  frameWidth: number;
  frameHeight: number;
  /** Clip length K (STEP: 6 on UCF101-24). */
  clipLength: number;
  /** Maximum progressive steps Smax (Algorithm 1). */
  steps: number;
  /**
   * Temporal extension: `'none'` keeps the proposals' length; `'extrapolation'` (Eq. 4) and
   * `'anticipation'` (Eq. 5) add one adjacent clip on each side at every step after the first
   * (K → 3K → 5K, i.e. 6 → 18 → 30).
   */
  extension: TemporalExtension;
  /**
   * Without extension: adjacent clips on each side given to every step (default 0). `2` with K = 6
   * is the paper's "K = 30 as input" baseline of Fig. 5 (long cuboids, no adaptive extension).
   */
  directContextClips?: number;
  /** Initial proposal grid (default {@link STEP_GRID_11}). */
  grid?: readonly ProposalGridLevel[];
  /** RoI output side R (default 8). */
  roiSize?: number;
  /** Width of the heads' hidden features (default 64). */
  hidden?: number;
  /** Scene context in the global branch (§3.5; default true). */
  sceneContext?: boolean;
  /**
   * Standard deviations dividing the `(dx, dy, dw, dh)` regression targets (default
   * {@link DELTA_STD}, Fast R-CNN's 0.1, 0.1, 0.2, 0.2). Larger values shrink the targets, which
   * short training runs (few hundred Adam steps) fit much faster.
   */
  deltaStd?: readonly [number, number, number, number];
  /** Seed of every head's weights (head s uses seed + s). */
  seed: number;
}

/** Training options of {@link ProgressiveDetector.loss} (STEP §3.4). */
export interface ProgressiveTrainingOptions {
  /** Overlap threshold τₛ per step (STEP: increasing, e.g. 0.5, 0.6, 0.7; ablation: constant). */
  iouThresholds: number[];
  /** Positives sampled per clip and step. */
  positivesPerClip: number;
  /** Hard-aware sampling (true) or uniform sampling (ablation). */
  hardAware: boolean;
  /** λ of Eq. 2 (default 1) and γ of the anticipation loss (default 1). */
  lambda?: number;
  gamma?: number;
  /** Seeded uniform source for the sampler. */
  rand: () => number;
}

/**
 * Ground truth of one training clip in the coordinates of its frame window (the detector's
 * {@link ProgressiveDetector.windowLength} frames): `G` tubes with a box per window frame.
 */
export interface ClipGroundTruth {
  /** `G × windowLength × 4` boxes (rows where absent are ignored). */
  boxes: Float64Array;
  /** `G × windowLength`: 1 where tube g has a box at that window frame. */
  present: Uint8Array;
  /** `G` 0-based class labels. */
  labels: Int32Array;
}

/** Per-step results of a progressive pass over B clips × M proposals. */
export interface StepResult {
  /** Step s (1-based). */
  step: number;
  /** Tubelet length Tₛ of the step's input (K·(1 + 2nₛ)). */
  length: number;
  /** `B·M × (C+1)` softmax probabilities. */
  probs: Float32Array;
  /** `B·M × Tₛ × 4` updated tubelets (Eq. 1: the argmax class's regression, decoded). */
  boxes: Float64Array;
  /** `B·M × K × 4 × C` class-specific decoded boxes on the target clip (for detections). */
  classBoxes: Float64Array;
}

/**
 * STEP: Spatio-TEmporal Progressive action detector (Yang et al., CVPR 2019) over one stream.
 *
 * Algorithm 1: starting from `M` coarse proposal cuboids, each of `Smax` steps (with its own
 * {@link TwoBranchHead}) optionally extends the proposals in time (Eq. 4 extrapolation or Eq. 5
 * anticipation), refines them (classification + class-specific per-frame regression) and updates
 * each proposal with the regression of its highest-scoring action class (Eq. 1).
 *
 * Frames are given as a window of {@link windowLength} frames centred on the target clip (frames
 * beyond the video's ends should replicate the border frame); features are RoI-aligned (bilinear,
 * `tf.image.cropAndResize`) from the frames or from a backbone's feature maps of the same size.
 *
 * @example
 * const det = new ProgressiveDetector({ numClasses: 4, channels: 3, frameWidth: 48, frameHeight: 48,
 *   clipLength: 6, steps: 3, extension: 'extrapolation', seed: 1 });
 * const steps = det.run(windows); // windows: tf.Tensor4D [B·windowLength, 48, 48, 3]
 */
export class ProgressiveDetector {
  readonly options: Required<ProgressiveDetectorOptions>;
  readonly heads: TwoBranchHead[];
  /** Number of initial proposals M. */
  readonly numProposals: number;
  /** The M initial proposal cuboids every clip starts from (`M × T₁ × 4`, network pixels; Algorithm 1). */
  readonly proposals0: Float64Array;

  constructor(options: ProgressiveDetectorOptions) {
    this.options = {
      directContextClips: 0,
      grid: STEP_GRID_11,
      roiSize: 8,
      hidden: 64,
      sceneContext: true,
      deltaStd: DELTA_STD,
      ...options,
    };
    const o = this.options;
    if (o.steps < 1) throw new Error(`ProgressiveDetector: steps ${o.steps} must be ≥ 1`);
    if (o.extension !== 'none' && o.directContextClips)
      throw new Error(
        'ProgressiveDetector: directContextClips applies only without temporal extension',
      );
    this.numProposals = gridSize(o.grid);
    this.proposals0 = initialProposals({
      width: o.frameWidth,
      height: o.frameHeight,
      grid: o.grid,
      length: this.lengthAt(1),
    });
    this.heads = [];
    for (let s = 1; s <= o.steps; s++)
      this.heads.push(
        new TwoBranchHead({
          numClasses: o.numClasses,
          channels: o.channels,
          roiSize: o.roiSize,
          hidden: o.hidden,
          sceneContext: o.sceneContext,
          anticipation: o.extension === 'anticipation' && s < o.steps,
          seed: o.seed * 101 + s,
        }),
      );
  }

  /** Adjacent clips on each side at step s (1-based). */
  contextAt(step: number): number {
    return this.options.extension === 'none' ? this.options.directContextClips : step - 1;
  }

  /** Tubelet length at step s: K·(1 + 2nₛ). */
  lengthAt(step: number): number {
    return this.options.clipLength * (1 + 2 * this.contextAt(step));
  }

  /** Frames per clip window the caller provides: the length of the last step. */
  get windowLength(): number {
    return this.lengthAt(this.options.steps);
  }

  /** All trainable variables of all steps. */
  variables(): tf.Variable[] {
    return this.heads.flatMap((h) => h.variables());
  }

  /**
   * Inference (Algorithm 1) on B clip windows stacked as `[B·windowLength, H, W, ch]`; returns
   * every step's outputs (the last is the detection result). Runs steps `1…upToStep` (default Smax).
   */
  run(windows: tf.Tensor4D, upToStep = this.options.steps): StepResult[] {
    const results: StepResult[] = [];
    this.progress(windows, undefined, undefined, upToStep, results);
    return results;
  }

  /**
   * Training loss of STEP (§3.4, Eq. 2–3 summed over steps, plus γ·anticipation loss): the
   * progression runs with gradient through every step's head; at each step positives and
   * negatives are sampled from the current proposals (hard-aware), each positive assigned to one
   * GT tube. Call inside `optimizer.minimize`. Returns the scalar loss.
   */
  loss(
    windows: tf.Tensor4D,
    gt: ClipGroundTruth[],
    training: ProgressiveTrainingOptions,
  ): tf.Scalar {
    const total: tf.Scalar[] = [];
    this.progress(windows, gt, training, this.options.steps, undefined, total);
    return tf.addN(total) as tf.Scalar;
  }

  private progress(
    windows: tf.Tensor4D,
    gt: ClipGroundTruth[] | undefined,
    training: ProgressiveTrainingOptions | undefined,
    upToStep: number,
    results?: StepResult[],
    losses?: tf.Scalar[],
  ): void {
    const o = this.options;
    const { clipLength: K, numClasses: C, frameWidth: W, frameHeight: H, roiSize: R } = o;
    const M = this.numProposals;
    const Tw = this.windowLength;
    const B = windows.shape[0] / Tw;
    if (!Number.isInteger(B) || B < 1)
      throw new Error(
        `ProgressiveDetector: ${windows.shape[0]} frames is not a multiple of the window length ${Tw}`,
      );
    const N = B * M;
    let T = this.lengthAt(1);
    let boxes: Float64Array = new Float64Array(N * T * 4);
    for (let b = 0; b < B; b++) boxes.set(this.proposals0, b * M * T * 4);
    let prevProbs: Float32Array | undefined;
    let anticipated: { prev: Float64Array; next: Float64Array } | undefined;
    for (let s = 1; s <= upToStep; s++) {
      // Extend (Sec. 3.3).
      if (s > 1 && this.lengthAt(s) > T) {
        if (o.extension === 'extrapolation') boxes = extrapolateTubelets(boxes, N, T, K, W, H);
        else if (o.extension === 'anticipation' && anticipated) {
          const T2 = T + 2 * K;
          const ext = new Float64Array(N * T2 * 4);
          for (let n = 0; n < N; n++) {
            ext.set(anticipated.prev.subarray(n * K * 4, (n + 1) * K * 4), n * T2 * 4);
            ext.set(boxes.subarray(n * T * 4, (n + 1) * T * 4), (n * T2 + K) * 4);
            ext.set(anticipated.next.subarray(n * K * 4, (n + 1) * K * 4), (n * T2 + K + T) * 4);
          }
          boxes = ext;
        }
        T = this.lengthAt(s);
      }
      const offset = (Tw - T) / 2; // first window frame of this step's tubelets
      const target0 = (T - K) / 2; // target clip's first frame within the tubelet
      // Refine (Sec. 3.2): RoI features of every tubelet frame (+ whole-frame scene RoI).
      const head = this.heads[s - 1];
      const cropBoxes = new Float32Array(N * T * 4);
      const boxInd = new Int32Array(N * T);
      for (let n = 0; n < N; n++) {
        const b = Math.floor(n / M);
        for (let t = 0; t < T; t++) {
          const i = n * T + t;
          const src = i * 4;
          cropBoxes[src] = boxes[src + 1] / (H - 1);
          cropBoxes[src + 1] = boxes[src] / (W - 1);
          cropBoxes[src + 2] = boxes[src + 3] / (H - 1);
          cropBoxes[src + 3] = boxes[src + 2] / (W - 1);
          boxInd[i] = b * Tw + offset + t;
        }
      }
      const stepOut = tf.tidy(() => {
        const regions = tf.reshape(
          tf.image.cropAndResize(
            windows,
            tf.tensor2d(cropBoxes, [N * T, 4]),
            tf.tensor1d(boxInd, 'int32'),
            [R, R],
          ),
          [N, T, R, R, o.channels],
        ) as tf.Tensor5D;
        let scene: tf.Tensor5D | undefined;
        if (o.sceneContext) {
          const sceneBoxes = new Float32Array(B * T * 4);
          const sceneInd = new Int32Array(B * T);
          for (let b = 0; b < B; b++)
            for (let t = 0; t < T; t++) {
              sceneBoxes.set([0, 0, 1, 1], (b * T + t) * 4);
              sceneInd[b * T + t] = b * Tw + offset + t;
            }
          scene = tf.reshape(
            tf.image.cropAndResize(
              windows,
              tf.tensor2d(sceneBoxes, [B * T, 4]),
              tf.tensor1d(sceneInd, 'int32'),
              [R, R],
            ),
            [B, T, R, R, o.channels],
          ) as tf.Tensor5D;
        }
        const out = head.apply(
          tf.sub(regions, 0.5) as tf.Tensor5D,
          scene ? (tf.sub(scene, 0.5) as tf.Tensor5D) : undefined,
        );
        const probs = tf.softmax(out.logits);
        return { ...out, probs };
      });
      const probs = stepOut.probs.dataSync() as Float32Array;
      const deltas = stepOut.deltas.dataSync() as Float32Array;
      const antPrev = stepOut.anticipatePrev?.dataSync() as Float32Array | undefined;
      const antNext = stepOut.anticipateNext?.dataSync() as Float32Array | undefined;
      if (losses && training && gt) {
        losses.push(
          this.stepLoss(s, stepOut, boxes, T, offset, target0, B, gt, training, prevProbs, probs),
        );
      }
      // Update (Eq. 1): every proposal takes the regression of its argmax action class.
      const next = new Float64Array(N * T * 4);
      const classBoxes = new Float64Array(N * K * 4 * C);
      const deltaAt = (n: number, t: number, c: number) => ((n * T + t) * C + c) * 4;
      const tmp = new Float64Array(4);
      const std = o.deltaStd;
      const argmax = new Int32Array(N);
      for (let n = 0; n < N; n++) {
        let best = 1;
        for (let c = 2; c <= C; c++)
          if (probs[n * (C + 1) + c] > probs[n * (C + 1) + best]) best = c;
        argmax[n] = best - 1;
        for (let t = 0; t < T; t++)
          decodeDelta(
            boxes,
            (n * T + t) * 4,
            deltas,
            deltaAt(n, t, best - 1),
            next,
            (n * T + t) * 4,
            W,
            H,
            std,
          );
        for (let k = 0; k < K; k++)
          for (let c = 0; c < C; c++) {
            decodeDelta(
              boxes,
              (n * T + target0 + k) * 4,
              deltas,
              deltaAt(n, target0 + k, c),
              tmp,
              0,
              W,
              H,
              std,
            );
            classBoxes.set(tmp, ((n * K + k) * C + c) * 4);
          }
      }
      // Anticipation (Eq. 5): L±1 = L + f±1(x), decoded against the first / last K frames.
      if (antPrev && antNext && s < upToStep) {
        const prev = new Float64Array(N * K * 4);
        const nxt = new Float64Array(N * K * 4);
        const d = new Float32Array(4);
        for (let n = 0; n < N; n++) {
          const c = argmax[n];
          for (let k = 0; k < K; k++) {
            const fp = deltaAt(n, k, c);
            for (let j = 0; j < 4; j++) d[j] = deltas[fp + j] + antPrev[fp + j];
            decodeDelta(boxes, (n * T + k) * 4, d, 0, prev, (n * K + k) * 4, W, H, std);
            const fn = deltaAt(n, T - K + k, c);
            for (let j = 0; j < 4; j++) d[j] = deltas[fn + j] + antNext[fn + j];
            decodeDelta(boxes, (n * T + T - K + k) * 4, d, 0, nxt, (n * K + k) * 4, W, H, std);
          }
        }
        anticipated = { prev, next: nxt };
      }
      if (!losses) tf.dispose(stepOut as unknown as tf.Tensor[]);
      else {
        // keep only what the tape needs; probs are not part of the loss
        stepOut.probs.dispose();
      }
      results?.push({ step: s, length: T, probs, boxes: next, classBoxes });
      prevProbs = probs;
      boxes = next;
    }
  }

  /** Eq. 2–3 (+ anticipation) for one step, on this step's sampled positives and negatives. */
  private stepLoss(
    s: number,
    out: {
      logits: tf.Tensor2D;
      deltas: tf.Tensor4D;
      anticipatePrev?: tf.Tensor4D;
      anticipateNext?: tf.Tensor4D;
    },
    boxes: Float64Array,
    T: number,
    offset: number,
    target0: number,
    B: number,
    gt: ClipGroundTruth[],
    training: ProgressiveTrainingOptions,
    prevProbs: Float32Array | undefined,
    probs: Float32Array,
  ): tf.Scalar {
    void probs;
    const o = this.options;
    const { clipLength: K, numClasses: C } = o;
    const M = this.numProposals;
    const N = B * M;
    const Tw = this.windowLength;
    const tau =
      training.iouThresholds[s - 1] ?? training.iouThresholds[training.iouThresholds.length - 1];
    const clsWeight = new Float32Array(N);
    const clsTarget = new Float32Array(N * (C + 1));
    const locTarget = new Float32Array(N * T * 4);
    const locMask = new Float32Array(N * T);
    const classMask = new Float32Array(N * C);
    const antPrevT = new Float32Array(N * T * 4);
    const antNextT = new Float32Array(N * T * 4);
    const antPrevMask = new Float32Array(N * T);
    const antNextMask = new Float32Array(N * T);
    let nPos = 0;
    let nSamples = 0;
    for (let b = 0; b < B; b++) {
      const g = gt[b];
      const G = g.labels.length;
      const overlaps = new Float64Array(M * G);
      for (let m = 0; m < M; m++)
        for (let j = 0; j < G; j++) {
          let sum = 0;
          for (let k = 0; k < K; k++) {
            const wf = offset + target0 + k;
            if (g.present[j * Tw + wf])
              sum += boxIoUAt(boxes, (b * M + m) * T + target0 + k, g.boxes, j * Tw + wf);
          }
          overlaps[m * G + j] = sum / K;
        }
      const hardness = new Float64Array(M);
      for (let m = 0; m < M; m++) {
        if (prevProbs) {
          const n = b * M + m;
          let best = 0;
          for (let c = 1; c <= C; c++) best = Math.max(best, prevProbs[n * (C + 1) + c]);
          hardness[m] = best;
        } else for (let j = 0; j < G; j++) hardness[m] = Math.max(hardness[m], overlaps[m * G + j]);
      }
      const picked = assignAndSample(overlaps, M, G, hardness, {
        iouThreshold: tau,
        maxPositives: training.positivesPerClip,
        hardAware: training.hardAware,
        rand: training.rand,
      });
      for (const m of picked.negatives) {
        const n = b * M + m;
        clsWeight[n] = 1;
        clsTarget[n * (C + 1)] = 1;
        nSamples++;
      }
      picked.positives.forEach((m, i) => {
        const n = b * M + m;
        const j = picked.positiveGt[i];
        const label = g.labels[j];
        clsWeight[n] = 1;
        clsTarget[n * (C + 1) + label + 1] = 1;
        classMask[n * C + label] = 1;
        nSamples++;
        nPos++;
        for (let t = 0; t < T; t++) {
          const wf = offset + t;
          if (g.present[j * Tw + wf]) {
            encodeDelta(
              boxes,
              (n * T + t) * 4,
              g.boxes,
              (j * Tw + wf) * 4,
              locTarget,
              (n * T + t) * 4,
              o.deltaStd,
            );
            locMask[n * T + t] = 1;
          }
          // Anticipation targets: frame t of the first/last K frames predicts the frame K before/after.
          if (t < K && wf - K >= 0 && g.present[j * Tw + wf - K]) {
            encodeDelta(
              boxes,
              (n * T + t) * 4,
              g.boxes,
              (j * Tw + wf - K) * 4,
              antPrevT,
              (n * T + t) * 4,
              o.deltaStd,
            );
            antPrevMask[n * T + t] = 1;
          }
          if (t >= T - K && wf + K < Tw && g.present[j * Tw + wf + K]) {
            encodeDelta(
              boxes,
              (n * T + t) * 4,
              g.boxes,
              (j * Tw + wf + K) * 4,
              antNextT,
              (n * T + t) * 4,
              o.deltaStd,
            );
            antNextMask[n * T + t] = 1;
          }
        }
      });
    }
    const lambda = training.lambda ?? 1;
    const gamma = training.gamma ?? 1;
    return tf.tidy(() => {
      const logp = tf.logSoftmax(out.logits);
      const ce = tf.neg(tf.sum(tf.mul(logp, tf.tensor2d(clsTarget, [N, C + 1])), 1));
      const lcls = tf.div(tf.sum(tf.mul(ce, tf.tensor1d(clsWeight))), Math.max(1, nSamples));
      const cm = tf.tensor4d(classMask, [N, 1, C, 1]);
      const pick = (x: tf.Tensor4D) => tf.sum(tf.mul(x, cm), 2); // [N, T, 4]
      const smoothL1 = (pred: tf.Tensor, target: Float32Array, mask: Float32Array) => {
        const d = tf.sub(pred, tf.tensor3d(target, [N, T, 4]));
        const a = tf.abs(d);
        const q = tf.minimum(a, 1); // smooth-ℓ1 = ½·min(|d|,1)² + (|d| − min(|d|,1))
        const l = tf.add(tf.mul(0.5, tf.square(q)), tf.sub(a, q));
        const perFrame = tf.mul(tf.sum(l, 2), tf.tensor2d(mask, [N, T])); // [N, T]
        // Eq. 3: average over the frames with a target, then over positives.
        const frames = new Float32Array(N);
        for (let n = 0; n < N; n++) {
          let f = 0;
          for (let t = 0; t < T; t++) f += mask[n * T + t];
          frames[n] = f > 0 ? 1 / f : 0;
        }
        return tf.div(tf.sum(tf.mul(tf.sum(perFrame, 1), tf.tensor1d(frames))), Math.max(1, nPos));
      };
      const pickedDeltas = pick(out.deltas);
      let loss = tf.add(lcls, tf.mul(lambda, smoothL1(pickedDeltas, locTarget, locMask)));
      if (out.anticipatePrev && out.anticipateNext) {
        const prev = smoothL1(
          tf.add(pickedDeltas, pick(out.anticipatePrev)),
          antPrevT,
          antPrevMask,
        );
        const next = smoothL1(
          tf.add(pickedDeltas, pick(out.anticipateNext)),
          antNextT,
          antNextMask,
        );
        loss = tf.add(loss, tf.mul(gamma, tf.add(prev, next)));
      }
      return loss as tf.Scalar;
    });
  }

  /** Frees every head's weights. */
  dispose(): void {
    for (const h of this.heads) h.dispose();
  }
}
