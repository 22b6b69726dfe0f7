import { output } from './box-convert';

/**
 * End conditions of an interpolating cubic spline.
 *
 * - `'not-a-knot'`: the third derivative is continuous at the second and the second-to-last
 *   knot, so the first two and the last two pieces are one cubic each. It reproduces any cubic
 *   exactly and does not force the ends straight. It is the default of scipy's `CubicSpline` and
 *   of `interp1d(kind='cubic')` and of MATLAB's `spline`.
 * - `'natural'`: zero second derivative at both ends (the curve leaves the end knots straight).
 *   It minimises total curvature but biases the tube near its first and last box.
 *
 * CFAD (Eq. 5 and the final tube interpolation) says only "piece-wise cubic spline interpolation"
 * to avoid the oscillation of a global polynomial; it does not name the end condition. Its code is
 * Python/scipy, whose cubic interpolators default to not-a-knot, so tubekit's CFAD pipeline uses
 * `'not-a-knot'` — it also leaves the few key boxes near a tube's ends unbiased, where natural
 * splines would flatten start/end motion. Both are offered; the choice is explicit in every call.
 */
export type SplineBoundary = 'natural' | 'not-a-knot';

/** What to do with query times outside `[t₀, t_{n−1}]`. */
export type OutsidePolicy = 'error' | 'hold' | 'extrapolate';

/**
 * An interpolating cubic spline through `n` knots of `dims`-dimensional values (4 for boxes),
 * stored as knot values and second derivatives (the classic M-formulation).
 */
export interface CubicSpline {
  /** `n` strictly increasing knot times. */
  times: Float64Array;
  /** `n × dims` knot values. */
  values: Float64Array;
  /** `n × dims` second derivatives at the knots. */
  secondDerivatives: Float64Array;
  /** Values per knot (4 for `[x1, y1, x2, y2]`). */
  dims: number;
  boundary: SplineBoundary;
}

/**
 * Fit an interpolating cubic spline through knots, one independent spline per value column
 * (every box coordinate). O(n·dims): one tridiagonal solve (Thomas algorithm) for all columns.
 *
 * With 2 knots the spline is the straight line; with 3 knots not-a-knot gives the parabola
 * through them (as scipy does).
 *
 * @param times - `n ≥ 1` strictly increasing knot times (frame numbers or normalised time).
 * @param values - `n × dims` packed values.
 * @example
 * ```ts
 * const s = fitCubicSpline([0, 1, 2, 3], new Float64Array([0, 1, 8, 27]), {
 *   boundary: 'not-a-knot',
 *   dims: 1,
 * });
 * evaluateCubicSpline(s, [1.5]); // [3.375] — t³ is reproduced exactly
 * ```
 */
export function fitCubicSpline(
  times: ArrayLike<number>,
  values: ArrayLike<number>,
  options: { boundary: SplineBoundary; dims?: number },
): CubicSpline {
  const dims = options.dims ?? 4;
  const n = times.length;
  checkKnots(times, values, dims, 'fitCubicSpline');
  const boundary = options.boundary;
  if (boundary !== 'natural' && boundary !== 'not-a-knot')
    throw new TypeError(
      `fitCubicSpline: boundary ${String(boundary)}; expected 'natural' or 'not-a-knot'`,
    );
  const t = Float64Array.from(times);
  const y = Float64Array.from(values);
  const M = new Float64Array(n * dims);
  const spline: CubicSpline = { times: t, values: y, secondDerivatives: M, dims, boundary };
  if (n < 3) return spline; // a point or a straight line
  const h = new Float64Array(n - 1);
  for (let i = 0; i < n - 1; i++) h[i] = t[i + 1]! - t[i]!;
  const slope = (i: number, c: number) => (y[(i + 1) * dims + c]! - y[i * dims + c]!) / h[i]!;
  if (n === 3 && boundary === 'not-a-knot') {
    for (let c = 0; c < dims; c++) {
      const m = (2 * (slope(1, c) - slope(0, c))) / (h[0]! + h[1]!);
      M[c] = m;
      M[dims + c] = m;
      M[2 * dims + c] = m;
    }
    return spline;
  }
  // Unknowns M_1 … M_{n−2}: row i is h_{i−1} M_{i−1} + 2(h_{i−1} + h_i) M_i + h_i M_{i+1} = r_i.
  const m = n - 2;
  const sub = new Float64Array(m);
  const diag = new Float64Array(m);
  const sup = new Float64Array(m);
  const rhs = new Float64Array(m * dims);
  for (let r = 0; r < m; r++) {
    const i = r + 1;
    sub[r] = h[i - 1]!;
    diag[r] = 2 * (h[i - 1]! + h[i]!);
    sup[r] = h[i]!;
    for (let c = 0; c < dims; c++) rhs[r * dims + c] = 6 * (slope(i, c) - slope(i - 1, c));
  }
  if (boundary === 'not-a-knot') {
    // M_0 = ((h0 + h1) M_1 − h0 M_2) / h1, substituted into the first row; likewise at the end.
    const h0 = h[0]!;
    const h1 = h[1]!;
    diag[0] = diag[0]! + (h0 * (h0 + h1)) / h1;
    sup[0] = sup[0]! - (h0 * h0) / h1;
    const ha = h[n - 3]!;
    const hb = h[n - 2]!;
    diag[m - 1] = diag[m - 1]! + (hb * (ha + hb)) / ha;
    sub[m - 1] = sub[m - 1]! - (hb * hb) / ha;
  }
  // Thomas algorithm on all columns at once.
  for (let r = 1; r < m; r++) {
    const w = sub[r]! / diag[r - 1]!;
    diag[r] = diag[r]! - w * sup[r - 1]!;
    for (let c = 0; c < dims; c++)
      rhs[r * dims + c] = rhs[r * dims + c]! - w * rhs[(r - 1) * dims + c]!;
  }
  for (let c = 0; c < dims; c++) {
    let next = rhs[(m - 1) * dims + c]! / diag[m - 1]!;
    M[m * dims + c] = next;
    for (let r = m - 2; r >= 0; r--) {
      next = (rhs[r * dims + c]! - sup[r]! * next) / diag[r]!;
      M[(r + 1) * dims + c] = next;
    }
  }
  if (boundary === 'not-a-knot') {
    const h0 = h[0]!;
    const h1 = h[1]!;
    const ha = h[n - 3]!;
    const hb = h[n - 2]!;
    for (let c = 0; c < dims; c++) {
      M[c] = ((h0 + h1) * M[dims + c]! - h0 * M[2 * dims + c]!) / h1;
      M[(n - 1) * dims + c] =
        ((ha + hb) * M[(n - 2) * dims + c]! - hb * M[(n - 3) * dims + c]!) / ha;
    }
  }
  return spline;
}

/**
 * Evaluate a {@link CubicSpline} at query times (any order; sorted queries are fastest).
 *
 * @param queries - query times.
 * @param options.outside - `'error'` (default) throws for a time outside the knots, `'hold'`
 *   repeats the end value, `'extrapolate'` continues the end cubic piece (scipy's default).
 * @param out - optional `Q × dims` output.
 * @returns `Q × dims` values.
 * @example
 * ```ts
 * const s = fitCubicSpline([1, 5, 9], new Float64Array([0, 0, 10, 10, 4, 0, 14, 10, 8, 0, 18, 10]), {
 *   boundary: 'natural',
 * });
 * evaluateCubicSpline(s, [3]); // box at frame 3 ≈ [2, 0, 12, 10]
 * ```
 */
export function evaluateCubicSpline(
  spline: CubicSpline,
  queries: ArrayLike<number>,
  options?: { outside?: OutsidePolicy },
  out?: Float64Array,
): Float64Array {
  const { times: t, values: y, secondDerivatives: M, dims } = spline;
  const q = queries.length;
  const r = output(out, q * dims, 'evaluateCubicSpline');
  const n = t.length;
  const policy = options?.outside ?? 'error';
  let seg = 0;
  for (let k = 0; k < q; k++) {
    const x = queryTime(queries[k]!, t, policy, 'evaluateCubicSpline', k);
    if (n === 1) {
      for (let c = 0; c < dims; c++) r[k * dims + c] = y[c]!;
      continue;
    }
    seg = findSegment(t, x, seg);
    const h = t[seg + 1]! - t[seg]!;
    const A = (t[seg + 1]! - x) / h;
    const B = 1 - A;
    const ca = ((A * A * A - A) * h * h) / 6;
    const cb = ((B * B * B - B) * h * h) / 6;
    const o0 = seg * dims;
    const o1 = o0 + dims;
    for (let c = 0; c < dims; c++)
      r[k * dims + c] = A * y[o0 + c]! + B * y[o1 + c]! + ca * M[o0 + c]! + cb * M[o1 + c]!;
  }
  return r;
}

/** Validate knots: `n ≥ 1`, strictly increasing finite times, `n × dims` values. @internal */
export function checkKnots(
  times: ArrayLike<number>,
  values: ArrayLike<number>,
  dims: number,
  what: string,
): void {
  const n = times.length;
  if (!(Number.isInteger(dims) && dims >= 1))
    throw new RangeError(`${what}: dims = ${dims}; expected an integer ≥ 1`);
  if (n < 1) throw new RangeError(`${what}: no knots; expected at least one`);
  if (values.length !== n * dims)
    throw new RangeError(
      `${what}: ${values.length} values for ${n} knots × ${dims}; expected ${n * dims}`,
    );
  for (let i = 0; i < n; i++) {
    if (!Number.isFinite(times[i]!))
      throw new RangeError(`${what}: knot time ${i} is ${times[i]}; expected a finite number`);
    if (i > 0 && !(times[i]! > times[i - 1]!))
      throw new RangeError(
        `${what}: knot times must increase strictly, but time ${i} (${times[i]}) ≤ time ${i - 1} (${times[i - 1]})`,
      );
  }
}

/** Apply the outside policy to a query time. @internal */
export function queryTime(
  x: number,
  t: Float64Array | ArrayLike<number>,
  policy: OutsidePolicy,
  what: string,
  k: number,
): number {
  const lo = t[0]!;
  const hi = t[t.length - 1]!;
  if (x >= lo && x <= hi) return x;
  if (Number.isNaN(x)) throw new RangeError(`${what}: query ${k} is NaN`);
  if (policy === 'hold') return x < lo ? lo : hi;
  if (policy === 'extrapolate') return x;
  throw new RangeError(
    `${what}: query ${k} (${x}) is outside the knots [${lo}, ${hi}]; pass outside: 'hold' or 'extrapolate' to allow it`,
  );
}

/** Segment `i` with `t[i] ≤ x ≤ t[i+1]` (clamped to the end segments), starting from a hint. @internal */
export function findSegment(t: ArrayLike<number>, x: number, hint: number): number {
  const last = t.length - 2;
  if (hint > last) hint = last;
  if (x >= t[hint]! && (hint === last || x <= t[hint + 1]!)) return hint;
  if (hint < last && x >= t[hint + 1]! && (hint + 1 === last || x <= t[hint + 2]!)) return hint + 1;
  let lo = 0;
  let hi = last;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (t[mid]! <= x) lo = mid;
    else hi = mid - 1;
  }
  return lo;
}
