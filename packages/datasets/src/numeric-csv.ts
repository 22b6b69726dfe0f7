import { open } from 'node:fs/promises';
import {
  type CsvNumberKind,
  csvNumber,
  csvNumberProblem,
  MAX_COORDINATE,
  quoteCell,
  shortList,
} from './csv-number';
import { type CsvHeader, csvHeader, readCsvRows } from './csv-table';
import { INT32_LIMIT } from './decimal-number';
import { TubekitFormatError } from './format-error';
import { type LaneColumns, NumericLane, STAGED_ROWS } from './numeric-lane';

/**
 * How a numeric CSV reader stores one column: the video name (rows are grouped by it), an
 * integer in Int32 column `slot` (range-checked first), a number at `offset` of Float64 group
 * `group` (a group holds `width` numbers per row, e.g. a score or a box), or nothing (an extra
 * column a lenient reader ignores).
 */
export type NumericColumn =
  | { kind: 'video' }
  | { kind: 'int'; check: Extract<CsvNumberKind, 'frame' | 'label' | 'integer'>; slot: number }
  | {
      kind: 'float';
      check: Extract<CsvNumberKind, 'finite' | 'coordinate'>;
      group: number;
      offset: number;
    }
  | { kind: 'skip' };

/** The layout of a numeric CSV, decided from its header. */
export interface NumericLayout {
  /** One entry per header column. */
  columns: NumericColumn[];
  /** How many Int32 columns a row fills. */
  intColumns: number;
  /** The width (numbers per row) of each Float64 group. */
  floatGroups: number[];
}

/** Rows of a numeric CSV as typed columns: a whole file, or all rows of one video. */
export interface NumericRows {
  /** Video names; `videoIndex` indexes into it. */
  videos: string[];
  videoIndex: Int32Array;
  /** One array of `length` integers per Int32 column. */
  ints: Int32Array[];
  /** One array of `length × width` numbers per Float64 group, row-major. */
  floats: Float64Array[];
  /** The 1-based file line of each row (the header counts as a line). */
  line: Int32Array;
  length: number;
}

/** How {@link readNumericCsv} hands rows over. */
export type NumericGrouping =
  /** once, all rows in file order, videos numbered in order of first appearance */
  | 'file'
  /** one call per run of rows of the same video; a video may not come back after another one */
  | 'video';

/**
 * A video's rows come back after rows of another video while reading with grouping `video`.
 * Callers that can afford it read the file whole instead ({@link readNumericCsv} `file`).
 */
export class InterleavedVideosError extends TubekitFormatError {
  constructor(file: string, line: number, video: string) {
    super(
      file,
      `line ${line}`,
      `rows of video ${quoteCell(video)} are not contiguous (the video came before, then another one)`,
    );
    this.name = 'InterleavedVideosError';
  }
}

/** Data lines `[start, end)` of a CSV, as byte offsets of line starts past the header line. */
export interface CsvByteRange {
  start: number;
  end: number;
}

/** A part of a CSV ({@link CsvByteRange}) holds what only a reading of the whole file handles (a quote). */
export class CsvRangeError extends TubekitFormatError {
  constructor(file: string) {
    super(file, '', 'quoted cells: the file is read whole, not in parts');
    this.name = 'CsvRangeError';
  }
}

const CHUNK = 1 << 20;
const POW10 = Array.from({ length: 23 }, (_, i) => 10 ** i);

/**
 * Parses bytes `[s, e)` as a plain decimal number (optional sign, digits with an optional
 * fraction, optional exponent: the grammar of `parseDecimal` in decimal-number.ts); `NaN` for
 * anything else (hex, `Infinity`, empty). Exact: up to 15 significant digits and a decimal
 * exponent within ±22 it is one correctly rounded multiplication or division of exact doubles
 * (Clinger's fast path); anything else goes through `Number()` once the grammar is checked.
 */
function parseDecimal(b: Uint8Array, s: number, e: number): number {
  let i = s;
  let c = b[i];
  const negative = c === 45;
  if (c === 45 || c === 43) i++;
  let m = 0;
  let significant = 0;
  let digits = 0;
  let fraction = 0;
  let slow = false;
  while (i < e) {
    c = b[i]!;
    if (c < 48 || c > 57) break;
    digits++;
    if (m > 0 || c !== 48) {
      if (++significant > 15) slow = true;
      else m = m * 10 + (c - 48);
    }
    i++;
  }
  if (i < e && b[i] === 46) {
    i++;
    while (i < e) {
      c = b[i]!;
      if (c < 48 || c > 57) break;
      digits++;
      if (m > 0 || c !== 48) {
        if (++significant > 15) slow = true;
        else m = m * 10 + (c - 48);
      }
      fraction++;
      i++;
    }
  }
  if (digits === 0) return Number.NaN;
  let exponent = 0;
  if (i < e && (b[i] === 101 || b[i] === 69)) {
    i++;
    let sign = 1;
    if (i < e && (b[i] === 45 || b[i] === 43)) {
      if (b[i] === 45) sign = -1;
      i++;
    }
    const first = i;
    while (i < e) {
      c = b[i]!;
      if (c < 48 || c > 57) break;
      if (exponent < 1e6) exponent = exponent * 10 + (c - 48);
      i++;
    }
    if (i === first) return Number.NaN;
    exponent *= sign;
  }
  if (i !== e) return Number.NaN;
  const e10 = exponent - fraction;
  if (slow || e10 < -22 || e10 > 22) {
    return Number(Buffer.from(b.buffer, b.byteOffset + s, e - s).toString('latin1'));
  }
  const v = e10 >= 0 ? m * POW10[e10]! : m / POW10[-e10]!;
  return negative ? -v : v;
}

/** Where the cell read by {@link scanNumber} ended (its `,`, `\r` or `\n`), or −1. */
let scanned = -1;

/**
 * The common case of a number cell in one pass: optional blanks and sign, at most 15 digits with
 * an optional fraction, optional blanks, then the end of the cell. The value is exact (an integer
 * below 10¹⁵, divided once by an exact power of ten). Anything else (exponents, more digits,
 * other characters) sets {@link scanned} to −1 for the caller's full path.
 */
function scanNumber(b: Uint8Array, s: number): number {
  let i = s;
  let c = b[i]!;
  while (c === 32 || c === 9) c = b[++i]!;
  // the sign without a branch: code that first runs on a rare negative cell, after a loop was
  // compiled without type feedback for it, would throw the compiled code away
  const minus = c === 45 ? 1 : 0;
  i += minus | (c === 43 ? 1 : 0);
  c = b[i]!;
  let m = 0;
  const first = i;
  while (c >= 48 && c <= 57) {
    m = m * 10 + (c - 48);
    c = b[++i]!;
  }
  let digits = i - first;
  let fraction = 0;
  if (c === 46) {
    const point = i;
    c = b[++i]!;
    while (c >= 48 && c <= 57) {
      m = m * 10 + (c - 48);
      c = b[++i]!;
    }
    fraction = i - point - 1;
    digits += fraction;
  }
  while (c === 32 || c === 9) c = b[++i]!;
  if (digits === 0 || digits > 15 || !(c === 44 || c === 10 || c === 13)) {
    scanned = -1;
    return Number.NaN;
  }
  scanned = i;
  return (1 - 2 * minus) * (fraction === 0 ? m : m / POW10[fraction]!);
}

/** Growable typed columns for the rows of {@link readNumericCsv}. */
class RowStore {
  capacity = 4096;
  length = 0;
  ints: Int32Array[];
  floats: Float64Array[];
  line = new Int32Array(this.capacity);
  videoIndex = new Int32Array(this.capacity);

  constructor(readonly layout: NumericLayout) {
    this.ints = Array.from({ length: layout.intColumns }, () => new Int32Array(this.capacity));
    this.floats = layout.floatGroups.map((w) => new Float64Array(this.capacity * w));
  }

  /** Makes room for one more row and returns its index. */
  add(): number {
    if (this.length === this.capacity) this.grow();
    return this.length++;
  }

  /** Doubles the capacity (the stored rows kept). */
  grow(): void {
    const capacity = this.capacity * 2;
    const widen = <T extends Int32Array | Float64Array>(
      a: T,
      n: number,
      make: (n: number) => T,
    ) => {
      const b = make(n);
      b.set(a);
      return b;
    };
    this.ints = this.ints.map((a) => widen(a, capacity, (n) => new Int32Array(n)));
    this.floats = this.floats.map((a, g) =>
      widen(a, capacity * this.layout.floatGroups[g]!, (n) => new Float64Array(n)),
    );
    this.line = widen(this.line, capacity, (n) => new Int32Array(n));
    this.videoIndex = widen(this.videoIndex, capacity, (n) => new Int32Array(n));
    this.capacity = capacity;
  }

  /**
   * Appends the rows the fast lane staged: file lines `line + 1, …`, all of video `videoIndex`.
   * The lane staged at most the room {@link room} gave.
   */
  append(lane: NumericLane, line: number, videoIndex: number): void {
    const n = lane.rows;
    const at = this.length;
    for (let slot = 0; slot < this.ints.length; slot++)
      this.ints[slot]!.set(lane.ints[slot]!.subarray(0, n), at);
    for (let g = 0; g < this.floats.length; g++) {
      const w = this.layout.floatGroups[g]!;
      this.floats[g]!.set(lane.floats[g]!.subarray(0, n * w), at * w);
    }
    for (let k = 0; k < n; k++) this.line[at + k] = line + k + 1;
    this.videoIndex.fill(videoIndex, at, at + n);
    this.length = at + n;
  }

  /** How many rows fit without growing (growing first when full). */
  room(): number {
    if (this.length === this.capacity) this.grow();
    return this.capacity - this.length;
  }

  /** Makes row `row` the only row (its columns copied to row 0). */
  moveToFront(row: number): void {
    for (const a of this.ints) a[0] = a[row]!;
    this.floats.forEach((a, g) => {
      const w = this.layout.floatGroups[g]!;
      a.copyWithin(0, row * w, (row + 1) * w);
    });
    this.line[0] = this.line[row]!;
    this.length = 1;
  }

  /** The stored rows as views of the store's arrays: valid until the store is written again. */
  view(videos: string[]): NumericRows {
    const n = this.length;
    return {
      videos,
      videoIndex: this.videoIndex.subarray(0, n),
      ints: this.ints.map((a) => a.subarray(0, n)),
      floats: this.floats.map((a, g) => a.subarray(0, n * this.layout.floatGroups[g]!)),
      line: this.line.subarray(0, n),
      length: n,
    };
  }

  /** Right-sized copies of the stored rows. */
  take(videos: string[]): NumericRows {
    const n = this.length;
    return {
      videos,
      videoIndex: this.videoIndex.slice(0, n),
      ints: this.ints.map((a) => a.slice(0, n)),
      floats: this.floats.map((a, g) => a.slice(0, n * this.layout.floatGroups[g]!)),
      line: this.line.slice(0, n),
      length: n,
    };
  }
}

const isBlank = (c: number) => c === 32 || c === 9;

/** The columns of a {@link NumericLayout} as flat arrays, for the hot loops. */
function compileColumns(l: NumericLayout): LaneColumns {
  const n = l.columns.length;
  const t: LaneColumns = {
    kind: new Uint8Array(n),
    target: new Int32Array(n),
    stride: new Int32Array(n),
    offset: new Int32Array(n),
    lowest: new Float64Array(n),
  };
  l.columns.forEach((c, i) => {
    if (c.kind === 'video') t.kind[i] = 1;
    else if (c.kind === 'int') {
      t.kind[i] = 2;
      t.target[i] = c.slot;
      t.lowest[i] = c.check === 'frame' ? 1 : c.check === 'label' ? 0 : -INT32_LIMIT;
    } else if (c.kind === 'float') {
      t.kind[i] = 3;
      t.target[i] = c.group;
      t.stride[i] = l.floatGroups[c.group]!;
      t.offset[i] = c.offset;
    }
  });
  return t;
}

/** Options of {@link readNumericCsv} and {@link readNumericCsvByVideo}. */
export interface NumericReadOptions {
  /**
   * Read only these data lines (after the header of line 1); their line numbers count as if
   * they followed the header. A quote in them is a {@link CsvRangeError} (fast-csv reads whole
   * files only).
   */
  range?: CsvByteRange;
  /**
   * Hand rows over as views of the reader's own arrays instead of copies: valid until the
   * callback returns, then overwritten. For consumers that keep nothing of them (an evaluator
   * that takes what it needs), it saves a copy of every row. Default `false`.
   */
  borrow?: boolean;
}

/**
 * Streams a numeric CSV (the canonical frame and tubelet detection formats) into typed columns
 * without a per-row object: bytes are split and numbers parsed in place, a chunk (1 MiB) at a
 * time, so memory holds one chunk plus the rows not yet handed over (one video's with grouping
 * `video`). Lines in the common form (the previous row's video, plain numbers in range) are
 * parsed in WebAssembly ({@link NumericLane}); every other line by the TypeScript parser here.
 * Every number is checked before it is stored (`csv-number.ts`: plain decimals only,
 * integers within Int32, coordinates within ±1e7). A file with a quote character (quoted video
 * names) is read from that line on by fast-csv, with the same checks. Errors are
 * {@link TubekitFormatError}s naming the file, the 1-based file line and the column.
 *
 * @param layout decides, from the header, how each column is stored (throws on a bad header)
 * @param onRows receives the rows: once (`file`) or per run of one video (`video`; a video that
 *   comes back after another one is an {@link InterleavedVideosError})
 */
export async function readNumericCsv(
  path: string,
  layout: (header: CsvHeader) => NumericLayout,
  grouping: NumericGrouping,
  onRows: (rows: NumericRows) => void,
  { range, borrow = false }: NumericReadOptions = {},
): Promise<void> {
  const handle = await open(path, 'r').catch((error: NodeJS.ErrnoException) => {
    throw new TubekitFormatError(path, '', `cannot read CSV: ${error.code ?? error.message}`);
  });
  let spec: NumericLayout | undefined;
  let header: CsvHeader | undefined;
  let store: RowStore | undefined;
  const videos: string[] = [];
  const ids = new Map<string, number>();
  let current = -1;
  let lastVideo = Buffer.alloc(256);
  let lastVideoLength = -1;
  /** The fast lane (WebAssembly), once the header has given the layout. */
  let lane: NumericLane | undefined;
  /** Keeps the raw video cell `b[s, e)` of the chunk `b` as the one the next row is compared with. */
  const rememberVideo = (b: Buffer, s: number, e: number) => {
    const n = e - s;
    if (n > lastVideo.length) lastVideo = Buffer.alloc(2 * n);
    b.copy(lastVideo, 0, s, e);
    lastVideoLength = n;
    lane?.setVideo(b, s, e);
  };
  let line = 0;

  const flush = () => {
    if (store && store.length > 0) {
      const names = grouping === 'video' ? [videos[current]!] : videos;
      onRows(borrow ? store.view(names) : store.take(names));
      store.length = 0;
    }
  };
  /** The id of a video name (in order of first appearance); a video back after another is an error with grouping `video`. */
  const videoId = (name: string, at: number): number => {
    if (name === '')
      throw new TubekitFormatError(path, `line ${at}, column video`, 'expected a video name');
    let id = ids.get(name);
    if (id === undefined) {
      id = videos.length;
      videos.push(name);
      ids.set(name, id);
    } else if (grouping === 'video' && id !== current)
      throw new InterleavedVideosError(path, at, name);
    return id;
  };
  /**
   * Row `row` (complete, the last stored) belongs to video `id`: with grouping `video`, a new
   * video first hands over the rows before it.
   */
  const enter = (id: number, row: number) => {
    const st = store!;
    if (grouping === 'video') {
      if (id !== current && current >= 0 && row > 0) {
        st.length = row;
        flush();
        st.moveToFront(row);
      }
      st.videoIndex[st.length - 1] = 0;
    } else st.videoIndex[row] = id;
    current = id;
  };
  const fail = (column: number, detail: string): never => {
    throw new TubekitFormatError(path, `line ${line}, column ${header!.names[column]}`, detail);
  };
  const cellText = (b: Buffer, s: number, e: number) => b.toString('utf8', s, Math.min(e, s + 100));

  /** Parses one data line `[p, e)` of `b`; `false` when it holds a quote (fast-csv takes over). */
  let columns: LaneColumns | undefined;
  const check = (col: number, v: number, b: Buffer, cs: number, ce: number) => {
    const column = spec!.columns[col]!;
    if (column.kind !== 'int' && column.kind !== 'float') return;
    const problem = csvNumberProblem(v, cellText(b, cs, ce), column.check);
    if (problem !== undefined) fail(col, problem);
  };

  /**
   * Parses the data line starting at `p` (complete: a `\n` ends it within `b`) into the store.
   * Returns the index of its `\n`, or −1 (nothing stored) when it holds a quote, for fast-csv to
   * take over.
   */
  const parseLine = (b: Buffer, p: number): number => {
    const {
      kind: kindOf,
      target: targetOf,
      stride: strideOf,
      offset: offsetOf,
      lowest: lowestOf,
    } = columns!;
    const ncols = kindOf.length;
    const st = store!;
    const row = st.add();
    const { ints, floats } = st;
    let s = p;
    let col = 0;
    let vs = -1;
    let ve = -1;
    let same = false;
    let end = -1;
    for (;;) {
      const kind = col < ncols ? kindOf[col]! : 0;
      let q: number;
      let v = Number.NaN;
      if (kind >= 2) {
        v = scanNumber(b, s);
        q = scanned;
      } else if (kind === 1 && vs < 0) {
        // the video cell: compared with the previous row's while scanning for its end
        q = s;
        let c = b[q]!;
        let k = 0;
        same = true;
        while (c !== 44 && c !== 10 && c !== 34) {
          if (c !== lastVideo[k++]) same = false;
          c = b[++q]!;
        }
        if (c === 34) {
          st.length--;
          return -1;
        }
        vs = s;
        ve = q;
        if (k !== lastVideoLength) same = false;
      } else q = -1;
      let cs = s;
      let ce = q;
      if (q < 0) {
        // the cell's end, by scanning; a quote hands the file over to fast-csv
        q = s;
        let c = b[q]!;
        while (c !== 44 && c !== 10) {
          if (c === 34) {
            st.length--;
            return -1;
          }
          c = b[++q]!;
        }
        ce = q > s && b[q - 1] === 13 && c === 10 ? q - 1 : q;
        while (cs < ce && isBlank(b[cs]!)) cs++;
        while (ce > cs && isBlank(b[ce - 1]!)) ce--;
        if (kind >= 2) v = parseDecimal(b, cs, ce);
        else if (kind === 1) {
          vs = s;
          ve = q;
          same = false;
        }
      }
      if (kind === 3) {
        // fast accept of the common case; anything else gets the full check and message
        if (!(v >= -MAX_COORDINATE && v <= MAX_COORDINATE)) check(col, v, b, cs, ce);
        floats[targetOf[col]!]![row * strideOf[col]! + offsetOf[col]!] = v;
      } else if (kind === 2) {
        if (!(v >= lowestOf[col]! && v <= INT32_LIMIT && v === Math.floor(v)))
          check(col, v, b, cs, ce);
        ints[targetOf[col]!]![row] = v;
      }
      col++;
      const c = b[q]!;
      if (c === 44) s = q + 1;
      else {
        end = c === 13 ? q + 1 : q;
        if (b[end] !== 10) {
          // a carriage return inside a cell: not a number, not a line end
          if (kind >= 2) check(col - 1, Number.NaN, b, cs, ce);
          end = b.indexOf(10, end);
        }
        break;
      }
    }
    if (col !== ncols) {
      let blank = true;
      for (let k = p; blank && k < end; k++) blank = isBlank(b[k]!) || b[k] === 13;
      if (blank) {
        st.length--;
        return end;
      }
      throw new TubekitFormatError(
        path,
        `line ${line}`,
        `expected ${ncols} cells (${shortList(header!.names)}), got ${col}`,
      );
    }
    st.line[row] = line;
    // the video last: a quote later in the line must leave no trace
    let video = current;
    if (!same) {
      // the raw cell (blanks and a line's \r included) is what the next row is compared with
      let ts = vs;
      let te = ve > vs && b[ve - 1] === 13 && b[ve] === 10 ? ve - 1 : ve;
      while (ts < te && isBlank(b[ts]!)) ts++;
      while (te > ts && isBlank(b[te - 1]!)) te--;
      video = videoId(b.toString('utf8', ts, te), line);
      rememberVideo(b, vs, ve);
    }
    enter(video, row);
    return end;
  };

  /** One row read by fast-csv (a quoted file), checked like the fast path's. */
  const fallbackRow = (cells: string[], at: number): void => {
    line = at;
    lastVideoLength = -1;
    if (!header) {
      header = csvHeader(cells);
      spec = layout(header);
      store = new RowStore(spec);
      return;
    }
    const cols = spec!.columns;
    if (cells.length !== cols.length)
      throw new TubekitFormatError(
        path,
        `line ${at}`,
        `expected ${cols.length} cells (${shortList(header.names)}), got ${cells.length}`,
      );
    const st = store!;
    const row = st.add();
    let video = current;
    for (let col = 0; col < cols.length; col++) {
      const column = cols[col]!;
      const name = header.names[col]!;
      if (column.kind === 'video') video = videoId(cells[col]!, at);
      else if (column.kind === 'int')
        st.ints[column.slot]![row] = csvNumber(cells[col], column.check, path, at, name);
      else if (column.kind === 'float')
        st.floats[column.group]![row * spec!.floatGroups[column.group]! + column.offset] =
          csvNumber(cells[col], column.check, path, at, name);
    }
    st.line[row] = at;
    enter(video, row);
  };

  /**
   * When the video column comes first and the line at `p` starts with another video than the
   * previous row's, as a plain cell (no quote, blank or carriage return), makes it the current
   * video (handing over the previous video's rows with grouping `video`) so that the fast lane
   * reads the line. `false` for anything else: the general parser reads the line.
   */
  const enterPlainVideo = (b: Buffer, p: number): boolean => {
    if (columns?.kind[0] !== 1) return false;
    let q = p;
    let c = b[q]!;
    while (c !== 44 && c !== 10 && c !== 34 && c !== 13 && c !== 32 && c !== 9) c = b[++q]!;
    if (c !== 44 || q === p) return false;
    if (q - p === lastVideoLength && b.compare(lastVideo, 0, lastVideoLength, p, q) === 0)
      return false;
    const id = videoId(b.toString('utf8', p, q), line);
    if (grouping === 'video' && id !== current) flush();
    current = id;
    rememberVideo(b, p, q);
    return true;
  };

  try {
    let buffer = Buffer.allocUnsafe(CHUNK);
    let filled = 0;
    let base = 0; // file offset of buffer[0]
    let limit = Number.MAX_SAFE_INTEGER; // file offset where reading stops
    let eof = false;
    reading: for (;;) {
      if (filled === buffer.length) {
        const bigger = Buffer.allocUnsafe(2 * buffer.length);
        buffer.copy(bigger, 0, 0, filled);
        buffer = bigger;
      }
      const { bytesRead } = await handle
        .read(
          buffer,
          filled,
          Math.min(buffer.length - filled, limit - base - filled),
          base + filled,
        )
        .catch((error: NodeJS.ErrnoException) => {
          throw new TubekitFormatError(path, '', `cannot read CSV: ${error.code ?? error.message}`);
        });
      filled += bytesRead;
      if (bytesRead === 0) {
        eof = true;
        // a last line without a newline gets one, so that every line ends with \n
        if (filled > 0 && buffer[filled - 1] !== 10) {
          if (filled === buffer.length) {
            const bigger = Buffer.allocUnsafe(buffer.length + 1);
            buffer.copy(bigger, 0, 0, filled);
            buffer = bigger;
          }
          buffer[filled++] = 10;
        }
      }
      let p = 0;
      if (
        base === 0 &&
        filled >= 3 &&
        buffer[0] === 0xef &&
        buffer[1] === 0xbb &&
        buffer[2] === 0xbf
      )
        p = 3;
      const last = filled > 0 ? buffer.lastIndexOf(10, filled - 1) : -1;
      lane?.load(buffer, filled);
      while (p <= last) {
        if (lastVideoLength >= 0 && lane) {
          // the fast lane stores what it can; it stops at a line it cannot take, or when the
          // room it was given is full (then it goes on)
          const st = store!;
          const videoIndex = grouping === 'video' ? 0 : current;
          for (;;) {
            const room = Math.min(st.room(), STAGED_ROWS);
            p = lane.store(p, last, room);
            st.append(lane, line, videoIndex);
            line += lane.rows;
            if (lane.rows < room || p > last) break;
          }
          if (p > last) break;
        }
        line++;
        const c = buffer[p]!;
        if (c === 10) {
          p++;
          continue;
        }
        if (c === 13 && buffer[p + 1] === 10) {
          p += 2;
          continue;
        }
        if (!header) {
          const nl = buffer.indexOf(10, p);
          const text = buffer.toString('utf8', p, nl > p && buffer[nl - 1] === 13 ? nl - 1 : nl);
          p = nl + 1;
          if (text.trim() === '') continue;
          if (text.includes('"')) {
            if (range) throw new CsvRangeError(path);
            line = 0;
            await readCsvRows(path, 0, 0, fallbackRow);
            break reading;
          }
          header = csvHeader(text.split(',').map((name) => name.trim()));
          spec = layout(header);
          store = new RowStore(spec);
          columns = compileColumns(spec);
          lane = new NumericLane(columns, spec.intColumns, spec.floatGroups);
          lane.load(buffer, filled);
          if (range) {
            base = range.start;
            limit = range.end;
            filled = 0;
            line = 1;
            continue reading;
          }
          continue;
        }
        if (enterPlainVideo(buffer, p)) {
          line--; // the fast lane reads this line now
          continue;
        }
        const end = parseLine(buffer, p);
        if (end < 0) {
          if (range) throw new CsvRangeError(path);
          await readCsvRows(path, base + p, line - 1, fallbackRow);
          break reading;
        }
        p = end + 1;
      }
      if (eof) break;
      buffer.copy(buffer, 0, p, filled);
      base += p;
      filled -= p;
    }
  } finally {
    await handle.close();
  }
  if (!header) throw new TubekitFormatError(path, 'line 1', 'empty file: missing header row');
  flush();
}

/** The rows `order` of `rows` (a gather of every column), as rows of the single video `video`. */
function selectRows(
  rows: NumericRows,
  order: Int32Array,
  widths: number[],
  video: string,
): NumericRows {
  const n = order.length;
  const gather = <T extends Int32Array | Float64Array>(a: T, w: number, out: T): T => {
    for (let i = 0; i < n; i++) {
      const r = order[i]!;
      for (let k = 0; k < w; k++) out[i * w + k] = a[r * w + k]!;
    }
    return out;
  };
  return {
    videos: [video],
    videoIndex: new Int32Array(n),
    ints: rows.ints.map((a) => gather(a, 1, new Int32Array(n))),
    floats: rows.floats.map((a, g) => gather(a, widths[g]!, new Float64Array(n * widths[g]!))),
    line: gather(rows.line, 1, new Int32Array(n)),
    length: n,
  };
}

/** Row indices `[0, n)` stably sorted by `key` (a counting sort would need a bounded key). */
function stableOrder(key: Int32Array): Int32Array {
  const order = new Int32Array(key.length);
  let sorted = true;
  for (let i = 0; i < key.length; i++) {
    order[i] = i;
    if (i > 0 && key[i]! < key[i - 1]!) sorted = false;
  }
  if (!sorted) order.sort((a, b) => key[a]! - key[b]! || a - b);
  return order;
}

/**
 * Reads a numeric CSV one video at a time, in constant memory when each video's rows are
 * contiguous (the order every tubekit writer and most detectors produce). When a video comes back
 * after another one, the reading starts over: `start` is called again for a fresh consumer and
 * the file is read whole, then handed over video by video (in order of first appearance). With
 * `sortColumn`, each video's rows are stably sorted by that Int32 column (e.g. the frame). With
 * `range`, only those data lines are read, and interleaved videos are an error.
 *
 * @param start returns the consumer of one video's rows; called once, or twice on a restart
 */
export async function readNumericCsvByVideo(
  path: string,
  layout: (header: CsvHeader) => NumericLayout,
  sortColumn: number | undefined,
  start: () => (rows: NumericRows) => void,
  options: NumericReadOptions = {},
): Promise<void> {
  const { range } = options;
  let widths: number[] = [];
  const withWidths = (header: CsvHeader) => {
    const l = layout(header);
    widths = l.floatGroups;
    return l;
  };
  const sorted = (rows: NumericRows) =>
    sortColumn === undefined
      ? rows
      : selectRows(rows, stableOrder(rows.ints[sortColumn]!), widths, rows.videos[0]!);
  const consumer = start();
  try {
    await readNumericCsv(path, withWidths, 'video', (rows) => consumer(sorted(rows)), options);
    return;
  } catch (error) {
    if (!(error instanceof InterleavedVideosError) || range) throw error;
  }
  const again = start();
  let all: NumericRows | undefined;
  await readNumericCsv(path, withWidths, 'file', (rows) => {
    all = rows;
  });
  if (!all) return;
  const { videoIndex, videos } = all;
  const count = new Int32Array(videos.length + 1);
  for (let i = 0; i < all.length; i++) count[videoIndex[i]! + 1]++;
  for (let v = 0; v < videos.length; v++) count[v + 1] += count[v]!;
  const fill = count.slice(0, videos.length);
  const order = new Int32Array(all.length);
  for (let i = 0; i < all.length; i++) order[fill[videoIndex[i]!]!++] = i;
  for (let v = 0; v < videos.length; v++)
    again(sorted(selectRows(all, order.subarray(count[v]!, count[v + 1]!), widths, videos[v]!)));
}
