import {
  clipBoxes,
  type ImageSize,
  interpolateBoxes,
  selectInSearchArea,
  type Tube,
} from '@tubekit/geometry';

/** Box proposals of the class-specific RPN at one sampled timestamp. */
export interface TimestampProposals {
  /** Index `i` of the sample (`s_i = i/(N−1)`). */
  sample: number;
  /** `M × 4` proposal boxes. */
  boxes: ArrayLike<number>;
  /** `M` scores: each proposal's probability of the tube's class. */
  scores: ArrayLike<number>;
}

/** What {@link refineKnots} returns. */
export interface RefinedKnots {
  /** `N × 4` knots: the chosen RPN box where refined, the coarse (Eq. 6) box elsewhere. */
  knots: Float64Array;
  /** `N` flags: 1 where the knot was replaced. */
  refined: Uint8Array;
  /** Scores of the chosen proposals, in sample order. */
  rpnScores: number[];
}

/**
 * CFAD's refinement of a coarse tube's knots (Li et al. ECCV 2020, §3.3, Eq. 7): at each selected
 * timestamp, the RPN proposal with the largest score whose **centre** lies in the local search
 * area `Ω(σ) = [x̂ − σŵ, x̂ + σŵ] × [ŷ − σĥ, ŷ + σĥ]` of the coarse box replaces it (geometry's
 * `selectInSearchArea`); with no proposal centre inside Ω the coarse box stays (NS; spec).
 *
 * @param coarse - `N × 4` coarse knots (Eq. 6 at `s_i`).
 * @param proposals - the RPN proposals of the selected samples.
 * @param sigma - σ (§4.2: 0.4, 0.6, 0.8; 0.8 best).
 * @example
 * ```ts
 * const r = refineKnots(knots, [{ sample: 3, boxes, scores }], 0.8);
 * ```
 */
export function refineKnots(
  coarse: Float64Array,
  proposals: readonly TimestampProposals[],
  sigma: number,
): RefinedKnots {
  const N = coarse.length / 4;
  const knots = Float64Array.from(coarse);
  const refined = new Uint8Array(N);
  const rpnScores: number[] = [];
  for (const p of [...proposals].sort((a, b) => a.sample - b.sample)) {
    if (!(Number.isInteger(p.sample) && p.sample >= 0 && p.sample < N))
      throw new RangeError(`refineKnots: sample ${p.sample} outside 0…${N - 1}`);
    const j = selectInSearchArea(
      coarse.subarray(4 * p.sample, 4 * p.sample + 4),
      p.boxes,
      p.scores,
      sigma,
    );
    if (j < 0) continue;
    for (let c = 0; c < 4; c++) knots[4 * p.sample + c] = p.boxes[4 * j + c]!;
    refined[p.sample] = 1;
    rpnScores.push(p.scores[j]!);
  }
  return { knots, refined, rpnScores };
}

/**
 * CFAD's tube score, "the smooth average of classification score and RPN score" (§3.3; the form is
 * NS): `½·p_cls + ½·mean(r_i)` over the refined knots' RPN scores, or `p_cls` when nothing was
 * refined (spec S6.6).
 *
 * @example
 * ```ts
 * fuseTubeScore(0.8, [0.6, 0.4]); // 0.65
 * ```
 */
export function fuseTubeScore(classScore: number, rpnScores: readonly number[]): number {
  if (rpnScores.length === 0) return classScore;
  return 0.5 * classScore + (0.5 * rpnScores.reduce((a, b) => a + b, 0)) / rpnScores.length;
}

/**
 * The final tube through a proposal's knots (§3.3: "interpolation over all refined boxes and
 * unrefined bounding boxes"): a not-a-knot cubic spline (spec S6.5; 2 knots: a straight line)
 * through the `N` knots at their (fractional) frame times, one box per integer frame from
 * `round(times[0])` to `round(times[N−1])` (no extrapolation beyond the span: frames outside the
 * knots hold the end knot). The spline can overshoot between knots, past the frame's edge or to
 * x1 > x2 (seen on quick's dynamic preset); with `frame`, every box is clipped to it with a
 * 1-pixel floor (geometry's `clipBoxes`, `minSize: 1`), so the tube's boxes are valid.
 *
 * @param times - `N` strictly increasing knot times (frames).
 * @param knots - `N × 4` boxes.
 * @param frame - the frame to clip the boxes to (none: as interpolated).
 * @example
 * ```ts
 * knotsToTube([1, 3], new Float64Array([0, 0, 10, 10, 4, 0, 14, 10])).boxes; // x1 = 0, 2, 4
 * ```
 */
export function knotsToTube(
  times: ArrayLike<number>,
  knots: Float64Array,
  frame?: ImageSize,
): Tube {
  const N = times.length;
  const first = Math.round(times[0]!);
  const last = Math.max(first, Math.round(times[N - 1]!));
  const frames = Float64Array.from({ length: last - first + 1 }, (_, i) => first + i);
  const boxes = interpolateBoxes(
    times,
    knots,
    frames,
    N >= 3
      ? { method: 'cubic-spline', boundary: 'not-a-knot', outside: 'hold' }
      : { method: 'linear', outside: 'hold' },
  );
  if (frame) clipBoxes(boxes, frame, { minSize: 1 }, boxes);
  return { start: first, boxes };
}
