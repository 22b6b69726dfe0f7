import { TubekitFormatError } from './format-error';
import type { MatCell, MatChar, MatFile, MatNumeric, MatStruct, MatValue } from './mat-v5';

/**
 * Typed access to parsed MAT-file values for the dataset readers: each check throws a
 * {@link TubekitFormatError} naming the file and the MATLAB path (`annot(12).tubes(1).boxes`).
 */
export class MatReader {
  constructor(readonly file: string) {}

  fail(path: string, detail: string): never {
    throw new TubekitFormatError(this.file, `variable ${path}`, detail);
  }

  variable(mat: MatFile, name: string): MatValue {
    const value = mat.variables.get(name);
    if (!value)
      this.fail(
        name,
        `missing variable (the file has ${[...mat.variables.keys()].join(', ') || 'none'})`,
      );
    return value!;
  }

  struct(value: MatValue | undefined, path: string, fields: readonly string[]): MatStruct {
    if (value?.kind !== 'struct')
      this.fail(path, `expected a struct array, got ${value?.kind ?? 'nothing'}`);
    const s = value as MatStruct;
    for (const field of fields)
      if (!s.fields.includes(field))
        this.fail(path, `missing field ${field} (has ${s.fields.join(', ')})`);
    for (const field of s.fields)
      if (!fields.includes(field))
        this.fail(`${path}.${field}`, `unknown field (expected ${fields.join(', ')})`);
    return s;
  }

  cell(value: MatValue | undefined, path: string): MatCell {
    if (value?.kind !== 'cell')
      this.fail(path, `expected a cell array, got ${value?.kind ?? 'nothing'}`);
    return value as MatCell;
  }

  numeric(value: MatValue | undefined, path: string): MatNumeric {
    if (value?.kind !== 'numeric')
      this.fail(path, `expected a numeric array, got ${value?.kind ?? 'nothing'}`);
    return value as MatNumeric;
  }

  /** A numeric `T × columns` matrix. */
  matrix(value: MatValue | undefined, columns: number, path: string): MatNumeric {
    const m = this.numeric(value, path);
    if (m.dims.length !== 2 || m.dims[1] !== columns)
      this.fail(path, `expected a T×${columns} matrix, got ${m.dims.join('×')}`);
    return m;
  }

  /** A numeric scalar that must be an integer. */
  integer(value: MatValue | undefined, path: string): number {
    const m = this.numeric(value, path);
    if (m.data.length !== 1 || !Number.isInteger(m.data[0]))
      this.fail(path, `expected an integer scalar, got ${m.dims.join('×')} ${m.class}`);
    return m.data[0]!;
  }

  scalar(value: MatValue | undefined, path: string): number {
    const m = this.numeric(value, path);
    if (m.data.length !== 1) this.fail(path, `expected a scalar, got ${m.dims.join('×')}`);
    return m.data[0]!;
  }

  /** A one-row char array as a string. */
  string(value: MatValue | undefined, path: string): string {
    if (value?.kind !== 'char')
      this.fail(path, `expected a char array, got ${value?.kind ?? 'nothing'}`);
    const c = value as MatChar;
    if (c.rows.length !== 1) this.fail(path, `expected one row of text, got ${c.dims.join('×')}`);
    return c.rows[0]!;
  }
}
