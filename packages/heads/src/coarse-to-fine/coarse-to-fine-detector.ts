import type { Trunk } from '@tubekit/backbones';
import {
  clipBoxes,
  decodeBoxDeltas,
  evaluatePolynomialTube,
  gridAnchors,
  interpolateBoxes,
  matchedSpanIoU,
  selectKeyTimestamps,
  type Tube,
  tubeLength,
} from '@tubekit/geometry';
import {
  type NamedWeight,
  type Rng,
  RpnHead,
  rpnLoss,
  rpnProposals,
  rpnScores,
  rpnTargets,
  tf,
} from '@tubekit/nn';
import { chooseTimestamps, type TimestampChoice } from './choose-timestamps';
import { CoarseModule } from './coarse-module';
import { coarseLoss, coarseTargets, type LabelledTube } from './coarse-targets';
import { KeyTimestampSelector } from './key-timestamp-selector';
import { fuseTubeScore, knotsToTube, refineKnots, type TimestampProposals } from './refine-knots';
import { sampleFeatures, sampleTimes } from './sample-features';
import { type SelectTubesOptions, selectTubes } from './select-tubes';
import { TemporalProposalNetwork } from './temporal-proposal-network';

/** Options of a {@link CoarseToFineDetector} (load time). */
export interface CoarseToFineOptions {
  /** Action classes C. */
  numClasses: number;
  /** The shared trunk (pretrained per stream); its neck is fine-tuned, its backbone frozen. */
  trunk: Trunk;
  /** Side S of the square frames the trunk sees (a multiple of the feature stride 8·featurePool). */
  frameSize: number;
  /** Frames T of the resampled clip (§4.1: 96 UCF101-24, 32 J-HMDB). */
  clipLength: number;
  /** Feature maps N sampled per proposal (§3.1: 16 UCF101-24, 6 J-HMDB). */
  samples: number;
  /** Polynomial order k (Table 1: 4 UCF101-24, 2 J-HMDB). */
  order: number;
  /** `A × 2` anchor sizes `[w, h]` in pixels of S (geometry's `clusterAnchors`, 6 clusters §4.1). */
  anchorSizes: ArrayLike<number>;
  /** TPN anchor lengths in resampled frames. */
  tpnLengths: readonly number[];
  /** Channels C' of the coarse module's 3-D conv heads and of the RPN's convolutions. */
  hidden: number;
  /** The Coarse Module's Diff Block (Fig. 5 ablation). Default true. */
  diffBlock?: boolean;
  /**
   * Average-pool the neck by this factor before CFAD's modules (default 1: the neck's stride 8).
   * 2 gives stride 16, a 7×7 map at 112 px — the size of I3D `mixed_5b` at 224 px that CFAD's
   * coarse module and RPN see (§4.1), and 16× less non-local attention than 14×14.
   */
  featurePool?: number;
  seed: number;
}

/** A video as CFAD sees it: its `T` resampled frames and its original length. */
export interface CoarseToFineClip {
  /** `[T, S, S, channels]` frames in [0, 1]; frame `j` is original frame `1 + j(L−1)/(T−1)`. */
  frames: tf.Tensor4D;
  /** Original frames L. */
  nframes: number;
}

/** A training video: its clip and labelled GT tubes (original frames, boxes in pixels of S). */
export interface CoarseToFineTrainingVideo extends CoarseToFineClip {
  tubes: LabelledTube[];
}

/** The loss terms of one training video (scalars; the caller disposes them). */
export interface CoarseToFineLoss {
  total: tf.Scalar;
  tpn: tf.Scalar;
  coarse: tf.Scalar;
  selector: tf.Scalar;
  rpn: tf.Scalar;
}

/** Options of {@link CoarseToFineDetector.detect} (call time). */
export interface CoarseToFineDetectOptions extends SelectTubesOptions {
  /** Which timestamps to refine (default: the learned selector at α = 0.25). */
  timestamps?: TimestampChoice;
  /** Search-area σ of Eq. 7 (default 0.8). */
  sigma?: number;
  /** TPN proposals per video (spec: 5). */
  proposals?: number;
  /** Also treat the whole video as a proposal (spec S3, trimmed datasets). Default true. */
  wholeVideo?: boolean;
  /** Candidate anchors kept per proposal before the tube NMS. Default 10. */
  candidatesPerProposal?: number;
}

/** One output tube (original frames, boxes in pixels of S). */
export interface CoarseToFineTube {
  tube: Tube;
  /** 0-based action class. */
  label: number;
  /** Fused score (§3.3), the coarse class probability when nothing was refined. */
  score: number;
  /** Knots replaced by RPN boxes. */
  refined: number;
  /** Knots selected for refinement (≥ `refined`). */
  selected: number;
}

/**
 * CFAD, the Coarse-to-Fine Action Detector (Li, Lin, See, Xu, Xu, Yan, Yang, ECCV 2020), on
 * tubekit's shared `Trunk`: TPN proposals (§3.1) → N feature maps sampled per proposal → the
 * Coarse Module's per-anchor class scores and polynomial tubes (§3.2, Eqs. 1, 6) → tube NMS 0.2,
 * ≤ 3 tubes (§4.1) → the Refine Module (§3.3): key timestamps from the selector, a class-specific
 * RPN at them, Eq. 7's local search, a spline through refined and coarse knots and the fused
 * score. No linking and no trimming. Training sums the TPN, coarse (Eqs. 2–4), selector (Eq. 5
 * labels, BCE) and RPN losses with weights 1.
 *
 * Deviations (CPU scale, see the package README): the trunk's stride-8 neck (stride 1 in time)
 * replaces I3D `mixed_5b`; the TPN works on the clip's frames, not 8-frame cells; coarse targets
 * come from each GT span and the TPN's best proposal for it (tIoU ≥ 0.5).
 *
 * @example
 * ```ts
 * const det = new CoarseToFineDetector({ numClasses: 8, trunk, frameSize: 112, clipLength: 32,
 *   samples: 8, order: 2, anchorSizes, tpnLengths: [8, 16, 24, 32], hidden: 32, seed: 1 });
 * const tubes = det.detect({ frames, nframes: 120 }, { sigma: 0.8 });
 * ```
 */
export class CoarseToFineDetector {
  readonly options: Required<CoarseToFineOptions>;
  readonly trunk: Trunk;
  readonly tpn: TemporalProposalNetwork;
  readonly coarse: CoarseModule;
  readonly selector: KeyTimestampSelector;
  readonly rpn: RpnHead;
  /** `(h·w·A) × 4` anchors of the coarse module and the RPN, in pixels of S. */
  readonly anchors: Float64Array;
  /** The N sample times of a span normalised to [0, 1] (Eq. 4's `s_i`), where θ is evaluated. */
  private readonly unitTimes: Float64Array;

  constructor(options: CoarseToFineOptions) {
    this.options = { diffBlock: true, featurePool: 1, ...options };
    const {
      trunk,
      numClasses,
      samples,
      order,
      anchorSizes,
      hidden,
      seed,
      frameSize: S,
    } = this.options;
    const stride = trunk.neckStride * this.options.featurePool;
    if (S % stride !== 0)
      throw new RangeError(
        `CoarseToFineDetector: frameSize ${S} is not a multiple of the feature stride ${stride}`,
      );
    this.trunk = trunk;
    const C = trunk.options.neckChannels;
    const A = anchorSizes.length / 2;
    this.tpn = new TemporalProposalNetwork({
      channels: C,
      lengths: options.tpnLengths,
      seed: seed + 1,
    });
    this.coarse = new CoarseModule({
      channels: C,
      hidden,
      numClasses,
      anchors: A,
      order,
      diffBlock: this.options.diffBlock,
      seed: seed + 2,
    });
    this.selector = new KeyTimestampSelector({ channels: C, samples, seed: seed + 3 });
    this.rpn = new RpnHead({
      inChannels: C,
      hiddenChannels: hidden,
      convLayers: 2,
      anchors: A,
      scoreClasses: numClasses + 1,
      seed: seed + 4,
    });
    this.anchors = gridAnchors({
      height: S / stride,
      width: S / stride,
      stride,
      sizes: anchorSizes,
    });
    this.unitTimes = Float64Array.from({ length: samples }, (_, i) => i / (samples - 1));
  }

  /** The trainable weights: the trunk's neck and the four CFAD modules. */
  trainableWeights(): NamedWeight[] {
    return [...this.trunk.neckWeights(), ...this.headWeights()];
  }

  /** The weights of CFAD's four modules (TPN, coarse, selector, RPN): the head, not the trunk. */
  headWeights(): NamedWeight[] {
    return [
      ...this.tpn.weights,
      ...this.coarse.weights,
      ...this.selector.weights,
      ...this.rpn.weights,
    ];
  }

  /** Parameters of the head (CFAD's modules, not the trunk). */
  headParameters(): number {
    return this.headWeights().reduce((n, w) => n + w.variable.size, 0);
  }

  /**
   * Per-frame features `[T, S/s, S/s, C]` of a clip: the neck, average-pooled to stride
   * `s = 8·featurePool`. Call inside `tf.tidy`.
   */
  features(frames: tf.Tensor4D): tf.Tensor4D {
    const neck = this.trunk.neck(this.trunk.backbone(frames));
    const p = this.options.featurePool;
    return p === 1 ? neck : tf.avgPool(neck, p, p, 'valid');
  }

  /** Feature row (fractional) of original frame `f` in a clip of `L` frames. */
  private row(f: number, L: number): number {
    const T = this.options.clipLength;
    return L <= 1 ? 0 : ((f - 1) * (T - 1)) / (L - 1);
  }

  private frameOf(row: number, L: number): number {
    const T = this.options.clipLength;
    return T <= 1 ? 1 : 1 + (row * (L - 1)) / (T - 1);
  }

  /**
   * The N feature maps `[N, h, w, C]` sampled in the span `[start, end]` (original frames of a
   * video of `L` frames) from its clip's {@link features}: what the coarse module sees of a
   * proposal (§3.1). Call inside `tf.tidy`.
   */
  sampleSpan(neck: tf.Tensor4D, start: number, end: number, L: number): tf.Tensor4D {
    const times = sampleTimes(start, end, this.options.samples);
    return sampleFeatures(
      neck,
      Array.from(times, (t) => this.row(t, L)),
    );
  }

  /**
   * The training loss of one video (all terms weight 1, spec). Differentiable in
   * {@link trainableWeights}; call inside a gradient (`tf.variableGrads`) or `tf.tidy`.
   */
  loss(video: CoarseToFineTrainingVideo, rng: Rng): CoarseToFineLoss {
    const { samples: N, frameSize: S } = this.options;
    const L = video.nframes;
    const neck = this.features(video.frames);
    const T = neck.shape[0];
    const tubes = video.tubes.filter((t) => tubeLength(t) >= 2);
    const gtRows = new Float64Array(2 * tubes.length);
    tubes.forEach((t, g) => {
      gtRows[2 * g] = this.row(t.start, L);
      gtRows[2 * g + 1] = this.row(t.start + tubeLength(t) - 1, L);
    });
    const tpnOut = this.tpn.forward(neck);
    const tpn = this.tpn.loss(tpnOut, gtRows, { rng });
    // Coarse spans: each GT span, and the TPN's best proposal for it when tIoU ≥ 0.5 (spec §2).
    const spans: [number, number][] = tubes.map((t) => [t.start, t.start + tubeLength(t) - 1]);
    const proposed = this.tpn.proposals(tpnOut, T, { topK: 2 * tubes.length + 1 }).spans;
    tubes.forEach((_, g) => {
      let best = -1;
      let bestIoU = 0.5;
      for (let p = 0; p < proposed.length / 2; p++) {
        const iou = matchedSpanIoU(
          proposed.subarray(2 * p, 2 * p + 2),
          gtRows.subarray(2 * g, 2 * g + 2),
        )[0]!;
        if (iou >= bestIoU) [best, bestIoU] = [p, iou];
      }
      if (best >= 0)
        spans.push([
          this.frameOf(proposed[2 * best]!, L),
          this.frameOf(proposed[2 * best + 1]!, L),
        ]);
    });
    tf.dispose([tpnOut.logits, tpnOut.deltas]);
    const zero = () => tf.scalar(0);
    if (spans.length === 0) {
      const total = tf.add(tpn, tf.mul(tf.sum(neck), 0)) as tf.Scalar;
      return { total, tpn, coarse: zero(), selector: zero(), rpn: zero() };
    }
    const F = tf.stack(spans.map(([s, e]) => this.sampleSpan(neck, s, e, L))) as tf.Tensor5D;
    const out = this.coarse.forward(F);
    const coarse = coarseLoss(
      out,
      spans.map(([s, e]) => coarseTargets(this.anchors, video.tubes, s, e, { rng })),
    );
    // Selector (Eq. 5 labels) and RPN on the GT spans, where s_i are the tube's own endpoints.
    const G = tubes.length;
    const gtF = tf.slice(F, [0], [G]) as tf.Tensor5D;
    const labels = new Uint8Array(G * N);
    tubes.forEach((t, g) => {
      labels.set(selectKeyTimestamps(t, { samples: N }).labels, g * N);
    });
    const selector = this.selector.loss(this.selector.forward(gtF), labels);
    const [, , h, w, C] = gtF.shape;
    const rpnOut = this.rpn.forward(tf.reshape(gtF, [G * N, h, w, C]) as tf.Tensor4D);
    const targets = tubes.flatMap((t) => {
      const times = sampleTimes(t.start, t.start + tubeLength(t) - 1, N);
      return Array.from(times, (tau) => {
        const boxes: number[] = [];
        const classes: number[] = [];
        for (const u of video.tubes) {
          const end = u.start + tubeLength(u) - 1;
          if (tau < u.start || tau > end) continue;
          const frames = Array.from({ length: tubeLength(u) }, (_, i) => u.start + i);
          const box =
            tubeLength(u) === 1
              ? u.boxes
              : interpolateBoxes(frames, u.boxes, [tau], { method: 'linear' });
          boxes.push(...box);
          classes.push(u.label + 1);
        }
        return rpnTargets(
          this.anchors,
          Float64Array.from(boxes),
          {
            rng,
            positiveIoU: 0.5,
            negativeIoU: 0.3,
            batchSize: 64,
            insideImage: { width: S, height: S, border: S },
          },
          classes,
        );
      });
    });
    const rpn = rpnLoss(rpnOut, targets).total;
    tf.dispose([rpnOut.logits, rpnOut.deltas, F, gtF, out.logits, out.theta]);
    const total = tf.addN([tpn, coarse, selector, rpn]) as tf.Scalar;
    return { total, tpn, coarse, selector, rpn };
  }

  /**
   * Anchor `a`'s coarse tube as N knots `N × 4` (Eq. 6: its polynomial θ evaluated at the N
   * sample times of the span, decoded against the anchor, clipped to the frame), from the θ values
   * of a proposal's anchors (`[M, k+1, 4]` flat, {@link CoarseModule.forward}'s layout).
   */
  anchorKnots(theta: Float32Array, a: number): Float64Array {
    const { order: k, frameSize: S } = this.options;
    const th = theta.subarray(a * (k + 1) * 4, (a + 1) * (k + 1) * 4);
    const deltas = evaluatePolynomialTube(th, this.unitTimes);
    return clipBoxes(
      decodeBoxDeltas(deltas, this.anchors.subarray(4 * a, 4 * a + 4), {
        maxLogRatio: Math.log(1000 / 16),
      }),
      { width: S, height: S },
    ) as Float64Array;
  }

  /**
   * CFAD's inference on one video (§3, §4.1; spec §3): ≤ `maxTubes` tubes, boxes in pixels of S,
   * one per original frame of the span. Leaks no tensors.
   */
  detect(clip: CoarseToFineClip, options: CoarseToFineDetectOptions = {}): CoarseToFineTube[] {
    const { samples: N, numClasses, order: k, frameSize: S } = this.options;
    const L = clip.nframes;
    const sigma = options.sigma ?? 0.8;
    const choice = options.timestamps ?? { kind: 'learned', alpha: 0.25 };
    const perProposal = options.candidatesPerProposal ?? 10;
    const frame = { width: S, height: S };
    const neck = tf.tidy(() => this.features(clip.frames));
    const T = neck.shape[0];
    const tpnOut = this.tpn.forward(neck);
    const rows = Array.from(this.tpn.proposals(tpnOut, T, { topK: options.proposals ?? 5 }).spans);
    tf.dispose([tpnOut.logits, tpnOut.deltas]);
    if (options.wholeVideo ?? true) rows.push(0, T - 1);
    const spans: [number, number][] = [];
    for (let p = 0; p < rows.length / 2; p++)
      spans.push([this.frameOf(rows[2 * p]!, L), this.frameOf(rows[2 * p + 1]!, L)]);
    const F = tf.tidy(
      () => tf.stack(spans.map(([s, e]) => this.sampleSpan(neck, s, e, L))) as tf.Tensor5D,
    );
    neck.dispose();
    const { probs, theta } = tf.tidy(() => {
      const out = this.coarse.forward(F);
      return { probs: tf.softmax(out.logits), theta: out.theta };
    });
    const P = probs.dataSync();
    const TH = theta.dataSync() as Float32Array;
    tf.dispose([probs, theta]);
    const M = this.anchors.length / 4;
    const C1 = numClasses + 1;
    type Candidate = {
      proposal: number;
      knots: Float64Array;
      times: Float64Array;
      label: number;
      score: number;
    };
    const candidates: Candidate[] = [];
    spans.forEach(([start, end], b) => {
      const best: { a: number; label: number; score: number }[] = [];
      for (let a = 0; a < M; a++) {
        const o = (b * M + a) * C1;
        let label = 1;
        for (let c = 2; c < C1; c++) if (P[o + c]! > P[o + label]!) label = c;
        best.push({ a, label: label - 1, score: P[o + label]! });
      }
      best.sort((x, y) => y.score - x.score || x.a - y.a);
      for (const { a, label, score } of best.slice(0, perProposal)) {
        const knots = this.anchorKnots(TH.subarray(b * M * (k + 1) * 4), a);
        candidates.push({ proposal: b, knots, times: sampleTimes(start, end, N), label, score });
      }
    });
    const coarseTubes = candidates.map((c) => knotsToTube(c.times, c.knots, frame));
    const keep = selectTubes(
      coarseTubes,
      candidates.map((c) => c.score),
      options,
    );
    const kept = Array.from(keep, (i) => candidates[i]!);
    // Refine Module on the survivors: selector → class-specific RPN at the chosen samples → Eq. 7.
    const proposalsUsed = [...new Set(kept.map((c) => c.proposal))];
    const importance = new Map<number, Float32Array>();
    if (choice.kind === 'learned' && proposalsUsed.length > 0) {
      const pr = tf.tidy(() =>
        tf.sigmoid(
          this.selector.forward(tf.gather(F, tf.tensor1d(proposalsUsed, 'int32')) as tf.Tensor5D),
        ),
      );
      const v = pr.dataSync() as Float32Array;
      pr.dispose();
      proposalsUsed.forEach((p, j) => {
        importance.set(p, v.subarray(j * N, (j + 1) * N));
      });
    }
    const result = kept.map((c) => {
      const chosen = chooseTimestamps(importance.get(c.proposal) ?? new Float32Array(N), choice);
      if (chosen.length === 0)
        return {
          tube: knotsToTube(c.times, c.knots, frame),
          label: c.label,
          score: c.score,
          refined: 0,
          selected: 0,
        };
      const { logits, deltas } = tf.tidy(() => {
        const maps = tf.gather(
          tf.squeeze(tf.slice(F, [c.proposal], [1]), [0]),
          tf.tensor1d(chosen, 'int32'),
        );
        const o = this.rpn.forward(maps as tf.Tensor4D);
        return { logits: rpnScores(o.logits, c.label + 1), deltas: o.deltas };
      });
      const sc = logits.dataSync();
      const dl = deltas.dataSync();
      tf.dispose([logits, deltas]);
      const H = M;
      const props: TimestampProposals[] = Array.from(chosen, (i, j) => {
        const r = rpnProposals(
          sc.subarray(j * H, (j + 1) * H),
          dl.subarray(4 * j * H, 4 * (j + 1) * H),
          this.anchors,
          {
            image: { width: S, height: S },
            preNmsTopK: 200,
            postNmsTopK: 20,
            nmsThreshold: 0.7,
          },
        );
        return { sample: i, boxes: r.boxes, scores: r.scores };
      });
      const r = refineKnots(c.knots, props, sigma);
      return {
        tube: knotsToTube(c.times, r.knots, frame),
        label: c.label,
        score: fuseTubeScore(c.score, r.rpnScores),
        refined: r.rpnScores.length,
        selected: chosen.length,
      };
    });
    F.dispose();
    return result;
  }

  /** Disposes the CFAD modules (not the trunk, which the caller owns). */
  dispose(): void {
    this.tpn.dispose();
    this.coarse.dispose();
    this.selector.dispose();
    this.rpn.dispose();
  }
}
