import { once } from 'node:events';
import { createReadStream } from 'node:fs';
import { openAtomicWriteStream } from '@tubekit/report';
import { csvNumber, shortList } from './csv-number';
import { TubekitFormatError } from './format-error';
import { loadFastCsv } from './load-fast-csv';

/** The header of a CSV file as read: column name → index, and the 1-based line of each row. */
export interface CsvHeader {
  columns: Map<string, number>;
  names: string[];
  /** Column names that occur more than once (an error once the header is known to be one). */
  duplicates: string[];
}

/** The {@link CsvHeader} of a header row's (trimmed) cells. */
export function csvHeader(names: string[]): CsvHeader {
  const columns = new Map<string, number>();
  const duplicates: string[] = [];
  names.forEach((name, i) => {
    if (columns.has(name)) duplicates.push(name);
    else columns.set(name, i);
  });
  return { columns, names, duplicates };
}

/**
 * Reads a row's video name (non-empty, else a {@link TubekitFormatError} naming the file and line)
 * and returns its index in `videos`, appending names the first time they are seen.
 */
export function csvVideoIndex(
  cell: string | undefined,
  file: string,
  line: number,
  videos: string[],
  ids: Map<string, number>,
): number {
  const video = cell ?? '';
  if (video === '')
    throw new TubekitFormatError(file, `line ${line}, column video`, 'expected a video name');
  let id = ids.get(video);
  if (id === undefined) {
    id = videos.length;
    videos.push(video);
    ids.set(video, id);
  }
  return id;
}

/** The canonical box columns, in order. */
export const BOX_COLUMNS = ['x1', 'y1', 'x2', 'y2'] as const;

/**
 * Reads one `[x1, y1, x2, y2]` box from four cells, checks that each is a coordinate
 * ({@link csvNumber} `coordinate`: a decimal with |x| ≤ 1e7) and —
 * unless `allowReversed` — that `x2 ≥ x1` and `y2 ≥ y1` (formats.md), and appends it to `out`.
 * Errors are {@link TubekitFormatError}s naming the file, line and column.
 *
 * @param columns cell indices of x1, y1, x2, y2
 * @param names the four columns' names for messages, e.g. `['x1_2', 'y1_2', 'x2_2', 'y2_2']`
 */
export function csvBox(
  cells: readonly (string | undefined)[],
  columns: readonly [number, number, number, number],
  names: readonly [string, string, string, string],
  file: string,
  line: number,
  out: { push(value: number): unknown },
  allowReversed = false,
): void {
  const x1 = csvNumber(cells[columns[0]], 'coordinate', file, line, names[0]);
  const y1 = csvNumber(cells[columns[1]], 'coordinate', file, line, names[1]);
  const x2 = csvNumber(cells[columns[2]], 'coordinate', file, line, names[2]);
  const y2 = csvNumber(cells[columns[3]], 'coordinate', file, line, names[3]);
  if (!allowReversed && x2 < x1)
    throw new TubekitFormatError(
      file,
      `line ${line}, column ${names[2]}`,
      `expected x2 ≥ x1 = ${x1}, got ${x2}`,
    );
  if (!allowReversed && y2 < y1)
    throw new TubekitFormatError(
      file,
      `line ${line}, column ${names[3]}`,
      `expected y2 ≥ y1 = ${y1}, got ${y2}`,
    );
  out.push(x1);
  out.push(y1);
  out.push(x2);
  out.push(y2);
}

/**
 * Checks `x2 ≥ x1` and `y2 ≥ y1` of every box in rows of `K` boxes (`boxes` holds `4·K` numbers
 * per row), naming the file line and column of the first that is not (formats.md: degenerate
 * boxes only with lenient reading).
 *
 * @param names the column names of the `4·K` coordinates, e.g. `x1,y1,x2,y2`
 */
export function checkBoxOrder(
  file: string,
  boxes: Float64Array,
  K: number,
  line: Int32Array,
  names: readonly string[],
): void {
  for (let i = 0; i < boxes.length; i += 4) {
    const x1 = boxes[i]!;
    const y1 = boxes[i + 1]!;
    const x2 = boxes[i + 2]!;
    const y2 = boxes[i + 3]!;
    if (x2 >= x1 && y2 >= y1) continue;
    const row = Math.floor(i / (4 * K));
    const k = (i / 4) % K;
    const x = x2 < x1;
    throw new TubekitFormatError(
      file,
      `line ${line[row]}, column ${names[4 * k + (x ? 2 : 3)]}`,
      x ? `expected x2 ≥ x1 = ${x1}, got ${x2}` : `expected y2 ≥ y1 = ${y1}, got ${y2}`,
    );
  }
}

/**
 * Streams a CSV file with fast-csv from byte `start` (a line start; 0 for the whole file):
 * every non-empty row goes to `onRow` with its 1-based file line (`linesBefore` lines precede
 * `start`). Parse errors and unreadable files become {@link TubekitFormatError}s; an error thrown
 * by `onRow` stops the reading and is passed on. (Line numbers count physical lines; quoted cells
 * spanning lines are not expected in these formats.)
 */
export async function readCsvRows(
  file: string,
  start: number,
  linesBefore: number,
  onRow: (cells: string[], line: number) => void,
): Promise<void> {
  let line = linesBefore;
  const { parse } = await loadFastCsv();
  const source = createReadStream(file, { start });
  const stream = parse<string[], string[]>({ headers: false, trim: true });
  // 'data' events rather than `for await`: one promise per row would dominate the cost
  await new Promise<void>((resolve, reject) => {
    let failed = false;
    const fail = (error: unknown) => {
      if (failed) return;
      failed = true;
      source.unpipe(stream);
      source.destroy();
      stream.destroy();
      if (error instanceof TubekitFormatError) reject(error);
      else {
        const message = (error as Error)?.message ?? String(error);
        reject(
          new TubekitFormatError(
            file,
            line ? `line ${line + 1}` : '',
            `cannot read CSV: ${message.length > 200 ? `${message.slice(0, 197)}...` : message}`,
          ),
        );
      }
    };
    // pipe() does not forward a source error (e.g. a missing file): without this we would wait forever
    source.on('error', fail);
    stream.on('error', fail);
    stream.on('data', (cells: string[]) => {
      if (failed) return;
      line++;
      if (cells.length === 0 || (cells.length === 1 && cells[0] === '')) return;
      try {
        onRow(cells, line);
      } catch (error) {
        fail(error);
      }
    });
    stream.on('end', () => {
      if (!failed) resolve();
    });
    source.pipe(stream);
  });
}

/**
 * Streams a CSV file with fast-csv: the first non-empty row is the header, checked by
 * `onHeader`; every following non-empty row goes to `onRow` with its 1-based file line.
 * Parse errors, unreadable files, rows with the wrong number of cells and a missing header
 * become {@link TubekitFormatError}s.
 */
export async function readCsvTable(
  file: string,
  onHeader: (header: CsvHeader) => void,
  onRow: (cells: string[], line: number) => void,
): Promise<void> {
  let header: CsvHeader | undefined;
  await readCsvRows(file, 0, 0, (cells, line) => {
    if (!header) {
      header = csvHeader(cells);
      onHeader(header);
      return;
    }
    if (cells.length !== header.names.length)
      throw new TubekitFormatError(
        file,
        `line ${line}`,
        `expected ${header.names.length} cells (${shortList(header.names)}), got ${cells.length}`,
      );
    onRow(cells, line);
  });
  if (!header) throw new TubekitFormatError(file, 'line 1', 'empty file: missing header row');
}

/**
 * Checks that a header has every `required` column; columns neither required nor `optional`
 * are an error unless `allowUnknown`. Returns the index of each required/optional column
 * (−1 for an absent optional one).
 */
export function csvColumns<R extends string, O extends string>(
  file: string,
  header: CsvHeader,
  required: readonly R[],
  optional: readonly O[],
  allowUnknown = false,
): Record<R | O, number> {
  const missing = required.filter((name) => !header.columns.has(name));
  if (missing.length)
    throw new TubekitFormatError(
      file,
      'line 1',
      `missing header: expected columns ${required.join(',')}${optional.length ? ` (optional ${optional.join(',')})` : ''}, got ${shortList(header.names)}`,
    );
  if (header.duplicates.length)
    throw new TubekitFormatError(
      file,
      'line 1',
      `duplicate header column ${shortList(header.duplicates)}`,
    );
  if (!allowUnknown) {
    const known = new Set<string>([...required, ...optional]);
    const unknown = header.names.filter((name) => !known.has(name));
    if (unknown.length)
      throw new TubekitFormatError(
        file,
        'line 1',
        `unknown column ${shortList(unknown)} (expected ${[...known].join(',')})`,
      );
  }
  const out = {} as Record<R | O, number>;
  for (const name of [...required, ...optional] as (R | O)[])
    out[name] = header.columns.get(name) ?? -1;
  return out;
}

/**
 * Writes a CSV file atomically with fast-csv: `header` first, then every row from `rows`
 * (numbers in their shortest round-trip form). The file appears at `path` only when complete;
 * if `rows` throws, nothing is written.
 */
export async function writeCsvTable(
  path: string,
  header: readonly string[],
  rows: Iterable<readonly (string | number)[]>,
): Promise<void> {
  const { format } = await loadFastCsv();
  const out = openAtomicWriteStream(path);
  const csv = format<readonly (string | number)[], readonly (string | number)[]>({
    headers: [...header],
    includeEndRowDelimiter: true,
  });
  csv.pipe(out.stream, { end: false });
  try {
    for (const row of rows) {
      if (!csv.write(row)) await once(csv, 'drain');
    }
    const ended = once(csv, 'end');
    csv.end();
    await ended;
    await out.commit();
  } catch (error) {
    csv.destroy();
    await out.abort();
    throw error;
  }
}
