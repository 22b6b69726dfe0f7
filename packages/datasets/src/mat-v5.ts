import { readFile } from 'node:fs/promises';
import { inflateSync } from 'node:zlib';
import { TubekitFormatError } from './format-error';
import type { NdNumericData } from './pickle';
import { columnToRowMajor } from './row-major';

/** MATLAB numeric classes. */
export type MatNumericClass =
  | 'double'
  | 'single'
  | 'int8'
  | 'uint8'
  | 'int16'
  | 'uint16'
  | 'int32'
  | 'uint32'
  | 'int64'
  | 'uint64';

/**
 * A numeric or logical MATLAB array. `data` is in **row-major** order (converted from MATLAB's
 * column-major storage): element `(i, j)` of an `r × c` matrix is `data[i * c + j]`. The typed
 * array matches the class (`double` → `Float64Array`, `uint8` → `Uint8Array`, …); 64-bit integers
 * widen to `Float64Array` (exact below 2⁵³, an error above).
 */
export interface MatNumeric {
  readonly kind: 'numeric';
  class: MatNumericClass;
  dims: number[];
  data: NdNumericData;
  /** Imaginary part of a complex array, same layout as `data`. */
  imag?: NdNumericData;
  /** MATLAB `logical` (stored as uint8 0/1). */
  logical: boolean;
}

/** A MATLAB char array: `rows[i]` is row `i` (a `1 × n` char array is one string). */
export interface MatChar {
  readonly kind: 'char';
  dims: number[];
  rows: string[];
}

/** A MATLAB cell array; `items` in row-major order. */
export interface MatCell {
  readonly kind: 'cell';
  dims: number[];
  items: MatValue[];
}

/** A MATLAB struct array; `elements` in row-major order, each a field name → value record. */
export interface MatStruct {
  readonly kind: 'struct';
  dims: number[];
  fields: string[];
  elements: Record<string, MatValue>[];
}

/** Any value {@link parseMat} returns. */
export type MatValue = MatNumeric | MatChar | MatCell | MatStruct;

/** A parsed MAT-file: its 116-byte description text and its variables by name. */
export interface MatFile {
  header: string;
  variables: Map<string, MatValue>;
}

const MI_INT8 = 1;
const MI_UINT8 = 2;
const MI_INT16 = 3;
const MI_UINT16 = 4;
const MI_INT32 = 5;
const MI_UINT32 = 6;
const MI_SINGLE = 7;
const MI_DOUBLE = 9;
const MI_INT64 = 12;
const MI_UINT64 = 13;
const MI_MATRIX = 14;
const MI_COMPRESSED = 15;
const MI_UTF8 = 16;
const MI_UTF16 = 17;
const MI_UTF32 = 18;

const ELEMENT_SIZE: Record<number, number> = {
  [MI_INT8]: 1,
  [MI_UINT8]: 1,
  [MI_INT16]: 2,
  [MI_UINT16]: 2,
  [MI_INT32]: 4,
  [MI_UINT32]: 4,
  [MI_SINGLE]: 4,
  [MI_DOUBLE]: 8,
  [MI_INT64]: 8,
  [MI_UINT64]: 8,
  [MI_UTF8]: 1,
  [MI_UTF16]: 2,
  [MI_UTF32]: 4,
};

const NUMERIC_CLASS: Record<number, MatNumericClass> = {
  6: 'double',
  7: 'single',
  8: 'int8',
  9: 'uint8',
  10: 'int16',
  11: 'uint16',
  12: 'int32',
  13: 'uint32',
  14: 'int64',
  15: 'uint64',
};

const CLASS_NAME: Record<number, string> = {
  1: 'cell',
  2: 'struct',
  3: 'object',
  4: 'char',
  5: 'sparse',
  16: 'function handle',
  17: 'opaque',
};

/** Largest inflated size accepted for one compressed variable (guards corrupt input). */
const MAX_INFLATED = 1 << 30;

class MatError extends Error {
  constructor(
    readonly offset: number,
    readonly where: string,
    message: string,
  ) {
    super(message);
  }
}

function makeNumeric(cls: MatNumericClass, n: number): NdNumericData {
  switch (cls) {
    case 'double':
    case 'int64':
    case 'uint64':
      return new Float64Array(n);
    case 'single':
      return new Float32Array(n);
    case 'int8':
      return new Int8Array(n);
    case 'uint8':
      return new Uint8Array(n);
    case 'int16':
      return new Int16Array(n);
    case 'uint16':
      return new Uint16Array(n);
    case 'int32':
      return new Int32Array(n);
    case 'uint32':
      return new Uint32Array(n);
  }
}

/** Parses MAT-file bytes; the recursive descent over one (inflated) buffer. */
class MatParser {
  private base = 0;
  /** Where the parser is, kept as names and indices (formatted only for an error message). */
  private pathNames: string[] = [];
  private pathIndex: number[] = [];
  private buf: Uint8Array = new Uint8Array(0);
  private view: DataView = new DataView(new ArrayBuffer(0));
  // the element last read by readElement: type, data start, data length, tag offset
  private type = 0;
  private start = 0;
  private length = 0;
  private tag = 0;

  constructor(private readonly little: boolean) {}

  private formatPath(): string {
    return this.pathNames
      .map((name, k) => {
        const i = this.pathIndex[k]!;
        if (name === '{}') return `{${i + 1}}`;
        return i >= 0 ? `(${i + 1}).${name}` : name;
      })
      .join(' › ');
  }

  private fail(offset: number, message: string): never {
    throw new MatError(this.base + offset, this.formatPath(), message);
  }

  /** Reads the element tag at `pos` (bounded by `end`) into the parser's fields; returns the next position. */
  private readElement(pos: number, end: number): number {
    if (pos + 8 > end)
      this.fail(pos, `truncated: expected an 8-byte data element tag, ${end - pos} bytes left`);
    const first = this.view.getUint32(pos, this.little);
    const small = first >>> 16;
    this.tag = pos;
    if (small !== 0) {
      // small data element: 2-byte size, 2-byte type, up to 4 bytes of data in the tag
      if (small > 4) this.fail(pos, `corrupt small data element of ${small} bytes (at most 4)`);
      this.type = first & 0xffff;
      this.start = pos + 4;
      this.length = small;
      return pos + 8;
    }
    const nbytes = this.view.getUint32(pos + 4, this.little);
    if (nbytes > end - pos - 8)
      this.fail(pos, `truncated: data element of ${nbytes} bytes, only ${end - pos - 8} left`);
    this.type = first;
    this.start = pos + 8;
    this.length = nbytes;
    const padded = first === MI_COMPRESSED ? nbytes : (nbytes + 7) & ~7;
    return Math.min(pos + 8 + padded, end);
  }

  /** Decodes the current element as numbers into `out` (any storage type, converted to out's type). */
  private numbers(out: NdNumericData, what: string): void {
    const type = this.type;
    const size = ELEMENT_SIZE[type];
    if (size === undefined || type === MI_UTF8 || type === MI_UTF16 || type === MI_UTF32)
      this.fail(this.tag, `${what}: data type ${type} is not numeric`);
    const n = this.length / size!;
    if (n !== out.length)
      this.fail(
        this.tag,
        `${what}: ${n} values stored, ${out.length} expected from the dimensions`,
      );
    const view = this.view;
    const base = this.start;
    const le = this.little;
    switch (type) {
      case MI_INT8:
        for (let i = 0; i < n; i++) out[i] = view.getInt8(base + i);
        break;
      case MI_UINT8:
        for (let i = 0; i < n; i++) out[i] = this.buf[base + i]!;
        break;
      case MI_INT16:
        for (let i = 0; i < n; i++) out[i] = view.getInt16(base + 2 * i, le);
        break;
      case MI_UINT16:
        for (let i = 0; i < n; i++) out[i] = view.getUint16(base + 2 * i, le);
        break;
      case MI_INT32:
        for (let i = 0; i < n; i++) out[i] = view.getInt32(base + 4 * i, le);
        break;
      case MI_UINT32:
        for (let i = 0; i < n; i++) out[i] = view.getUint32(base + 4 * i, le);
        break;
      case MI_SINGLE:
        for (let i = 0; i < n; i++) out[i] = view.getFloat32(base + 4 * i, le);
        break;
      case MI_DOUBLE:
        for (let i = 0; i < n; i++) out[i] = view.getFloat64(base + 8 * i, le);
        break;
      case MI_INT64:
      case MI_UINT64:
        for (let i = 0; i < n; i++) {
          const v =
            type === MI_INT64
              ? view.getBigInt64(base + 8 * i, le)
              : view.getBigUint64(base + 8 * i, le);
          if (v > 9007199254740991n || v < -9007199254740991n)
            this.fail(this.tag, `${what}: 64-bit integer ${v} does not fit a double exactly`);
          out[i] = Number(v);
        }
        break;
    }
  }

  private int32s(what: string): number[] {
    if (this.type !== MI_INT32 || this.length % 4)
      this.fail(this.tag, `${what}: expected int32 data (type 5), got type ${this.type}`);
    const out: number[] = [];
    for (let i = 0; i < this.length; i += 4)
      out.push(this.view.getInt32(this.start + i, this.little));
    return out;
  }

  private text(what: string): string {
    if (this.type !== MI_INT8 && this.type !== MI_UINT8 && this.type !== MI_UTF8)
      this.fail(this.tag, `${what}: expected int8 text, got type ${this.type}`);
    let s = '';
    for (let i = this.start; i < this.start + this.length; i++) {
      const b = this.buf[i]!;
      if (b === 0) break;
      s += String.fromCharCode(b);
    }
    return s;
  }

  /** Reads the next element of a matrix, which must itself be a matrix, and parses it. */
  private childMatrix(pos: number, end: number, what: string): { next: number; value: MatValue } {
    const next = this.readElement(pos, end);
    if (this.type !== MI_MATRIX)
      this.fail(this.tag, `${what}: expected a matrix element, got type ${this.type}`);
    return { next, value: this.matrix(this.start, this.length).value };
  }

  /** Parses one miMATRIX payload of `nbytes` bytes starting at `pStart`. */
  matrix(pStart: number, nbytes: number): { name: string; value: MatValue } {
    if (nbytes === 0)
      return {
        name: '',
        value: {
          kind: 'numeric',
          class: 'double',
          dims: [0, 0],
          data: new Float64Array(0),
          logical: false,
        },
      };
    const pEnd = pStart + nbytes;
    let pos = this.readElement(pStart, pEnd);
    if (this.type !== MI_UINT32 || this.length !== 8)
      this.fail(this.tag, 'array flags: expected 8 bytes of uint32');
    const flags = this.view.getUint32(this.start, this.little);
    const classId = flags & 0xff;
    const complex = (flags & 0x0800) !== 0;
    const logical = (flags & 0x0200) !== 0;
    pos = this.readElement(pos, pEnd);
    const dimsAt = this.tag;
    const dims = this.int32s('dimensions');
    let count = 1;
    for (const d of dims) count *= d;
    if (dims.length < 2 || dims.some((d) => d < 0))
      this.fail(dimsAt, `invalid dimensions [${dims.join(', ')}]`);
    pos = this.readElement(pos, pEnd);
    const name = this.text('array name');
    this.pathNames.push(name || '?');
    this.pathIndex.push(-1);
    try {
      const numericClass = NUMERIC_CLASS[classId];
      if (numericClass) {
        pos = this.readElement(pos, pEnd);
        // every stored value takes ≥ 1 byte: reject impossible counts before allocating
        if (count > this.length)
          this.fail(
            this.tag,
            `${count} values expected from the dimensions, only ${this.length} bytes stored`,
          );
        const colMajor = makeNumeric(numericClass, count);
        this.numbers(colMajor, 'real part');
        const ctor = colMajor.constructor as new (n: number) => NdNumericData;
        const value: MatNumeric = {
          kind: 'numeric',
          class: numericClass,
          dims,
          data: columnToRowMajor(colMajor, dims, (n) => new ctor(n)),
          logical,
        };
        if (complex) {
          pos = this.readElement(pos, pEnd);
          if (count > this.length)
            this.fail(
              this.tag,
              `${count} imaginary values expected, only ${this.length} bytes stored`,
            );
          const imag = makeNumeric(numericClass, count);
          this.numbers(imag, 'imaginary part');
          value.imag = columnToRowMajor(imag, dims, (n) => new ctor(n));
        }
        return { name, value };
      }
      if (classId === 4) {
        pos = this.readElement(pos, pEnd);
        const type = this.type as number; // re-read: set by readElement above
        const unit =
          type === MI_UTF16 || type === MI_UINT16 || type === MI_INT16
            ? 2
            : type === MI_UINT8 || type === MI_INT8 || type === MI_UTF8
              ? 1
              : type === MI_UTF32 || type === MI_UINT32 || type === MI_INT32
                ? 4
                : 0;
        if (unit === 0) this.fail(this.tag, `char data of type ${type}`);
        const stored = Math.floor(this.length / unit);
        if (stored !== count)
          this.fail(this.tag, `char array: ${stored} characters stored, ${count} expected`);
        const r = dims[0]!;
        const c = r === 0 ? 0 : count / r;
        const rows: string[] = new Array(r);
        const at = (k: number) =>
          unit === 1
            ? this.buf[this.start + k]!
            : unit === 2
              ? this.view.getUint16(this.start + 2 * k, this.little)
              : this.view.getUint32(this.start + 4 * k, this.little);
        for (let i = 0; i < r; i++) {
          let s = '';
          for (let j = 0; j < c; j++) {
            const u = at(i + r * j);
            s += u > 0xffff ? String.fromCodePoint(Math.min(u, 0x10ffff)) : String.fromCharCode(u);
          }
          rows[i] = s;
        }
        return { name, value: { kind: 'char', dims, rows } };
      }
      if (classId === 1) {
        if (count > (pEnd - pos) / 8)
          this.fail(pos, `cell of ${count} items cannot fit in ${pEnd - pos} bytes`);
        const items: MatValue[] = new Array(count);
        this.pathNames.push('{}');
        this.pathIndex.push(0);
        const depth = this.pathIndex.length - 1;
        for (let i = 0; i < count; i++) {
          this.pathIndex[depth] = i;
          const child = this.childMatrix(pos, pEnd, `cell item ${i + 1}`);
          pos = child.next;
          items[i] = child.value;
        }
        this.pathNames.pop();
        this.pathIndex.pop();
        return {
          name,
          value: { kind: 'cell', dims, items: columnToRowMajor(items, dims, (n) => new Array(n)) },
        };
      }
      if (classId === 2) {
        pos = this.readElement(pos, pEnd);
        const lenAt = this.tag;
        const [fieldLength] = this.int32s('field name length');
        if (!fieldLength || fieldLength < 1)
          this.fail(lenAt, `invalid field name length ${fieldLength}`);
        pos = this.readElement(pos, pEnd);
        if (this.length % fieldLength!) this.fail(this.tag, 'field names do not fill whole names');
        const fields: string[] = [];
        for (let i = 0; i < this.length; i += fieldLength!) {
          let s = '';
          for (let k = i; k < i + fieldLength!; k++) {
            const b = this.buf[this.start + k]!;
            if (b === 0) break;
            s += String.fromCharCode(b);
          }
          fields.push(s);
        }
        if (count * fields.length > (pEnd - pos) / 8)
          this.fail(
            pos,
            `struct array of ${count} × ${fields.length} fields cannot fit in ${pEnd - pos} bytes`,
          );
        const elements: Record<string, MatValue>[] = new Array(count);
        this.pathNames.push('');
        this.pathIndex.push(-1);
        const depth = this.pathIndex.length - 1;
        for (let e = 0; e < count; e++) {
          const record: Record<string, MatValue> = Object.create(null);
          this.pathIndex[depth] = count > 1 ? e : -1;
          for (const field of fields) {
            this.pathNames[depth] = field;
            const child = this.childMatrix(pos, pEnd, `field ${field}`);
            pos = child.next;
            record[field] = child.value;
          }
          elements[e] = record;
        }
        this.pathNames.pop();
        this.pathIndex.pop();
        return {
          name,
          value: {
            kind: 'struct',
            dims,
            fields,
            elements: columnToRowMajor(elements, dims, (n) => new Array(n)),
          },
        };
      }
      return this.fail(
        this.tag,
        `MATLAB ${CLASS_NAME[classId] ?? `class ${classId}`} arrays are not supported`,
      );
    } finally {
      this.pathNames.pop();
      this.pathIndex.pop();
    }
  }

  /**
   * Parses the top-level elements of a buffer (the file after its header at file offset `base`,
   * or an inflated element with base 0); compressed elements go to `onCompressed`.
   */
  topLevel(
    buf: Uint8Array,
    base: number,
    variables: Map<string, MatValue>,
    onCompressed: (data: Uint8Array, offset: number) => void,
  ): void {
    this.buf = buf;
    this.view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
    this.base = base;
    let pos = 0;
    while (pos < buf.length) {
      const next = this.readElement(pos, buf.length);
      if (this.type === MI_COMPRESSED)
        onCompressed(buf.subarray(this.start, this.start + this.length), base + pos);
      else if (this.type === MI_MATRIX) {
        const { name, value } = this.matrix(this.start, this.length);
        variables.set(name, value);
      } else
        this.fail(
          pos,
          `expected a matrix or compressed element at top level, got type ${this.type}`,
        );
      pos = next;
    }
  }
}

/**
 * Parses a MATLAB v5/v6/v7 MAT-file (not v7.3, which is HDF5) — tubekit's own reader, no GPL
 * code: compressed elements (miCOMPRESSED, inflated with node:zlib), numeric and logical arrays
 * of every class (complex too), char, cell and struct arrays, little- or big-endian files.
 * Everything is returned in row-major order (see {@link MatNumeric}). Sparse, object and
 * function-handle arrays are refused with an error.
 *
 * Every size read from the file is checked against the bytes that remain before anything is
 * allocated, so truncated or corrupt files fail with a {@link TubekitFormatError} naming the file,
 * the byte offset (in the file, or `inflated byte N of the element at byte M`) and the variable
 * path (`annot › (12).tubes › boxes`).
 *
 * @param bytes the whole file
 * @param file the file name used in error messages
 * @example
 * const mat = parseMat(readFileSync('finalAnnots.mat'), 'finalAnnots.mat');
 * const annot = mat.variables.get('annot'); // { kind: 'struct', dims: [1, 3194], … }
 */
export function parseMat(bytes: Uint8Array, file = '<mat>'): MatFile {
  if (bytes.length < 128)
    throw new TubekitFormatError(
      file,
      'byte 0',
      `not a MAT-file: ${bytes.length} bytes, a v5 header alone has 128`,
    );
  const header = new TextDecoder('latin1').decode(bytes.subarray(0, 116)).replace(/[\s\0]+$/, '');
  if (header.startsWith('MATLAB 7.3'))
    throw new TubekitFormatError(
      file,
      'byte 0',
      'MATLAB v7.3 files are HDF5; save with -v7 (or -v6) to read them with tubekit',
    );
  if (!header.startsWith('MATLAB 5.0 MAT-file'))
    throw new TubekitFormatError(
      file,
      'byte 0',
      'not a MATLAB v5 MAT-file (header does not start with "MATLAB 5.0 MAT-file")',
    );
  const indicator = String.fromCharCode(bytes[126]!, bytes[127]!);
  if (indicator !== 'IM' && indicator !== 'MI')
    throw new TubekitFormatError(
      file,
      'byte 126',
      `invalid endian indicator ${JSON.stringify(indicator)}`,
    );
  const little = indicator === 'IM';
  const variables = new Map<string, MatValue>();
  let compressedAt = -1;
  const parser = new MatParser(little);
  try {
    // plain Uint8Array views: subarray() of a Node Buffer is several times slower
    const plain = new Uint8Array(bytes.buffer, bytes.byteOffset + 128, bytes.length - 128);
    parser.topLevel(plain, 128, variables, (data, offset) => {
      let inflated: Uint8Array;
      try {
        const out = inflateSync(data, { maxOutputLength: MAX_INFLATED });
        inflated = new Uint8Array(out.buffer, out.byteOffset, out.length);
      } catch (error) {
        throw new MatError(
          offset,
          '',
          `compressed element does not inflate: ${(error as Error).message}`,
        );
      }
      compressedAt = offset;
      const inner = new MatParser(little);
      try {
        inner.topLevel(inflated, 0, variables, (_d, o) => {
          throw new MatError(o, '', 'nested compressed element');
        });
      } catch (error) {
        if (error instanceof MatError)
          throw new MatError(
            offset,
            error.where,
            `inflated byte ${error.offset}: ${error.message}`,
          );
        throw error;
      }
      compressedAt = -1;
    });
  } catch (error) {
    if (error instanceof MatError) {
      const place = `byte ${error.offset}${error.where ? `, variable ${error.where}` : ''}`;
      throw new TubekitFormatError(file, place, `MAT-file: ${error.message}`);
    }
    throw new TubekitFormatError(
      file,
      compressedAt >= 0 ? `byte ${compressedAt}` : '',
      `MAT-file: ${(error as Error).message}`,
    );
  }
  return { header, variables };
}

/**
 * Reads a MAT-file from disk. See {@link parseMat}.
 *
 * @example
 * const { variables } = await readMat(tubekitDataPath('jhmdb-21/jhmdb_annot.mat'));
 */
export async function readMat(path: string): Promise<MatFile> {
  let bytes: Uint8Array;
  try {
    bytes = await readFile(path);
  } catch (error) {
    throw new TubekitFormatError(path, '', `cannot read: ${(error as Error).message}`);
  }
  return parseMat(bytes, path);
}
