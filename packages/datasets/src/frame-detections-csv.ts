import { emptyFrameDetections, type FrameDetections } from '@tubekit/geometry';
import { BOX_COLUMNS, type CsvHeader, checkBoxOrder, csvColumns, writeCsvTable } from './csv-table';
import { TubekitFormatError } from './format-error';
import {
  type CsvByteRange,
  type NumericColumn,
  type NumericGrouping,
  type NumericLayout,
  type NumericRows,
  readNumericCsv,
  readNumericCsvByVideo,
} from './numeric-csv';

/** The canonical frame-detection CSV header (formats.md). */
export const FRAME_DETECTIONS_COLUMNS = [
  'video',
  'frame',
  'label',
  'score',
  'x1',
  'y1',
  'x2',
  'y2',
] as const;

/** Options of {@link readFrameDetectionsCsv}. */
export interface ReadFrameDetectionsOptions {
  /**
   * `false` (default): extra columns are an error and every box must have `x2 ≥ x1`, `y2 ≥ y1`.
   * `true`: extra columns are ignored and degenerate boxes (`x2 < x1` or `y2 < y1`, which some
   * detectors emit and every IoU treats as empty) are kept as they are — never reordered or
   * clamped. Non-numeric, NaN or infinite values, frames < 1 and negative labels are errors either way.
   */
  lenient?: boolean;
}

/** Frame detections with the 1-based file line of each row (the header is line 1). */
export interface FrameDetectionRows extends FrameDetections {
  line: Int32Array;
}

/** Options of {@link readFrameDetectionGroups}. */
export interface ReadFrameDetectionGroupsOptions extends ReadFrameDetectionsOptions {
  /**
   * `file`: one call with every row in file order. `video`: one call per video with its rows
   * (memory bounded by the largest video); the rows of a video must then be contiguous, else an
   * `InterleavedVideosError` is thrown.
   */
  grouping: NumericGrouping;
}

/**
 * Streams a canonical frame-detection CSV `video,frame,label,score,x1,y1,x2,y2` (header required,
 * columns in any order; `frame` 1-based, `label` 0-based, box in pixels) into columnar
 * {@link FrameDetectionRows}, a whole file or one video at a time. Numbers are plain decimals
 * (no hex, `Infinity` or `NaN`); frames and labels must fit the Int32 columns (≤ 2³¹ − 1) and
 * coordinates |x| ≤ 1e7 (formats.md "Numbers"). Errors name the file, line and column and what
 * was expected.
 *
 * @example
 * await readFrameDetectionGroups('dets.csv', { grouping: 'video' }, (rows) =>
 *   evaluator.addVideo(rows.videos[0], rows),
 * );
 */
export async function readFrameDetectionGroups(
  path: string,
  options: ReadFrameDetectionGroupsOptions,
  onRows: (rows: FrameDetectionRows) => void,
): Promise<void> {
  const lenient = options.lenient ?? false;
  await readNumericCsv(path, frameLayout(path, lenient), options.grouping, (rows) =>
    onRows(frameRows(path, lenient, rows)),
  );
}

/** Options of {@link readFrameDetectionsByVideo}. */
export interface ReadFrameDetectionsByVideoOptions extends ReadFrameDetectionsOptions {
  /** Stably sort each video's rows by frame (linkers need frame order; evaluators do not). */
  sortFrames?: boolean;
  /**
   * Read only these data lines (e.g. one part of `csvShards`); videos must then be
   * contiguous and unquoted, and line numbers count as if the part followed the header.
   */
  range?: CsvByteRange;
  /**
   * Hand each video's rows over as views of the reader's arrays, valid until the consumer
   * returns, instead of copies: for consumers that keep nothing of them (evaluators). With
   * `sortFrames`, rows are sorted copies anyway. Default `false`.
   */
  borrowRows?: boolean;
}

/**
 * Reads a frame-detection CSV one video at a time (checks as {@link readFrameDetectionGroups}):
 * in constant memory when each video's rows are contiguous; otherwise `start` is called again
 * for a fresh consumer and the file is read whole, then handed over video by video
 * (`readNumericCsvByVideo`). Every call gets all rows of one video, `videos` holding its name.
 *
 * @example
 * await readFrameDetectionsByVideo('dets.csv', {}, () => {
 *   evaluator = new FrameMeanAPEvaluator(gt, options);
 *   return (rows) => evaluator.addVideo(rows.videos[0], rows);
 * });
 */
export async function readFrameDetectionsByVideo(
  path: string,
  options: ReadFrameDetectionsByVideoOptions,
  start: () => (rows: FrameDetectionRows) => void,
): Promise<void> {
  const lenient = options.lenient ?? false;
  await readNumericCsvByVideo(
    path,
    frameLayout(path, lenient),
    options.sortFrames ? 0 : undefined,
    () => {
      const consumer = start();
      return (rows) => consumer(frameRows(path, lenient, rows));
    },
    { range: options.range, borrow: options.borrowRows === true && !options.sortFrames },
  );
}

/** How the columns of a frame-detection CSV are stored (from its header). */
function frameLayout(path: string, lenient: boolean): (header: CsvHeader) => NumericLayout {
  return (header) => {
    const col = csvColumns(path, header, FRAME_DETECTIONS_COLUMNS, [], lenient);
    const columns: NumericColumn[] = header.names.map(() => ({ kind: 'skip' }));
    columns[col.video] = { kind: 'video' };
    columns[col.frame] = { kind: 'int', check: 'frame', slot: 0 };
    columns[col.label] = { kind: 'int', check: 'label', slot: 1 };
    columns[col.score] = { kind: 'float', check: 'finite', group: 0, offset: 0 };
    BOX_COLUMNS.forEach((name, k) => {
      columns[col[name]] = { kind: 'float', check: 'coordinate', group: 1, offset: k };
    });
    return { columns, intColumns: 2, floatGroups: [1, 4] };
  };
}

/** Typed rows as frame detections (boxes checked for order unless lenient). */
function frameRows(path: string, lenient: boolean, rows: NumericRows): FrameDetectionRows {
  const boxes = rows.floats[1]!;
  if (!lenient) checkBoxOrder(path, boxes, 1, rows.line, BOX_COLUMNS);
  return {
    videos: rows.videos,
    videoIndex: rows.videoIndex,
    frame: rows.ints[0]!,
    label: rows.ints[1]!,
    score: rows.floats[0]!,
    boxes,
    length: rows.length,
    line: rows.line,
  };
}

/**
 * Reads a canonical frame-detection CSV `video,frame,label,score,x1,y1,x2,y2` whole into columnar
 * {@link FrameDetections} (rows in file order, videos numbered in order of first appearance),
 * with the checks of {@link readFrameDetectionGroups}. For large files prefer that function's
 * `video` grouping, which holds one video at a time.
 *
 * @example
 * const dets = await readFrameDetectionsCsv('dets.csv');
 * for (let i = 0; i < dets.length; i++) console.log(dets.videos[dets.videoIndex[i]], dets.score[i]);
 */
export async function readFrameDetectionsCsv(
  path: string,
  options: ReadFrameDetectionsOptions = {},
): Promise<FrameDetections> {
  let out = emptyFrameDetections([], 0);
  await readFrameDetectionGroups(path, { ...options, grouping: 'file' }, (rows) => {
    const { line: _line, ...dets } = rows;
    out = dets;
  });
  return out;
}

/** Checks the shape and values of in-memory frame detections before they are written. */
function checkFrameDetections(dets: FrameDetections, path: string): void {
  const n = dets.length;
  const fail = (place: string, detail: string): never => {
    throw new TubekitFormatError(path, place, detail);
  };
  if (
    dets.videoIndex.length < n ||
    dets.frame.length < n ||
    dets.label.length < n ||
    dets.score.length < n ||
    dets.boxes.length < 4 * n
  )
    fail('', `detections are shorter than their length ${n}`);
  for (let i = 0; i < n; i++) {
    const v = dets.videoIndex[i]!;
    if (!(v >= 0 && v < dets.videos.length)) fail(`row ${i}`, `video index ${v} out of range`);
    if (!(dets.frame[i]! >= 1)) fail(`row ${i}`, `frame ${dets.frame[i]} is not 1-based`);
    if (!(dets.label[i]! >= 0)) fail(`row ${i}`, `label ${dets.label[i]} is negative`);
    if (!Number.isFinite(dets.score[i]!)) fail(`row ${i}`, `score ${dets.score[i]} is not finite`);
    for (let k = 0; k < 4; k++)
      if (!Number.isFinite(dets.boxes[4 * i + k]!))
        fail(`row ${i}`, 'box has a non-finite coordinate');
  }
}

/**
 * Writes frame detections as the canonical CSV `video,frame,label,score,x1,y1,x2,y2`, atomically
 * (nothing appears at `path` unless every row is valid and written). Numbers are written in their
 * shortest round-trip form, so {@link readFrameDetectionsCsv} gives back identical values.
 *
 * @example
 * await writeFrameDetectionsCsv('out/dets.csv', dets);
 */
export async function writeFrameDetectionsCsv(path: string, dets: FrameDetections): Promise<void> {
  checkFrameDetections(dets, path);
  function* rows() {
    for (let i = 0; i < dets.length; i++)
      yield [
        dets.videos[dets.videoIndex[i]!]!,
        dets.frame[i]!,
        dets.label[i]!,
        dets.score[i]!,
        dets.boxes[4 * i]!,
        dets.boxes[4 * i + 1]!,
        dets.boxes[4 * i + 2]!,
        dets.boxes[4 * i + 3]!,
      ];
  }
  await writeCsvTable(path, FRAME_DETECTIONS_COLUMNS, rows());
}
