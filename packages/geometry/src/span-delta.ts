import { output } from './box-convert';
import { decodeBoxDeltas, encodeBoxDeltas } from './box-delta';
import { spanCount } from './span';

/**
 * Options of the span-delta codec ({@link encodeSpanDeltas}, {@link decodeSpanDeltas}), the 1-D
 * counterparts of {@link BoxDeltaOptions}.
 */
export interface SpanDeltaOptions {
  /** Means `[dc, dl]` subtracted after encoding. Default zeros. */
  means?: ArrayLike<number>;
  /** Standard deviations `[dc, dl]` divided out after encoding (> 0). Default ones. */
  stds?: ArrayLike<number>;
  /** Inclusive integer frames: a span's length is `end − start + 1`. Default `false` (continuous). */
  pixelInclusive?: boolean;
  /** Decoding only: cap `dl` at this value before `exp`. Default: no cap (exact inverse). */
  maxLogRatio?: number;
  /**
   * Decoding only: clip decoded spans to the video `[start, end]` (a span entirely outside becomes
   * an empty span on the border; it is not removed). Default: no clipping.
   */
  clip?: { start: number; end: number };
}

/**
 * Encode spans relative to anchor spans with R-C3D's segment parameterisation (Xu et al. ICCV
 * 2017, Eq. 2; CFAD's TPN, spec "smooth-L1 on (centre, log length)"): `dc = (c − c_a)/l_a`,
 * `dl = log(l/l_a)` on centres and lengths, then `(δ − means)/stds`. This is the x-axis of the
 * Faster R-CNN box codec, and it is computed by {@link encodeBoxDeltas} (one codec in tubekit).
 *
 * @param spans - `N × 2` target spans `[start, end]`.
 * @param anchors - `N × 2` anchor spans, or one anchor (2 numbers) shared by every row.
 * @param out - optional `N × 2` output.
 * @returns `N × 2` deltas `[dc, dl]`.
 * @throws RangeError naming the row when a span or anchor has non-positive length.
 * @example
 * ```ts
 * encodeSpanDeltas(new Float64Array([2, 6]), new Float64Array([0, 8])); // [0, log(0.5)]
 * ```
 */
export function encodeSpanDeltas(
  spans: ArrayLike<number>,
  anchors: ArrayLike<number>,
  options?: SpanDeltaOptions,
  out?: Float64Array,
): Float64Array {
  const n = spanCount(spans, 'encodeSpanDeltas spans');
  const rows = anchorRows(anchors, n, 'encodeSpanDeltas');
  spanCount(anchors, 'encodeSpanDeltas anchors');
  const p = options?.pixelInclusive === true ? 1 : 0;
  positiveLengths(spans, n, p, 'encodeSpanDeltas: span');
  positiveLengths(anchors, rows, p, 'encodeSpanDeltas: anchor');
  const boxes = spansAsBoxes(spans, n);
  const anchorBoxes = spansAsBoxes(anchors, rows);
  const d = encodeBoxDeltas(boxes, anchorBoxes, boxOptions(options), boxes);
  return fromBoxColumns(d, n, output(out, 2 * n, 'encodeSpanDeltas'));
}

/**
 * Decode span deltas back to spans, the exact inverse of {@link encodeSpanDeltas} under the same
 * options (`c = dc·l_a + c_a`, `l = l_a·exp(dl)`), then optionally clip to the video (R-C3D
 * clips its proposals to the buffer; CFAD's proposals lie in the clip).
 *
 * @param deltas - `N × 2` deltas `[dc, dl]`.
 * @param anchors - `N × 2` anchor spans, or one anchor shared by every row.
 * @returns `N × 2` spans `[start, end]`.
 * @example
 * ```ts
 * decodeSpanDeltas(new Float64Array([0, Math.log(0.5)]), new Float64Array([0, 8])); // [2, 6]
 * decodeSpanDeltas(new Float64Array([0.5, 0]), new Float64Array([0, 8]), { clip: { start: 0, end: 10 } }); // [4, 10]
 * ```
 */
export function decodeSpanDeltas(
  deltas: ArrayLike<number>,
  anchors: ArrayLike<number>,
  options?: SpanDeltaOptions,
  out?: Float64Array,
): Float64Array {
  if (deltas.length % 2 !== 0)
    throw new RangeError(`decodeSpanDeltas: deltas have length ${deltas.length}; expected N × 2`);
  const n = deltas.length / 2;
  for (let i = 0; i < 2 * n; i++)
    if (!Number.isFinite(deltas[i]))
      throw new RangeError(
        `decodeSpanDeltas: delta row ${i >> 1} has ${deltas[i]}; expected finite`,
      );
  const rows = anchorRows(anchors, n, 'decodeSpanDeltas');
  spanCount(anchors, 'decodeSpanDeltas anchors');
  positiveLengths(
    anchors,
    rows,
    options?.pixelInclusive === true ? 1 : 0,
    'decodeSpanDeltas: anchor',
  );
  const d = new Float64Array(4 * n);
  for (let i = 0; i < n; i++) {
    d[4 * i] = deltas[2 * i]!;
    d[4 * i + 2] = deltas[2 * i + 1]!;
  }
  const boxes = decodeBoxDeltas(d, spansAsBoxes(anchors, rows), boxOptions(options), d);
  const r = fromBoxColumns(boxes, n, output(out, 2 * n, 'decodeSpanDeltas'));
  const clip = options?.clip;
  if (clip !== undefined) {
    if (!(Number.isFinite(clip.start) && Number.isFinite(clip.end) && clip.end >= clip.start))
      throw new RangeError(
        `decodeSpanDeltas: clip is [${clip.start}, ${clip.end}]; expected finite start ≤ end`,
      );
    for (let i = 0; i < 2 * n; i++) r[i] = Math.min(clip.end, Math.max(clip.start, r[i]!));
  }
  return r;
}

function positiveLengths(spans: ArrayLike<number>, n: number, p: number, what: string): void {
  for (let i = 0; i < n; i++)
    if (!(spans[2 * i + 1]! - spans[2 * i]! + p > 0))
      throw new RangeError(
        `${what} ${i} is [${spans[2 * i]}, ${spans[2 * i + 1]}]; expected a positive length`,
      );
}

function anchorRows(anchors: ArrayLike<number>, n: number, what: string): number {
  if (anchors.length === 2) return 1;
  if (anchors.length === 2 * n) return n;
  throw new RangeError(
    `${what}: anchors have length ${anchors.length}; expected 2 (one shared anchor) or ${2 * n} (one per row)`,
  );
}

/** `[s, e]` rows → boxes `[s, 0, e, 1]`: the y-axis is a unit constant that encodes to 0. */
function spansAsBoxes(spans: ArrayLike<number>, n: number): Float64Array {
  const b = new Float64Array(4 * n);
  for (let i = 0; i < n; i++) {
    b[4 * i] = spans[2 * i]!;
    b[4 * i + 2] = spans[2 * i + 1]!;
    b[4 * i + 3] = 1;
  }
  return b;
}

function fromBoxColumns(b: ArrayLike<number>, n: number, r: Float64Array): Float64Array {
  for (let i = 0; i < n; i++) {
    r[2 * i] = b[4 * i]!;
    r[2 * i + 1] = b[4 * i + 2]!;
  }
  return r;
}

function boxOptions(options: SpanDeltaOptions | undefined) {
  const pair = (v: ArrayLike<number> | undefined, fill: number, what: string) => {
    if (v === undefined) return undefined;
    if (v.length !== 2) throw new RangeError(`span delta ${what}: length ${v.length}; expected 2`);
    return [v[0]!, fill, v[1]!, fill];
  };
  return {
    means: pair(options?.means, 0, 'means'),
    stds: pair(options?.stds, 1, 'stds'),
    pixelInclusive: options?.pixelInclusive,
    maxLogRatio: options?.maxLogRatio,
  };
}
