import { output } from './box-convert';
import {
  checkKnots,
  evaluateCubicSpline,
  findSegment,
  fitCubicSpline,
  type OutsidePolicy,
  queryTime,
  type SplineBoundary,
} from './cubic-spline';
import { type Tube, tubeLength } from './tube';

/** How to interpolate boxes between key frames. */
export type InterpolationMethod =
  | { method: 'linear' }
  | { method: 'cubic-spline'; boundary: SplineBoundary };

/** Options of {@link interpolateBoxes}. */
export type InterpolateOptions = InterpolationMethod & {
  /** Queries outside the knots: `'error'` (default), `'hold'` or `'extrapolate'`. */
  outside?: OutsidePolicy;
  /** Values per knot. Default 4 (`[x1, y1, x2, y2]`). */
  dims?: number;
};

/**
 * Interpolate packed boxes given at key times (`knotTimes`, strictly increasing) at other times,
 * coordinate by coordinate: piecewise linear, or an interpolating cubic spline (CFAD's tube
 * interpolation; see {@link SplineBoundary} for natural vs not-a-knot).
 *
 * @param knotTimes - `n` strictly increasing times (frame numbers or normalised time).
 * @param knotBoxes - `n × 4` packed boxes at those times.
 * @param queries - `Q` times to evaluate.
 * @param out - optional `Q × 4` output.
 * @returns `Q × 4` boxes.
 * @example
 * ```ts
 * const key = new Float64Array([0, 0, 10, 10, 10, 0, 20, 10]);
 * interpolateBoxes([1, 11], key, [6], { method: 'linear' }); // [5, 0, 15, 10]
 * ```
 */
export function interpolateBoxes(
  knotTimes: ArrayLike<number>,
  knotBoxes: ArrayLike<number>,
  queries: ArrayLike<number>,
  options: InterpolateOptions,
  out?: Float64Array,
): Float64Array {
  const dims = options.dims ?? 4;
  if (options.method === 'cubic-spline') {
    const spline = fitCubicSpline(knotTimes, knotBoxes, { boundary: options.boundary, dims });
    return evaluateCubicSpline(spline, queries, { outside: options.outside }, out);
  }
  if (options.method !== 'linear')
    throw new TypeError(
      `interpolateBoxes: method ${String((options as { method: unknown }).method)}; expected 'linear' or 'cubic-spline'`,
    );
  checkKnots(knotTimes, knotBoxes, dims, 'interpolateBoxes');
  const q = queries.length;
  const r = output(out, q * dims, 'interpolateBoxes');
  const n = knotTimes.length;
  const policy = options.outside ?? 'error';
  let seg = 0;
  for (let k = 0; k < q; k++) {
    const x = queryTime(queries[k]!, knotTimes, policy, 'interpolateBoxes', k);
    if (n === 1) {
      for (let c = 0; c < dims; c++) r[k * dims + c] = knotBoxes[c]!;
      continue;
    }
    seg = findSegment(knotTimes, x, seg);
    const t0 = knotTimes[seg]!;
    const B = (x - t0) / (knotTimes[seg + 1]! - t0);
    const A = 1 - B;
    const o0 = seg * dims;
    for (let c = 0; c < dims; c++)
      r[k * dims + c] = A * knotBoxes[o0 + c]! + B * knotBoxes[o0 + dims + c]!;
  }
  return r;
}

/**
 * Build a dense {@link Tube} from boxes at key frames: every frame from the first to the last key
 * frame gets an interpolated box (CFAD's final tube "via interpolation over all refined boxes";
 * gap filling in linkers). Key frames keep their boxes exactly.
 *
 * @param keyFrames - strictly increasing integer frame numbers (1-based).
 * @param keyBoxes - `n × 4` boxes at those frames.
 * @example
 * ```ts
 * const t = interpolateTube([1, 4], new Float64Array([0, 0, 3, 3, 3, 0, 6, 3]), { method: 'linear' });
 * t.start; // 1
 * t.boxes; // frames 1…4: [0,0,3,3, 1,0,4,3, 2,0,5,3, 3,0,6,3]
 * ```
 */
export function interpolateTube(
  keyFrames: ArrayLike<number>,
  keyBoxes: ArrayLike<number>,
  method: InterpolationMethod,
): Tube {
  const n = keyFrames.length;
  for (let i = 0; i < n; i++)
    if (!Number.isInteger(keyFrames[i]))
      throw new RangeError(
        `interpolateTube: key frame ${i} is ${keyFrames[i]}; expected an integer`,
      );
  checkKnots(keyFrames, keyBoxes, 4, 'interpolateTube');
  const start = keyFrames[0]!;
  const T = keyFrames[n - 1]! - start + 1;
  const frames = new Float64Array(T);
  for (let i = 0; i < T; i++) frames[i] = start + i;
  return { start, boxes: interpolateBoxes(keyFrames, keyBoxes, frames, method) };
}

/**
 * Resample a tube to `N` evenly spaced times from its first to its last frame (inclusive), e.g.
 * CFAD's `N` sampled timestamps `s_i = i/(N−1)` over a tube. Times are fractional frame numbers.
 *
 * @param N - number of samples, ≥ 2 (or 1 for a one-frame tube).
 * @returns the sample times (frame numbers) and `N × 4` boxes.
 * @example
 * ```ts
 * const tube = { start: 1, boxes: new Float64Array([0, 0, 2, 2, 2, 0, 4, 2, 4, 0, 6, 2]) };
 * resampleTube(tube, 5, { method: 'linear' }).times; // [1, 1.5, 2, 2.5, 3]
 * ```
 */
export function resampleTube(
  tube: Tube,
  N: number,
  method: InterpolationMethod,
): { times: Float64Array; boxes: Float64Array } {
  const T = tubeLength(tube);
  if (!(Number.isInteger(N) && (N >= 2 || (N === 1 && T === 1))))
    throw new RangeError(
      `resampleTube: N = ${N}; expected an integer ≥ 2 (1 only for a one-frame tube)`,
    );
  if (T === 0) throw new RangeError('resampleTube: the tube has no frames');
  const frames = new Float64Array(T);
  for (let i = 0; i < T; i++) frames[i] = tube.start + i;
  const times = new Float64Array(N);
  for (let i = 0; i < N; i++)
    times[i] = N === 1 ? tube.start : tube.start + (i * (T - 1)) / (N - 1);
  times[N - 1] = tube.start + T - 1; // exact end despite rounding
  return { times, boxes: interpolateBoxes(frames, tube.boxes, times, method) };
}
