import { TubekitFormatError } from './format-error';

/**
 * What a numeric CSV cell must hold:
 * - `finite`: any finite decimal number (scores);
 * - `coordinate`: a decimal number with |x| ≤ {@link MAX_COORDINATE} (box corners in pixels);
 * - `frame`: an integer in 1 … {@link MAX_INT32} (1-based frame numbers, tubelet starts);
 * - `label`: an integer in 0 … {@link MAX_INT32} (0-based label ids);
 * - `integer`: any integer in −{@link MAX_INT32} … {@link MAX_INT32}.
 */
export type CsvNumberKind = 'finite' | 'coordinate' | 'frame' | 'label' | 'integer';

/**
 * The largest frame number or label id a CSV may hold: they are stored in `Int32Array`s, so a
 * larger value is refused rather than wrapped around (label 4294967305 must never become 9).
 */
export const MAX_INT32 = 2 ** 31 - 1;

/**
 * The largest |coordinate| a box corner may have, in pixels. Any real frame is far smaller; a
 * value beyond it (1e300) is a corrupted or mis-scaled file, and would overflow to ±∞ in the
 * float32 box convention of some protocols. (formats.md, "Numbers")
 */
export const MAX_COORDINATE = 1e7;

/**
 * A plain decimal number as the canonical CSVs write it: optional sign, digits with an optional
 * fraction (`12`, `-0.5`, `.5`, `3.`), optional exponent (`1e-3`). Hex (`0x120`), binary, octal,
 * `Infinity`, `NaN` and embedded spaces are not numbers here, though JavaScript's `Number()`
 * accepts several of them.
 */
export const DECIMAL_NUMBER = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;

/** At most ~80 characters of a cell, JSON-quoted, for error messages. */
export function quoteCell(cell: string): string {
  return JSON.stringify(cell.length > 80 ? `${cell.slice(0, 77)}...` : cell);
}

/** A header (or list of cells) for an error message: joined with commas, at most ~80 characters. */
export function shortList(names: readonly string[]): string {
  const text = names.join(',');
  return text.length > 80 ? `${text.slice(0, 77)}...` : text;
}

/**
 * Why `value` (parsed from `cell`) is not a valid `kind`, or `undefined` when it is. The message
 * quotes the cell as written (never a wrapped or rounded value).
 */
export function csvNumberProblem(
  value: number,
  cell: string,
  kind: CsvNumberKind,
): string | undefined {
  if (!Number.isFinite(value))
    return `expected a finite number in plain decimal notation, got ${quoteCell(cell)}`;
  switch (kind) {
    case 'finite':
      return undefined;
    case 'coordinate':
      return Math.abs(value) <= MAX_COORDINATE
        ? undefined
        : `expected a coordinate with |x| ≤ ${MAX_COORDINATE} pixels, got ${quoteCell(cell)}`;
    case 'frame':
      return Number.isInteger(value) && value >= 1 && value <= MAX_INT32
        ? undefined
        : `expected a 1-based frame number (integer in 1…${MAX_INT32}), got ${quoteCell(cell)}`;
    case 'label':
      return Number.isInteger(value) && value >= 0 && value <= MAX_INT32
        ? undefined
        : `expected a 0-based label id (integer in 0…${MAX_INT32}), got ${quoteCell(cell)}`;
    case 'integer':
      return Number.isInteger(value) && Math.abs(value) <= MAX_INT32
        ? undefined
        : `expected an integer in −${MAX_INT32}…${MAX_INT32}, got ${quoteCell(cell)}`;
  }
}

/**
 * Reads one CSV cell as a plain decimal number ({@link DECIMAL_NUMBER}) and checks it against
 * `kind` (ranges before anything is stored in a 32-bit array). Throws a
 * {@link TubekitFormatError} naming the file, the 1-based file line and the column otherwise.
 */
export function csvNumber(
  cell: string | undefined,
  kind: CsvNumberKind,
  file: string,
  line: number,
  column: string,
): number {
  const text = cell ?? '';
  const value = DECIMAL_NUMBER.test(text) ? Number(text) : Number.NaN;
  const problem = csvNumberProblem(value, text, kind);
  // the place is only formatted on failure: this runs for every cell of large files
  if (problem !== undefined)
    throw new TubekitFormatError(file, `line ${line}, column ${column}`, problem);
  return value;
}
