import { INT32_LIMIT, parseDecimal } from './decimal-number';
import { TubekitFormatError } from './format-error';

/**
 * What a numeric CSV cell must hold:
 * - `finite`: any finite decimal number (scores);
 * - `coordinate`: a decimal number with |x| ≤ {@link MAX_COORDINATE} (box corners in pixels);
 * - `frame`: an integer in 1 … {@link INT32_LIMIT} (1-based frame numbers, tubelet starts);
 * - `label`: an integer in 0 … {@link INT32_LIMIT} (0-based label ids);
 * - `integer`: any integer in −{@link INT32_LIMIT} … {@link INT32_LIMIT}.
 */
export type CsvNumberKind = 'finite' | 'coordinate' | 'frame' | 'label' | 'integer';

/**
 * The largest |coordinate| a box corner may have, in pixels. Any real frame is far smaller; a
 * value beyond it (1e300) is a corrupted or mis-scaled file, and would overflow to ±∞ in the
 * float32 box convention of some protocols. (formats.md, "Numbers")
 */
export const MAX_COORDINATE = 1e7;

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
      return Number.isInteger(value) && value >= 1 && value <= INT32_LIMIT
        ? undefined
        : `expected a 1-based frame number (integer in 1…${INT32_LIMIT}), got ${quoteCell(cell)}`;
    case 'label':
      return Number.isInteger(value) && value >= 0 && value <= INT32_LIMIT
        ? undefined
        : `expected a 0-based label id (integer in 0…${INT32_LIMIT}), got ${quoteCell(cell)}`;
    case 'integer':
      return Number.isInteger(value) && Math.abs(value) <= INT32_LIMIT
        ? undefined
        : `expected an integer in −${INT32_LIMIT}…${INT32_LIMIT}, got ${quoteCell(cell)}`;
  }
}

/**
 * Reads one CSV cell as a plain decimal number ({@link parseDecimal}) and checks it against
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
  const value = parseDecimal(text);
  const problem = csvNumberProblem(value, text, kind);
  // the place is only formatted on failure: this runs for every cell of large files
  if (problem !== undefined)
    throw new TubekitFormatError(file, `line ${line}, column ${column}`, problem);
  return value;
}
