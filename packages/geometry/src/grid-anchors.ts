import { anchorBoxesAt } from './anchor-clustering';

/** Options of {@link gridAnchors}. */
export interface GridAnchorOptions {
  /** Feature-map rows `H`. */
  height: number;
  /** Feature-map columns `W`. */
  width: number;
  /** Input pixels per feature cell (e.g. 16 for VGG16 conv5, 32 for I3D `Mixed_5b`). */
  stride: number;
  /** `A × 2` anchor sizes `[w, h]` in pixels (from {@link anchorSizes} or {@link clusterAnchors}). */
  sizes: ArrayLike<number>;
  /** Anchor centre within its cell, as a fraction of the stride. Default 0.5 (cell centre). */
  centreOffset?: number;
}

/**
 * Anchors of a region proposal network (Ren et al., Faster R-CNN, NeurIPS 2015, §3.1.1): the `A`
 * sizes centred at every cell `(x, y)` of an `H × W` feature map, at
 * `((x + o)·stride, (y + o)·stride)`. Rows are `(y·W + x)·A + a` — the layout of a conv output
 * `[H, W, A·k]` reshaped to `[H·W·A, k]`, as `RpnHead` of `@tubekit/nn` produces. Anchors are not
 * clipped to the image.
 *
 * @returns `(H·W·A) × 4` packed `[x1, y1, x2, y2]`.
 * @example
 * ```ts
 * gridAnchors({ height: 1, width: 2, stride: 16, sizes: [16, 32] });
 * // [0, -8, 16, 24,  16, -8, 32, 24]
 * ```
 */
export function gridAnchors(options: GridAnchorOptions): Float64Array {
  const { height: H, width: W, stride, sizes } = options;
  const o = options.centreOffset ?? 0.5;
  if (!(Number.isInteger(H) && Number.isInteger(W) && H >= 0 && W >= 0))
    throw new RangeError(`gridAnchors: map ${H} × ${W}; expected integers ≥ 0`);
  if (!(stride > 0 && Number.isFinite(stride)))
    throw new RangeError(`gridAnchors: stride = ${stride}; expected a finite number > 0`);
  if (!Number.isFinite(o))
    throw new RangeError(`gridAnchors: centreOffset = ${o}; expected finite`);
  if (sizes.length % 2 !== 0)
    throw new RangeError(`gridAnchors: sizes length ${sizes.length}; expected A × 2 [w, h]`);
  for (let i = 0; i < sizes.length; i++)
    if (!(sizes[i]! > 0 && Number.isFinite(sizes[i])))
      throw new RangeError(`gridAnchors: anchor ${i >> 1} has size ${sizes[i]}; expected > 0`);
  const A = sizes.length / 2;
  const r = new Float64Array(4 * H * W * A);
  for (let y = 0; y < H; y++)
    for (let x = 0; x < W; x++)
      anchorBoxesAt(sizes, (x + o) * stride, (y + o) * stride, r.subarray(4 * A * (y * W + x)));
  return r;
}

/**
 * Anchor sizes from scales and aspect ratios (Faster R-CNN §3.1.1): for each scale `s` (the
 * square root of the area) and ratio `r = h/w`, `w = s/√r`, `h = s·√r`. Rows are scale-major.
 *
 * @returns `(scales·ratios) × 2` sizes `[w, h]`, for {@link gridAnchors}.
 * @example
 * ```ts
 * anchorSizes([32], [0.5, 1, 2]); // [32√2, 16√2,  32, 32,  16√2, 32√2]
 * ```
 */
export function anchorSizes(scales: ArrayLike<number>, ratios: ArrayLike<number>): Float64Array {
  const r = new Float64Array(2 * scales.length * ratios.length);
  for (let i = 0; i < scales.length; i++) {
    const s = scales[i]!;
    if (!(s > 0 && Number.isFinite(s)))
      throw new RangeError(`anchorSizes: scale ${i} is ${s}; expected a finite number > 0`);
    for (let j = 0; j < ratios.length; j++) {
      const q = ratios[j]!;
      if (!(q > 0 && Number.isFinite(q)))
        throw new RangeError(`anchorSizes: ratio ${j} is ${q}; expected a finite number > 0`);
      const k = i * ratios.length + j;
      r[2 * k] = s / Math.sqrt(q);
      r[2 * k + 1] = s * Math.sqrt(q);
    }
  }
  return r;
}
