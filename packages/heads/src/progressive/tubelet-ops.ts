import { extrapolateTubelet } from '@tubekit/geometry';

/**
 * Tubelet arithmetic of STEP on packed typed arrays: the R-CNN box-delta codec used for the
 * localisation targets (§3.2, "same parameterization as [9]"), and the two temporal extensions
 * (§3.3): linear extrapolation (Eq. 4) and the decoding of anticipated locations (Eq. 5).
 */

/** Standard deviations that normalise `(dx, dy, dw, dh)` deltas (Fast R-CNN's 0.1, 0.1, 0.2, 0.2). */
export const DELTA_STD: readonly [number, number, number, number] = [0.1, 0.1, 0.2, 0.2];

/** Largest |dw|, |dh| (after un-normalising) before `exp`, as in torchvision (log(1000/16)). */
const MAX_LOG_SCALE = Math.log(1000 / 16);

/**
 * Encodes `target` relative to `anchor` (R-CNN: scale-invariant centre shift, log-space size),
 * divided by `std` (default {@link DELTA_STD}); writes 4 numbers at `out[o]`. Boxes are `[x1, y1, x2, y2]`.
 *
 * @example
 * const d = new Float32Array(4);
 * encodeDelta(new Float64Array([0, 0, 10, 10]), 0, new Float64Array([1, 0, 11, 10]), 0, d, 0); // d[0] = 1
 */
export function encodeDelta(
  anchor: ArrayLike<number>,
  a: number,
  target: ArrayLike<number>,
  t: number,
  out: Float32Array | Float64Array,
  o: number,
  std: ArrayLike<number> = DELTA_STD,
): void {
  const aw = Math.max(anchor[a + 2] - anchor[a], 1e-3);
  const ah = Math.max(anchor[a + 3] - anchor[a + 1], 1e-3);
  const tw = Math.max(target[t + 2] - target[t], 1e-3);
  const th = Math.max(target[t + 3] - target[t + 1], 1e-3);
  out[o] = (target[t] + tw / 2 - (anchor[a] + aw / 2)) / aw / std[0];
  out[o + 1] = (target[t + 1] + th / 2 - (anchor[a + 1] + ah / 2)) / ah / std[1];
  out[o + 2] = Math.log(tw / aw) / std[2];
  out[o + 3] = Math.log(th / ah) / std[3];
}

/**
 * Decodes normalised deltas `delta[d…d+3]` against `anchor[a…a+3]` into `out[o…o+3]`, clipping
 * the box to `[0, width] × [0, height]` (and keeping it at least 1 px wide and high).
 */
export function decodeDelta(
  anchor: ArrayLike<number>,
  a: number,
  delta: ArrayLike<number>,
  d: number,
  out: Float32Array | Float64Array,
  o: number,
  width: number,
  height: number,
  std: ArrayLike<number> = DELTA_STD,
): void {
  const aw = Math.max(anchor[a + 2] - anchor[a], 1e-3);
  const ah = Math.max(anchor[a + 3] - anchor[a + 1], 1e-3);
  const cx = anchor[a] + aw / 2 + delta[d] * std[0] * aw;
  const cy = anchor[a + 1] + ah / 2 + delta[d + 1] * std[1] * ah;
  const w = aw * Math.exp(Math.min(delta[d + 2] * std[2], MAX_LOG_SCALE));
  const h = ah * Math.exp(Math.min(delta[d + 3] * std[3], MAX_LOG_SCALE));
  out[o] = cx - w / 2;
  out[o + 1] = cy - h / 2;
  out[o + 2] = cx + w / 2;
  out[o + 3] = cy + h / 2;
  clipBox(out, o, width, height);
}

/**
 * STEP Eq. 4 over a batch: extends `M` tubelets of `T` frames by `K` frames on each side with
 * `extrapolateTubelet` of `@tubekit/geometry` (linear motion measured over the `K` frames at each
 * end), then clips every box to the frame. Returns `M × (T + 2K) × 4`.
 *
 * @example
 * const ext = extrapolateTubelets(b, 1, 6, 6, 64, 64); // 1 × 18 × 4
 */
export function extrapolateTubelets(
  tubelets: Float64Array,
  M: number,
  T: number,
  K: number,
  width: number,
  height: number,
): Float64Array {
  if (T < K || K < 2) throw new Error(`extrapolateTubelets: need T ≥ K ≥ 2, got T=${T}, K=${K}`);
  const T2 = T + 2 * K;
  const out = new Float64Array(M * T2 * 4);
  for (let m = 0; m < M; m++) {
    extrapolateTubelet(
      tubelets.subarray(m * T * 4, (m + 1) * T * 4),
      K,
      { before: K, after: K },
      out.subarray(m * T2 * 4, (m + 1) * T2 * 4),
    );
    for (let t = 0; t < T2; t++) clipBox(out, (m * T2 + t) * 4, width, height);
  }
  return out;
}

/** Clips the box at `b[o…o+3]` to the frame in place, keeping it at least 1 px wide and high. */
export function clipBox(
  b: Float64Array | Float32Array,
  o: number,
  width: number,
  height: number,
): void {
  let x1 = Math.min(Math.max(Math.min(b[o], b[o + 2]), 0), width - 1);
  let y1 = Math.min(Math.max(Math.min(b[o + 1], b[o + 3]), 0), height - 1);
  let x2 = Math.min(Math.max(Math.max(b[o], b[o + 2]), 0), width);
  let y2 = Math.min(Math.max(Math.max(b[o + 1], b[o + 3]), 0), height);
  if (x2 - x1 < 1) {
    x2 = Math.min(width, x1 + 1);
    x1 = x2 - 1;
  }
  if (y2 - y1 < 1) {
    y2 = Math.min(height, y1 + 1);
    y1 = y2 - 1;
  }
  b[o] = x1;
  b[o + 1] = y1;
  b[o + 2] = x2;
  b[o + 3] = y2;
}
