import type { RoiBoxes } from './roi-align';

/** Options of {@link fpnLevels}. */
export interface FpnLevelOptions {
  /** `k0`, the level a canonical-size RoI maps to. Default 4 (FPN Eq. 1; PCSC §3.3 / spec S5). */
  canonicalLevel?: number;
  /**
   * The canonical RoI size `s0` in pixels of the input frame. Default 224 (ImageNet pre-training
   * size, FPN Eq. 1). For small frames (SynthTubes) scale it with the frame, e.g. `224 · side/224`
   * of the network input, so RoIs spread over the levels as they would at 224 px.
   */
  canonicalSize?: number;
  /** Lowest pyramid level. Default 2 (`P2`). */
  minLevel?: number;
  /** Highest pyramid level. Default 5 (`P5`). */
  maxLevel?: number;
}

/**
 * The FPN level each RoI is pooled from (Lin et al., "Feature Pyramid Networks for Object
 * Detection", CVPR 2017, Eq. 1; used by PCSC, Su et al. CVPR 2019, §3.3, spec S5):
 * `k = ⌊k0 + log2(√(wh) / s0)⌋`, clamped to `[minLevel, maxLevel]`. As Detectron's
 * `map_rois_to_fpn_levels`, `1e-6` is added inside the logarithm, so a RoI of exactly `s0·2^j`
 * lands on level `k0 + j` despite rounding and an empty box (w·h = 0) on `minLevel`. Widths are
 * continuous `x2 − x1` (negative extents count as 0).
 *
 * @param boxes - `N × 4` RoIs `[x1, y1, x2, y2]` in input pixels.
 * @returns `[N]` levels, to pick `roiAlign`'s feature map and `spatialScale = 2^−k`.
 * @example
 * ```ts
 * fpnLevels(new Float32Array([0, 0, 224, 224, 0, 0, 112, 112, 0, 0, 32, 32, 0, 0, 900, 900]));
 * // Int32Array [4, 3, 2, 5]
 * ```
 */
export function fpnLevels(boxes: RoiBoxes, options: FpnLevelOptions = {}): Int32Array {
  const k0 = options.canonicalLevel ?? 4;
  const s0 = options.canonicalSize ?? 224;
  const lo = options.minLevel ?? 2;
  const hi = options.maxLevel ?? 5;
  if (!(Number.isInteger(lo) && Number.isInteger(hi) && lo <= hi))
    throw new Error(`fpnLevels: levels [${lo}, ${hi}]; expected integers with minLevel ≤ maxLevel`);
  if (!(s0 > 0 && Number.isFinite(s0)))
    throw new Error(`fpnLevels: canonicalSize = ${s0}; expected a finite number > 0`);
  if (!Number.isFinite(k0)) throw new Error(`fpnLevels: canonicalLevel = ${k0}; expected finite`);
  if (boxes.length % 4 !== 0)
    throw new Error(`fpnLevels: boxes have length ${boxes.length}; expected N × 4`);
  const n = boxes.length / 4;
  const out = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    const w = boxes[4 * i + 2]! - boxes[4 * i]!;
    const h = boxes[4 * i + 3]! - boxes[4 * i + 1]!;
    if (!Number.isFinite(w + h))
      throw new Error(
        `fpnLevels: box ${i} has a non-finite coordinate; expected finite [x1, y1, x2, y2]`,
      );
    const s = Math.sqrt(Math.max(w, 0) * Math.max(h, 0));
    const k = Math.floor(k0 + Math.log2(s / s0 + 1e-6));
    out[i] = Math.min(hi, Math.max(lo, k));
  }
  return out;
}
