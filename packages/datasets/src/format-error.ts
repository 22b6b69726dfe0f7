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

/** A short printable form of a value for error messages (strings quoted, long values cut). */
export function describeValue(value: unknown): string {
  let text: string;
  if (typeof value === 'string') text = JSON.stringify(value);
  else if (value === undefined) text = 'undefined';
  else if (typeof value === 'number' || typeof value === 'bigint' || typeof value === 'boolean')
    text = String(value);
  else if (value === null) text = 'null';
  else if (Array.isArray(value)) text = `an array of ${value.length}`;
  else if (ArrayBuffer.isView(value)) text = `a ${value.constructor.name}`;
  else text = `a ${(value as object).constructor?.name ?? 'object'}`;
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}
