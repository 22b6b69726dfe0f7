import type { DetectedTube } from '@tubekit/geometry';
import { LinkingInputError } from './errors';
import { checkTubes } from './tube-input';
import type { InputSource } from './video-ranges';

/**
 * Platt scaling of detection scores (Platt, "Probabilistic outputs for support vector machines",
 * 1999) on their logarithm: `p = σ(a · ln max(s, floor) + b)`. A detector's class scores (a
 * softmax, or STEP's mean of several streams' softmax scores) are monotone in how likely a
 * detection is right but are not that probability; a trimmer whose unaries are `s` and `1 − s`
 * (Saha's two-state DP) needs the probability. Plain data, so a {@link LinkingPipeline} records it.
 */
export interface PlattScaling {
  /** Slope on `ln s`. */
  readonly a: number;
  /** Offset. */
  readonly b: number;
  /** Scores below this are read as this before the logarithm ({@link PLATT_SCORE_FLOOR}). */
  readonly floor: number;
}

/** Default {@link PlattScaling.floor}: scores are read as at least 10⁻⁶ (`ln 0` is −∞). */
export const PLATT_SCORE_FLOOR = 1e-6;

/** Options of {@link fitPlattScaling}. */
export interface FitPlattScalingOptions {
  /** {@link PlattScaling.floor} (default {@link PLATT_SCORE_FLOOR}). */
  floor?: number;
  /** Newton iterations at most (default 100; it stops earlier once a step moves less than 10⁻¹⁰). */
  maxIterations?: number;
  /** Named first in input errors (e.g. `calibration videos`). */
  source?: string;
}

/**
 * Fits {@link PlattScaling} to scores and their 0/1 outcomes by Newton's method on the
 * log-loss, with Platt's smoothed targets: `(N₊ + 1) / (N₊ + 2)` for positives and
 * `1 / (N₋ + 2)` for negatives, so the fit stays finite when one class is rare or absent (no
 * positives at all gives a scaling that maps every score well below ½). A backtracking line
 * search keeps every step a descent step.
 *
 * @param scores - non-negative finite scores.
 * @param outcomes - 1 where the detection was right, 0 where not; one per score.
 * @throws {@link LinkingInputError} naming the source and the index of a bad score or outcome,
 *   or mismatched lengths, or no scores at all.
 * @example
 * ```ts
 * const scaling = fitPlattScaling([0.05, 0.1, 0.2, 0.3], [0, 0, 1, 1]);
 * plattProbability(scaling, 0.3); // > 0.5
 * ```
 */
export function fitPlattScaling(
  scores: ArrayLike<number>,
  outcomes: ArrayLike<number>,
  options: FitPlattScalingOptions = {},
): PlattScaling {
  const floor = options.floor ?? PLATT_SCORE_FLOOR;
  const source =
    options.source === undefined ? 'fitPlattScaling' : `${options.source}: fitPlattScaling`;
  if (!(floor > 0 && Number.isFinite(floor)))
    throw new RangeError(`${source}: floor must be a finite number > 0, got ${floor}`);
  const n = scores.length;
  if (outcomes.length !== n)
    throw new LinkingInputError(
      `${source}: ${n} scores but ${outcomes.length} outcomes, expected one outcome per score`,
    );
  if (n === 0) throw new LinkingInputError(`${source}: no scores to fit`);
  const x = new Float64Array(n);
  let positives = 0;
  for (let i = 0; i < n; i++) {
    const s = scores[i]!;
    if (!(Number.isFinite(s) && s >= 0))
      throw new LinkingInputError(`${source}: score ${i} is ${s}, expected a finite number ≥ 0`);
    const y = outcomes[i];
    if (y !== 0 && y !== 1)
      throw new LinkingInputError(`${source}: outcome ${i} is ${y}, expected 0 or 1`);
    positives += y;
    x[i] = Math.log(Math.max(s, floor));
  }
  const hi = (positives + 1) / (positives + 2);
  const lo = 1 / (n - positives + 2);
  const target = (i: number) => (outcomes[i] === 1 ? hi : lo);
  const loss = (a: number, b: number) => {
    let l = 0;
    for (let i = 0; i < n; i++) {
      const z = a * x[i]! + b;
      const t = target(i);
      // −[t ln σ(z) + (1 − t) ln(1 − σ(z))], written without overflow
      l += z >= 0 ? (1 - t) * z + Math.log1p(Math.exp(-z)) : -t * z + Math.log1p(Math.exp(z));
    }
    return l;
  };
  let a = 0;
  let b = Math.log((positives + 1) / (n - positives + 1));
  let current = loss(a, b);
  const maxIterations = options.maxIterations ?? 100;
  for (let iteration = 0; iteration < maxIterations; iteration++) {
    let ga = 0;
    let gb = 0;
    let haa = 1e-12;
    let hab = 0;
    let hbb = 1e-12;
    for (let i = 0; i < n; i++) {
      const p = 1 / (1 + Math.exp(-(a * x[i]! + b)));
      const r = p - target(i);
      const w = Math.max(p * (1 - p), 1e-12);
      ga += r * x[i]!;
      gb += r;
      haa += w * x[i]! * x[i]!;
      hab += w * x[i]!;
      hbb += w;
    }
    const det = haa * hbb - hab * hab;
    // a singular Hessian (every score equal): only the offset moves
    const da = det > 1e-12 * haa * hbb ? (hbb * ga - hab * gb) / det : 0;
    const db = det > 1e-12 * haa * hbb ? (haa * gb - hab * ga) / det : gb / hbb;
    let step = 1;
    let next = loss(a - da, b - db);
    while (next > current && step > 1e-8) {
      step /= 2;
      next = loss(a - step * da, b - step * db);
    }
    if (next > current) break;
    a -= step * da;
    b -= step * db;
    const moved = Math.abs(step * da) + Math.abs(step * db);
    current = next;
    if (moved < 1e-10) break;
  }
  return { a, b, floor };
}

/**
 * The probability a {@link PlattScaling} gives a score.
 *
 * @example
 * ```ts
 * plattProbability({ a: 1, b: 0, floor: 1e-6 }, 1); // 0.5
 * ```
 */
export function plattProbability(scaling: PlattScaling, score: number): number {
  return 1 / (1 + Math.exp(-(scaling.a * Math.log(Math.max(score, scaling.floor)) + scaling.b)));
}

/**
 * Tubes with every per-frame score and the tube score mapped through a {@link PlattScaling}
 * (new objects; boxes shared with the input). The map is monotone when `a > 0`, so it keeps the
 * order of frames and tubes; what it changes is where a trimmer's "score beats 1 − score" falls.
 *
 * @throws {@link LinkingInputError} for tubes without valid per-frame scores ({@link checkTubes}).
 * @example
 * ```ts
 * const calibrated = calibrateTubes(tubes, fitPlattScaling(scores, outcomes));
 * ```
 */
export function calibrateTubes(
  tubes: readonly DetectedTube[],
  scaling: PlattScaling,
  input: InputSource = {},
): DetectedTube[] {
  checkTubes(tubes, 'calibrateTubes', { scores: true }, input);
  return tubes.map((tube) => ({
    ...tube,
    score: plattProbability(scaling, tube.score),
    scores: tube.scores!.map((s) => plattProbability(scaling, s)),
  }));
}
