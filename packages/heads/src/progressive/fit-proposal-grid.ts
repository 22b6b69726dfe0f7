import { type BoxArray, clusterAnchors } from '@tubekit/geometry';
import type { ProposalGridLevel } from './initial-proposals';

/** Options of {@link fitProposalGrid}. */
export interface FitProposalGridOptions {
  /** Grid levels = box-size clusters k (one box size per level). */
  levels: number;
  /** Proposal budget M, split over the levels in proportion to their clusters' share of boxes. */
  proposals: number;
  /** Seed of the k-means++ initialisation of `clusterAnchors`. */
  seed: number;
}

/**
 * Fits an initial-proposal grid (the `grid` of `initialProposals`, STEP §3.1) to a dataset's
 * ground-truth box sizes instead of STEP's hand-set {@link STEP_GRID_11} / {@link STEP_GRID_34}
 * (tuned for UCF101/AVA actors, which are large relative to the frame): the sizes are the
 * IoU k-means clusters of `clusterAnchors` (`@tubekit/geometry`, YOLOv2's anchor clustering),
 * each cluster becomes one level, and a level's `M·share` boxes are laid out as a rows × cols
 * grid whose aspect follows the number of non-overlapping positions along each axis
 * (`(1 − w)/w` vs `(1 − h)/h`), so small boxes tile the frame more densely where there is room.
 * The level count may differ from the budget by rounding (each level has at least one box).
 *
 * @param boxes `N × 4` ground-truth boxes `[x1, y1, x2, y2]` normalised to the frame (`[0, 1]`),
 *   N ≥ `levels`.
 * @example
 * const grid = fitProposalGrid(trainBoxesNormalised, { levels: 2, proposals: 11, seed: 1 });
 * const proposals = initialProposals({ width: 64, height: 64, grid, length: 6 });
 */
export function fitProposalGrid(
  boxes: BoxArray,
  options: FitProposalGridOptions,
): ProposalGridLevel[] {
  const { levels: k, proposals } = options;
  if (!(Number.isInteger(proposals) && proposals >= k))
    throw new RangeError(
      `fitProposalGrid: proposals = ${proposals} for ${k} levels; expected an integer ≥ levels`,
    );
  const n = boxes.length / 4;
  for (let i = 0; i < boxes.length; i++)
    if (!(boxes[i] >= -1e-9 && boxes[i] <= 1 + 1e-9))
      throw new RangeError(
        `fitProposalGrid: box ${Math.floor(i / 4)} has coordinate ${boxes[i]}; expected boxes normalised to [0, 1]`,
      );
  const clusters = clusterAnchors(boxes, k, { seed: options.seed });
  const counts = new Float64Array(k);
  for (const a of clusters.assignment) counts[a]++;
  const grid: ProposalGridLevel[] = [];
  for (let j = 0; j < k; j++) {
    const width = Math.min(1, clusters.sizes[2 * j]);
    const height = Math.min(1, clusters.sizes[2 * j + 1]);
    const m = Math.max(1, Math.round((proposals * counts[j]) / n));
    const aspect = Math.max((1 - width) / width, 1e-3) / Math.max((1 - height) / height, 1e-3);
    const cols = Math.max(1, Math.min(m, Math.round(Math.sqrt(m * aspect))));
    const rows = Math.max(1, Math.round(m / cols));
    grid.push({ rows, cols, width, height });
  }
  return grid;
}
