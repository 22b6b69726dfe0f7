import { clipBoxes, extrapolateTubelet } from '@tubekit/geometry';

/**
 * Normalising standard deviations of STEP's `(dx, dy, dw, dh)` regression targets: Fast R-CNN's
 * `[0.1, 0.1, 0.2, 0.2]` (STEP §3.2 uses "the same parameterization as [9]"), for geometry's
 * `encodeBoxDeltas` / `decodeBoxDeltas`.
 */
export const FAST_RCNN_DELTA_STD: readonly [number, number, number, number] = [0.1, 0.1, 0.2, 0.2];

/**
 * STEP Eq. 4 over a batch: extends `M` tubelets of `T` frames by `K` frames on each side with
 * `extrapolateTubelet` of `@tubekit/geometry` (linear motion measured over the `K` frames at each
 * end), then clips every box to the frame (geometry's `clipBoxes`, at least 1 px wide and high). Returns `M × (T + 2K) × 4`.
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
  }
  return clipBoxes(out, { width, height }, { minSize: 1 }, out) as Float64Array;
}
