import type { FrameDetections } from '@tubekit/geometry';
import {
  BOX_COLUMNS,
  csvBox,
  csvColumns,
  csvNumber,
  csvVideoIndex,
  readCsvTable,
  writeCsvTable,
} from './csv-table';
import { TubekitFormatError } from './format-error';
import { GrowableArray } from './growable';

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

/**
 * Reads a canonical frame-detection CSV `video,frame,label,score,x1,y1,x2,y2` (header required,
 * columns in any order; `frame` 1-based, `label` 0-based, box in pixels) into columnar
 * {@link FrameDetections}. Videos are numbered in order of first appearance. Errors name the
 * file, line and column and what was expected.
 *
 * @example
 * const dets = await readFrameDetectionsCsv('dets.csv');
 * for (let i = 0; i < dets.length; i++) console.log(dets.videos[dets.videoIndex[i]], dets.score[i]);
 */
export async function readFrameDetectionsCsv(
  path: string,
  options: ReadFrameDetectionsOptions = {},
): Promise<FrameDetections> {
  const lenient = options.lenient ?? false;
  const videos: string[] = [];
  const videoIds = new Map<string, number>();
  const videoIndex = new GrowableArray((n) => new Int32Array(n));
  const frame = new GrowableArray((n) => new Int32Array(n));
  const label = new GrowableArray((n) => new Int32Array(n));
  const score = new GrowableArray((n) => new Float64Array(n));
  const boxes = new GrowableArray((n) => new Float64Array(n), 4096);
  let col: Record<(typeof FRAME_DETECTIONS_COLUMNS)[number], number> | undefined;
  await readCsvTable(
    path,
    (header) => {
      col = csvColumns(path, header, FRAME_DETECTIONS_COLUMNS, [], lenient);
    },
    (cells, line) => {
      const c = col!;
      videoIndex.push(csvVideoIndex(cells[c.video], path, line, videos, videoIds));
      frame.push(csvNumber(cells[c.frame], 'frame', path, line, 'frame'));
      label.push(csvNumber(cells[c.label], 'label', path, line, 'label'));
      score.push(csvNumber(cells[c.score], 'finite', path, line, 'score'));
      csvBox(cells, [c.x1, c.y1, c.x2, c.y2], BOX_COLUMNS, path, line, boxes, lenient);
    },
  );
  return {
    videos,
    videoIndex: videoIndex.toArray(),
    frame: frame.toArray(),
    label: label.toArray(),
    score: score.toArray(),
    boxes: boxes.toArray(),
    length: frame.length,
  };
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
