import { MAX_COORDINATE } from './csv-number';
import { INT32_LIMIT } from './decimal-number';
import { instantiateModule } from './numeric-lane-wasm.generated';

/**
 * How the fast lane stores one column (the kinds of `CompiledColumns` in numeric-csv.ts):
 * 0 skip, 1 video, 2 int, 3 float.
 */
export interface LaneColumns {
  kind: Uint8Array;
  /** the Int32 column or the Float64 group */
  target: Int32Array;
  /** the group's width and the column's offset in it (floats) */
  stride: Int32Array;
  offset: Int32Array;
  /** the smallest value an int column accepts */
  lowest: Float64Array;
}

/**
 * The values the lane takes without the TypeScript parser's checks: an int column's accepted
 * range, and for floats the coordinate range (a finite score beyond it is read by the parser).
 */
const FLOAT_RANGE = [-MAX_COORDINATE, MAX_COORDINATE] as const;

interface LaneExports {
  memory: { buffer: ArrayBuffer; grow(pages: number): number };
  storePlainLines(
    p: number,
    last: number,
    columns: number,
    ncols: number,
    video: number,
    videoLength: number,
    maxRows: number,
  ): number;
  storedLines(): number;
}

/** Rows staged per call of the lane. */
export const STAGED_ROWS = 4096;
/** Where the reader's regions start: above the module's own static data (a few hundred bytes). */
const BASE = 65536;
/**
 * Bytes per column-table entry: kind, destination of row 0, bytes between rows, then the range of
 * values taken (two doubles at 16).
 */
const COLUMN_BYTES = 32;
const PAGE = 65536;

/**
 * The fast lane of the numeric CSV reader: `assembly/numeric-lane.ts` compiled to WebAssembly
 * (one instance, hence one memory, per reading). The reader copies each chunk of the file in
 * ({@link load}) and the previous row's video cell ({@link setVideo}); {@link store} then parses
 * the complete lines from a position on while they are in the common form (the module's comment
 * says which), up to {@link STAGED_ROWS} rows, into staged columns ({@link ints}, {@link floats})
 * that the reader appends to its own.
 *
 * Memory layout from {@link BASE}: the column table, the staged Int32 columns (one per int slot),
 * the staged Float64 groups (row-major, the group's width per row), the video cell, then the
 * chunk, which grows last.
 */
export class NumericLane {
  private readonly exports: LaneExports;
  private readonly columns: number;
  private readonly ncols: number;
  private readonly video: number;
  private videoCapacity: number;
  private data: number;
  private dataCapacity = 0;
  private videoLength = 0;
  /** Staged rows of each Int32 column (valid after {@link store}, first {@link rows} rows). */
  ints: Int32Array[] = [];
  /** Staged rows of each Float64 group, row-major. */
  floats: Float64Array[] = [];
  /** How many rows the last {@link store} staged. */
  rows = 0;
  private bytes: Uint8Array;
  private readonly intStage: number;
  private readonly floatStages: number[];
  private readonly floatWidths: number[];
  private readonly intColumns: number;

  constructor(columns: LaneColumns, intColumns: number, floatGroups: readonly number[]) {
    this.exports = instantiateModule<LaneExports>();
    this.ncols = columns.kind.length;
    this.intColumns = intColumns;
    this.columns = BASE;
    this.intStage = align8(this.columns + this.ncols * COLUMN_BYTES);
    this.floatWidths = [...floatGroups];
    this.floatStages = [];
    let at = this.intStage + intColumns * STAGED_ROWS * 4;
    at = align8(at);
    for (const w of floatGroups) {
      this.floatStages.push(at);
      at += w * STAGED_ROWS * 8;
    }
    this.video = at;
    this.videoCapacity = 1024;
    this.data = this.video + this.videoCapacity;
    this.bytes = this.reserve(this.data);
    this.views();
    const table = new DataView(this.exports.memory.buffer);
    for (let col = 0; col < this.ncols; col++) {
      const entry = this.columns + col * COLUMN_BYTES;
      const kind = columns.kind[col]!;
      let destination = 0;
      let rowBytes = 0;
      if (kind === 2) {
        destination = this.intStage + columns.target[col]! * STAGED_ROWS * 4;
        rowBytes = 4;
      } else if (kind === 3) {
        destination = this.floatStages[columns.target[col]!]! + columns.offset[col]! * 8;
        rowBytes = columns.stride[col]! * 8;
      }
      const [lowest, highest] = kind === 2 ? [columns.lowest[col]!, INT32_LIMIT] : FLOAT_RANGE;
      table.setUint32(entry, kind, true);
      table.setUint32(entry + 4, destination, true);
      table.setUint32(entry + 8, rowBytes, true);
      table.setFloat64(entry + 16, lowest, true);
      table.setFloat64(entry + 24, highest, true);
    }
  }

  /** Copies the chunk `b[0, filled)` in; positions passed to {@link store} index into it. */
  load(b: Uint8Array, filled: number): void {
    if (filled > this.dataCapacity) {
      this.bytes = this.reserve(this.data + filled);
      this.dataCapacity = this.bytes.length - this.data;
    }
    this.bytes.set(b.subarray(0, filled), this.data);
  }

  /**
   * The previous row's video cell `b[s, e)` (raw bytes) that lines must start with; `b` is the
   * chunk last loaded (a longer cell than ever before moves the chunk up; it is copied in again).
   */
  setVideo(b: Uint8Array, s: number, e: number): void {
    const n = e - s;
    if (n > this.videoCapacity) {
      this.videoCapacity = 2 * n;
      this.data = this.video + this.videoCapacity;
      this.dataCapacity = 0;
      this.load(b, b.length);
    }
    this.bytes.set(b.subarray(s, e), this.video);
    this.videoLength = n;
  }

  /**
   * Stages the complete lines of the chunk from `p` on (`last` is the index of a `\n`) while each
   * is in the common form, at most `maxRows` (≤ {@link STAGED_ROWS}). Returns the start of the
   * first line not staged; {@link rows} holds how many were.
   */
  store(p: number, last: number, maxRows: number): number {
    const { data } = this;
    const q = this.exports.storePlainLines(
      data + p,
      data + last,
      this.columns,
      this.ncols,
      this.video,
      this.videoLength,
      Math.min(maxRows, STAGED_ROWS),
    );
    this.rows = this.exports.storedLines();
    return q - data;
  }

  /** Grows the memory to hold `bytes` bytes; returns a view of all of it. */
  private reserve(bytes: number): Uint8Array {
    const memory = this.exports.memory;
    const missing = bytes - memory.buffer.byteLength;
    if (missing > 0) {
      memory.grow(Math.ceil(missing / PAGE));
      this.views();
    }
    return new Uint8Array(memory.buffer);
  }

  /** (Re)makes the staged columns' views over the memory (after it grew). */
  private views(): void {
    const buffer = this.exports.memory.buffer;
    this.ints = Array.from(
      { length: this.intColumns },
      (_, slot) => new Int32Array(buffer, this.intStage + slot * STAGED_ROWS * 4, STAGED_ROWS),
    );
    this.floats = this.floatStages.map(
      (at, g) => new Float64Array(buffer, at, this.floatWidths[g]! * STAGED_ROWS),
    );
  }
}

/** `n` rounded up to a multiple of 8. */
const align8 = (n: number) => (n + 7) & ~7;
