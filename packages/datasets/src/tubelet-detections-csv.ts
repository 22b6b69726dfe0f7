import type { TubeletDetections } from '@tubekit/geometry';
import { csvNumber } from './csv-number';
import { csvBox, csvVideoIndex, readCsvTable, writeCsvTable } from './csv-table';
import { TubekitFormatError } from './format-error';
import { GrowableArray } from './growable';

/** The header of a K-frame tubelet CSV: `video,start,label,score,x1_1,y1_1,x2_1,y2_1,…,y2_K`. */
export function tubeletDetectionsColumns(K: number): string[] {
  const columns = ['video', 'start', 'label', 'score'];
  for (let k = 1; k <= K; k++) columns.push(`x1_${k}`, `y1_${k}`, `x2_${k}`, `y2_${k}`);
  return columns;
}

/**
 * Reads the canonical tubelet-detection CSV `video,start,label,score,x1_1,y1_1,x2_1,y2_1,…`
 * (formats.md): one row per clip-level detection covering frames `start … start+K−1` (1-based),
 * `label` 0-based. K is read from the header, which must be exactly
 * {@link tubeletDetectionsColumns}(K) for some K ≥ 1. Every box must be finite with `x2 ≥ x1`,
 * `y2 ≥ y1`. Errors name file, line and column.
 *
 * @example
 * const dets = await readTubeletDetectionsCsv('tubelets.csv');
 * console.log(dets.K, dets.length);
 */
export async function readTubeletDetectionsCsv(path: string): Promise<TubeletDetections> {
  let K = 0;
  let names: string[] = [];
  const videos: string[] = [];
  const videoIds = new Map<string, number>();
  const videoIndex = new GrowableArray((n) => new Int32Array(n));
  const start = new GrowableArray((n) => new Int32Array(n));
  const label = new GrowableArray((n) => new Int32Array(n));
  const score = new GrowableArray((n) => new Float64Array(n));
  const boxes = new GrowableArray((n) => new Float64Array(n), 8192);
  await readCsvTable(
    path,
    (header) => {
      names = header.names;
      K = (names.length - 4) / 4;
      const expected = Number.isInteger(K) && K >= 1 ? tubeletDetectionsColumns(K) : [];
      if (expected.length === 0 || expected.some((name, i) => names[i] !== name))
        throw new TubekitFormatError(
          path,
          'line 1',
          `missing header: expected video,start,label,score,x1_1,y1_1,x2_1,y2_1,…,x2_K,y2_K, got ${names.join(',')}`,
        );
    },
    (cells, line) => {
      videoIndex.push(csvVideoIndex(cells[0], path, line, videos, videoIds));
      start.push(csvNumber(cells[1], 'frame', path, line, 'start'));
      label.push(csvNumber(cells[2], 'label', path, line, 'label'));
      score.push(csvNumber(cells[3], 'finite', path, line, 'score'));
      for (let k = 0; k < K; k++) {
        const c = 4 + 4 * k;
        const columns = [c, c + 1, c + 2, c + 3] as const;
        csvBox(
          cells,
          columns,
          [names[c]!, names[c + 1]!, names[c + 2]!, names[c + 3]!],
          path,
          line,
          boxes,
        );
      }
    },
  );
  return {
    videos,
    K,
    videoIndex: videoIndex.toArray(),
    start: start.toArray(),
    label: label.toArray(),
    score: score.toArray(),
    boxes: boxes.toArray(),
    length: start.length,
  };
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
