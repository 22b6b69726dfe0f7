import { boxCount } from './box-area';
import { output } from './box-convert';

/**
 * Options of the R-CNN box-delta codec ({@link encodeBoxDeltas}, {@link decodeBoxDeltas}).
 *
 * Deltas are normalised as `(δ − means) / stds` after encoding and de-normalised before decoding
 * (mmdetection `DeltaXYWHBBoxCoder`; detectron2's `weights (wx, wy, ww, wh)` are `stds = 1/w`,
 * e.g. `(10, 10, 5, 5)` ↔ `stds [0.1, 0.1, 0.2, 0.2]`).
 */
export interface BoxDeltaOptions {
  /** Per-coordinate means `[dx, dy, dw, dh]`. Default zeros. */
  means?: ArrayLike<number>;
  /** Per-coordinate standard deviations. Default ones. */
  stds?: ArrayLike<number>;
  /**
   * Inclusive-pixel widths `x2 − x1 + 1` on encoding and `x2 = cx + w/2 − 1` on decoding, the exact
   * inverse pair of Detectron (v1) `box_utils.bbox_transform` (py-faster-rcnn encodes the same way).
   * Default `false`: continuous, as detectron2 and mmdetection.
   */
  pixelInclusive?: boolean;
  /**
   * Decoding only: cap `dw`, `dh` at this value before `exp` (detectron2 uses `log(1000/16)`).
   * Default: no cap, so decoding is the exact inverse of encoding.
   */
  maxLogRatio?: number;
}

/**
 * Encode boxes relative to anchors with the Faster R-CNN parameterisation (Ren et al. 2015, Eq. 2;
 * the `enc(·,·)` of CFAD Eq. 3): `dx = (x − xa)/wa`, `dy = (y − ya)/ha`, `dw = log(w/wa)`,
 * `dh = log(h/ha)` on centres and sizes, then `(δ − means)/stds`.
 *
 * @param boxes - `N × 4` target boxes `[x1, y1, x2, y2]`.
 * @param anchors - `N × 4` anchors, or a single anchor (4 numbers) used for every box.
 * @param out - optional `N × 4` output (may alias `boxes`).
 * @returns `N × 4` deltas `[dx, dy, dw, dh]`.
 * @throws RangeError naming the row when a box or anchor has non-positive width or height.
 * @example
 * ```ts
 * encodeBoxDeltas(new Float64Array([10, 10, 30, 50]), new Float64Array([0, 0, 20, 40]));
 * // [0.5, 0.25, 0, 0]
 * ```
 */
export function encodeBoxDeltas(
  boxes: ArrayLike<number>,
  anchors: ArrayLike<number>,
  options?: BoxDeltaOptions,
  out?: Float32Array | Float64Array,
): Float64Array | Float32Array {
  const n = boxCount(boxes, 'encodeBoxDeltas boxes');
  const step = anchorStep(anchors, n, 'encodeBoxDeltas');
  const r = output(out, 4 * n, 'encodeBoxDeltas');
  const p = options?.pixelInclusive === true ? 1 : 0;
  const [m0, m1, m2, m3] = fourOr(options?.means, 0, 'means');
  const [s0, s1, s2, s3] = fourOr(options?.stds, 1, 'stds');
  for (let i = 0, o = 0, a = 0; i < n; i++, o += 4, a += step) {
    const aw = anchors[a + 2]! - anchors[a]! + p;
    const ah = anchors[a + 3]! - anchors[a + 1]! + p;
    const gw = boxes[o + 2]! - boxes[o]! + p;
    const gh = boxes[o + 3]! - boxes[o + 1]! + p;
    if (!(aw > 0 && ah > 0 && gw > 0 && gh > 0))
      throw new RangeError(
        `encodeBoxDeltas: row ${i} has box ${gw}×${gh} and anchor ${aw}×${ah}; expected positive sizes`,
      );
    const acx = anchors[a]! + 0.5 * aw;
    const acy = anchors[a + 1]! + 0.5 * ah;
    const gcx = boxes[o]! + 0.5 * gw;
    const gcy = boxes[o + 1]! + 0.5 * gh;
    r[o] = ((gcx - acx) / aw - m0) / s0;
    r[o + 1] = ((gcy - acy) / ah - m1) / s1;
    r[o + 2] = (Math.log(gw / aw) - m2) / s2;
    r[o + 3] = (Math.log(gh / ah) - m3) / s3;
  }
  return r;
}

/**
 * Decode R-CNN deltas back to boxes, the exact inverse of {@link encodeBoxDeltas} under the same
 * options (the `dec(·)` of CFAD Eq. 6): `cx = dx·wa + xa`, `w = wa·exp(dw)`, …
 *
 * @param deltas - `N × 4` deltas `[dx, dy, dw, dh]`.
 * @param anchors - `N × 4` anchors, or a single anchor used for every row.
 * @param out - optional `N × 4` output (may alias `deltas`).
 * @returns `N × 4` boxes `[x1, y1, x2, y2]`.
 * @example
 * ```ts
 * decodeBoxDeltas(new Float64Array([0.5, 0.25, 0, 0]), new Float64Array([0, 0, 20, 40]));
 * // [10, 10, 30, 50]
 * ```
 */
export function decodeBoxDeltas(
  deltas: ArrayLike<number>,
  anchors: ArrayLike<number>,
  options?: BoxDeltaOptions,
  out?: Float32Array | Float64Array,
): Float64Array | Float32Array {
  const n = boxCount(deltas, 'decodeBoxDeltas deltas');
  const step = anchorStep(anchors, n, 'decodeBoxDeltas');
  const r = output(out, 4 * n, 'decodeBoxDeltas');
  const p = options?.pixelInclusive === true ? 1 : 0;
  const [m0, m1, m2, m3] = fourOr(options?.means, 0, 'means');
  const [s0, s1, s2, s3] = fourOr(options?.stds, 1, 'stds');
  const cap = options?.maxLogRatio ?? Number.POSITIVE_INFINITY;
  for (let i = 0, o = 0, a = 0; i < n; i++, o += 4, a += step) {
    const aw = anchors[a + 2]! - anchors[a]! + p;
    const ah = anchors[a + 3]! - anchors[a + 1]! + p;
    const acx = anchors[a]! + 0.5 * aw;
    const acy = anchors[a + 1]! + 0.5 * ah;
    const dx = deltas[o]! * s0 + m0;
    const dy = deltas[o + 1]! * s1 + m1;
    const dw = Math.min(deltas[o + 2]! * s2 + m2, cap);
    const dh = Math.min(deltas[o + 3]! * s3 + m3, cap);
    const cx = dx * aw + acx;
    const cy = dy * ah + acy;
    const w = Math.exp(dw) * aw;
    const h = Math.exp(dh) * ah;
    r[o] = cx - 0.5 * w;
    r[o + 1] = cy - 0.5 * h;
    r[o + 2] = cx + 0.5 * w - p;
    r[o + 3] = cy + 0.5 * h - p;
  }
  return r;
}

/**
 * Encode one box against one anchor ({@link encodeBoxDeltas} for a single row).
 *
 * @example
 * ```ts
 * encodeBoxDelta([10, 10, 30, 50], [0, 0, 20, 40]); // [0.5, 0.25, 0, 0]
 * ```
 */
export function encodeBoxDelta(
  box: ArrayLike<number>,
  anchor: ArrayLike<number>,
  options?: BoxDeltaOptions,
  out?: Float64Array,
): Float64Array {
  return encodeBoxDeltas(
    first4(box),
    first4(anchor),
    options,
    out ?? new Float64Array(4),
  ) as Float64Array;
}

/**
 * Decode one delta against one anchor ({@link decodeBoxDeltas} for a single row).
 *
 * @example
 * ```ts
 * decodeBoxDelta([0.5, 0.25, 0, 0], [0, 0, 20, 40]); // [10, 10, 30, 50]
 * ```
 */
export function decodeBoxDelta(
  delta: ArrayLike<number>,
  anchor: ArrayLike<number>,
  options?: BoxDeltaOptions,
  out?: Float64Array,
): Float64Array {
  return decodeBoxDeltas(
    first4(delta),
    first4(anchor),
    options,
    out ?? new Float64Array(4),
  ) as Float64Array;
}

function first4(v: ArrayLike<number>): ArrayLike<number> {
  return v.length === 4 ? v : [v[0]!, v[1]!, v[2]!, v[3]!];
}

function anchorStep(anchors: ArrayLike<number>, n: number, what: string): number {
  if (anchors.length === 4) return 0;
  if (anchors.length === 4 * n) return 4;
  throw new RangeError(
    `${what}: anchors have length ${anchors.length}; expected 4 (one shared anchor) or ${4 * n} (one per row)`,
  );
}

function fourOr(v: ArrayLike<number> | undefined, fill: number, what: string): number[] {
  if (v === undefined) return [fill, fill, fill, fill];
  if (v.length !== 4) throw new RangeError(`box delta ${what}: length ${v.length}; expected 4`);
  if (what === 'stds' && !(v[0]! > 0 && v[1]! > 0 && v[2]! > 0 && v[3]! > 0))
    throw new RangeError(`box delta stds: [${Array.from(v).join(', ')}]; expected positive values`);
  return [v[0]!, v[1]!, v[2]!, v[3]!];
}
