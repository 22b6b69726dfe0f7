import type { Trunk } from '@tubekit/backbones';
import { boxIoUAt, clipBoxes, decodeBoxDeltas, encodeBoxDeltas } from '@tubekit/geometry';
import {
  assignProposals,
  type CheckpointContents,
  type Rng,
  roiAlign,
  sampleProposals,
  type TrainableParameter,
  tf,
} from '@tubekit/nn';
import {
  gridSize,
  initialProposals,
  type ProposalGridLevel,
  STEP_GRID_11,
} from './initial-proposals';
import { extrapolateTubelets, FAST_RCNN_DELTA_STD } from './tubelet-ops';
import { tubeletSmoothL1 } from './tubelet-regression-loss';
import { TwoBranchHead } from './two-branch-head';

/** Largest |dw|, |dh| before `exp` when decoding (detectron2's log(1000/16)). */
const MAX_LOG_RATIO = Math.log(1000 / 16);

/**
 * What the detector's frame readers return: `'frames'`, pixels (`H × W × channels` in [0, 1]);
 * `'backbone'`, the trunk's stride-8 backbone features of a frozen backbone (`H/8 × W/8 × C`, from
 * a `BackboneFeatureBank` of @tubekit/backbones), so only the neck runs per use.
 */
export type DetectorInput = 'frames' | 'backbone';

/** How proposals are extended in time between steps (STEP §3.3). */
export type TemporalExtension = 'none' | 'extrapolation' | 'anticipation';

/** Load-time options of a {@link ProgressiveDetector}. */
export interface ProgressiveDetectorOptions {
  /** Action classes C (background is added). */
  numClasses: number;
  /**
   * The shared trunk (`@tubekit/backbones`), normally pretrained: every step pools its RoIs from
   * the trunk neck's per-frame features and fine-tunes the neck jointly (STEP's steps share one
   * VGG16).
   */
  trunk: Trunk;
  /** Frame size in pixels of the frames given to the trunk. */
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
  /** RoI output side R (RoIAlign bins per side on the neck; default 5). */
  roiSize?: number;
  /** Width of the heads' hidden features (default 64). */
  hidden?: number;
  /** Scene context in the global branch (§3.5; default true). */
  sceneContext?: boolean;
  /**
   * Standard deviations dividing the `(dx, dy, dw, dh)` regression targets (default
   * {@link FAST_RCNN_DELTA_STD}, Fast R-CNN's 0.1, 0.1, 0.2, 0.2).
   */
  deltaStd?: readonly [number, number, number, number];
  /** Seed of every head's weights (head s uses seed + s). */
  seed: number;
}

/** Training options of {@link ProgressiveDetector.loss} (STEP §3.4). */
export interface ProgressiveTrainingOptions {
  /** Overlap threshold τₛ per step (STEP: increasing, e.g. 0.5, 0.6, 0.7; ablation: constant). */
  iouThresholds: number[];
  /** At most this many positives per clip and step (nn's `sampleProposals`). */
  positivesPerClip: number;
  /**
   * Negatives per positive (default 3, Fast R-CNN's 1:3); a clip draws at least
   * `positivesPerClip` negatives even without positives (idle actors, background).
   */
  negativesPerPositive?: number;
  /** Hard-aware sampling (true) or uniform sampling (ablation). */
  hardAware: boolean;
  /** λ of Eq. 2 (default 1) and γ of the anticipation loss (default 1). */
  lambda?: number;
  gamma?: number;
  /** Seeded generator of the sampler. */
  rng: Rng;
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
  /**
   * Actors that are not acting in the window (the annotated actor before or after its action,
   * bystanders): `A × windowLength × 4` boxes and `A × windowLength` presence. Proposals on them
   * are the hard negatives STEP must learn (the same actor idling); the sampler weights each
   * negative by its overlap with them.
   */
  idle?: { boxes: Float64Array; present: Uint8Array };
}

/**
 * Per-frame trunk features of B clip windows: a stack of neck feature maps (one row per distinct
 * frame — a whole video's, or the windows' own) and, for each window frame, its row. Overlapping
 * windows of one video share rows, so every frame's features are computed once.
 */
export interface FeatureWindows {
  /** `[F, h, w, C]` neck features (stride {@link Trunk.neckStride}). */
  features: tf.Tensor4D;
  /** `B × windowLength` rows of `features`, window by window. */
  rows: Int32Array;
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
 * Each clip is a window of {@link windowLength} frames centred on the target clip (frames beyond
 * the video's ends replicate the border frame). Every step RoI-aligns its tubelets' boxes (nn's
 * `roiAlign`, per-box frame rows) from the trunk neck's per-frame features, which are computed
 * once per frame and shared by all steps, proposals and overlapping windows ({@link FeatureWindows}).
 *
 * @example
 * const det = new ProgressiveDetector({ numClasses: 4, trunk, frameWidth: 112, frameHeight: 112,
 *   clipLength: 6, steps: 3, extension: 'extrapolation', seed: 1 });
 * const features = det.neckFeatures(videoFrames);             // [nframes, 14, 14, 64], once
 * const steps = det.run({ features, rows });                  // rows: B·windowLength frame rows
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
      roiSize: 5,
      hidden: 64,
      sceneContext: true,
      deltaStd: FAST_RCNN_DELTA_STD,
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
          channels: o.trunk.options.neckChannels,
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

  /** The initial proposal cuboids of every clip: `M × lengthAt(1) × 4` (STEP Fig. 2). */
  get initialProposals(): Float64Array {
    return this.proposals0;
  }

  /** The trunk. */
  get trunk(): Trunk {
    return this.options.trunk;
  }

  /**
   * What training updates, named for nn's `Trainer` and checkpoints: every step's head
   * (`step<s>/<i>`) and the trunk's neck (`trunk/neck/…`), fine-tuned jointly by all steps. The
   * trunk's backbone stays as pretrained.
   */
  parameters(): TrainableParameter[] {
    return [
      ...this.heads.flatMap((h, s) =>
        h.variables().map((variable, i) => ({ name: `step${s + 1}/${i}`, variable })),
      ),
      ...this.trunk.neckWeights().map((w) => ({ name: `trunk/${w.name}`, variable: w.variable })),
    ];
  }

  /**
   * Sets every {@link parameters} entry from a training checkpoint (`param/<name>` tensors, as
   * nn's `Trainer` writes them): the trained detector, for inference (its neck goes into the
   * trunk it was built on). `source` names the file in errors, which list what is missing or
   * mis-shaped; nothing is set then.
   */
  loadParameters(contents: CheckpointContents, source = 'checkpoint'): void {
    const byName = new Map(contents.tensors.map((t) => [t.name, t]));
    const params = this.parameters();
    const problems: string[] = [];
    for (const p of params) {
      const t = byName.get(`param/${p.name}`);
      if (!t) problems.push(`missing "param/${p.name}"`);
      else if (!tf.util.arraysEqual(t.shape, p.variable.shape))
        problems.push(`"param/${p.name}" [${t.shape}] ≠ [${p.variable.shape}]`);
    }
    if (problems.length > 0)
      throw new Error(`${source}: not this detector's checkpoint (${problems.join('; ')})`);
    for (const p of params) {
      const t = byName.get(`param/${p.name}`)!;
      tf.tidy(() => p.variable.assign(tf.tensor(t.data, t.shape, p.variable.dtype)));
    }
  }

  /**
   * The step-1 head's global branch (region encoder, temporal layers, global fc, classifier),
   * named `classifier/<i>`: what {@link pretrainClassifier} trains on the frozen neck.
   */
  classifierParameters(): TrainableParameter[] {
    return this.heads[0]
      .classifierVariables()
      .map((variable, i) => ({ name: `classifier/${i}`, variable }));
  }

  /**
   * The step-1 head's local branch (fully connected layer, class-specific box regressor), named
   * `local/<i>`: what {@link pretrainClassifier} trains besides with `boxRegression`.
   */
  localParameters(): TrainableParameter[] {
    return this.heads[0].localVariables().map((variable, i) => ({ name: `local/${i}`, variable }));
  }

  /**
   * Starts every step's global branch from a pretrained classifier: a checkpoint of
   * {@link pretrainClassifier} (`param/classifier/<i>` tensors), as a two-stage detector starts its
   * RoI head from pretrained fully connected layers; and every step's local branch too where the
   * checkpoint has one (`param/local/<i>`, pretrained with `boxRegression`). The anticipation
   * regressors start untrained. `source` names the file in errors.
   */
  loadClassifier(contents: CheckpointContents, source = 'checkpoint'): void {
    const byName = new Map(contents.tensors.map((t) => [t.name, t]));
    const read = (prefix: string, count: number) =>
      Array.from({ length: count }, (_, i) => {
        const t = byName.get(`param/${prefix}/${i}`);
        if (!t) throw new Error(`${source}: has no tensor "param/${prefix}/${i}"`);
        return t;
      });
    const global = read('classifier', this.heads[0].classifierVariables().length);
    const local = byName.has('param/local/0')
      ? read('local', this.heads[0].localVariables().length)
      : [];
    const values = [...global, ...local].map((t) => tf.tensor(t.data, t.shape));
    try {
      for (const head of this.heads) {
        head.setClassifier(values.slice(0, global.length));
        if (local.length > 0) head.setLocal(values.slice(global.length));
      }
    } catch (error) {
      throw new Error(`${source}: ${error instanceof Error ? error.message : error}`);
    } finally {
      tf.dispose(values);
    }
  }

  /** All trainable variables ({@link parameters}). */
  variables(): tf.Variable[] {
    return this.parameters().map((p) => p.variable);
  }

  /**
   * Neck features of contiguous sequences of `T` frames (`sequenceLength`, default all): `input`
   * `'frames'` takes pixels `[B·T, H, W, ch]` through the trunk's backbone and neck; `'backbone'`
   * takes stored stride-8 backbone features `[B·T, H/8, W/8, C]` through the neck only. One
   * feature map per frame. Call inside a gradient scope to fine-tune the neck.
   */
  neckFeatures(
    x: tf.Tensor4D,
    sequenceLength?: number,
    input: DetectorInput = 'frames',
  ): tf.Tensor4D {
    return tf.tidy(() =>
      this.trunk.neck(
        input === 'frames'
          ? this.trunk.backbone(x, sequenceLength)
          : { levels: [{ stride: this.trunk.neckStride, tensor: x }] },
        sequenceLength,
      ),
    );
  }

  /** `[height, width, channels]` of one frame of `input` (pixels, or stride-8 backbone features). */
  inputShape(input: DetectorInput): [number, number, number] {
    const { frameHeight: H, frameWidth: W } = this.options;
    if (input === 'frames') return [H, W, this.trunk.options.channels];
    const s = this.trunk.neckStride;
    return [Math.ceil(H / s), Math.ceil(W / s), this.trunk.options.widths[2]];
  }

  /**
   * Inference (Algorithm 1) on B clip windows; returns every step's outputs (the last is the
   * detection result). Runs steps `1…upToStep` (default Smax).
   */
  run(windows: FeatureWindows, upToStep = this.options.steps): StepResult[] {
    const results: StepResult[] = [];
    this.progress(windows, undefined, undefined, upToStep, results);
    return results;
  }

  /**
   * Training loss of STEP (§3.4, Eq. 2–3 summed over steps, plus γ·anticipation loss): the
   * progression runs with gradient through every step's head and into the features (compute the
   * neck inside the same gradient scope to fine-tune it); at each step proposals are labelled by
   * nn's `assignProposals` and drawn by its `sampleProposals` (hard-aware, 1:3), each positive
   * assigned to one GT tube. Call inside nn's `Trainer.step`. Returns the scalar loss.
   */
  loss(
    windows: FeatureWindows,
    gt: ClipGroundTruth[],
    training: ProgressiveTrainingOptions,
  ): tf.Scalar {
    const total: tf.Scalar[] = [];
    this.progress(windows, gt, training, this.options.steps, undefined, total);
    return tf.addN(total) as tf.Scalar;
  }

  private progress(
    windows: FeatureWindows,
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
    const B = windows.rows.length / Tw;
    if (!Number.isInteger(B) || B < 1)
      throw new Error(
        `ProgressiveDetector: ${windows.rows.length} window rows is not a multiple of the window length ${Tw}`,
      );
    const { features, rows } = windows;
    const ch = features.shape[3];
    const roi = { outputSize: R, spatialScale: 1 / this.trunk.neckStride };
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
      // Refine (Sec. 3.2): RoI features of every tubelet frame (+ whole-frame scene RoI), pooled
      // from the shared per-frame neck features.
      const head = this.heads[s - 1];
      const frameIndex = new Int32Array(N * T);
      for (let n = 0; n < N; n++) {
        const b = Math.floor(n / M);
        for (let t = 0; t < T; t++) frameIndex[n * T + t] = rows[b * Tw + offset + t];
      }
      const stepOut = tf.tidy(() => {
        const regions = tf.reshape(roiAlign(features, boxes, frameIndex, roi), [
          N,
          T,
          R,
          R,
          ch,
        ]) as tf.Tensor5D;
        let scene: tf.Tensor5D | undefined;
        if (o.sceneContext) {
          const sceneBoxes = new Float32Array(B * T * 4);
          const sceneInd = new Int32Array(B * T);
          for (let b = 0; b < B; b++)
            for (let t = 0; t < T; t++) {
              sceneBoxes.set([0, 0, W, H], (b * T + t) * 4);
              sceneInd[b * T + t] = rows[b * Tw + offset + t];
            }
          scene = tf.reshape(roiAlign(features, sceneBoxes, sceneInd, roi), [
            B,
            T,
            R,
            R,
            ch,
          ]) as tf.Tensor5D;
        }
        const out = head.apply(regions, scene);
        const probs = tf.softmax(out.logits);
        return { ...out, probs };
      });
      const probs = stepOut.probs.dataSync() as Float32Array;
      const deltas = stepOut.deltas.dataSync() as Float32Array;
      const antPrev = stepOut.anticipatePrev?.dataSync() as Float32Array | undefined;
      const antNext = stepOut.anticipateNext?.dataSync() as Float32Array | undefined;
      if (losses && training && gt) {
        losses.push(
          this.stepLoss(s, stepOut, boxes, T, offset, target0, B, gt, training, prevProbs),
        );
      }
      // Update (Eq. 1): every proposal takes the regression of its argmax action class.
      const codec = { stds: o.deltaStd, maxLogRatio: MAX_LOG_RATIO };
      const frame = { width: W, height: H };
      const deltaAt = (n: number, t: number, c: number) => ((n * T + t) * C + c) * 4;
      const argmax = new Int32Array(N);
      const chosen = new Float32Array(N * T * 4);
      const classDeltas = new Float32Array(N * K * C * 4);
      const classAnchors = new Float64Array(N * K * C * 4);
      for (let n = 0; n < N; n++) {
        let best = 1;
        for (let c = 2; c <= C; c++)
          if (probs[n * (C + 1) + c] > probs[n * (C + 1) + best]) best = c;
        argmax[n] = best - 1;
        for (let t = 0; t < T; t++)
          chosen.set(
            deltas.subarray(deltaAt(n, t, best - 1), deltaAt(n, t, best - 1) + 4),
            (n * T + t) * 4,
          );
        for (let k = 0; k < K; k++) {
          const a = (n * T + target0 + k) * 4;
          for (let c = 0; c < C; c++) {
            const r = ((n * K + k) * C + c) * 4;
            classDeltas.set(
              deltas.subarray(deltaAt(n, target0 + k, c), deltaAt(n, target0 + k, c) + 4),
              r,
            );
            classAnchors.set(boxes.subarray(a, a + 4), r);
          }
        }
      }
      const decode = (d: Float32Array, anchors: Float64Array) =>
        clipBoxes(decodeBoxDeltas(d, anchors, codec), frame, { minSize: 1 }) as Float64Array;
      const next = decode(chosen, boxes);
      const classBoxes = decode(classDeltas, classAnchors);
      // Anticipation (Eq. 5): L±1 = L + f±1(x), decoded against the first / last K frames.
      if (antPrev && antNext && s < upToStep) {
        const dPrev = new Float32Array(N * K * 4);
        const dNext = new Float32Array(N * K * 4);
        const aPrev = new Float64Array(N * K * 4);
        const aNext = new Float64Array(N * K * 4);
        for (let n = 0; n < N; n++) {
          const c = argmax[n];
          for (let k = 0; k < K; k++) {
            const r = (n * K + k) * 4;
            const fp = deltaAt(n, k, c);
            const fn = deltaAt(n, T - K + k, c);
            for (let j = 0; j < 4; j++) {
              dPrev[r + j] = deltas[fp + j] + antPrev[fp + j];
              dNext[r + j] = deltas[fn + j] + antNext[fn + j];
            }
            aPrev.set(boxes.subarray((n * T + k) * 4, (n * T + k) * 4 + 4), r);
            aNext.set(boxes.subarray((n * T + T - K + k) * 4, (n * T + T - K + k) * 4 + 4), r);
          }
        }
        anticipated = { prev: decode(dPrev, aPrev), next: decode(dNext, aNext) };
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
  ): tf.Scalar {
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
    const codec = { stds: o.deltaStd };
    for (let b = 0; b < B; b++) {
      const g = gt[b];
      // Fast R-CNN target of GT box `gRow` relative to tubelet box `row`, written at `out[row·4]`.
      const encode = (row: number, gRow: number, out: Float32Array) =>
        encodeBoxDeltas(
          g.boxes.subarray(gRow * 4, gRow * 4 + 4),
          boxes.subarray(row * 4, row * 4 + 4),
          codec,
          out.subarray(row * 4, row * 4 + 4),
        );
      const G = g.labels.length;
      // Mean per-frame IoU over the target clip with each GT tube, and with each idle actor.
      const meanIoU = (gBoxes: Float64Array, present: Uint8Array, j: number, m: number) => {
        let sum = 0;
        for (let k = 0; k < K; k++) {
          const wf = offset + target0 + k;
          if (present[j * Tw + wf])
            sum += boxIoUAt(boxes, (b * M + m) * T + target0 + k, gBoxes, j * Tw + wf);
        }
        return sum / K;
      };
      const overlaps = new Float64Array(M * G);
      for (let m = 0; m < M; m++)
        for (let j = 0; j < G; j++) overlaps[m * G + j] = meanIoU(g.boxes, g.present, j, m);
      const idleOverlap = new Float64Array(M);
      if (g.idle) {
        const A = g.idle.present.length / Tw;
        for (let m = 0; m < M; m++)
          for (let j = 0; j < A; j++)
            idleOverlap[m] = Math.max(idleOverlap[m], meanIoU(g.idle.boxes, g.idle.present, j, m));
      }
      const assigned = assignProposals(overlaps, { proposals: M, groundTruths: G }, tau);
      // Hard-aware weights: the previous step's best action score (the overlap at step 1); a
      // proposal on an idle actor is at least as hard as its overlap with it.
      const hardness = new Float64Array(M);
      for (let m = 0; m < M; m++) {
        if (prevProbs) {
          const n = b * M + m;
          for (let c = 1; c <= C; c++)
            hardness[m] = Math.max(hardness[m], prevProbs[n * (C + 1) + c]);
        } else hardness[m] = Math.max(0, assigned.maxOverlap[m]);
        hardness[m] = Math.max(hardness[m], idleOverlap[m]);
      }
      const P = training.positivesPerClip;
      const drawn = sampleProposals(assigned.positive, {
        batchSize: 4 * P,
        positiveFraction: 0.25,
        weights: training.hardAware ? hardness : 'uniform',
        rng: training.rng,
        negativesPerPositive: training.negativesPerPositive ?? 3,
        minNegatives: P,
      });
      const picked = {
        negatives: Array.from(drawn.negatives),
        positives: Array.from(drawn.positives),
        positiveGt: Array.from(drawn.positives, (m) => assigned.assignedGt[m]),
      };
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
            encode(n * T + t, j * Tw + wf, locTarget);
            locMask[n * T + t] = 1;
          }
          // Anticipation targets: frame t of the first/last K frames predicts the frame K before/after.
          if (t < K && wf - K >= 0 && g.present[j * Tw + wf - K]) {
            encode(n * T + t, j * Tw + wf - K, antPrevT);
            antPrevMask[n * T + t] = 1;
          }
          if (t >= T - K && wf + K < Tw && g.present[j * Tw + wf + K]) {
            encode(n * T + t, j * Tw + wf + K, antNextT);
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
      const smoothL1 = (pred: tf.Tensor, target: Float32Array, mask: Float32Array) =>
        tubeletSmoothL1(pred, target, mask, nPos);
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
