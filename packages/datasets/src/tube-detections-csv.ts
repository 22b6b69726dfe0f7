import type { DetectedTube } from '@tubekit/geometry';
import { csvNumber, quoteCell } from './csv-number';
import { BOX_COLUMNS, csvBox, csvColumns, readCsvTable, writeCsvTable } from './csv-table';
import { TubekitFormatError } from './format-error';

/** The required columns of the canonical tube-detection CSV (long format, one row per frame). */
export const TUBE_DETECTIONS_COLUMNS = [
  'video',
  'tube',
  'label',
  'score',
  'frame',
  'x1',
  'y1',
  'x2',
  'y2',
] as const;

/** Optional columns: per-frame `box_score`, and `label_name` (written when labels are given). */
export const TUBE_DETECTIONS_OPTIONAL_COLUMNS = ['box_score', 'label_name'] as const;

/** Options of {@link readTubeDetectionsCsv}. */
export interface ReadTubeDetectionsOptions {
  /**
   * The labels of the ground truth the tubes will be evaluated against: every `label` must index
   * into them and a `label_name` column must agree with them.
   */
  labels?: readonly string[];
}

interface PendingTube {
  video: string;
  id: string;
  label: number;
  labelName: string | undefined;
  score: number;
  firstLine: number;
  frames: number[];
  lines: number[];
  boxes: number[];
  boxScores: number[];
}

/**
 * Reads the canonical tube-detection CSV `video,tube,label,score,frame,x1,y1,x2,y2[,box_score]`
 * (formats.md): one row per (tube, frame), `tube` an id unique within its video, `score` the
 * tube's score repeated on each row, `frame` 1-based, `label` 0-based. Rows of a tube may come in
 * any order; they are sorted by frame and must then cover consecutive frames exactly once. A
 * tube's `label`, `score` (and `label_name`) must agree on every row. Tubes are returned in order
 * of first appearance with `id` the CSV's tube id (a string) and, with `box_score`, per-frame
 * `scores`. With `options.labels` (the GT's), every label must index into them and a
 * `label_name` must be that label's name. Errors name the file, line and column.
 *
 * @example
 * const tubes = await readTubeDetectionsCsv('tubes.csv');
 * console.log(tubes[0].video, tubes[0].start, tubes[0].boxes.length / 4);
 */
export async function readTubeDetectionsCsv(
  path: string,
  options: ReadTubeDetectionsOptions = {},
): Promise<DetectedTube[]> {
  return (await readTubeDetectionsWithLines(path, options)).tubes;
}

/**
 * {@link readTubeDetectionsCsv}, with the 1-based file line of each tube's first row
 * (`lines[i]` for `tubes[i]`), for messages about a tube as a whole.
 *
 * @example
 * const { tubes, lines } = await readTubeDetectionsWithLines('tubes.csv');
 */
export async function readTubeDetectionsWithLines(
  path: string,
  options: ReadTubeDetectionsOptions = {},
): Promise<{ tubes: DetectedTube[]; lines: Int32Array }> {
  const labels = options.labels;
  const pending = new Map<string, PendingTube>();
  let col:
    | Record<
        | (typeof TUBE_DETECTIONS_COLUMNS)[number]
        | (typeof TUBE_DETECTIONS_OPTIONAL_COLUMNS)[number],
        number
      >
    | undefined;
  await readCsvTable(
    path,
    (header) => {
      col = csvColumns(path, header, TUBE_DETECTIONS_COLUMNS, TUBE_DETECTIONS_OPTIONAL_COLUMNS);
    },
    (cells, line) => {
      const c = col!;
      const at = (column: string) => `line ${line}, column ${column}`;
      const video = cells[c.video]!;
      const id = cells[c.tube]!;
      if (video === '') throw new TubekitFormatError(path, at('video'), 'expected a video name');
      if (id === '') throw new TubekitFormatError(path, at('tube'), 'expected a tube id');
      const label = csvNumber(cells[c.label], 'label', path, line, 'label');
      const score = csvNumber(cells[c.score], 'finite', path, line, 'score');
      const frame = csvNumber(cells[c.frame], 'frame', path, line, 'frame');
      const labelName = c.label_name >= 0 ? cells[c.label_name] : undefined;
      if (labels && label >= labels.length)
        throw new TubekitFormatError(
          path,
          at('label'),
          `label ${label} is outside the ${labels.length} labels of the ground truth (0…${labels.length - 1})`,
        );
      if (labels && labelName !== undefined && labelName !== labels[label])
        throw new TubekitFormatError(
          path,
          at('label_name'),
          `label_name ${quoteCell(labelName)} contradicts the ground truth, where label ${label} is ${quoteCell(labels[label]!)}`,
        );
      const key = `${video}\u0000${id}`;
      let tube = pending.get(key);
      if (!tube) {
        tube = {
          video,
          id,
          label,
          labelName,
          score,
          firstLine: line,
          frames: [],
          lines: [],
          boxes: [],
          boxScores: [],
        };
        pending.set(key, tube);
      } else {
        if (tube.label !== label)
          throw new TubekitFormatError(
            path,
            at('label'),
            `tube ${id} of ${video} has label ${tube.label} on line ${tube.firstLine} but ${label} here`,
          );
        if (tube.score !== score)
          throw new TubekitFormatError(
            path,
            at('score'),
            `tube ${id} of ${video} has score ${tube.score} on line ${tube.firstLine} but ${score} here (the tube score is repeated on every row)`,
          );
        if (tube.labelName !== labelName)
          throw new TubekitFormatError(
            path,
            at('label_name'),
            `tube ${id} of ${video} is named ${tube.labelName} on line ${tube.firstLine} but ${labelName} here`,
          );
      }
      tube.frames.push(frame);
      tube.lines.push(line);
      csvBox(cells, [c.x1, c.y1, c.x2, c.y2], BOX_COLUMNS, path, line, tube.boxes);
      if (c.box_score >= 0)
        tube.boxScores.push(csvNumber(cells[c.box_score], 'finite', path, line, 'box_score'));
    },
  );
  const tubes: DetectedTube[] = [];
  const lines = new Int32Array(pending.size);
  for (const p of pending.values()) {
    lines[tubes.length] = p.firstLine;
    const T = p.frames.length;
    const order = Array.from({ length: T }, (_, i) => i);
    order.sort((a, b) => p.frames[a]! - p.frames[b]! || p.lines[a]! - p.lines[b]!);
    const start = p.frames[order[0]!]!;
    const boxes = new Float64Array(4 * T);
    const scores = p.boxScores.length ? new Float64Array(T) : undefined;
    for (let t = 0; t < T; t++) {
      const i = order[t]!;
      const f = p.frames[i]!;
      if (t > 0) {
        const prev = order[t - 1]!;
        if (f === p.frames[prev])
          throw new TubekitFormatError(
            path,
            `line ${p.lines[i]}`,
            `duplicate tube row: tube ${p.id} of ${p.video} has frame ${f} already on line ${p.lines[prev]}`,
          );
        if (f !== start + t)
          throw new TubekitFormatError(
            path,
            `line ${p.lines[i]}`,
            `non-consecutive frames: tube ${p.id} of ${p.video} jumps from frame ${start + t - 1} to ${f} (frames within a tube must be consecutive)`,
          );
      }
      for (let k = 0; k < 4; k++) boxes[4 * t + k] = p.boxes[4 * i + k]!;
      if (scores) scores[t] = p.boxScores[i]!;
    }
    const tube: DetectedTube = {
      video: p.video,
      id: p.id,
      label: p.label,
      score: p.score,
      start,
      boxes,
    };
    if (scores) tube.scores = scores;
    tubes.push(tube);
  }
  return { tubes, lines };
}

/** Options of {@link writeTubeDetectionsCsv}. */
export interface WriteTubeDetectionsOptions {
  /**
   * The dataset's label list. When given, every label id must index into it and a `label_name`
   * column is added so the file can be read by people (the reader checks it for consistency).
   */
  labels?: string[];
}

/**
 * Writes tube detections as the canonical long-format CSV
 * `video,tube,label,score,frame,x1,y1,x2,y2` plus `box_score` when any tube has per-frame scores
 * (and `label_name` with `options.labels`). A tube without `id` gets its index among its video's
 * tubes. Everything is checked before writing (finite values, `x2 ≥ x1`, `y2 ≥ y1`, ids unique per
 * video, labels in range); the file is written atomically.
 *
 * @example
 * await writeTubeDetectionsCsv('out/tubes.csv', tubes, { labels: dataset.labels });
 */
export async function writeTubeDetectionsCsv(
  path: string,
  tubes: DetectedTube[],
  options: WriteTubeDetectionsOptions = {},
): Promise<void> {
  const labels = options.labels;
  const withBoxScores = tubes.some((t) => t.scores !== undefined);
  const ids: string[] = [];
  const perVideo = new Map<string, Set<string>>();
  tubes.forEach((tube, i) => {
    const place = `tube ${i} (${tube.video})`;
    const fail = (detail: string): never => {
      throw new TubekitFormatError(path, place, detail);
    };
    if (typeof tube.video !== 'string' || tube.video === '') fail('expected a video name');
    if (!Number.isInteger(tube.label) || tube.label < 0)
      fail(`label ${tube.label} is not a 0-based id`);
    if (labels && tube.label >= labels.length)
      fail(`label ${tube.label} is outside the ${labels.length} labels`);
    if (!Number.isFinite(tube.score)) fail(`score ${tube.score} is not finite`);
    if (!Number.isInteger(tube.start) || tube.start < 1) fail(`start ${tube.start} is not 1-based`);
    const T = tube.boxes.length / 4;
    if (T < 1 || !Number.isInteger(T)) fail('expected a non-empty T×4 box array');
    for (let t = 0; t < T; t++) {
      const b = tube.boxes;
      const x1 = b[4 * t]!;
      const y1 = b[4 * t + 1]!;
      const x2 = b[4 * t + 2]!;
      const y2 = b[4 * t + 3]!;
      if (![x1, y1, x2, y2].every(Number.isFinite)) fail(`box ${t} has a non-finite coordinate`);
      if (x2 < x1 || y2 < y1) fail(`box ${t} has x2 < x1 or y2 < y1: [${x1}, ${y1}, ${x2}, ${y2}]`);
      if (tube.scores && !Number.isFinite(tube.scores[t]!)) fail(`box score ${t} is not finite`);
    }
    if (tube.scores && tube.scores.length !== T) fail(`expected ${T} per-frame scores`);
    let used = perVideo.get(tube.video);
    if (!used) perVideo.set(tube.video, (used = new Set()));
    const id = String(tube.id ?? used.size);
    if (used.has(id)) fail(`duplicate tube id ${id} in video ${tube.video}`);
    used.add(id);
    ids.push(id);
  });
  const header: string[] = [...TUBE_DETECTIONS_COLUMNS];
  if (withBoxScores) header.push('box_score');
  if (labels) header.push('label_name');
  function* rows() {
    for (let i = 0; i < tubes.length; i++) {
      const tube = tubes[i]!;
      const T = tube.boxes.length / 4;
      for (let t = 0; t < T; t++) {
        const row: (string | number)[] = [
          tube.video,
          ids[i]!,
          tube.label,
          tube.score,
          tube.start + t,
          tube.boxes[4 * t]!,
          tube.boxes[4 * t + 1]!,
          tube.boxes[4 * t + 2]!,
          tube.boxes[4 * t + 3]!,
        ];
        if (withBoxScores) row.push(tube.scores ? tube.scores[t]! : tube.score);
        if (labels) row.push(labels[tube.label]!);
        yield row;
      }
    }
  }
  await writeCsvTable(path, header, rows());
}
