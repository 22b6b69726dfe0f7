import { boxCount } from './box-area';
import { output } from './box-convert';
import { type BoxDeltaOptions, decodeBoxDeltas, encodeBoxDeltas } from './box-delta';

/**
 * Normalised timestamps of CFAD Eq. 4: `t̂_i = (t_i − t_0) / (t_{T−1} − t_0)`, mapping a tube's
 * first frame to 0 and its last to 1 (a one-frame tube gives `[0]`).
 *
 * @param frames - frame numbers (or times) of the tube's boxes, strictly increasing.
 * @example
 * ```ts
 * normalizedTimestamps([11, 12, 13, 14, 15]); // [0, 0.25, 0.5, 0.75, 1]
 * ```
 */
export function normalizedTimestamps(frames: ArrayLike<number>, out?: Float64Array): Float64Array {
  const n = frames.length;
  const r = output(out, n, 'normalizedTimestamps');
  if (n === 0) return r;
  const t0 = frames[0]!;
  const span = frames[n - 1]! - t0;
  for (let i = 0; i < n; i++) {
    if (i > 0 && !(frames[i]! > frames[i - 1]!))
      throw new RangeError(
        `normalizedTimestamps: frames must increase strictly, but frame ${i} (${frames[i]}) ≤ frame ${i - 1} (${frames[i - 1]})`,
      );
    r[i] = n === 1 ? 0 : (frames[i]! - t0) / span;
  }
  r[n - 1] = n === 1 ? 0 : 1;
  return r;
}

/**
 * Least-squares fit of order-`k` polynomial coefficients θ to 4-column values over normalised
 * time (CFAD Eq. 1 and the regression target of Eq. 3): the returned θ is `(k+1) × 4`, row `j`
 * holding the coefficients of `t̂^j` for the four columns, so `value(t̂) = Σ_j θ_j t̂^j` exactly as
 * CFAD writes `θᵀ[1, t, …, t^k]`.
 *
 * Numerics: the fit is solved by Householder QR in the Chebyshev basis on `x = 2t̂ − 1` (a
 * well-conditioned least-squares problem even for k = 8; normal equations on the monomial
 * Vandermonde would square its ~10⁷ condition number), then converted exactly to the monomial
 * basis in t̂ with integer transformation coefficients. Relative coefficient error stays near
 * 1e-12 for k ≤ 8.
 *
 * @param times - `T` normalised times in [0, 1] (any distinct values; see {@link normalizedTimestamps}).
 * @param values - `T × 4` values (absolute boxes or R-CNN deltas).
 * @param order - polynomial order `k ≥ 0`; needs `T ≥ k + 1` distinct times.
 * @param out - optional `(k+1) × 4` output.
 * @example
 * ```ts
 * // x1 = 10 + 20 t̂, other columns constant
 * const t = [0, 0.5, 1];
 * const v = new Float64Array([10, 0, 5, 5, 20, 0, 5, 5, 30, 0, 5, 5]);
 * fitPolynomialTube(t, v, 1); // θ = [10, 0, 5, 5,  20, 0, 0, 0]
 * ```
 */
export function fitPolynomialTube(
  times: ArrayLike<number>,
  values: ArrayLike<number>,
  order: number,
  out?: Float64Array,
): Float64Array {
  const T = times.length;
  const cols = 4;
  if (!(Number.isInteger(order) && order >= 0))
    throw new RangeError(`fitPolynomialTube: order ${order}; expected an integer ≥ 0`);
  if (values.length !== T * cols)
    throw new RangeError(
      `fitPolynomialTube: ${values.length} values for ${T} times; expected ${T * cols} (T × 4)`,
    );
  const p = order + 1;
  if (T < p)
    throw new RangeError(`fitPolynomialTube: order ${order} needs at least ${p} samples, got ${T}`);
  // Design matrix A (T × p, column-major) in the Chebyshev basis of x = 2t − 1; RHS B (T × 4).
  const A = new Float64Array(T * p);
  const B = Float64Array.from(values);
  for (let i = 0; i < T; i++) {
    const t = times[i]!;
    if (!Number.isFinite(t))
      throw new RangeError(`fitPolynomialTube: time ${i} is ${t}; expected a finite number`);
    const x = 2 * t - 1;
    let prev = 1;
    let cur = x;
    A[i] = 1;
    if (p > 1) A[T + i] = x;
    for (let j = 2; j < p; j++) {
      const next = 2 * x * cur - prev;
      A[j * T + i] = next;
      prev = cur;
      cur = next;
    }
  }
  // Householder QR: A = QR; apply Qᵀ to B as we go.
  const rDiag = new Float64Array(p);
  for (let j = 0; j < p; j++) {
    let norm = 0;
    for (let i = j; i < T; i++) norm = Math.hypot(norm, A[j * T + i]!);
    if (norm === 0) throw rankError(j);
    const ajj = A[j * T + j]!;
    const alpha = ajj > 0 ? -norm : norm;
    // v = a − alpha e_j, stored in A[j:, j]; reflect H = I − 2 v vᵀ / (vᵀ v)
    A[j * T + j] = ajj - alpha;
    let vtv = 0;
    for (let i = j; i < T; i++) vtv += A[j * T + i]! * A[j * T + i]!;
    rDiag[j] = alpha;
    if (vtv === 0) continue;
    for (let c = j + 1; c < p; c++) {
      let s = 0;
      for (let i = j; i < T; i++) s += A[j * T + i]! * A[c * T + i]!;
      const f = (2 * s) / vtv;
      for (let i = j; i < T; i++) A[c * T + i] = A[c * T + i]! - f * A[j * T + i]!;
    }
    for (let c = 0; c < cols; c++) {
      let s = 0;
      for (let i = j; i < T; i++) s += A[j * T + i]! * B[i * cols + c]!;
      const f = (2 * s) / vtv;
      for (let i = j; i < T; i++) B[i * cols + c] = B[i * cols + c]! - f * A[j * T + i]!;
    }
  }
  const scale = Math.abs(rDiag[0]!);
  for (let j = 0; j < p; j++) if (Math.abs(rDiag[j]!) <= 1e-12 * scale) throw rankError(j);
  // Back-substitution R c = (QᵀB)[0:p]; R's strict upper part is in A (rows < column).
  const cheb = new Float64Array(p * cols);
  for (let j = p - 1; j >= 0; j--) {
    for (let c = 0; c < cols; c++) {
      let s = B[j * cols + c]!;
      for (let l = j + 1; l < p; l++) s -= A[l * T + j]! * cheb[l * cols + c]!;
      cheb[j * cols + c] = s / rDiag[j]!;
    }
  }
  // Chebyshev-in-x → monomial-in-t̂ (integer matrix, exact), θ = Mᵀ c.
  const M = chebyshevToMonomialInUnitTime(p);
  const theta = output(out, p * cols, 'fitPolynomialTube');
  theta.fill(0, 0, p * cols);
  for (let j = 0; j < p; j++)
    for (let m = 0; m <= j; m++) {
      const w = M[j * p + m]!;
      if (w === 0) continue;
      for (let c = 0; c < cols; c++)
        theta[m * cols + c] = theta[m * cols + c]! + w * cheb[j * cols + c]!;
    }
  return theta;
}

function rankError(j: number): RangeError {
  return new RangeError(
    `fitPolynomialTube: the samples do not determine coefficient ${j} (repeated or too few distinct times); lower the order`,
  );
}

/** Row j: monomial coefficients (in t, with x = 2t − 1) of the Chebyshev polynomial T_j(x). */
function chebyshevToMonomialInUnitTime(p: number): Float64Array {
  // Chebyshev in x → monomial in x.
  const X = new Float64Array(p * p);
  X[0] = 1;
  if (p > 1) X[p + 1] = 1;
  for (let j = 2; j < p; j++)
    for (let m = 0; m <= j; m++)
      X[j * p + m] = (m > 0 ? 2 * X[(j - 1) * p + m - 1]! : 0) - X[(j - 2) * p + m]!;
  // x^m = (2t − 1)^m = Σ_l C(m, l) 2^l (−1)^{m−l} t^l.
  const out = new Float64Array(p * p);
  for (let j = 0; j < p; j++)
    for (let m = 0; m <= j; m++) {
      const a = X[j * p + m]!;
      if (a === 0) continue;
      let binom = 1;
      for (let l = 0; l <= m; l++) {
        out[j * p + l] = out[j * p + l]! + a * binom * 2 ** l * ((m - l) % 2 === 0 ? 1 : -1);
        binom = (binom * (m - l)) / (l + 1);
      }
    }
  return out;
}

/**
 * Evaluate polynomial coefficients θ (`(k+1) × 4`, from {@link fitPolynomialTube} or a network's
 * output, CFAD Eq. 1) at normalised times, by Horner's rule.
 *
 * @param theta - `(k+1) × 4` coefficients, row j for `t̂^j`.
 * @param times - `Q` normalised times.
 * @param out - optional `Q × 4` output.
 * @returns `Q × 4` values.
 * @example
 * ```ts
 * evaluatePolynomialTube(new Float64Array([10, 0, 5, 5, 20, 0, 0, 0]), [0.25]); // [15, 0, 5, 5]
 * ```
 */
export function evaluatePolynomialTube(
  theta: ArrayLike<number>,
  times: ArrayLike<number>,
  out?: Float64Array,
): Float64Array {
  const p = boxCount(theta, 'evaluatePolynomialTube theta');
  if (p === 0) throw new RangeError('evaluatePolynomialTube: theta is empty; expected (k+1) × 4');
  const q = times.length;
  const r = output(out, 4 * q, 'evaluatePolynomialTube');
  for (let i = 0; i < q; i++) {
    const t = times[i]!;
    const top = 4 * (p - 1);
    let a = theta[top]!;
    let b = theta[top + 1]!;
    let c = theta[top + 2]!;
    let d = theta[top + 3]!;
    for (let j = p - 2; j >= 0; j--) {
      a = a * t + theta[4 * j]!;
      b = b * t + theta[4 * j + 1]!;
      c = c * t + theta[4 * j + 2]!;
      d = d * t + theta[4 * j + 3]!;
    }
    r[4 * i] = a;
    r[4 * i + 1] = b;
    r[4 * i + 2] = c;
    r[4 * i + 3] = d;
  }
  return r;
}

/**
 * CFAD's coarse tube target: encode each box of a tube relative to an anchor box with the R-CNN
 * codec (`enc(b_i, b_a)`, CFAD Eq. 3) and fit order-`k` θ over the normalised times (Eq. 4).
 *
 * @param boxes - `T × 4` tube boxes.
 * @param times - `T` normalised times (see {@link normalizedTimestamps}).
 * @param anchor - the matched anchor box `[x1, y1, x2, y2]`.
 * @returns θ, `(k+1) × 4`, over deltas `[dx, dy, dw, dh]`.
 * @example
 * ```ts
 * const boxes = new Float64Array([0, 0, 10, 20, 5, 0, 15, 20, 10, 0, 20, 20]);
 * const theta = encodePolynomialTube(boxes, [0, 0.5, 1], [0, 0, 10, 20], 1);
 * decodePolynomialTube(theta, [0, 0, 10, 20], [0.25]); // ≈ [2.5, 0, 12.5, 20]
 * ```
 */
export function encodePolynomialTube(
  boxes: ArrayLike<number>,
  times: ArrayLike<number>,
  anchor: ArrayLike<number>,
  order: number,
  options?: BoxDeltaOptions,
  out?: Float64Array,
): Float64Array {
  const deltas = encodeBoxDeltas(boxes, anchor, options);
  return fitPolynomialTube(times, deltas, order, out);
}

/**
 * Decode θ to boxes at normalised times relative to an anchor (CFAD Eq. 6:
 * `b(t̂) = dec(Â(t̂; θ), b_a)`); the inverse of {@link encodePolynomialTube} up to the fit.
 *
 * @returns `Q × 4` boxes `[x1, y1, x2, y2]`.
 * @example
 * ```ts
 * decodePolynomialTube(new Float64Array([0, 0, 0, 0]), [0, 0, 10, 10], [0, 1]); // anchor twice
 * ```
 */
export function decodePolynomialTube(
  theta: ArrayLike<number>,
  anchor: ArrayLike<number>,
  times: ArrayLike<number>,
  options?: BoxDeltaOptions,
  out?: Float64Array,
): Float64Array {
  const deltas = evaluatePolynomialTube(theta, times, out);
  return decodeBoxDeltas(deltas, anchor, options, deltas) as Float64Array;
}
