import { boxIoUAt } from './box-iou';
import type { SplineBoundary } from './cubic-spline';
import { interpolateBoxes, resampleTube } from './interpolation';
import { type Tube, tubeLength } from './tube';

/** Options of {@link selectKeyTimestamps}. */
export interface KeyTimestampOptions {
  /** `N`, the number of uniformly spaced samples `s_i = i/(N−1)` over the tube (≥ 2). */
  samples: number;
  /** Stop once the interpolation's IoU with the tube is **greater than** ε. Default 0.8 (CFAD §4.1). */
  epsilon?: number;
  /** Spline end condition (NS in CFAD; spec's choice and default `'not-a-knot'`; 2 knots = a line). */
  boundary?: SplineBoundary;
  /** Inclusive-pixel box IoU. Default `false` (continuous). */
  pixelInclusive?: boolean;
}

/** What {@link selectKeyTimestamps} returns. */
export interface KeyTimestampSelection {
  /** `[N]` selector labels: 1 for a key timestamp (`s_i ∈ U_k`), else 0. */
  labels: Uint8Array;
  /** Indices `i` in the order they were selected: `0`, `N−1`, then each greedy pick. */
  order: Int32Array;
  /** IoU of `Interp(U_k)` with the tube after the initial pair and after each pick (the last is final). */
  iouTrace: Float64Array;
  /** `[N]` sample times `τ_i = start + s_i·(T−1)` in (fractional) frame numbers. */
  times: Float64Array;
}

/**
 * Labels the key timestamps of a ground-truth tube with CFAD's greedy cubic-spline selection
 * (Li et al. ECCV 2020, §3.3, Eq. 5; ε = 0.8 in §4.1) — the targets of the Refine Module's
 * selector. The tube is split uniformly into `N − 1` segments; endpoint `i` has `s_i = i/(N−1)`
 * and its knot box is the tube's box at frame `τ_i` (linear interpolation of the GT boxes at
 * fractional frames, spec's choice). Starting from `U_k = {s_0, s_{N−1}}`, while
 * `IoU(Interp(U_k), A) ≤ ε` and samples remain, add
 * `s* = argmax_{s_i ∉ U_k} IoU(Interp(U_k ∪ {s_i}), A)` (Eq. 5).
 *
 * `Interp` is the piecewise cubic spline through the selected knots (`boundary`, not-a-knot by
 * default; 2 knots give the straight line, 3 the parabola) evaluated at every frame of the tube;
 * IoU is the mean per-frame box IoU over the tube's frames (the spec's choice: on the same span
 * this equals the spatio-temporal tube IoU). Ties in Eq. 5 go to the lowest `i`, counting IoUs
 * within 1e-12 of each other as equal so that rounding cannot break a tie.
 *
 * @param tube - the GT tube `A`, at least 2 frames.
 * @throws RangeError for a one-frame tube, `N < 2` or ε outside [0, 1].
 * @example
 * ```ts
 * // a box moving at constant speed: the endpoints interpolate it exactly
 * const boxes = new Float64Array([0, 0, 10, 10, 5, 0, 15, 10, 10, 0, 20, 10]);
 * selectKeyTimestamps({ start: 1, boxes }, { samples: 5 }).labels; // [1, 0, 0, 0, 1]
 * ```
 */
export function selectKeyTimestamps(
  tube: Tube,
  options: KeyTimestampOptions,
): KeyTimestampSelection {
  const T = tubeLength(tube);
  const N = options.samples;
  const epsilon = options.epsilon ?? 0.8;
  const boundary = options.boundary ?? 'not-a-knot';
  const inclusive = options.pixelInclusive === true;
  if (T < 2)
    throw new RangeError(
      `selectKeyTimestamps: the tube has ${T} frame(s); expected at least 2 to place N samples`,
    );
  if (!(Number.isInteger(N) && N >= 2))
    throw new RangeError(`selectKeyTimestamps: samples = ${N}; expected an integer ≥ 2`);
  if (!(epsilon >= 0 && epsilon <= 1))
    throw new RangeError(`selectKeyTimestamps: epsilon = ${epsilon}; expected a number in [0, 1]`);
  const { times, boxes: knots } = resampleTube(tube, N, { method: 'linear' });
  const frames = new Float64Array(T);
  for (let f = 0; f < T; f++) frames[f] = tube.start + f;
  const method = { method: 'cubic-spline', boundary } as const;
  const curve = new Float64Array(4 * T);
  const knotTimes = new Float64Array(N);
  const knotBoxes = new Float64Array(4 * N);
  const labels = new Uint8Array(N);
  labels[0] = 1;
  labels[N - 1] = 1;
  // IoU of the spline through the labelled samples (plus `extra` when ≥ 0) with the tube.
  const fitIoU = (extra: number): number => {
    let n = 0;
    for (let i = 0; i < N; i++) {
      if (labels[i] !== 1 && i !== extra) continue;
      knotTimes[n] = times[i]!;
      for (let c = 0; c < 4; c++) knotBoxes[4 * n + c] = knots[4 * i + c]!;
      n++;
    }
    interpolateBoxes(knotTimes.subarray(0, n), knotBoxes.subarray(0, 4 * n), frames, method, curve);
    let sum = 0;
    for (let f = 0; f < T; f++) sum += boxIoUAt(curve, f, tube.boxes, f, inclusive);
    return sum / T;
  };
  const order = [0, N - 1];
  const trace = [fitIoU(-1)];
  while (trace[trace.length - 1]! <= epsilon && order.length < N) {
    let best = -1;
    let bestIoU = Number.NEGATIVE_INFINITY;
    for (let i = 1; i < N - 1; i++) {
      if (labels[i] === 1) continue;
      const v = fitIoU(i);
      if (v > bestIoU + 1e-12) {
        bestIoU = v;
        best = i;
      }
    }
    labels[best] = 1;
    order.push(best);
    trace.push(bestIoU);
  }
  return {
    labels,
    order: Int32Array.from(order),
    iouTrace: Float64Array.from(trace),
    times,
  };
}
