/** Options of {@link spanAnchors}. */
export interface SpanAnchorOptions {
  /** Number of temporal cells (positions) of the 1-D feature map. */
  cells: number;
  /** Anchor lengths, in cells (CFAD spec: `{1, 2, 4, 8, 12}`). */
  lengths: ArrayLike<number>;
  /** Time units per cell (e.g. 8 resampled frames per I3D cell). Default 1. */
  stride?: number;
  /** Where in its cell an anchor is centred, as a fraction of the cell. Default 0.5 (the middle). */
  centreOffset?: number;
}

/**
 * 1-D anchors of a temporal proposal network (R-C3D, Xu et al. ICCV 2017 §3.2: "anchor segments
 * … centred uniformly" at every temporal position; CFAD's TPN, spec §1 S3): at cell `c` and for
 * each length `L`, the span `[(c + o − L/2)·stride, (c + o + L/2)·stride]` with `o = centreOffset`.
 * Rows are cell-major, then length (`row = c·A + a`), the layout of a 1-D conv output with `A`
 * anchors per position. Anchors are not clipped: a long anchor at the first cell extends before
 * time 0, as in R-C3D.
 *
 * @returns `(cells·A) × 2` packed `[start, end]`.
 * @example
 * ```ts
 * spanAnchors({ cells: 2, lengths: [1, 2], stride: 8 }); // [0, 8, -4, 12,  8, 16, 4, 20]
 * ```
 */
export function spanAnchors(options: SpanAnchorOptions): Float64Array {
  const { cells, lengths } = options;
  const stride = options.stride ?? 1;
  const o = options.centreOffset ?? 0.5;
  if (!(Number.isInteger(cells) && cells >= 0))
    throw new RangeError(`spanAnchors: cells = ${cells}; expected an integer ≥ 0`);
  if (!(stride > 0)) throw new RangeError(`spanAnchors: stride = ${stride}; expected > 0`);
  if (!Number.isFinite(o))
    throw new RangeError(`spanAnchors: centreOffset = ${o}; expected finite`);
  const A = lengths.length;
  for (let a = 0; a < A; a++)
    if (!(lengths[a]! > 0 && Number.isFinite(lengths[a])))
      throw new RangeError(
        `spanAnchors: length ${a} is ${lengths[a]}; expected a finite number > 0`,
      );
  const r = new Float64Array(2 * cells * A);
  for (let c = 0; c < cells; c++)
    for (let a = 0; a < A; a++) {
      const half = lengths[a]! / 2;
      r[2 * (c * A + a)] = (c + o - half) * stride;
      r[2 * (c * A + a) + 1] = (c + o + half) * stride;
    }
  return r;
}
