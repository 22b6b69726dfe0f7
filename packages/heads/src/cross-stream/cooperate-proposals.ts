import { concatBoxes, nmsBoxes, type ScoredBoxes } from './scored-boxes';

/** Options of {@link cooperateProposals}; defaults are the spec's choices (S6.1), values are NS. */
export interface ProposalCooperationOptions {
  /** NMS IoU threshold of the target stream's own boxes. Default 0.7. */
  ownNms?: number;
  /** The lower NMS threshold of the other stream's boxes. Default 0.5. */
  sourceNms?: number;
  /** Confidence floor of both sets ("only bounding boxes with high confidence"). Default 0.05. */
  minScore?: number;
  /** Boxes kept from each set after NMS. Default 100 (the CPU value; the spec's GPU value is 300). */
  topK?: number;
}

/** The union of {@link cooperateProposals}, with the origin of each proposal. */
export interface CooperatedProposals extends ScoredBoxes {
  /** `N` flags: 1 where the proposal came from the other (assistant) stream. */
  fromSource: Uint8Array;
}

/**
 * Proposal-level cooperation of PCSC (Su et al. CVPR 2019, §3.2, Fig. 1(a); spec S6.1):
 * `P^(i)_t = B^(i)_{t−2} ∪ B^(j)_{t−1}` — the target stream's own earlier detections after NMS at
 * `ownNms`, joined with the other stream's latest detections after NMS at the lower `sourceNms`,
 * both above the confidence floor `minScore` and capped at `topK` each. Own boxes come first.
 *
 * @example
 * ```ts
 * const P = cooperateProposals(proposalsOf(rgb0), proposalsOf(flow0));
 * ```
 */
export function cooperateProposals(
  own: ScoredBoxes,
  source: ScoredBoxes,
  options: ProposalCooperationOptions = {},
): CooperatedProposals {
  const minScore = options.minScore ?? 0.05;
  const topK = options.topK ?? 100;
  for (const [name, v] of [
    ['ownNms', options.ownNms],
    ['sourceNms', options.sourceNms],
  ] as const)
    if (v !== undefined && !(v >= 0 && v <= 1))
      throw new RangeError(`cooperateProposals: ${name} = ${v}; expected a value in [0, 1]`);
  if (!(Number.isInteger(topK) && topK >= 0))
    throw new RangeError(`cooperateProposals: topK = ${topK}; expected an integer ≥ 0`);
  const a = nmsBoxes(own, options.ownNms ?? 0.7, minScore, topK);
  const b = nmsBoxes(source, options.sourceNms ?? 0.5, minScore, topK);
  const fromSource = new Uint8Array(a.scores.length + b.scores.length);
  fromSource.fill(1, a.scores.length);
  return { ...concatBoxes([a, b]), fromSource };
}
