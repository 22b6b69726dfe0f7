import { type BoxDeltaOptions, encodeBoxDeltas, pairwiseIoU } from '@tubekit/geometry';
import type { Rng } from './random';
import { assignProposals, sampleProposals } from './samplers';

/** Options of {@link rpnTargets}. */
export interface RpnTargetOptions {
  /** Positive when IoU ≥ this (or the best anchor of a ground truth). Default 0.7 (Faster R-CNN §3.1.2). */
  positiveIoU?: number;
  /** Negative when the best IoU is below this; in between: ignored. Default 0.3. */
  negativeIoU?: number;
  /** Anchors sampled per image. Default 256 (Faster R-CNN §3.1.3; PCSC §4.1). */
  batchSize?: number;
  /** Target fraction of positives. Default 0.5 (1:1). */
  positiveFraction?: number;
  /** Seeded generator of the draw. */
  rng: Rng;
  /** Delta codec options (e.g. `stds`); the same must be given to {@link rpnProposals}. */
  deltas?: BoxDeltaOptions;
  /**
   * Ignore anchors that cross the image border (Faster R-CNN §3.1.3 ignores them in training; an
   * anchor is kept when `x1 ≥ −border`, `x2 ≤ width + border`, …). Default: keep every anchor.
   */
  insideImage?: { width: number; height: number; border?: number };
}

/** Training targets of one image for {@link rpnLoss}. */
export interface RpnTargets {
  /**
   * `[N]` per anchor: −1 not in the loss (ignored or not drawn), 0 background, `c ≥ 1` the class of
   * the matched ground truth (1 when no classes are given: class-agnostic objectness).
   */
  labels: Int32Array;
  /** `[N·4]` regression targets (R-CNN deltas to the matched ground truth) of positives, else 0. */
  deltas: Float32Array;
  /** Sampled positive anchor indices, ascending. */
  positives: Int32Array;
  /** Sampled negative anchor indices, ascending. */
  negatives: Int32Array;
}

/**
 * RPN anchor targets of one image (Faster R-CNN §3.1.2–3.1.3): IoU of every anchor with every
 * ground-truth box (`pairwiseIoU`), labels by nn's one matcher (`assignProposals` with the ignore
 * band `[negativeIoU, positiveIoU)` and each ground truth's best anchor forced positive), a
 * balanced draw (`sampleProposals`, ignored anchors excluded), and delta targets by geometry's
 * codec (`encodeBoxDeltas`). For a class-specific RPN (CFAD §3.3) pass `gtClasses` (1-based
 * foreground classes; 0 is background).
 *
 * @param anchors - `N × 4` anchors (`gridAnchors` of @tubekit/geometry).
 * @param gtBoxes - `G × 4` ground-truth boxes (G = 0: every drawn anchor is background).
 * @param gtClasses - `G` classes ≥ 1; default all 1.
 * @example
 * ```ts
 * const t = rpnTargets(anchors, gtBoxes, { rng: createRng(0) });
 * const { total } = rpnLoss(rpn.forward(features), [t]);
 * ```
 */
export function rpnTargets(
  anchors: Float32Array | Float64Array,
  gtBoxes: Float32Array | Float64Array,
  options: RpnTargetOptions,
  gtClasses?: ArrayLike<number>,
): RpnTargets {
  if (anchors.length % 4 !== 0 || gtBoxes.length % 4 !== 0)
    throw new Error(
      `rpnTargets: anchors (${anchors.length}) and gtBoxes (${gtBoxes.length}) must have lengths N × 4`,
    );
  const N = anchors.length / 4;
  const G = gtBoxes.length / 4;
  if (gtClasses !== undefined) {
    if (gtClasses.length !== G)
      throw new Error(`rpnTargets: ${gtClasses.length} classes for ${G} ground-truth boxes`);
    for (let g = 0; g < G; g++)
      if (!(Number.isInteger(gtClasses[g]) && gtClasses[g]! >= 1))
        throw new Error(
          `rpnTargets: class of ground truth ${g} is ${gtClasses[g]}; expected an integer ≥ 1`,
        );
  }
  const pos = options.positiveIoU ?? 0.7;
  const neg = options.negativeIoU ?? 0.3;
  const ious = pairwiseIoU(anchors, gtBoxes);
  // Anchors crossing the border take no part (py-faster-rcnn removes them before matching, so a
  // ground truth's forced best anchor is the best one inside the image).
  const outside = new Uint8Array(N);
  const inside = options.insideImage;
  if (inside !== undefined) {
    const b = inside.border ?? 0;
    for (let i = 0; i < N; i++) {
      const o = 4 * i;
      if (
        anchors[o]! < -b ||
        anchors[o + 1]! < -b ||
        anchors[o + 2]! > inside.width + b ||
        anchors[o + 3]! > inside.height + b
      ) {
        outside[i] = 1;
        ious.fill(0, i * G, (i + 1) * G);
      }
    }
  }
  const a = assignProposals(ious, { proposals: N, groundTruths: G }, pos, {
    negativeBelow: neg,
    positiveAtThreshold: true,
  });
  for (let i = 0; i < N; i++)
    if (outside[i] === 1) {
      a.positive[i] = 0;
      a.ignored[i] = 1;
    }
  const { positives, negatives } = sampleProposals(a.positive, {
    batchSize: options.batchSize ?? 256,
    positiveFraction: options.positiveFraction ?? 0.5,
    weights: 'uniform',
    rng: options.rng,
    ignored: a.ignored,
  });
  const labels = new Int32Array(N).fill(-1);
  const deltas = new Float32Array(4 * N);
  for (const i of negatives) labels[i] = 0;
  if (positives.length > 0) {
    const matched = new Float64Array(4 * positives.length);
    const anchorRows = new Float64Array(4 * positives.length);
    positives.forEach((i, r) => {
      const g = a.assignedGt[i]!;
      labels[i] = gtClasses === undefined ? 1 : gtClasses[g]!;
      for (let c = 0; c < 4; c++) {
        matched[4 * r + c] = gtBoxes[4 * g + c]!;
        anchorRows[4 * r + c] = anchors[4 * i + c]!;
      }
    });
    const d = encodeBoxDeltas(matched, anchorRows, options.deltas);
    positives.forEach((i, r) => {
      for (let c = 0; c < 4; c++) deltas[4 * i + c] = d[4 * r + c]!;
    });
  }
  return { labels, deltas, positives, negatives };
}
