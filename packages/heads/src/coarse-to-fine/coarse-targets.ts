import { encodeBoxDeltas, segmentIoUs, type Tube, tubeLength } from '@tubekit/geometry';
import {
  assignProposals,
  type PolynomialTubeTarget,
  polynomialTubeLoss,
  type Rng,
  sampleProposals,
  softmaxCrossEntropy,
  tf,
} from '@tubekit/nn';
import type { CoarseOutput } from './coarse-module';

/** A ground-truth tube with its action class (0-based). */
export interface LabelledTube extends Tube {
  label: number;
}

/** Options of {@link coarseTargets}. */
export interface CoarseTargetOptions {
  /** Segment length K of the segment-wise matching (default {@link SEGMENT_LENGTH}). */
  segmentLength?: number;
  /** Positive when the first segment's mean IoU exceeds this (NS; spec 0.5). */
  positiveOverlap?: number;
  /** Negative when every whole segment's mean IoU is below this (NS; spec 0.3). */
  negativeOverlap?: number;
  /** Negatives drawn per positive (NS; spec: all positives, negatives capped at 3×). */
  negativesPerPositive?: number;
  rng: Rng;
}

/** Segment length K of CFAD's segment-wise matching (§4.1: 6 frames), {@link coarseTargets}' default. */
export const SEGMENT_LENGTH = 6;

/** The labelled anchors of one proposal for the coarse loss (Eqs. 2–4). */
export interface CoarseTargets {
  /** Sampled anchor rows: positives first, then negatives. */
  rows: Int32Array;
  /** Class of each sampled row: 1 + the tube's class for positives, 0 for negatives. */
  labels: Int32Array;
  /** Regression targets of the positive rows (the first `targets.length` of `rows`). */
  targets: PolynomialTubeTarget[];
}

/**
 * Targets of CFAD's Coarse Module for one proposal span `[start, end]` (frames; the GT span itself
 * or a TPN proposal): the segment-wise matching of §3.2 (Fig. 3a, K = 6) — an anchor is positive
 * when its mean IoU with the first K boxes of a tube exceeds `positiveOverlap` (the best tube wins;
 * each tube's best anchor is forced positive so that small actors get one, spec), negative when
 * its mean IoU with every whole K-box segment of every tube is below `negativeOverlap`, ignored
 * otherwise (geometry's `segmentIoUs` → nn's `assignProposals` with its ignore band). Each
 * positive's regression target is its tube's boxes inside the span, encoded against the anchor
 * (`enc`, R-CNN codec, no normalisation) at times normalised by the span (Eq. 4; on the GT span
 * this is exactly Eq. 4; on a proposal the spec renormalises by the proposal, so the
 * inference-time `s_i` mean the same). All positives are kept, negatives drawn up to 3× as many.
 *
 * @param anchors - `M × 4` anchor boxes (geometry's `gridAnchors` over the clustered sizes).
 * @param tubes - the video's labelled GT tubes (frames 1-based, boxes in the detector's pixels).
 * @example
 * ```ts
 * const t = coarseTargets(anchors, video.tubes, 1, 40, { rng: createRng(1) });
 * const loss = coarseLoss(coarse.forward(F), [t]);
 * ```
 */
export function coarseTargets(
  anchors: Float64Array,
  tubes: readonly LabelledTube[],
  start: number,
  end: number,
  options: CoarseTargetOptions,
): CoarseTargets {
  if (!(end > start)) throw new RangeError(`coarseTargets: span [${start}, ${end}] is empty`);
  const M = anchors.length / 4;
  const inside: { tube: Tube; label: number }[] = [];
  for (const t of tubes) {
    const first = Math.max(t.start, Math.ceil(start));
    const last = Math.min(t.start + tubeLength(t) - 1, Math.floor(end));
    if (last < first) continue;
    const boxes = t.boxes.subarray(4 * (first - t.start), 4 * (last - t.start + 1));
    inside.push({ tube: { start: first, boxes }, label: t.label });
  }
  const G = inside.length;
  const seg = segmentIoUs(
    anchors,
    inside.map((g) => g.tube),
    options.segmentLength ?? SEGMENT_LENGTH,
  );
  const a = assignProposals(
    seg.first,
    { proposals: M, groundTruths: G },
    options.positiveOverlap ?? 0.5,
    {
      negativeBelow: options.negativeOverlap ?? 0.3,
      negativeOverlaps: seg.best,
    },
  );
  const { positives, negatives } = sampleProposals(a.positive, {
    batchSize: M,
    positiveFraction: 1,
    weights: 'uniform',
    rng: options.rng,
    ignored: a.ignored,
    negativesPerPositive: options.negativesPerPositive ?? 3,
  });
  const rows = Int32Array.from([...positives, ...negatives]);
  const labels = new Int32Array(rows.length);
  const targets: PolynomialTubeTarget[] = [];
  positives.forEach((p, i) => {
    const g = inside[a.assignedGt[p]!]!;
    labels[i] = g.label + 1;
    const T = tubeLength(g.tube);
    const times = Float64Array.from(
      { length: T },
      (_, j) => (g.tube.start + j - start) / (end - start),
    );
    targets.push({
      times,
      deltas: encodeBoxDeltas(g.tube.boxes, anchors.subarray(4 * p, 4 * p + 4)),
    });
  });
  return { rows, labels, targets };
}

/**
 * CFAD's coarse loss over `B` proposals (Eq. 2): `(1/|B⁺ ∪ B⁻|)·L_c + (1/|B⁺|)·L_r`, with `L_c`
 * the softmax cross-entropy of Faster R-CNN over the labelled anchors and `L_r` the squared-L2
 * polynomial tube loss of Eqs. 3–4 (nn's `polynomialTubeLoss`). No λ. Returns a scalar.
 *
 * @param output - {@link CoarseModule.forward} of the `B` proposals.
 * @param targets - one {@link coarseTargets} per proposal, same order.
 */
export function coarseLoss(output: CoarseOutput, targets: readonly CoarseTargets[]): tf.Scalar {
  const [B, M] = output.logits.shape;
  if (targets.length !== B)
    throw new Error(`coarseLoss: ${targets.length} targets for ${B} proposals`);
  return tf.tidy(() => {
    const rows: number[] = [];
    const labels: number[] = [];
    const posRows: number[] = [];
    const regTargets: PolynomialTubeTarget[] = [];
    targets.forEach((t, b) => {
      t.rows.forEach((r, i) => {
        rows.push(b * M + r);
        labels.push(t.labels[i]!);
        if (i < t.targets.length) posRows.push(b * M + r);
      });
      regTargets.push(...t.targets);
    });
    const C1 = output.logits.shape[2];
    const flatLogits = tf.reshape(output.logits, [B * M, C1]) as tf.Tensor2D;
    const cls =
      rows.length === 0
        ? tf.scalar(0)
        : softmaxCrossEntropy(
            tf.gather(flatLogits, tf.tensor1d(rows, 'int32')) as tf.Tensor2D,
            Int32Array.from(labels),
          );
    if (posRows.length === 0) return cls as tf.Scalar;
    const [, , p] = output.theta.shape;
    const theta = tf.gather(
      tf.reshape(output.theta, [B * M, p, 4]),
      tf.tensor1d(posRows, 'int32'),
    ) as tf.Tensor3D;
    return tf.add(cls, polynomialTubeLoss(theta, regTargets, { reduction: 'mean' })) as tf.Scalar;
  });
}
