import { readFile } from 'node:fs/promises';
import { quoteInput, TubekitFormatError } from './format-error';
import { columnToRowMajor } from './row-major';

/** A numeric numpy array's data: the typed array of its dtype (64-bit integers widen to `Float64Array`). */
export type NdNumericData =
  | Float64Array
  | Float32Array
  | Int32Array
  | Uint32Array
  | Int16Array
  | Uint16Array
  | Int8Array
  | Uint8Array;

/**
 * A numpy `ndarray` rebuilt from a pickle. `data` is in row-major (C) order whatever the
 * pickled order was; `dtype` is numpy's type string without byte order (`f8`, `u1`, `U23`, `O`).
 * Integer dtypes of 8 bytes are widened to `Float64Array` (exact for |v| < 2⁵³; larger values
 * are an error, never rounded), `f2` to `Float32Array`, `b1` is a `Uint8Array` of 0/1,
 * unicode/bytes dtypes (`U`, `S`) become `string[]` (trailing NULs removed; `S` decoded as latin1),
 * and object arrays (`O`) hold the unpickled Python values.
 */
export interface NdArray {
  readonly kind: 'ndarray';
  dtype: string;
  shape: number[];
  data: NdNumericData | string[] | unknown[];
}

/** A numpy `dtype` object (only seen inside pickles; exported for type completeness). */
export interface NdDtype {
  readonly kind: 'dtype';
  /** Type character and item size, e.g. `f8`, `u2`, `U23` (item size in characters for `U`). */
  char: string;
  /** Bytes per item. */
  itemsize: number;
  /** `<` little, `>` big, `|` not applicable. */
  byteorder: '<' | '>' | '|';
}

/**
 * A Python value as {@link unpickle} returns it: `None` → `null`, `bool`, `int` → `number`
 * (`bigint` beyond 2⁵³), `float` → `number`, `str` → `string`, Python 2 `str` → `string`
 * decoded as latin1 (like `pickle.load(f, encoding='latin1')`), `bytes`/`bytearray` →
 * `Uint8Array`, `list`/`tuple` → array, `dict`/`OrderedDict` → `Map` (keys keep their type),
 * `set`/`frozenset` → `Set`, numpy arrays → {@link NdArray}, numpy scalars → `number`/`string`.
 */
export type PyValue = unknown;

interface PyGlobal {
  readonly kind: 'global';
  module: string;
  name: string;
}

/**
 * Arrays made by numpy's `_reconstruct` whose data has not arrived yet (it comes with BUILD,
 * which fills the same object in place, so no second pass over the result is needed).
 */
let unbuilt = new Set<NdArray>();

const NUMPY_MODULES = new Set(['numpy.core.multiarray', 'numpy._core.multiarray']);
const NUMPY_NUMERIC = new Set(['numpy.core.numeric', 'numpy._core.numeric']);

class PickleError extends Error {
  constructor(
    readonly offset: number,
    message: string,
  ) {
    super(message);
  }
}

function isGlobal(value: unknown, module: string | Set<string>, name: string): boolean {
  if (typeof value !== 'object' || value === null || (value as PyGlobal).kind !== 'global')
    return false;
  const g = value as PyGlobal;
  return (
    g.name === name && (typeof module === 'string' ? g.module === module : module.has(g.module))
  );
}

function latin1Bytes(text: string): Uint8Array {
  const out = new Uint8Array(text.length);
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c > 255) throw new Error(`character U+${c.toString(16)} is not latin1`);
    out[i] = c;
  }
  return out;
}

function asBytes(value: unknown, what: string): Uint8Array {
  if (value instanceof Uint8Array) return value;
  if (typeof value === 'string') return latin1Bytes(value); // Python 2 str
  throw new Error(`${what}: expected bytes, got ${typeof value}`);
}

function parseDtype(descr: unknown): NdDtype {
  if (typeof descr !== 'string') throw new Error('numpy dtype: expected a type string');
  const m = /^([<>|=]?)([biufcUSOV?])(\d*)$/.exec(descr);
  if (!m) throw new Error(`numpy dtype ${quoteInput(String(descr))} is not supported`);
  const char = m[2] === '?' ? 'b' : m[2]!;
  let size = m[3] ? Number(m[3]) : char === 'b' && m[2] === '?' ? 1 : char === 'O' ? 8 : 0;
  if (char === 'b' && !m[3]) size = 1;
  const itemsize = char === 'U' ? size * 4 : size;
  const order = m[1] === '>' ? '>' : m[1] === '|' || itemsize <= 1 ? '|' : '<';
  return { kind: 'dtype', char: `${char}${char === 'O' ? '' : size}`, itemsize, byteorder: order };
}

function half(h: number): number {
  const s = h & 0x8000 ? -1 : 1;
  const e = (h >> 10) & 0x1f;
  const f = h & 0x3ff;
  if (e === 0) return s * 2 ** -14 * (f / 1024);
  if (e === 31) return f ? Number.NaN : s * Number.POSITIVE_INFINITY;
  return s * 2 ** (e - 15) * (1 + f / 1024);
}

/** Decodes `count` items of `dtype` from raw bytes (any alignment, either byte order). */
function decodeItems(dtype: NdDtype, raw: Uint8Array, count: number): NdNumericData | string[] {
  const size = dtype.itemsize;
  if (raw.length !== count * size)
    throw new Error(
      `array data has ${raw.length} bytes, expected ${count} × ${size} for dtype ${dtype.char}`,
    );
  const kind = dtype.char[0]!;
  if (kind === 'U' || kind === 'S') {
    const out: string[] = new Array(count);
    const view = new DataView(raw.buffer, raw.byteOffset, raw.byteLength);
    const little = dtype.byteorder !== '>';
    for (let i = 0; i < count; i++) {
      let s = '';
      if (kind === 'U') {
        for (let k = 0; k < size; k += 4) {
          const cp = view.getUint32(i * size + k, little);
          if (cp === 0) break;
          if (cp > 0x10ffff) throw new Error(`invalid code point ${cp} in a unicode array`);
          s += String.fromCodePoint(cp);
        }
      } else {
        for (let k = 0; k < size; k++) {
          const b = raw[i * size + k]!;
          if (b === 0) break;
          s += String.fromCharCode(b);
        }
      }
      out[i] = s;
    }
    return out;
  }
  const bytes = new Uint8Array(raw.length);
  if (dtype.byteorder === '>' && size > 1) {
    for (let i = 0; i < raw.length; i += size)
      for (let k = 0; k < size; k++) bytes[i + k] = raw[i + size - 1 - k]!;
  } else bytes.set(raw);
  const b = bytes.buffer;
  switch (dtype.char) {
    case 'b1':
    case 'u1':
      return new Uint8Array(b);
    case 'i1':
      return new Int8Array(b);
    case 'i2':
      return new Int16Array(b);
    case 'u2':
      return new Uint16Array(b);
    case 'i4':
      return new Int32Array(b);
    case 'u4':
      return new Uint32Array(b);
    case 'f4':
      return new Float32Array(b);
    case 'f8':
      return new Float64Array(b);
    case 'f2': {
      const h = new Uint16Array(b);
      return Float32Array.from(h, half);
    }
    case 'i8':
    case 'u8': {
      const wide = dtype.char === 'i8' ? new BigInt64Array(b) : new BigUint64Array(b);
      const out = new Float64Array(count);
      for (let i = 0; i < count; i++) {
        const v = wide[i]!;
        if (v > 9007199254740991n || v < -9007199254740991n)
          throw new Error(`64-bit integer ${v} at item ${i} does not fit a double exactly`);
        out[i] = Number(v);
      }
      return out;
    }
    default:
      throw new Error(`numpy dtype ${dtype.char} is not supported`);
  }
}

function makeArray(dtype: NdDtype, shape: number[], raw: unknown, fortran: boolean): NdArray {
  if (!shape.every((d) => Number.isInteger(d) && d >= 0))
    throw new Error(`array shape (${shape.join(', ')}) is not a list of sizes`);
  const count = shape.reduce((a, b) => a * b, 1);
  let data: NdNumericData | string[] | unknown[];
  if (dtype.char === 'O') {
    if (!Array.isArray(raw) || raw.length !== count)
      throw new Error(`object array of ${count} items expected a list of ${count} values`);
    data = raw;
  } else {
    data = decodeItems(dtype, asBytes(raw, 'array data'), count);
  }
  if (fortran && shape.length > 1) {
    const ctor = data.constructor as new (n: number) => NdNumericData;
    data = Array.isArray(data)
      ? columnToRowMajor(data as unknown[], shape, (n) => new Array(n))
      : columnToRowMajor(data as NdNumericData, shape, (n) => new ctor(n));
  }
  return { kind: 'ndarray', dtype: dtype.char, shape, data };
}

function scalarFromArray(array: NdArray): unknown {
  return (array.data as ArrayLike<unknown>)[0];
}

function readShape(value: unknown): number[] {
  if (typeof value === 'number') return [value];
  if (!Array.isArray(value) || !value.every((d) => typeof d === 'number'))
    throw new Error('array shape: expected a tuple of integers');
  return value as number[];
}

/** Calls a pickled global (`REDUCE`, `NEWOBJ`, `INST`, `OBJ`). Only builtins and numpy are known. */
function callGlobal(fn: unknown, args: unknown[]): unknown {
  if (typeof fn !== 'object' || fn === null || (fn as PyGlobal).kind !== 'global')
    throw new Error('REDUCE: the callable is not a global');
  const g = fn as PyGlobal;
  if (NUMPY_MODULES.has(g.module) && g.name === '_reconstruct') {
    if (!isGlobal(args[0], 'numpy', 'ndarray'))
      throw new Error('numpy _reconstruct of a class other than numpy.ndarray');
    const array: NdArray = { kind: 'ndarray', dtype: '', shape: [], data: [] };
    unbuilt.add(array);
    return array;
  }
  if (g.module === 'numpy' && g.name === 'dtype') return parseDtype(args[0]);
  if (NUMPY_MODULES.has(g.module) && g.name === 'scalar') {
    const dtype = args[0] as NdDtype;
    if (dtype?.kind !== 'dtype') throw new Error('numpy scalar: expected a dtype');
    if (dtype.char === 'O') return args[1];
    return scalarFromArray(makeArray(dtype, [], args[1], false));
  }
  if (NUMPY_NUMERIC.has(g.module) && g.name === '_frombuffer') {
    const [buffer, dtype, shape, order] = args as [unknown, NdDtype, unknown, unknown];
    if (dtype?.kind !== 'dtype') throw new Error('numpy _frombuffer: expected a dtype');
    return makeArray(dtype, readShape(shape), buffer, order === 'F');
  }
  if (g.module === '_codecs' && g.name === 'encode') {
    const [text, encoding] = args;
    if (typeof text !== 'string') throw new Error('_codecs.encode: expected a str');
    if (encoding === 'latin1' || encoding === 'latin-1' || encoding === 'iso-8859-1')
      return latin1Bytes(text);
    if (encoding === 'utf8' || encoding === 'utf-8' || encoding === undefined)
      return new TextEncoder().encode(text);
    throw new Error(`_codecs.encode with encoding ${String(encoding)} is not supported`);
  }
  const builtin = g.module === 'builtins' || g.module === '__builtin__';
  if (builtin && g.name === 'bytearray') {
    if (args.length === 0) return new Uint8Array(0);
    return args[0] instanceof Uint8Array ? Uint8Array.from(args[0]) : asBytes(args[0], 'bytearray');
  }
  if (builtin && g.name === 'bytes' && args.length === 0) return new Uint8Array(0);
  if (builtin && (g.name === 'set' || g.name === 'frozenset'))
    return new Set(Array.isArray(args[0]) ? args[0] : []);
  if (builtin && (g.name === 'list' || g.name === 'tuple'))
    return Array.isArray(args[0]) ? [...args[0]] : [];
  if (builtin && g.name === 'dict') return new Map();
  if (g.module === 'collections' && g.name === 'OrderedDict') {
    const map = new Map();
    if (Array.isArray(args[0])) for (const [k, v] of args[0] as unknown[][]) map.set(k, v);
    return map;
  }
  throw new Error(
    `unsupported Python global ${g.module}.${g.name} (tubekit rebuilds builtins, collections.OrderedDict and numpy arrays only)`,
  );
}

/** Applies a BUILD state to the object on the stack. */
function build(target: unknown, state: unknown): void {
  if (typeof target === 'object' && target !== null) {
    const kind = (target as { kind?: string }).kind;
    if (kind === 'ndarray' && unbuilt.has(target as NdArray)) {
      if (!Array.isArray(state)) throw new Error('ndarray state: expected a tuple');
      // (version, shape, dtype, is_fortran, data) or the old (shape, dtype, is_fortran, data)
      const s = state.length === 5 ? state.slice(1) : state;
      if (s.length !== 4) throw new Error('ndarray state: expected 4 or 5 fields');
      const dtype = s[1] as NdDtype;
      if (dtype?.kind !== 'dtype') throw new Error('ndarray state: expected a dtype');
      Object.assign(target, makeArray(dtype, readShape(s[0]), s[3], Boolean(s[2])));
      unbuilt.delete(target as NdArray);
      return;
    }
    if (kind === 'dtype') {
      if (!Array.isArray(state) || state.length < 8)
        throw new Error('dtype state: expected a tuple');
      const dtype = target as NdDtype;
      const order = state[1];
      if (order === '>' || order === '<' || order === '|') dtype.byteorder = order;
      else if (order === '=') dtype.byteorder = '<';
      const elsize = state[5];
      const kindChar = dtype.char[0]!;
      if (
        typeof elsize === 'number' &&
        elsize > 0 &&
        (kindChar === 'U' || kindChar === 'S' || kindChar === 'V')
      ) {
        dtype.itemsize = elsize;
        dtype.char = `${kindChar}${kindChar === 'U' ? elsize / 4 : elsize}`;
      }
      if (dtype.itemsize <= 1) dtype.byteorder = '|';
      return;
    }
    if (target instanceof Map && state instanceof Map) {
      for (const [k, v] of state) target.set(k, v);
      return;
    }
  }
  throw new Error('BUILD on an object tubekit does not rebuild');
}

const utf8 = new TextDecoder('utf-8', { fatal: true });

/** Python's default `sys.get_int_max_str_digits()`: longer decimal integers are refused. */
const MAX_INT_DIGITS = 4300;
/** The binary (LONG1/LONG4) equivalent: 4300 decimal digits fit in 1786 bytes. */
const MAX_LONG_BYTES = 1786;

function decodePythonStringLiteral(text: string): string {
  // Protocol-0 STRING: a Python 2 repr, 'abc' or "abc", with backslash escapes
  const q = text[0];
  if ((q !== "'" && q !== '"') || text[text.length - 1] !== q)
    throw new Error('STRING: expected a quoted literal');
  const body = text.slice(1, -1);
  let out = '';
  for (let i = 0; i < body.length; i++) {
    const c = body[i]!;
    if (c !== '\\') {
      out += c;
      continue;
    }
    const n = body[++i];
    const simple: Record<string, string> = {
      n: '\n',
      r: '\r',
      t: '\t',
      '\\': '\\',
      "'": "'",
      '"': '"',
      a: '\x07',
      b: '\b',
      f: '\f',
      v: '\v',
    };
    if (n !== undefined && n in simple) out += simple[n];
    else if (n === 'x') {
      out += String.fromCharCode(Number.parseInt(body.slice(i + 1, i + 3), 16));
      i += 2;
    } else if (n !== undefined && n >= '0' && n <= '7') {
      let j = i;
      while (j < i + 3 && body[j]! >= '0' && body[j]! <= '7') j++;
      out += String.fromCharCode(Number.parseInt(body.slice(i, j), 8));
      i = j - 1;
    } else throw new Error(`STRING: unknown escape \\${n}`);
  }
  return out;
}

function decodeRawUnicodeEscape(bytes: Uint8Array): string {
  let out = '';
  for (let i = 0; i < bytes.length; i++) {
    const b = bytes[i]!;
    if (b === 0x5c && (bytes[i + 1] === 0x75 || bytes[i + 1] === 0x55)) {
      const len = bytes[i + 1] === 0x75 ? 4 : 8;
      const hex = String.fromCharCode(...bytes.subarray(i + 2, i + 2 + len));
      const cp = Number.parseInt(hex, 16);
      if (hex.length === len && /^[0-9a-fA-F]+$/.test(hex) && cp <= 0x10ffff) {
        out += String.fromCodePoint(cp);
        i += 1 + len;
        continue;
      }
    }
    out += String.fromCharCode(b);
  }
  return out;
}

/**
 * Unpickles Python pickle bytes (protocols 0–5, from Python 2 or 3) into JavaScript values
 * (see {@link PyValue}), rebuilding numpy arrays and scalars: `numpy.core.multiarray._reconstruct`
 * / `numpy._core.multiarray._reconstruct` (+ `numpy.dtype`), `numpy.core.multiarray.scalar`,
 * `numpy.core.numeric._frombuffer` / `numpy._core.numeric._frombuffer`, and Python 2 byte strings
 * via `_codecs.encode`. Any other class is refused (no code is ever run), as are out-of-band
 * buffers and persistent ids.
 *
 * It is an iterative state machine over the byte string: every length is checked against the
 * bytes that remain before anything is allocated, so truncated or corrupt input fails with a
 * {@link TubekitFormatError} naming the byte offset of the opcode, never a hang.
 *
 * @param bytes the pickle
 * @param file the file name used in error messages
 * @example
 * const value = unpickle(readFileSync('UCF101v2-GT.pkl'), 'UCF101v2-GT.pkl') as Map<string, unknown>;
 * console.log([...value.keys()]); // ['labels', 'train_videos', 'test_videos', 'nframes', …]
 */
export function unpickle(bytes: Uint8Array, file = '<pickle>'): PyValue {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const n = bytes.length;
  let pos = 0;
  let opStart = 0;
  const stack: unknown[] = [];
  const marks: number[] = [];
  const memo: unknown[] = [];
  let memoSize = 0;
  const put = (key: number) => {
    if (!Number.isInteger(key) || key < 0) fail(`invalid memo key ${key}`);
    if (!(key in memo)) memoSize++;
    memo[key] = top();
  };
  unbuilt = new Set();
  const fail = (message: string): never => {
    throw new PickleError(opStart, message);
  };
  const need = (k: number) => {
    if (k < 0 || pos + k > n) fail(`truncated: opcode needs ${k} more bytes, ${n - pos} left`);
  };
  const u8 = () => {
    need(1);
    return bytes[pos++]!;
  };
  const u16 = () => {
    need(2);
    const v = view.getUint16(pos, true);
    pos += 2;
    return v;
  };
  const u32 = () => {
    need(4);
    const v = view.getUint32(pos, true);
    pos += 4;
    return v;
  };
  const i32 = () => {
    need(4);
    const v = view.getInt32(pos, true);
    pos += 4;
    return v;
  };
  const u64 = () => {
    need(8);
    const v = view.getBigUint64(pos, true);
    pos += 8;
    if (v > BigInt(n)) fail(`truncated: length ${v} exceeds the file`);
    return Number(v);
  };
  const take = (k: number) => {
    need(k);
    const out = bytes.subarray(pos, pos + k);
    pos += k;
    return out;
  };
  /** A protocol-0 decimal integer, refused beyond Python's own limit of 4300 digits. */
  const decimalInteger = (t: string, op: string): bigint => {
    if (!/^[+-]?\d+$/.test(t)) fail(`${op}: ${quoteInput(t)} is not an integer`);
    const digits = t.length - (t[0] === '+' || t[0] === '-' ? 1 : 0);
    if (digits > MAX_INT_DIGITS)
      fail(
        `${op}: an integer of ${digits} digits; at most ${MAX_INT_DIGITS} are read (Python's int limit)`,
      );
    return BigInt(t);
  };
  const line = () => {
    const end = bytes.indexOf(10, pos);
    if (end < 0) fail('truncated: expected a newline-terminated argument');
    // latin1: one character per byte, without spreading a long argument onto the call stack
    const text = Buffer.from(bytes.buffer, bytes.byteOffset + pos, end - pos).toString('latin1');
    pos = end + 1;
    return text;
  };
  const pop = () => {
    if (stack.length === 0 || (marks.length && stack.length <= marks[marks.length - 1]!))
      fail('stack underflow (corrupt pickle)');
    return stack.pop();
  };
  const top = () => {
    if (stack.length === 0) fail('stack underflow (corrupt pickle)');
    return stack[stack.length - 1];
  };
  const popMark = () => {
    const m = marks.pop();
    if (m === undefined) fail('MARK expected on the stack (corrupt pickle)');
    return stack.splice(m!);
  };
  /** A UTF-8 string of `k` bytes at `pos` (ASCII fast path without a subarray). */
  const str = (k: number) => {
    need(k);
    if (k <= 64) {
      let ascii = true;
      for (let i = pos; i < pos + k; i++)
        if (bytes[i]! >= 0x80) {
          ascii = false;
          break;
        }
      if (ascii) {
        let out = '';
        for (let i = pos; i < pos + k; i++) out += String.fromCharCode(bytes[i]!);
        pos += k;
        return out;
      }
    }
    return utf8Text(take(k));
  };
  const utf8Text = (raw: Uint8Array) => {
    try {
      return utf8.decode(raw);
    } catch {
      return fail('string is not valid UTF-8');
    }
  };
  const long = (raw: Uint8Array) => {
    if (raw.length === 0) return 0;
    if (raw.length > MAX_LONG_BYTES)
      fail(
        `integer of ${raw.length} bytes; at most ${MAX_LONG_BYTES} bytes (${MAX_INT_DIGITS} digits) are read`,
      );
    // little-endian two's complement → one hex string (linear, unlike a shift per byte)
    let hex = '';
    for (let i = raw.length - 1; i >= 0; i--) hex += raw[i]!.toString(16).padStart(2, '0');
    let v = BigInt(`0x${hex}`);
    if (raw[raw.length - 1]! & 0x80) v -= 1n << BigInt(8 * raw.length);
    return v >= -9007199254740991n && v <= 9007199254740991n ? Number(v) : v;
  };
  const setItems = (target: unknown, items: unknown[]) => {
    if (items.length % 2) fail('SETITEMS with an odd number of values');
    if (!(target instanceof Map)) fail('SETITEM on something that is not a dict');
    for (let i = 0; i < items.length; i += 2)
      (target as Map<unknown, unknown>).set(items[i], items[i + 1]);
  };
  const append = (target: unknown, items: unknown[]) => {
    if (Array.isArray(target)) for (const x of items) target.push(x);
    else if (target instanceof Set) for (const x of items) target.add(x);
    else fail('APPEND on something that is not a list');
  };
  const call = (fn: unknown, args: unknown) => {
    if (!Array.isArray(args)) fail('REDUCE arguments are not a tuple');
    try {
      return callGlobal(fn, args as unknown[]);
    } catch (error) {
      if (error instanceof PickleError) throw error;
      return fail((error as Error).message);
    }
  };

  try {
    for (;;) {
      opStart = pos;
      if (pos >= n) fail('truncated: no STOP opcode');
      const op = bytes[pos++]!;
      switch (op) {
        case 0x80: // PROTO
          if (u8() > 5) fail('unsupported pickle protocol (> 5)');
          break;
        case 0x95: // FRAME
          u64();
          break;
        case 0x2e: // STOP
          if (stack.length !== 1 || marks.length) fail('STOP with an unbalanced stack');
          if (unbuilt.size)
            fail(`${unbuilt.size} numpy array(s) never received their data (BUILD)`);
          return stack.pop();
        case 0x28: // MARK
          marks.push(stack.length);
          break;
        case 0x4e: // NONE
          stack.push(null);
          break;
        case 0x88: // NEWTRUE
          stack.push(true);
          break;
        case 0x89: // NEWFALSE
          stack.push(false);
          break;
        case 0x4a: // BININT
          stack.push(i32());
          break;
        case 0x4b: // BININT1
          stack.push(u8());
          break;
        case 0x4d: // BININT2
          stack.push(u16());
          break;
        case 0x8a: // LONG1
          stack.push(long(take(u8())));
          break;
        case 0x8b: {
          // LONG4
          const k = i32();
          if (k < 0) fail('LONG4 with a negative length');
          stack.push(long(take(k)));
          break;
        }
        case 0x49: {
          // INT (protocol 0)
          const t = line();
          if (t === '00') stack.push(false);
          else if (t === '01') stack.push(true);
          else {
            const v = decimalInteger(t, 'INT');
            stack.push(v >= -9007199254740991n && v <= 9007199254740991n ? Number(v) : v);
          }
          break;
        }
        case 0x4c: {
          // LONG (protocol 0)
          const t = line().replace(/L$/, '');
          const v = decimalInteger(t, 'LONG');
          stack.push(v >= -9007199254740991n && v <= 9007199254740991n ? Number(v) : v);
          break;
        }
        case 0x46: {
          // FLOAT (protocol 0)
          const t = line();
          const v = Number(t);
          if (Number.isNaN(v) && !/nan/i.test(t)) fail(`FLOAT: ${quoteInput(t)} is not a number`);
          stack.push(v);
          break;
        }
        case 0x47: // BINFLOAT (big-endian)
          need(8);
          stack.push(view.getFloat64(pos, false));
          pos += 8;
          break;
        case 0x53: // STRING (protocol 0, Python 2 str)
          stack.push(decodePythonStringLiteral(line()));
          break;
        case 0x54: {
          // BINSTRING (Python 2 str, latin1)
          const k = i32();
          if (k < 0) fail('BINSTRING with a negative length');
          stack.push(new TextDecoder('latin1').decode(take(k)));
          break;
        }
        case 0x55: // SHORT_BINSTRING
          stack.push(new TextDecoder('latin1').decode(take(u8())));
          break;
        case 0x56: // UNICODE (protocol 0, raw-unicode-escape)
          stack.push(decodeRawUnicodeEscape(latin1Bytes(line())));
          break;
        case 0x58: // BINUNICODE
          stack.push(str(u32()));
          break;
        case 0x8c: // SHORT_BINUNICODE
          stack.push(str(u8()));
          break;
        case 0x8d: // BINUNICODE8
          stack.push(str(u64()));
          break;
        case 0x42: // BINBYTES
          stack.push(take(u32()));
          break;
        case 0x43: // SHORT_BINBYTES
          stack.push(take(u8()));
          break;
        case 0x8e: // BINBYTES8
          stack.push(take(u64()));
          break;
        case 0x96: // BYTEARRAY8
          stack.push(Uint8Array.from(take(u64())));
          break;
        case 0x29: // EMPTY_TUPLE
          stack.push([]);
          break;
        case 0x85: // TUPLE1
          stack.push([pop()]);
          break;
        case 0x86: {
          // TUPLE2
          const b = pop();
          const a = pop();
          stack.push([a, b]);
          break;
        }
        case 0x87: {
          // TUPLE3
          const c = pop();
          const b = pop();
          const a = pop();
          stack.push([a, b, c]);
          break;
        }
        case 0x74: // TUPLE
          stack.push(popMark());
          break;
        case 0x5d: // EMPTY_LIST
          stack.push([]);
          break;
        case 0x6c: // LIST
          stack.push(popMark());
          break;
        case 0x7d: // EMPTY_DICT
          stack.push(new Map());
          break;
        case 0x64: {
          // DICT
          const items = popMark();
          const map = new Map();
          setItems(map, items);
          stack.push(map);
          break;
        }
        case 0x8f: // EMPTY_SET
          stack.push(new Set());
          break;
        case 0x91: // FROZENSET
          stack.push(new Set(popMark()));
          break;
        case 0x90: {
          // ADDITEMS
          const items = popMark();
          append(top(), items);
          break;
        }
        case 0x61: {
          // APPEND
          const x = pop();
          append(top(), [x]);
          break;
        }
        case 0x65: {
          // APPENDS
          const items = popMark();
          append(top(), items);
          break;
        }
        case 0x73: {
          // SETITEM
          const v = pop();
          const k = pop();
          setItems(top(), [k, v]);
          break;
        }
        case 0x75: {
          // SETITEMS
          const items = popMark();
          setItems(top(), items);
          break;
        }
        case 0x30: // POP
          if (marks.length && marks[marks.length - 1] === stack.length) marks.pop();
          else pop();
          break;
        case 0x31: // POP_MARK
          popMark();
          break;
        case 0x32: // DUP
          stack.push(top());
          break;
        case 0x67: {
          // GET
          const t = line();
          const k = Number(t);
          if (!(k in memo)) fail(`GET of unknown memo key ${t}`);
          stack.push(memo[k]);
          break;
        }
        case 0x68: {
          // BINGET
          const k = u8();
          if (!(k in memo)) fail(`BINGET of unknown memo key ${k}`);
          stack.push(memo[k]);
          break;
        }
        case 0x6a: {
          // LONG_BINGET
          const k = u32();
          if (!(k in memo)) fail(`LONG_BINGET of unknown memo key ${k}`);
          stack.push(memo[k]);
          break;
        }
        case 0x70: // PUT
          put(Number(line()));
          break;
        case 0x71: // BINPUT
          put(u8());
          break;
        case 0x72: // LONG_BINPUT
          put(u32());
          break;
        case 0x94: // MEMOIZE
          put(memoSize);
          break;
        case 0x63: {
          // GLOBAL
          const module = line();
          const name = line();
          stack.push({ kind: 'global', module, name } satisfies PyGlobal);
          break;
        }
        case 0x93: {
          // STACK_GLOBAL
          const name = pop();
          const module = pop();
          if (typeof module !== 'string' || typeof name !== 'string')
            fail('STACK_GLOBAL expects two strings');
          stack.push({
            kind: 'global',
            module: module as string,
            name: name as string,
          } satisfies PyGlobal);
          break;
        }
        case 0x52: {
          // REDUCE
          const args = pop();
          const fn = pop();
          stack.push(call(fn, args));
          break;
        }
        case 0x81: {
          // NEWOBJ
          const args = pop();
          const cls = pop();
          stack.push(call(cls, args));
          break;
        }
        case 0x92: {
          // NEWOBJ_EX
          pop();
          const args = pop();
          const cls = pop();
          stack.push(call(cls, args));
          break;
        }
        case 0x69: {
          // INST
          const module = line();
          const name = line();
          stack.push(call({ kind: 'global', module, name }, popMark()));
          break;
        }
        case 0x6f: {
          // OBJ
          const items = popMark();
          if (items.length === 0) fail('OBJ without a class');
          stack.push(call(items[0], items.slice(1)));
          break;
        }
        case 0x62: {
          // BUILD
          const state = pop();
          try {
            build(top(), state);
          } catch (error) {
            if (error instanceof PickleError) throw error;
            fail((error as Error).message);
          }
          break;
        }
        case 0x50:
        case 0x51:
          fail('persistent ids (PERSID/BINPERSID) are not supported');
          break;
        case 0x82:
        case 0x83:
        case 0x84:
          fail('extension codes (EXT1/2/4) are not supported');
          break;
        case 0x97:
        case 0x98:
          fail('out-of-band buffers (protocol 5 NEXT_BUFFER) are not supported');
          break;
        default:
          fail(`unknown opcode 0x${op.toString(16).padStart(2, '0')} (corrupt or not a pickle)`);
      }
    }
  } catch (error) {
    if (error instanceof PickleError)
      throw new TubekitFormatError(file, `byte ${error.offset}`, `pickle: ${error.message}`);
    if (error instanceof TubekitFormatError) throw error;
    throw new TubekitFormatError(file, `byte ${opStart}`, `pickle: ${(error as Error).message}`);
  }
}

/**
 * Reads and unpickles a file. See {@link unpickle}.
 *
 * @example
 * const gt = await readPickle('fixtures/multisports/gt.pkl');
 */
export async function readPickle(path: string): Promise<PyValue> {
  let bytes: Uint8Array;
  try {
    bytes = await readFile(path);
  } catch (error) {
    throw new TubekitFormatError(path, '', `cannot read: ${(error as Error).message}`);
  }
  return unpickle(bytes, path);
}
