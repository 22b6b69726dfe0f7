import { describeValue, quoteInput, TubekitFormatError } from './format-error';
import type { NdArray, NdNumericData } from './pickle';

/**
 * Typed access to unpickled values for the dataset readers: each check throws a
 * {@link TubekitFormatError} naming the file and the Python key path (`gttubes["v"][3][0]`).
 */
export class PyReader {
  constructor(readonly file: string) {}

  fail(path: string, detail: string): never {
    throw new TubekitFormatError(this.file, path ? `key ${path}` : '', detail);
  }

  map(value: unknown, path: string): Map<unknown, unknown> {
    if (!(value instanceof Map)) this.fail(path, `expected a dict, got ${describeValue(value)}`);
    return value as Map<unknown, unknown>;
  }

  get(map: Map<unknown, unknown>, key: string, path: string): unknown {
    if (!map.has(key)) this.fail(path, `missing key ${quoteInput(String(key))}`);
    return map.get(key);
  }

  list(value: unknown, path: string): unknown[] {
    if (!Array.isArray(value)) this.fail(path, `expected a list, got ${describeValue(value)}`);
    return value as unknown[];
  }

  string(value: unknown, path: string): string {
    if (typeof value !== 'string') this.fail(path, `expected a str, got ${describeValue(value)}`);
    return value as string;
  }

  integer(value: unknown, path: string): number {
    if (typeof value !== 'number' || !Number.isInteger(value))
      this.fail(path, `expected an integer, got ${describeValue(value)}`);
    return value as number;
  }

  /** A numeric numpy array of `ndim` dimensions whose last dimension is `columns`. */
  matrix(value: unknown, columns: number, path: string): NdArray & { data: NdNumericData } {
    const a = value as NdArray;
    if (typeof a !== 'object' || a === null || a.kind !== 'ndarray')
      this.fail(path, `expected a numpy array, got ${describeValue(value)}`);
    if (Array.isArray(a.data)) this.fail(path, `expected a numeric array, got dtype ${a.dtype}`);
    if (a.shape.length !== 2 || a.shape[1] !== columns)
      this.fail(path, `expected an array of shape [T, ${columns}], got [${a.shape.join(', ')}]`);
    return a as NdArray & { data: NdNumericData };
  }
}
