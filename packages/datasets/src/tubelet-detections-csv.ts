import { emptyTubeletDetections, type TubeletDetections } from '@tubekit/geometry';
import { shortList } from './csv-number';
import { type CsvHeader, checkBoxOrder, writeCsvTable } from './csv-table';
import { TubekitFormatError } from './format-error';
import {
  type NumericColumn,
  type NumericLayout,
  type NumericRows,
  readNumericCsv,
  readNumericCsvByVideo,
} from './numeric-csv';

/** The header of a K-frame tubelet CSV: `video,start,label,score,x1_1,y1_1,x2_1,y2_1,…,y2_K`. */
export function tubeletDetectionsColumns(K: number): string[] {
  const columns = ['video', 'start', 'label', 'score'];
  for (let k = 1; k <= K; k++) columns.push(`x1_${k}`, `y1_${k}`, `x2_${k}`, `y2_${k}`);
  return columns;
}

/** Tubelet detections with the 1-based file line of each row (the header is line 1). */
export interface TubeletDetectionRows extends TubeletDetections {
  line: Int32Array;
}

/** How the columns of a tubelet CSV are stored: its header must be exactly K tubelet boxes. */
function tubeletLayout(path: string): (header: CsvHeader) => NumericLayout {
  return ({ names }) => {
    const K = (names.length - 4) / 4;
    const expected = Number.isInteger(K) && K >= 1 ? tubeletDetectionsColumns(K) : [];
    if (expected.length === 0 || expected.some((name, i) => names[i] !== name))
      throw new TubekitFormatError(
        path,
        'line 1',
        `missing header: expected video,start,label,score,x1_1,y1_1,x2_1,y2_1,…,x2_K,y2_K, got ${shortList(names)}`,
      );
    const columns: NumericColumn[] = [
      { kind: 'video' },
      { kind: 'int', check: 'frame', slot: 0 },
      { kind: 'int', check: 'label', slot: 1 },
      { kind: 'float', check: 'finite', group: 0, offset: 0 },
    ];
    for (let c = 0; c < 4 * K; c++)
      columns.push({ kind: 'float', check: 'coordinate', group: 1, offset: c });
    return { columns, intColumns: 2, floatGroups: [1, 4 * K] };
  };
}

/** Typed rows as tubelets (every box checked for `x2 ≥ x1`, `y2 ≥ y1`). */
function tubeletRows(path: string, rows: NumericRows, width: number): TubeletDetectionRows {
  const K = width / 4;
  const boxes = rows.floats[1]!;
  checkBoxOrder(path, boxes, K, rows.line, tubeletDetectionsColumns(K).slice(4));
  return {
    videos: rows.videos,
    K,
    videoIndex: rows.videoIndex,
    start: rows.ints[0]!,
    label: rows.ints[1]!,
    score: rows.floats[0]!,
    boxes,
    length: rows.length,
    line: rows.line,
  };
}

/**
 * Reads the canonical tubelet-detection CSV `video,start,label,score,x1_1,y1_1,x2_1,y2_1,…`
 * (formats.md): one row per clip-level detection covering frames `start … start+K−1` (1-based),
 * `label` 0-based. K is read from the header, which must be exactly
 * {@link tubeletDetectionsColumns}(K) for some K ≥ 1. Every box must have `x2 ≥ x1`, `y2 ≥ y1`;
 * numbers are checked as in `readFrameDetectionGroups` (plain decimals, Int32 starts and labels,
 * |coordinates| ≤ 1e7). Errors name file, line and column.
 *
 * @example
 * const dets = await readTubeletDetectionsCsv('tubelets.csv');
 * console.log(dets.K, dets.length);
 */
export async function readTubeletDetectionsCsv(path: string): Promise<TubeletDetections> {
  let K = 0;
  let out: TubeletDetections | undefined;
  await readNumericCsv(
    path,
    (header) => {
      const layout = tubeletLayout(path)(header);
      K = layout.floatGroups[1]! / 4;
      return layout;
    },
    'file',
    (rows) => {
      const { line: _line, ...dets } = tubeletRows(path, rows, 4 * K);
      out = dets;
    },
  );
  return out ?? emptyTubeletDetections([], K, 0);
}

/**
 * Reads a tubelet CSV one video at a time, each video's rows stably sorted by start frame (the
 * order linkers need), in constant memory when each video's rows are contiguous; otherwise
 * `start` is called again and the file is read whole (`readNumericCsvByVideo`).
 *
 * @example
 * await readTubeletDetectionsByVideo('tubelets.csv', () => (rows) => link(rows));
 */
export async function readTubeletDetectionsByVideo(
  path: string,
  start: () => (rows: TubeletDetectionRows) => void,
): Promise<void> {
  let width = 0;
  await readNumericCsvByVideo(
    path,
    (header) => {
      const layout = tubeletLayout(path)(header);
      width = layout.floatGroups[1]!;
      return layout;
    },
    0,
    () => {
      const consumer = start();
      return (rows) => consumer(tubeletRows(path, rows, width));
    },
  );
}

/**
 * Writes tubelet detections as the canonical CSV (header {@link tubeletDetectionsColumns}(K)),
 * atomically, after checking every row (1-based starts, 0-based labels, finite values,
 * `x2 ≥ x1`, `y2 ≥ y1`).
 *
 * @example
 * await writeTubeletDetectionsCsv('out/tubelets.csv', dets);
 */
export async function writeTubeletDetectionsCsv(
  path: string,
  dets: TubeletDetections,
): Promise<void> {
  const { K, length: n } = dets;
  const fail = (place: string, detail: string): never => {
    throw new TubekitFormatError(path, place, detail);
  };
  if (!Number.isInteger(K) || K < 1) fail('', `K must be a positive integer, got ${K}`);
  if (dets.boxes.length < 4 * K * n || dets.start.length < n || dets.score.length < n)
    fail('', `detections are shorter than their length ${n}`);
  for (let i = 0; i < n; i++) {
    const v = dets.videoIndex[i]!;
    if (!(v >= 0 && v < dets.videos.length)) fail(`row ${i}`, `video index ${v} out of range`);
    if (!(dets.start[i]! >= 1)) fail(`row ${i}`, `start ${dets.start[i]} is not 1-based`);
    if (!(dets.label[i]! >= 0)) fail(`row ${i}`, `label ${dets.label[i]} is negative`);
    if (!Number.isFinite(dets.score[i]!)) fail(`row ${i}`, 'score is not finite');
    for (let k = 0; k < K; k++) {
      const o = 4 * (K * i + k);
      const b = dets.boxes;
      if (![b[o]!, b[o + 1]!, b[o + 2]!, b[o + 3]!].every(Number.isFinite))
        fail(`row ${i}`, `box ${k + 1} has a non-finite coordinate`);
      if (b[o + 2]! < b[o]! || b[o + 3]! < b[o + 1]!)
        fail(`row ${i}`, `box ${k + 1} has x2 < x1 or y2 < y1`);
    }
  }
  function* rows() {
    for (let i = 0; i < n; i++) {
      const row: (string | number)[] = [
        dets.videos[dets.videoIndex[i]!]!,
        dets.start[i]!,
        dets.label[i]!,
        dets.score[i]!,
      ];
      for (let j = 4 * K * i; j < 4 * K * (i + 1); j++) row.push(dets.boxes[j]!);
      yield row;
    }
  }
  await writeCsvTable(path, tubeletDetectionsColumns(K), rows());
}
