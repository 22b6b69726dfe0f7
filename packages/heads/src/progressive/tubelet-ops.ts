import type { ImageSize } from '@tubekit/geometry';
import { clipBoxes, decodeBoxDeltas, extrapolateTubelet } from '@tubekit/geometry';

/**
 * STEP's tubelet arithmetic, composed from `@tubekit/geometry` (no arithmetic of its own): the
 * R-CNN box-delta decoding of the refinement (§3.2, "same parameterization as [9]") followed by
 * clipping to the frame, and the batched linear extrapolation of §3.3 (Eq. 4).
 */

/** Standard deviations that normalise `(dx, dy, dw, dh)` deltas (Fast R-CNN's 0.1, 0.1, 0.2, 0.2). */
export const DELTA_STD: readonly [number, number, number, number] = [0.1, 0.1, 0.2, 0.2];

/** Largest |dw|, |dh| (after un-normalising) before `exp`, as in torchvision (log(1000/16)). */
export const MAX_LOG_SCALE = Math.log(1000 / 16);

/**
 * Decodes packed normalised deltas (`n × 4`) against packed anchors (`n × 4`, or one shared
 * anchor) with `decodeBoxDeltas` (stds `std`, log-scale capped at {@link MAX_LOG_SCALE}), then
 * clips every box to `[0, width] × [0, height]` keeping it at least 1 px wide and high
 * (`clipBoxes` with `minSize: 1`), so every refined box stays RoI-poolable. Writes into `out`.
 *
 * @example
 * const out = new Float64Array(4);
 * decodeClipped(new Float32Array([0, 0, 0, 0]), new Float64Array([2, 2, 9, 9]), { width: 32, height: 32 }, DELTA_STD, out); // [2, 2, 9, 9]
 */
export function decodeClipped(
  deltas: ArrayLike<number>,
  anchors: ArrayLike<number>,
  frame: ImageSize,
  std: ArrayLike<number>,
  out: Float64Array,
): Float64Array {
  decodeBoxDeltas(deltas, anchors, { stds: std, maxLogRatio: MAX_LOG_SCALE }, out);
  clipBoxes(out, frame, { minSize: 1 }, out);
  return out;
}

/**
 * STEP Eq. 4 over a batch: extends `M` tubelets of `T` frames by `K` frames on each side with
 * `extrapolateTubelet` of `@tubekit/geometry` (linear motion measured over the `K` frames at each
 * end), then clips every box to the frame (`clipBoxes`, at least 1 px). Returns `M × (T + 2K) × 4`.
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
  for (let m = 0; m < M; m++)
    extrapolateTubelet(
      tubelets.subarray(m * T * 4, (m + 1) * T * 4),
      K,
      { before: K, after: K },
      out.subarray(m * T2 * 4, (m + 1) * T2 * 4),
    );
  return clipBoxes(out, { width, height }, { minSize: 1 }, out) as Float64Array;
}
