/**
 * The fast lane of the numeric CSV reader (`src/numeric-csv.ts`), in AssemblyScript, compiled to
 * WebAssembly by `tooling/assembly/build-module.mjs` (on install and build). It stores data lines
 * in the common form and stops at the first line that is not, storing nothing of it; the reader's
 * general parser in TypeScript reads that line with every check and the error's wording.
 * `src/numeric-lane.ts` owns the memory layout and states the contract; the two must agree on it.
 *
 * A line is in the common form when its video cell (if the layout has one) is byte for byte the
 * previous row's, every number cell is a plain decimal (optional blanks and sign, at most 15
 * digits with an optional fraction, optional blanks) within its column's range (integers whole),
 * a skipped cell holds no quote, and the line has exactly the layout's cells, ending in `\n` or
 * `\r\n`. Values are exact and the same as the TypeScript parser's: an integer below 10¹⁵ (exact
 * in a double) divided once by an exact power of ten.
 */

/** Where the last `storePlainLines` stopped parsing a number (its `,`, `\r` or `\n`), or −1. */
let scanned: i32 = -1;

/** How many lines the last {@link storePlainLines} stored. */
let stored: i32 = 0;

/** `10^k` for k = 0…22 (all exact doubles). */
const POW10: StaticArray<f64> = [
  1, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15, 1e16, 1e17,
  1e18, 1e19, 1e20, 1e21, 1e22,
];

/** Column kinds, as in `src/numeric-lane.ts`. */
const SKIP: u32 = 0;
const VIDEO: u32 = 1;
const INT: u32 = 2;

/**
 * Bytes per entry of the column table: kind (u32), destination of row 0 (u32), bytes between
 * rows (u32), then the range of values the lane takes (two f64 at 16 and 24; anything outside is
 * left to the TypeScript parser).
 */
const COLUMN_BYTES: usize = 32;

/** The number whose cell starts at `s` (see the module comment); sets {@link scanned}. */
function scanNumber(s: usize): f64 {
  let i = s;
  let c = <u32>load<u8>(i);
  while (c === 32 || c === 9) c = <u32>load<u8>(++i);
  const minus = c === 45;
  if (c === 45 || c === 43) c = <u32>load<u8>(++i);
  let m: u64 = 0;
  const first = i;
  while (c - 48 < 10) {
    m = m * 10 + <u64>(c - 48);
    c = <u32>load<u8>(++i);
  }
  let digits = <i32>(i - first);
  let fraction = 0;
  if (c === 46) {
    const point = i;
    c = <u32>load<u8>(++i);
    while (c - 48 < 10) {
      m = m * 10 + <u64>(c - 48);
      c = <u32>load<u8>(++i);
    }
    fraction = <i32>(i - point - 1);
    digits += fraction;
  }
  while (c === 32 || c === 9) c = <u32>load<u8>(++i);
  if (digits === 0 || digits > 15 || !(c === 44 || c === 10 || c === 13)) {
    scanned = -1;
    return NaN;
  }
  scanned = <i32>i;
  const v = fraction === 0 ? <f64>m : <f64>m / unchecked(POW10[fraction]);
  return minus ? -v : v;
}

/**
 * Stores the line at `p` (complete: a `\n` at or before `last` ends it) as staged row `row`.
 * Returns the index of its `\n`, or −1 (the line is not in the common form).
 */
function storeLine(
  p: usize,
  last: usize,
  columns: usize,
  ncols: i32,
  video: usize,
  videoLength: i32,
  row: i32,
): i32 {
  let i = p;
  let c = <u32>load<u8>(i);
  for (let col = 0; col < ncols; col++) {
    const entry = columns + <usize>col * COLUMN_BYTES;
    const kind = load<u32>(entry);
    if (kind === VIDEO) {
      // the previous row's bytes, then its end where expected (the previous cell holds no `,`,
      // `\n` or `"`, so this is the general parser's comparison)
      const end = i + <usize>videoLength;
      if (end > last) return -1;
      let j: usize = 0;
      const n = <usize>videoLength;
      for (; j + 8 <= n; j += 8) if (load<u64>(i + j) !== load<u64>(video + j)) return -1;
      for (; j < n; j++) if (load<u8>(i + j) !== load<u8>(video + j)) return -1;
      i = end;
      c = <u32>load<u8>(i);
      if (c !== 44 && c !== 10) return -1;
    } else if (kind === SKIP) {
      while (c !== 44 && c !== 10) {
        if (c === 34) return -1;
        c = <u32>load<u8>(++i);
      }
    } else {
      const v = scanNumber(i);
      if (scanned < 0) return -1;
      i = <usize>scanned;
      c = <u32>load<u8>(i);
      if (!(v >= load<f64>(entry, 16) && v <= load<f64>(entry, 24))) return -1;
      const at = <usize>load<u32>(entry, 4) + <usize>row * <usize>load<u32>(entry, 8);
      if (kind === INT) {
        if (v !== Math.floor(v)) return -1;
        store<i32>(at, <i32>v);
      } else store<f64>(at, v);
    }
    if (col + 1 < ncols) {
      if (c !== 44) return -1;
      c = <u32>load<u8>(++i);
    } else {
      if (c === 13) c = <u32>load<u8>(++i);
      if (c !== 10) return -1;
    }
  }
  return <i32>i;
}

/**
 * Stores the complete lines from `p` on (`last` is the index of a `\n`), at most `maxRows`, as
 * staged rows 0, 1, … while each one is in the common form.
 *
 * @param columns the column table (`ncols` entries of {@link COLUMN_BYTES})
 * @param video the previous row's video cell (`videoLength` bytes)
 * @returns the start of the first line not stored; {@link storedLines} tells how many were
 */
export function storePlainLines(
  p: i32,
  last: i32,
  columns: i32,
  ncols: i32,
  video: i32,
  videoLength: i32,
  maxRows: i32,
): i32 {
  let row = 0;
  while (p <= last && row < maxRows) {
    const end = storeLine(
      <usize>p,
      <usize>last,
      <usize>columns,
      ncols,
      <usize>video,
      videoLength,
      row,
    );
    if (end < 0) break;
    row++;
    p = end + 1;
  }
  stored = row;
  return p;
}

/** How many lines the last {@link storePlainLines} stored. */
export function storedLines(): i32 {
  return stored;
}
