import type { Rng } from '@tubekit/nn';
import { assignProposals, sampleProposals } from '@tubekit/nn';

/** Options of {@link assignAndSample} (STEP §3.4, "Hard-Aware Sampling"). */
export interface TubeletSamplingOptions {
  /** Overlap threshold τₛ of this step: proposals with overlap > τₛ are positive. */
  iouThreshold: number;
  /** At most this many positives per clip (they are sampled from the positives). */
  maxPositives: number;
  /** Negatives per drawn positive (default 1: "roughly balanced"); at least one negative is drawn. */
  negativeRatio?: number;
  /**
   * Hard-aware sampling (true: draws ∝ `hardness`, so confident low-overlap negatives come more
   * often) or uniform sampling (the ablation of Table 3).
   */
  hardAware: boolean;
  /** The seeded generator the draws come from (`createRng` of `@tubekit/nn`). */
  rng: Rng;
}

/** The sampled training set of one clip at one step. */
export interface TubeletSamples {
  /** Proposal indices of the sampled positives, ascending. */
  positives: Int32Array;
  /** For each positive, the index of the one GT tube it is assigned to (the one it overlaps most). */
  positiveGt: Int32Array;
  /** Proposal indices of the sampled negatives, ascending. */
  negatives: Int32Array;
}

/**
 * STEP's label assignment and hard-aware sampling for one clip (§3.4), on tubelet overlaps: labels
 * with `assignProposals` of `@tubekit/nn` (every GT tube's best proposal is positive, then every
 * proposal with overlap > τₛ) and draws with `sampleProposals` — up to `maxPositives` positives and
 * `negativeRatio` negatives per positive (at least one), weighted by `hardness` when `hardAware`.
 * The tubelet-specific part is the overlap: the mean per-frame IoU over the target clip's frames.
 *
 * @param overlaps `M × G` row-major mean per-frame IoU of each proposal with each GT over the
 *   target clip's frames.
 * @param hardness `M` scores used as sampling weights: the previous step's classification score,
 *   or the best overlap at the first step.
 *
 * @example
 * const s = assignAndSample(new Float64Array([0.7, 0.1]), 2, 1, new Float64Array([0.7, 0.1]),
 *   { iouThreshold: 0.5, maxPositives: 4, hardAware: true, rng: createRng(0) });
 * // s.positives = [0], s.positiveGt = [0], s.negatives = [1]
 */
export function assignAndSample(
  overlaps: Float64Array,
  M: number,
  G: number,
  hardness: Float64Array,
  options: TubeletSamplingOptions,
): TubeletSamples {
  if (overlaps.length !== M * G)
    throw new Error(
      `assignAndSample: overlaps has ${overlaps.length} values, expected M·G = ${M * G}`,
    );
  const assignment = assignProposals(
    overlaps,
    { proposals: M, groundTruths: G },
    options.iouThreshold,
  );
  const { positives, negatives } = sampleProposals(assignment.positive, {
    batchSize: 2 * options.maxPositives,
    positiveFraction: 0.5,
    negativesPerPositive: options.negativeRatio ?? 1,
    weights: options.hardAware ? hardness : 'uniform',
    rng: options.rng,
  });
  const positiveGt = Int32Array.from(positives, (m) => assignment.assignedGt[m]);
  return { positives, positiveGt, negatives };
}
