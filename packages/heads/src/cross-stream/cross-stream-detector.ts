import {
  anchorSizes,
  type BoxDeltaOptions,
  clipBoxes,
  decodeBoxDeltas,
  encodeBoxDeltas,
  gridAnchors,
  pairwiseIoU,
} from '@tubekit/geometry';
import {
  assignProposals,
  MessagePassing,
  type NamedWeight,
  type Rng,
  RpnHead,
  rpnLoss,
  rpnProposals,
  rpnScores,
  rpnTargets,
  sampleProposals,
  smoothL1,
  softmaxCrossEntropy,
  tf,
} from '@tubekit/nn';
import { BoxHead } from './box-head';
import { cooperateProposals, type ProposalCooperationOptions } from './cooperate-proposals';
import { cooperationSchedule, type Stream } from './cooperation-schedule';
import { FeaturePyramid, type PyramidLevel } from './feature-pyramid';
import { type PretrainingRoiOptions, pretrainingRois } from './pretraining-rois';
import { pyramidRoiAlign } from './pyramid-roi-align';
import { type HeadDetections, proposalsOf, type ScoredBoxes } from './scored-boxes';
import type { UnionFrameOutputOptions } from './union-frame-output';

/** Load-time options of a {@link CrossStreamDetector}. */
export interface CrossStreamDetectorOptions {
  /** Foreground classes C. */
  numClasses: number;
  /** Square input side S in pixels (the trunk's frames). */
  frameSize: number;
  /** The trunk's bottom-up levels (both streams' trunks have the same shape): channels and strides, finest first. */
  trunkLevels: { channels: readonly number[]; strides: readonly number[] };
  /** FPN channels d (spec S2: 256 GPU / 64 CPU). */
  fpnChannels: number;
  /** RoIAlign side P (spec S5: 7). */
  roiSize: number;
  /** Width of the heads' fc layers (spec S5: 1024 GPU / 128 CPU). */
  hidden: number;
  /** Refinement stages after stage 0 (the paper shows 4). */
  stages: number;
  /**
   * Feature cooperation: image-level Flow → RGB message passing on every trunk level and RoI-level
   * message passing into each stage's target stream (Eq. 1). `false` is Table 5's "w/o feature
   * cooperation" row (proposal cooperation only; with `stages: 0` the two-stream Faster R-CNN + FPN
   * baseline).
   */
  featureCooperation: boolean;
  /**
   * With feature cooperation, {@link CrossStreamDetector.pretrainingLoss} also trains every
   * refinement stage's RoI-level message passing and head, on the same labelled RoIs as the
   * stage-0 heads: stage t's head reads its target stream's RoI features plus the message from the
   * other stream, as in {@link CrossStreamDetector.run}. Otherwise (default) those heads start as
   * copies of their stream's stage-0 head ({@link CrossStreamDetector.shareStageZeroHeads}) and the
   * messages from their random initialisation. *Our choice* (head pretraining is tubekit's; the
   * paper starts its fc layers from ImageNet weights). No effect without feature cooperation.
   */
  pretrainRefinementStages?: boolean;
  /** RPN proposals kept per image: training and test (spec S4 CPU: 300 / 100). */
  rpnTopN: { train: number; test: number };
  /** Anchors and RoIs sampled per image (spec §2: 256 / 512; positive fractions 0.5 / 0.25). */
  sampling: { rpnBatch: number; headBatch: number; headPositiveFraction?: number };
  /** Proposal cooperation thresholds (spec S6.1). */
  cooperation?: ProposalCooperationOptions;
  /**
   * How the frame output of a stage combines the heads of stages 0…t (`unionFrameOutput`'s
   * options: per-class NMS threshold, box voting). Default: per-class NMS 0.5, no voting.
   */
  frameOutput?: UnionFrameOutputOptions;
  /** Seed of every weight's initialisation. */
  seed: number;
}

/** Ground truth of one key frame: boxes in input pixels and 1-based classes. */
export interface FrameGroundTruth {
  boxes: Float64Array;
  labels: Int32Array;
}

/** Bottom-up trunk maps of B key frames per stream (finest first, `[B, h, w, c]`). */
export interface CrossStreamInput {
  rgb: readonly tf.Tensor4D[];
  flow: readonly tf.Tensor4D[];
}

/** One head's pass: the stage, its stream, per image its proposals `P` and detections `B`. */
export interface StageResult {
  stage: number;
  stream: Stream;
  proposals: ScoredBoxes[];
  detections: HeadDetections[];
}

/** What {@link CrossStreamDetector.run} returns. */
export interface CrossStreamRun {
  /** Stage 0 RGB, stage 0 Flow, then stages 1…n in order. */
  stages: StageResult[];
  /** With ground truth: the sum of both RPNs' and every head's losses (spec §2), else undefined. */
  loss?: tf.Scalar;
}

/** Faster R-CNN's head delta normalisation. */
const HEAD_DELTAS: BoxDeltaOptions = {
  stds: [0.1, 0.1, 0.2, 0.2],
  maxLogRatio: Math.log(1000 / 16),
};

/**
 * PCSC, Progressive Cross-stream Cooperation (Su, Ouyang, Zhou, Xu, CVPR 2019; spec
 * `shared/spec/pcsc.md`), on two pretrained trunks (`Trunk` of @tubekit/backbones, RGB and flow):
 * - per stream an FPN over the trunk's levels (§3.3), after image-level Flow → RGB message passing
 *   on every bottom-up level (Eq. 1, once);
 * - per stream an RPN (one `RpnHead` shared by the pyramid levels, one anchor size per level, ratios
 *   0.5/1/2) and a stage-0 head (§3.2);
 * - stages 1…n alternating the target stream ({@link cooperationSchedule}): proposal cooperation
 *   ({@link cooperateProposals}), RoIAlign of both streams on the pyramid, RoI-level message
 *   passing from the other stream (Eq. 1), a separate {@link BoxHead} per stage (§3.1–3.3);
 * - training: all losses summed (§3.1); head labels IoU > 0.5 positive, < 0.5 negative (§3.5),
 *   ground-truth boxes appended to every stage's proposals, no gradient through proposals.
 *
 * Frame output per stage: `unionFrameOutput` of the heads of stages 0…t, with the
 * detector's `frameOutput` options.
 *
 * @example
 * ```ts
 * const det = new CrossStreamDetector({ numClasses: 4, frameSize: 112, trunkLevels: { channels: [32, 64], strides: [4, 8] },
 *   fpnChannels: 64, roiSize: 7, hidden: 128, stages: 4, featureCooperation: true,
 *   rpnTopN: { train: 300, test: 100 }, sampling: { rpnBatch: 256, headBatch: 128 }, seed: 1 });
 * const stages = det.detect(input); // inference: per stage, proposals and detections per frame
 * ```
 */
export class CrossStreamDetector {
  readonly options: CrossStreamDetectorOptions;
  private readonly fpn: Record<Stream, FeaturePyramid>;
  private readonly imageMessages: MessagePassing[];
  private readonly rpn: Record<Stream, RpnHead>;
  private readonly heads: BoxHead[];
  private readonly roiMessages: MessagePassing[];
  private readonly anchorsPerLevel: Float64Array[];
  private readonly anchors: Float64Array;

  constructor(options: CrossStreamDetectorOptions) {
    this.options = options;
    const { channels, strides } = options.trunkLevels;
    const d = options.fpnChannels;
    let seed = options.seed;
    const next = () => seed++ * 7919 + 1;
    const pyramid = () =>
      new FeaturePyramid({ inChannels: channels, strides, channels: d, seed: next() });
    this.fpn = { rgb: pyramid(), flow: pyramid() };
    this.imageMessages = options.featureCooperation
      ? channels.map((c) => new MessagePassing({ channels: c, dims: 2, seed: next() }))
      : [];
    const ratios = [0.5, 1, 2];
    const rpn = () => new RpnHead({ inChannels: d, anchors: ratios.length, seed: next() });
    this.rpn = { rgb: rpn(), flow: rpn() };
    const head = () =>
      new BoxHead({
        channels: d,
        roiSize: options.roiSize,
        hidden: options.hidden,
        numClasses: options.numClasses,
        seed: next(),
      });
    this.heads = [head(), head()];
    for (let t = 1; t <= options.stages; t++) this.heads.push(head());
    this.roiMessages = options.featureCooperation
      ? cooperationSchedule(options.stages).map(
          () => new MessagePassing({ channels: d, dims: 2, seed: next() }),
        )
      : [];
    // one anchor scale per level: 32, 64, 128, … px at 224 input, scaled to the frame (spec S4)
    const S = options.frameSize;
    this.anchorsPerLevel = this.fpn.rgb.strides.map((stride, l) =>
      gridAnchors({
        height: Math.ceil(S / stride),
        width: Math.ceil(S / stride),
        stride,
        sizes: anchorSizes([(32 * 2 ** l * S) / 224], ratios),
      }),
    );
    const total = this.anchorsPerLevel.reduce((s, a) => s + a.length, 0);
    this.anchors = new Float64Array(total);
    let o = 0;
    for (const a of this.anchorsPerLevel) {
      this.anchors.set(a, o);
      o += a.length;
    }
  }

  /** Every trainable weight (the trunks are not part of the detector and stay frozen). */
  get weights(): NamedWeight[] {
    return [
      ...this.fpn.rgb.weights,
      ...this.fpn.flow.weights,
      ...this.imageMessages.flatMap((m) => m.weights),
      ...this.rpn.rgb.weights,
      ...this.rpn.flow.weights,
      ...this.heads.flatMap((h) => h.weights),
      ...this.roiMessages.flatMap((m) => m.weights),
    ];
  }

  /** The trainable variables, for an optimizer. */
  get trainableVariables(): tf.Variable[] {
    return this.weights.map((w) => w.variable);
  }

  /**
   * The pyramids `I^RGB`, `I^Flow` (§3.3): Flow → RGB message passing on each bottom-up level when
   * feature cooperation is on, then each stream's FPN. Call inside `tf.tidy`.
   */
  pyramids(input: CrossStreamInput): Record<Stream, PyramidLevel[]> {
    const rgb = this.options.featureCooperation
      ? input.rgb.map((c, l) => this.imageMessages[l]!.forward(input.flow[l]!, c) as tf.Tensor4D)
      : input.rgb;
    return { rgb: this.fpn.rgb.forward(rgb), flow: this.fpn.flow.forward(input.flow) };
  }

  /**
   * One pass over B key frames: RPNs, stage-0 heads, stages 1…n. With `groundTruth` (one per
   * frame) and `rng` it also sums the training losses (call inside `tf.variableGrads` or an
   * optimizer's `minimize`); without, it is inference (call inside `tf.tidy`).
   */
  run(
    input: CrossStreamInput,
    groundTruth?: readonly FrameGroundTruth[],
    rng?: Rng,
  ): CrossStreamRun {
    const B = input.rgb[0]!.shape[0];
    const training = groundTruth !== undefined;
    if (training && (groundTruth.length !== B || rng === undefined))
      throw new RangeError(
        `CrossStreamDetector.run: ${groundTruth.length} ground truths for ${B} frames (and an rng is required)`,
      );
    const I = this.pyramids(input);
    const losses: tf.Scalar[] = [];
    const proposals0: Record<Stream, ScoredBoxes[]> = { rgb: [], flow: [] };
    for (const stream of ['rgb', 'flow'] as const) {
      const outs = I[stream].map((level) => this.rpn[stream].forward(level.tensor));
      const out = {
        logits: tf.concat(
          outs.map((o) => o.logits),
          1,
        ) as tf.Tensor3D,
        deltas: tf.concat(
          outs.map((o) => o.deltas),
          1,
        ) as tf.Tensor3D,
      };
      if (training)
        losses.push(
          rpnLoss(
            out,
            groundTruth.map((g) =>
              rpnTargets(this.anchors, g.boxes, {
                rng: rng!,
                batchSize: this.options.sampling.rpnBatch,
              }),
            ),
          ).total,
        );
      const scores = rpnScores(out.logits).dataSync();
      const deltas = out.deltas.dataSync();
      const N = this.anchors.length / 4;
      const S = this.options.frameSize;
      for (let b = 0; b < B; b++) {
        const p = rpnProposals(
          scores.subarray(b * N, (b + 1) * N),
          deltas.subarray(4 * b * N, 4 * (b + 1) * N),
          this.anchors,
          {
            image: { width: S, height: S },
            preNmsTopK: 4 * (training ? this.options.rpnTopN.train : this.options.rpnTopN.test),
            postNmsTopK: training ? this.options.rpnTopN.train : this.options.rpnTopN.test,
            minSize: 1,
          },
        );
        proposals0[stream].push({ boxes: p.boxes, scores: p.scores });
      }
    }
    const stages: StageResult[] = [];
    const byStage = new Map<string, StageResult>();
    const record = (r: StageResult) => {
      stages.push(r);
      byStage.set(`${r.stage}/${r.stream}`, r);
    };
    const stage0 = (['rgb', 'flow'] as const).map((stream, h) =>
      this.applyHead(h, I[stream], undefined, proposals0[stream], groundTruth, rng),
    );
    record({
      stage: 0,
      stream: 'rgb',
      proposals: proposals0.rgb,
      detections: stage0[0]!.detections,
    });
    record({
      stage: 0,
      stream: 'flow',
      proposals: proposals0.flow,
      detections: stage0[1]!.detections,
    });
    for (const r of stage0) if (r.loss) losses.push(r.loss);
    cooperationSchedule(this.options.stages).forEach((s, i) => {
      const own = byStage.get(`${s.ownStage}/${s.target}`)!;
      const source = byStage.get(`${s.sourceStage}/${s.source}`)!;
      const P = own.detections.map((d, b) =>
        cooperateProposals(
          proposalsOf(d),
          proposalsOf(source.detections[b]!),
          this.options.cooperation,
        ),
      );
      const message = this.options.featureCooperation
        ? { levels: I[s.source], mp: this.roiMessages[i]! }
        : undefined;
      const r = this.applyHead(2 + i, I[s.target], message, P, groundTruth, rng);
      if (r.loss) losses.push(r.loss);
      record({ stage: s.stage, stream: s.target, proposals: P, detections: r.detections });
    });
    return { stages, loss: training ? (tf.addN(losses) as tf.Scalar) : undefined };
  }

  /** Inference on B key frames (no tensor escapes): every stage's proposals and detections. */
  detect(input: CrossStreamInput): StageResult[] {
    let stages: StageResult[] = [];
    tf.tidy(() => {
      stages = this.run(input).stages;
    });
    return stages;
  }

  /**
   * The loss that pretrains both streams' stage-0 heads (tubekit's head pretraining, *our
   * choice*: the papers' fc layers start from ImageNet/Kinetics weights, tubekit's from scratch).
   * On B key frames: the pyramids as in {@link run} (image-level message passing included), then
   * each stream's stage-0 head on {@link pretrainingRois} of every frame (jittered ground-truth
   * boxes and background boxes, one draw shared by both streams), Fast R-CNN's loss per stream,
   * summed. No RPN and no proposals: the heads see many labelled actors for little compute. With
   * `pretrainRefinementStages` (and feature cooperation) each refinement stage's head adds its
   * loss on the same RoIs, reading its target stream's features plus the RoI-level message from
   * the other stream. It trains {@link pretrainingWeights}; {@link shareStageZeroHeads} then starts
   * every later stage that it did not train from its stream's head. Call inside an optimizer's
   * step.
   */
  pretrainingLoss(
    input: CrossStreamInput,
    groundTruth: readonly FrameGroundTruth[],
    rng: Rng,
    options?: PretrainingRoiOptions,
  ): tf.Scalar {
    const B = input.rgb[0]!.shape[0];
    if (groundTruth.length !== B)
      throw new RangeError(
        `CrossStreamDetector.pretrainingLoss: ${groundTruth.length} ground truths for ${B} frames`,
      );
    const C = this.options.numClasses;
    const S = this.options.frameSize;
    const rows: number[] = [];
    const image: number[] = [];
    const labels: number[] = [];
    const posRows: number[] = [];
    const targets: number[] = [];
    groundTruth.forEach((g, b) => {
      const rois = pretrainingRois(g, S, rng, options);
      for (let i = 0; i < rois.labels.length; i++) {
        const r = image.length;
        const box = rois.boxes.subarray(4 * i, 4 * i + 4);
        rows.push(...box);
        image.push(b);
        labels.push(rois.labels[i]!);
        const gt = rois.matched[i]!;
        if (gt < 0) continue;
        posRows.push(r * C + rois.labels[i]! - 1);
        targets.push(...encodeBoxDeltas(g.boxes.subarray(4 * gt, 4 * gt + 4), box, HEAD_DELTAS));
      }
    });
    const boxes = Float64Array.from(rows);
    const I = this.pyramids(input);
    const opts = { outputSize: this.options.roiSize, canonicalSize: S };
    const weights = new Float32Array(image.length).fill(1);
    const classes = Int32Array.from(labels);
    const feats = {
      rgb: pyramidRoiAlign(I.rgb, boxes, image, opts),
      flow: pyramidRoiAlign(I.flow, boxes, image, opts),
    };
    const loss = (h: number, x: tf.Tensor4D) => {
      const out = this.heads[h]!.forward(x);
      return this.roiLoss(out.logits, out.deltas, classes, weights, posRows, targets);
    };
    const losses = [loss(0, feats.rgb), loss(1, feats.flow)];
    if (this.pretrainsRefinementStages)
      cooperationSchedule(this.options.stages).forEach((s, i) => {
        const messaged = this.roiMessages[i]!.forward(feats[s.source], feats[s.target]);
        losses.push(loss(2 + i, messaged as tf.Tensor4D));
      });
    return tf.addN(losses) as tf.Scalar;
  }

  /** Whether {@link pretrainingLoss} trains the refinement stages too (`pretrainRefinementStages`). */
  private get pretrainsRefinementStages(): boolean {
    return this.options.featureCooperation && this.options.pretrainRefinementStages === true;
  }

  /**
   * What {@link pretrainingLoss} trains: both pyramids, the image-level message passing and both
   * stage-0 heads, and with `pretrainRefinementStages` every later stage's head and RoI-level
   * message passing (never the RPNs).
   */
  get pretrainingWeights(): NamedWeight[] {
    const heads = this.pretrainsRefinementStages ? this.heads : this.heads.slice(0, 2);
    return [
      ...this.fpn.rgb.weights,
      ...this.fpn.flow.weights,
      ...this.imageMessages.flatMap((m) => m.weights),
      ...heads.flatMap((h) => h.weights),
      ...(this.pretrainsRefinementStages ? this.roiMessages.flatMap((m) => m.weights) : []),
    ];
  }

  /**
   * Starts every refinement stage's head from its target stream's stage-0 head (a copy of the
   * weights), after {@link pretrainingLoss} has trained them: each stage's head is a detection
   * head of that stream, so it starts where the stream's pretrained head is. Does nothing when
   * the pretraining trained those heads themselves (`pretrainRefinementStages`).
   */
  shareStageZeroHeads(): void {
    if (this.pretrainsRefinementStages) return;
    cooperationSchedule(this.options.stages).forEach((s, i) => {
      const from = this.heads[s.target === 'rgb' ? 0 : 1]!.weights;
      this.heads[2 + i]!.weights.forEach((w, k) => {
        w.variable.assign(from[k]!.variable);
      });
    });
  }

  /**
   * RoI features of boxes for the actionness classifiers (spec S9, *our choice*): per stream the
   * RoIAlign of its pyramid, improved by the last stage's RoI message passing into that stream
   * when there is one, global-average-pooled; RGB ⊕ Flow → `[N, 2d]`. Call inside `tf.tidy`.
   */
  boxFeatures(
    input: CrossStreamInput,
    boxes: Float64Array,
    imageIndex: ArrayLike<number>,
  ): tf.Tensor2D {
    const I = this.pyramids(input);
    const opts = { outputSize: this.options.roiSize, canonicalSize: this.options.frameSize };
    const F = {
      rgb: pyramidRoiAlign(I.rgb, boxes, imageIndex, opts),
      flow: pyramidRoiAlign(I.flow, boxes, imageIndex, opts),
    };
    const schedule = cooperationSchedule(this.options.stages);
    const pooled = (['rgb', 'flow'] as const).map((stream) => {
      let f: tf.Tensor4D = F[stream];
      const last = schedule.filter((s) => s.target === stream).pop();
      if (last && this.options.featureCooperation)
        f = this.roiMessages[last.stage - 1]!.forward(F[last.source], f) as tf.Tensor4D;
      return tf.mean(f, [1, 2]) as tf.Tensor2D;
    });
    return tf.concat(pooled, 1) as tf.Tensor2D;
  }

  /** Width of {@link boxFeatures}' rows (2d). */
  get boxFeatureWidth(): number {
    return 2 * this.options.fpnChannels;
  }

  private applyHead(
    h: number,
    levels: PyramidLevel[],
    message: { levels: PyramidLevel[]; mp: MessagePassing } | undefined,
    proposals: readonly ScoredBoxes[],
    groundTruth: readonly FrameGroundTruth[] | undefined,
    rng: Rng | undefined,
  ): { detections: HeadDetections[]; loss?: tf.Scalar } {
    const C = this.options.numClasses;
    const S = this.options.frameSize;
    const rows: number[] = [];
    const image: number[] = [];
    const counts = proposals.map((p) => p.scores.length);
    proposals.forEach((p, b) => {
      rows.push(...p.boxes);
      for (let i = 0; i < p.scores.length; i++) image.push(b);
    });
    const nProposals = image.length;
    if (groundTruth)
      groundTruth.forEach((g, b) => {
        rows.push(...g.boxes);
        for (let i = 0; i < g.labels.length; i++) image.push(b);
      });
    const boxes = Float64Array.from(rows);
    if (image.length === 0) {
      // No RoI in the whole batch (a later stage on key frames without a GT box whose earlier
      // stages kept no box): no head runs (tfjs-wasm's kernels give heap garbage, not zeros, for
      // empty operands and their gradients); the head's and the message's weights join the loss
      // at weight 0, so that they get a zero gradient rather than none.
      const detections = proposals.map(() => ({
        boxes: new Float64Array(0),
        probs: new Float64Array(0),
        numClasses: C,
      }));
      if (!groundTruth || !rng) return { detections };
      const weights = [...this.heads[h]!.weights, ...(message?.mp.weights ?? [])];
      return {
        detections,
        loss: tf.mul(tf.addN(weights.map((w) => tf.sum(w.variable))), 0) as tf.Scalar,
      };
    }
    const opts = { outputSize: this.options.roiSize, canonicalSize: S };
    let feats = pyramidRoiAlign(levels, boxes, image, opts);
    if (message)
      feats = message.mp.forward(
        pyramidRoiAlign(message.levels, boxes, image, opts),
        feats,
      ) as tf.Tensor4D;
    const out = this.heads[h]!.forward(feats);
    // detections on the proposals (not on appended ground truth)
    const probs = tf.softmax(out.logits).dataSync();
    const deltas = out.deltas.dataSync();
    const detections: HeadDetections[] = [];
    let o = 0;
    for (const n of counts) {
      const roi = new Float64Array(4 * n * C);
      for (let i = 0; i < n; i++)
        for (let c = 0; c < C; c++)
          roi.set(boxes.subarray(4 * (o + i), 4 * (o + i) + 4), 4 * (i * C + c));
      const d = Float64Array.from(deltas.subarray(4 * C * o, 4 * C * (o + n)));
      const decoded = clipBoxes(
        decodeBoxDeltas(d, roi, HEAD_DELTAS, d),
        { width: S, height: S },
        {},
        d,
      );
      detections.push({
        boxes: decoded as Float64Array,
        probs: Float64Array.from(probs.subarray((C + 1) * o, (C + 1) * (o + n))),
        numClasses: C,
      });
      o += n;
    }
    if (!groundTruth || !rng) return { detections };
    return {
      detections,
      loss: this.headLoss(out.logits, out.deltas, boxes, image, nProposals, groundTruth, rng),
    };
  }

  /** Fast R-CNN loss of one head: CE over the sampled RoIs + smooth-L1 of positives' class deltas. */
  private headLoss(
    logits: tf.Tensor2D,
    deltas: tf.Tensor3D,
    boxes: Float64Array,
    image: readonly number[],
    nProposals: number,
    groundTruth: readonly FrameGroundTruth[],
    rng: Rng,
  ): tf.Scalar {
    const C = this.options.numClasses;
    const N = image.length;
    const labels = new Int32Array(N);
    const weights = new Float32Array(N);
    const posRows: number[] = [];
    const targets: number[] = [];
    let start = 0;
    groundTruth.forEach((g, b) => {
      // this image's rows: its proposals, then (after all proposals) its appended ground truth
      const idx: number[] = [];
      for (let i = 0; i < nProposals; i++) if (image[i] === b) idx.push(i);
      for (let i = nProposals; i < N; i++) if (image[i] === b) idx.push(i);
      start += idx.length;
      const sub = new Float64Array(4 * idx.length);
      idx.forEach((r, j) => {
        sub.set(boxes.subarray(4 * r, 4 * r + 4), 4 * j);
      });
      const G = g.labels.length;
      const ious = pairwiseIoU(sub, g.boxes);
      const a = assignProposals(ious, { proposals: idx.length, groundTruths: G }, 0.5, {
        negativeBelow: 0.5,
        bestPerGroundTruth: false,
      });
      const { positives, negatives } = sampleProposals(a.positive, {
        batchSize: this.options.sampling.headBatch,
        positiveFraction: this.options.sampling.headPositiveFraction ?? 0.25,
        weights: 'uniform',
        rng,
        ignored: a.ignored,
      });
      for (const j of negatives) weights[idx[j]!] = 1;
      for (const j of positives) {
        const r = idx[j]!;
        const gt = a.assignedGt[j]!;
        weights[r] = 1;
        labels[r] = g.labels[gt]!;
        posRows.push(r * C + g.labels[gt]! - 1);
        const t = encodeBoxDeltas(
          g.boxes.subarray(4 * gt, 4 * gt + 4),
          boxes.subarray(4 * r, 4 * r + 4),
          HEAD_DELTAS,
        );
        targets.push(...t);
      }
    });
    if (start !== N) throw new Error('CrossStreamDetector: RoI rows do not match their images');
    return this.roiLoss(logits, deltas, labels, weights, posRows, targets);
  }

  /**
   * Fast R-CNN's loss over RoI rows: weighted softmax cross-entropy, plus the smooth-L1 of the
   * class deltas at `posRows` (`row · C + class − 1`) against `targets` (4 per positive),
   * summed and divided by the weighted rows.
   */
  private roiLoss(
    logits: tf.Tensor2D,
    deltas: tf.Tensor3D,
    labels: Int32Array,
    weights: Float32Array,
    posRows: readonly number[],
    targets: number[],
  ): tf.Scalar {
    const [N, C] = [deltas.shape[0], deltas.shape[1]];
    const sampled = Math.max(
      1,
      weights.reduce((s, w) => s + w, 0),
    );
    const cls = softmaxCrossEntropy(logits, labels, { weights }) as tf.Scalar;
    // no positive RoI (key frames without a GT box): the deltas still join the loss, at weight 0,
    // so that the regression weights get a (zero) gradient rather than none
    if (posRows.length === 0) return tf.add(cls, tf.mul(tf.sum(deltas), 0)) as tf.Scalar;
    const picked = tf.gather(tf.reshape(deltas, [N * C, 4]), Int32Array.from(posRows));
    const reg = tf.div(
      smoothL1(picked, tf.tensor2d(targets, [posRows.length, 4]), {
        beta: 1,
        reduction: 'sum',
      }),
      sampled,
    );
    return tf.add(cls, reg) as tf.Scalar;
  }

  /** Disposes every weight. */
  dispose(): void {
    for (const w of this.weights) w.variable.dispose();
  }
}
