import { boxCount } from './box-area';
import { output } from './box-convert';

/**
 * CFAD's local search area Ω(σ) around a coarse box (Li et al. ECCV 2020, §3.3, Eq. 7):
 * `Ω = [x̂ − σŵ, x̂ + σŵ] × [ŷ − σĥ, ŷ + σĥ]`, where `(x̂, ŷ)` is the box **centre** and `ŵ, ĥ` its
 * full width and height (the `dec` output of Faster R-CNN's codec; with a corner the window
 * would be lopsided, spec §7.1). σ = 0.8 is the paper's best (§4.2).
 *
 * @param box - the coarse box `[x1, y1, x2, y2]`.
 * @param sigma - σ ≥ 0.
 * @returns Ω as `[xlo, ylo, xhi, yhi]` (a region for proposal centres, not a box to score).
 * @example
 * ```ts
 * searchArea([10, 20, 30, 60], 0.8); // [4, 8, 36, 72]  (centre (20, 40), size 20 × 40; σ = ½ is the box)
 * ```
 */
export function searchArea(
  box: ArrayLike<number>,
  sigma: number,
  out?: Float64Array,
): Float64Array {
  if (!(sigma >= 0 && Number.isFinite(sigma)))
    throw new RangeError(`searchArea: sigma = ${sigma}; expected a finite number ≥ 0`);
  const [x1, y1, x2, y2] = [box[0]!, box[1]!, box[2]!, box[3]!];
  if (!(x2 >= x1 && y2 >= y1 && Number.isFinite(x1 + y1 + x2 + y2)))
    throw new RangeError(
      `searchArea: box [${x1}, ${y1}, ${x2}, ${y2}]; expected finite [x1, y1, x2, y2] with x1 ≤ x2, y1 ≤ y2`,
    );
  const r = output(out, 4, 'searchArea');
  const cx = 0.5 * (x1 + x2);
  const cy = 0.5 * (y1 + y2);
  const hw = sigma * (x2 - x1);
  const hh = sigma * (y2 - y1);
  r[0] = cx - hw;
  r[1] = cy - hh;
  r[2] = cx + hw;
  r[3] = cy + hh;
  return r;
}

/**
 * CFAD's refinement choice (Li et al. ECCV 2020, §3.3, Eq. 7): among box proposals (from the RPN
 * at a selected timestamp), the one with the largest score whose **centre** lies inside
 * Ω(σ) of the coarse box ({@link searchArea}; boundary included). Ties go to the lower index.
 * Returns −1 when no proposal centre is inside Ω — CFAD does not say what happens then; the
 * spec's choice is to keep the coarse box.
 *
 * @param coarse - the coarse box `[x1, y1, x2, y2]` (Eq. 6).
 * @param proposals - `M × 4` proposal boxes.
 * @param scores - `M` proposal scores (e.g. the probability of the tube's class).
 * @returns the index of the chosen proposal, or −1.
 * @example
 * ```ts
 * const proposals = new Float64Array([100, 100, 120, 120, 12, 22, 32, 62, 0, 0, 40, 80]);
 * selectInSearchArea([10, 20, 30, 60], proposals, [0.99, 0.6, 0.7], 0.8); // 2: centre (20, 40)
 * ```
 */
export function selectInSearchArea(
  coarse: ArrayLike<number>,
  proposals: ArrayLike<number>,
  scores: ArrayLike<number>,
  sigma: number,
): number {
  const m = boxCount(proposals, 'selectInSearchArea proposals');
  if (scores.length !== m)
    throw new RangeError(
      `selectInSearchArea: ${scores.length} scores for ${m} proposals; expected one each`,
    );
  const [xlo, ylo, xhi, yhi] = searchArea(coarse, sigma);
  let best = -1;
  let bestScore = Number.NEGATIVE_INFINITY;
  for (let j = 0; j < m; j++) {
    const s = scores[j]!;
    if (Number.isNaN(s))
      throw new RangeError(`selectInSearchArea: score ${j} is NaN; expected a number`);
    const cx = 0.5 * (proposals[4 * j]! + proposals[4 * j + 2]!);
    const cy = 0.5 * (proposals[4 * j + 1]! + proposals[4 * j + 3]!);
    if (cx >= xlo! && cx <= xhi! && cy >= ylo! && cy <= yhi! && s > bestScore) {
      best = j;
      bestScore = s;
    }
  }
  return best;
}
