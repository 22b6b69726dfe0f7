import { createReadStream } from 'node:fs';
import { INT32_LIMIT, parseDecimal } from './decimal-number';
import { errorLine, quoteInput, TubekitFormatError } from './format-error';
import { GrowableArray } from './growable';
import { loadFastCsv } from './load-fast-csv';

/**
 * The rows of an official AVA CSV, columnar. Row `i`: video `videos[videoIndex[i]]`, keyframe
 * `timestamp[i]` (seconds, as written: `0902` and `902` both read 902), normalised box
 * `boxes[4i … 4i+3]` = `[x1, y1, x2, y2]` in 0…1, AVA action id `action[i]` (1-based) and
 * `score[i]`. A 2-column row (`video_id, timestamp`: a keyframe listed without boxes, AVA 2020
 * GT) has `action` −1 and a zero box. `line[i]` is the row's 1-based line in the file.
 */
export interface AvaCsvRows {
  file: string;
  videos: string[];
  videoIndex: Int32Array;
  timestamp: Float64Array;
  boxes: Float64Array;
  action: Int32Array;
  /** Detection score (8th column of a detection file); 1 where absent. For GT files the 8th column is the person id and is kept in `personId` instead. */
  score: Float64Array;
  /** GT person id (8th column of a GT file); −1 where absent. */
  personId: Int32Array;
  line: Int32Array;
  length: number;
}

/** What went wrong in lenient mode, per kind (counted rows). */
export interface AvaCsvWarnings {
  /** Rows skipped: wrong column count, a cell that is not a decimal number, a coordinate outside [0, 1] or an action id that is not an integer ≥ 1. */
  malformed: number;
  /** Detection rows skipped for a NaN, infinite or negative score. */
  badScore: number;
  /** Rows kept although x2 < x1 or y2 < y1 (the protocol then drops them or scores them as false positives). */
  invertedBox: number;
}

/** Options of {@link readAvaCsv}. */
export interface ReadAvaCsvOptions {
  /** `'ground-truth'`: 7 or 8 columns (8th = person id), 2-column rows allowed; `'detections'`: 7 or 8 (8th = score, default 1). */
  kind: 'ground-truth' | 'detections';
  /**
   * `false` (default): any bad row is a {@link TubekitFormatError} naming file and line.
   * `true`: malformed rows and bad scores are skipped and counted, inverted boxes kept and counted.
   */
  lenient?: boolean;
  /**
   * `'whole'`: a timestamp with a fractional part is an error naming the line (the 2018/2019
   * scripts and mmaction2 key keyframes by whole seconds); `'fractional'` (default): allowed (2020).
   */
  timestamps?: 'whole' | 'fractional';
}

/**
 * Reads an official AVA CSV (no header) with fast-csv: GT `video_id, timestamp, x1, y1, x2, y2,
 * action_id, person_id`, detections `video_id, timestamp, x1, y1, x2, y2, action_id, score`
 * (spec/metrics.md "AVA frame-mAP"). Values are validated, never clamped: numbers must be written
 * in decimal (`0x120` is refused, as Python's `float()` refuses it), timestamps finite and ≥ 0
 * (whole seconds with `timestamps: 'whole'`), coordinates normalised in [0, 1], action ids
 * integers in 1 … 2³¹ − 1 (0 and −1 are not AVA ids; larger values would wrap in the 32-bit
 * columns), person ids integers in 0 … 2³¹ − 1, scores finite and ≥ 0, and x2 ≥ x1, y2 ≥ y1
 * (degenerate x2 = x1 boxes pass; the AVA protocols decide about them). A ground-truth file
 * without any row is an error (an evaluation against it would have nothing to measure).
 * Errors quote at most 80 characters of a cell.
 *
 * @example
 * ```ts
 * const gt = await readAvaCsv('ava_val_v2.1.csv', { kind: 'ground-truth' });
 * const dets = await readAvaCsv('detections.csv', { kind: 'detections' });
 * ```
 */
export async function readAvaCsv(
  path: string,
  options: ReadAvaCsvOptions,
): Promise<AvaCsvRows & { warnings: AvaCsvWarnings }> {
  const lenient = options.lenient === true;
  const isGT = options.kind === 'ground-truth';
  const warnings: AvaCsvWarnings = { malformed: 0, badScore: 0, invertedBox: 0 };
  const videos: string[] = [];
  const ids = new Map<string, number>();
  const videoIndex = new GrowableArray((n) => new Int32Array(n));
  const timestamp = new GrowableArray((n) => new Float64Array(n));
  const boxes = new GrowableArray((n) => new Float64Array(n), 4096);
  const action = new GrowableArray((n) => new Int32Array(n));
  const score = new GrowableArray((n) => new Float64Array(n));
  const personId = new GrowableArray((n) => new Int32Array(n));
  const lines = new GrowableArray((n) => new Int32Array(n));

  const fail = (line: number, detail: string, kind: 'malformed' | 'badScore'): false => {
    if (!lenient) throw new TubekitFormatError(path, `line ${line}`, detail);
    warnings[kind]++;
    return false;
  };
  const wholeSeconds = options.timestamps === 'whole';
  const num = (cell: string | undefined): number =>
    cell === undefined ? Number.NaN : parseDecimal(cell.trim());
  const quote = (cell: string | undefined) => quoteInput(cell ?? '');

  const onRow = (cells: string[], line: number): void => {
    const n = cells.length;
    const allowed = isGT ? n === 2 || n === 7 || n === 8 : n === 7 || n === 8;
    if (!allowed) {
      fail(
        line,
        `expected ${isGT ? '2, 7 or 8' : '7 or 8'} columns (video_id, timestamp, x1, y1, x2, y2, action_id${isGT ? ', person_id' : ', score'}), got ${n}`,
        'malformed',
      );
      return;
    }
    const video = cells[0]!.trim();
    if (video === '') {
      fail(line, 'column 1 (video_id): expected a video id', 'malformed');
      return;
    }
    const ts = num(cells[1]);
    if (!(Number.isFinite(ts) && ts >= 0)) {
      fail(
        line,
        `column 2 (timestamp): expected seconds ≥ 0 in decimal, got ${quote(cells[1])}`,
        'malformed',
      );
      return;
    }
    if (wholeSeconds && !Number.isInteger(ts)) {
      fail(
        line,
        `column 2 (timestamp): expected whole seconds under this protocol, got ${quote(cells[1])}`,
        'malformed',
      );
      return;
    }
    let x1 = 0;
    let y1 = 0;
    let x2 = 0;
    let y2 = 0;
    let act = -1;
    let s = 1;
    let person = -1;
    if (n >= 7) {
      const c = [2, 3, 4, 5].map((i) => num(cells[i]));
      const bad = c.findIndex((v) => !(v >= 0 && v <= 1));
      if (bad >= 0) {
        fail(
          line,
          `column ${bad + 3} (${['x1', 'y1', 'x2', 'y2'][bad]}): expected a normalised coordinate in [0, 1], got ${quote(cells[bad + 2])}`,
          'malformed',
        );
        return;
      }
      [x1, y1, x2, y2] = c as [number, number, number, number];
      act = num(cells[6]);
      if (!(Number.isInteger(act) && act >= 1 && act <= INT32_LIMIT)) {
        fail(
          line,
          `column 7 (action_id): expected an AVA action id (integer 1 … ${INT32_LIMIT}), got ${quote(cells[6])}`,
          'malformed',
        );
        return;
      }
      if (n === 8) {
        const v = num(cells[7]);
        if (isGT) {
          if (!(Number.isInteger(v) && v >= 0 && v <= INT32_LIMIT)) {
            fail(
              line,
              `column 8 (person_id): expected an integer 0 … ${INT32_LIMIT}, got ${quote(cells[7])}`,
              'malformed',
            );
            return;
          }
          person = v;
        } else {
          if (!(Number.isFinite(v) && v >= 0)) {
            fail(
              line,
              `column 8 (score): expected a finite number ≥ 0, got ${quote(cells[7])}`,
              'badScore',
            );
            return;
          }
          s = v;
        }
      }
      if (x2 < x1 || y2 < y1) {
        if (!lenient)
          throw new TubekitFormatError(
            path,
            `line ${line}`,
            `box [${x1}, ${y1}, ${x2}, ${y2}]: expected x2 ≥ x1 and y2 ≥ y1`,
          );
        warnings.invertedBox++;
      }
    }
    let id = ids.get(video);
    if (id === undefined) {
      id = videos.length;
      videos.push(video);
      ids.set(video, id);
    }
    videoIndex.push(id);
    timestamp.push(ts);
    boxes.push(x1);
    boxes.push(y1);
    boxes.push(x2);
    boxes.push(y2);
    action.push(act);
    score.push(s);
    personId.push(person);
    lines.push(line);
  };

  let line = 0;
  const { parse } = await loadFastCsv();
  const source = createReadStream(path);
  const stream = parse<string[], string[]>({ headers: false, trim: true });
  source.on('error', (error) => stream.destroy(error));
  source.pipe(stream);
  try {
    for await (const cells of stream as AsyncIterable<string[]>) {
      line++;
      if (cells.length === 0 || (cells.length === 1 && cells[0] === '')) continue;
      onRow(cells, line);
    }
  } catch (error) {
    stream.destroy();
    source.destroy();
    if (error instanceof TubekitFormatError) throw error;
    throw new TubekitFormatError(
      path,
      line ? `line ${line + 1}` : '',
      `cannot read CSV: ${errorLine(error)}`,
    );
  }
  if (isGT && videoIndex.length === 0)
    throw new TubekitFormatError(
      path,
      '',
      `no ground-truth rows${lenient && line > 0 ? ' left after skipping malformed ones (--lenient)' : ''}: expected video_id,timestamp,x1,y1,x2,y2,action_id[,person_id] rows`,
    );
  return {
    file: path,
    videos,
    videoIndex: videoIndex.toArray(),
    timestamp: timestamp.toArray(),
    boxes: boxes.toArray(),
    action: action.toArray(),
    score: score.toArray(),
    personId: personId.toArray(),
    line: lines.toArray(),
    length: videoIndex.length,
    warnings,
  };
}

/** Excluded keyframes of an AVA exclusions CSV (`video_id, timestamp`). */
export interface AvaKeyframes {
  videos: string[];
  timestamp: Float64Array;
  length: number;
}

/**
 * Reads an AVA exclusions CSV (`ava_val_excluded_timestamps_v2.1.csv`: rows `video_id,
 * timestamp`, no header).
 *
 * @throws TubekitFormatError naming the line for a row without exactly 2 cells or a bad timestamp.
 * @example
 * ```ts
 * const excluded = await readAvaExclusions('ava_val_excluded_timestamps_v2.1.csv');
 * ```
 */
export async function readAvaExclusions(path: string): Promise<AvaKeyframes> {
  const videos: string[] = [];
  const timestamp: number[] = [];
  let line = 0;
  const { parse } = await loadFastCsv();
  const source = createReadStream(path);
  const stream = parse<string[], string[]>({ headers: false, trim: true });
  source.on('error', (error) => stream.destroy(error));
  source.pipe(stream);
  try {
    for await (const cells of stream as AsyncIterable<string[]>) {
      line++;
      if (cells.length === 0 || (cells.length === 1 && cells[0] === '')) continue;
      const ts = cells[1] === undefined ? Number.NaN : parseDecimal(cells[1]);
      if (cells.length !== 2 || cells[0] === '' || !(Number.isFinite(ts) && ts >= 0))
        throw new TubekitFormatError(
          path,
          `line ${line}`,
          `expected \`video_id,timestamp\` (seconds ≥ 0 in decimal), got ${quoteInput(cells.join(','))}`,
        );
      videos.push(cells[0]!);
      timestamp.push(ts);
    }
  } catch (error) {
    stream.destroy();
    source.destroy();
    if (error instanceof TubekitFormatError) throw error;
    throw new TubekitFormatError(
      path,
      line ? `line ${line + 1}` : '',
      `cannot read CSV: ${errorLine(error)}`,
    );
  }
  return { videos, timestamp: Float64Array.from(timestamp), length: videos.length };
}
