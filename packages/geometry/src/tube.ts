import { boxCount } from './box-area';

/**
 * A tube: one box per frame over a run of consecutive frames.
 *
 * Frames are 1-based (the convention of every annotation format tubekit reads), boxes are packed
 * `[x1, y1, x2, y2]` rows in continuous pixel coordinates (`boxes.length === 4 * length`).
 */
export interface Tube {
  /** First frame, 1-based. */
  start: number;
  /** `T × 4` packed boxes, row t is frame `start + t`. */
  boxes: Float64Array;
  /** Optional per-frame scores, length T. */
  scores?: Float64Array;
}

/**
 * Number of frames `T` of a tube (`boxes.length / 4`); throws when the boxes are not packed rows
 * of 4 or the per-frame scores have another length.
 *
 * @example
 * ```ts
 * tubeLength({ start: 5, boxes: new Float64Array(12) }); // 3
 * ```
 */
export function tubeLength(t: Tube): number {
  const n = boxCount(t.boxes, 'tube boxes');
  if (t.scores !== undefined && t.scores.length !== n)
    throw new RangeError(`tube scores: length ${t.scores.length}, expected one per frame (${n})`);
  return n;
}

/**
 * Last frame of a tube, inclusive: `start + T − 1` (1-based, like `start`).
 *
 * @example
 * ```ts
 * tubeEnd({ start: 5, boxes: new Float64Array(12) }); // 7
 * ```
 */
export function tubeEnd(t: Tube): number {
  return t.start + tubeLength(t) - 1;
}

/**
 * The part of a tube from frame `from` to frame `to` (both inclusive, 1-based, absolute frame
 * numbers). The result's `boxes` (and `scores`) are views on the input's memory, not copies.
 *
 * @throws RangeError when `[from, to]` is empty or not inside `[t.start, tubeEnd(t)]`.
 * @example
 * ```ts
 * const t = { start: 10, boxes: new Float64Array([0, 0, 1, 1, 1, 1, 2, 2, 2, 2, 3, 3]) };
 * tubeSlice(t, 11, 12).boxes; // [1, 1, 2, 2, 2, 2, 3, 3]
 * ```
 */
export function tubeSlice(t: Tube, from: number, to: number): Tube {
  const end = tubeEnd(t);
  if (
    !(Number.isInteger(from) && Number.isInteger(to) && from >= t.start && to <= end && from <= to)
  )
    throw new RangeError(
      `tubeSlice: frames ${from}…${to} requested, expected integers with ${t.start} ≤ from ≤ to ≤ ${end}`,
    );
  const a = from - t.start;
  const b = to - t.start + 1;
  const out: Tube = { start: from, boxes: t.boxes.subarray(4 * a, 4 * b) };
  if (t.scores !== undefined) out.scores = t.scores.subarray(a, b);
  return out;
}

/** An inclusive run of 1-based frames `start … end`. */
export interface FrameSpan {
  start: number;
  end: number;
}

/**
 * The frames two tubes share, or `undefined` when they share none.
 *
 * @example
 * ```ts
 * const a = { start: 1, boxes: new Float64Array(4 * 10) }; // frames 1…10
 * const b = { start: 8, boxes: new Float64Array(4 * 5) }; // frames 8…12
 * temporalIntersection(a, b); // { start: 8, end: 10 }
 * ```
 */
export function temporalIntersection(a: Tube, b: Tube): FrameSpan | undefined {
  const start = Math.max(a.start, b.start);
  const end = Math.min(tubeEnd(a), tubeEnd(b));
  return end >= start ? { start, end } : undefined;
}
