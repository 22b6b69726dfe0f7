/**
 * The error every tubekit reader and writer throws for bad input: it names the file, the place in
 * it (a CSV line and column, a JSON key path, a pickle/MAT byte offset, a zip entry) and what was
 * expected there. Its message is one line, ready for a terminal: `file (place): detail`.
 *
 * @example
 * try {
 *   await readDatasetJson('bad.tubes.json');
 * } catch (error) {
 *   if (error instanceof TubekitFormatError) console.error(error.file, error.place, error.detail);
 * }
 */
export class TubekitFormatError extends Error {
  /**
   * @param file the file (or archive) that was read or written
   * @param place where in it: `line 12, column x2`, `key videos[3].tubes[0]`, `byte 4711`, …
   * @param detail what was found and what was expected instead
   */
  constructor(
    readonly file: string,
    readonly place: string,
    readonly detail: string,
  ) {
    super(`${file}${place ? ` (${place})` : ''}: ${detail}`);
    this.name = 'TubekitFormatError';
  }
}

/** The most characters of input that an error message quotes ({@link quoteInput}). */
export const QUOTE_LIMIT = 80;

/**
 * Quotes a piece of input for an error message: JSON-style (control characters and binary bytes
 * escaped, so a MAT header or a NUL never reaches the terminal raw), cut to its first `limit`
 * characters (default {@link QUOTE_LIMIT}) with the full length stated. Only the kept prefix is
 * ever copied, so a 100 MB cell costs nothing. Every reader quotes input through it.
 *
 * @example
 * quoteInput('0x120'); // '"0x120"'
 * quoteInput('a'.repeat(5_000_000)); // '"aaaa…" (5000000 characters)'
 */
export function quoteInput(text: string, limit = QUOTE_LIMIT): string {
  if (text.length <= limit) return JSON.stringify(text);
  let cut = limit;
  const last = text.charCodeAt(cut - 1);
  if (last >= 0xd800 && last <= 0xdbff) cut--; // do not split a surrogate pair
  return `${JSON.stringify(`${text.slice(0, cut)}…`)} (${text.length} characters)`;
}

/**
 * The first line of an error's message, cut to 160 characters: for wrapping a library error
 * (a parser's, the file system's) that may itself quote input.
 *
 * @example
 * throw new TubekitFormatError(path, '', `cannot read CSV: ${errorLine(error)}`);
 */
export function errorLine(error: unknown): string {
  const text = error instanceof Error ? error.message : String(error);
  const end = text.indexOf('\n');
  const first = end < 0 ? text : text.slice(0, end);
  return first.length > 160 ? `${first.slice(0, 159)}…` : first;
}

/** A short printable form of a value for error messages (strings quoted, long values cut). */
export function describeValue(value: unknown): string {
  if (typeof value === 'string') return quoteInput(value, 60);
  let text: string;
  if (value === undefined) text = 'undefined';
  else if (typeof value === 'number' || typeof value === 'bigint' || typeof value === 'boolean')
    text = String(value);
  else if (value === null) text = 'null';
  else if (Array.isArray(value)) text = `an array of ${value.length}`;
  else if (ArrayBuffer.isView(value)) text = `a ${value.constructor.name}`;
  else text = `a ${(value as object).constructor?.name ?? 'object'}`;
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}
