import { readFile } from 'node:fs/promises';
import { writeFileAtomic } from '@tubekit/report';
import type { ActionDataset, GroundTruthTube, VideoAnnotation } from './annotation-model';
import { describeValue, TubekitFormatError } from './format-error';
import { validateDataset } from './validate-dataset';

/** The `format` tag of a canonical ground-truth file. */
export const DATASET_JSON_FORMAT = 'tubekit-gt';
/** The `version` of the canonical ground-truth file this package reads and writes. */
export const DATASET_JSON_VERSION = 1;

const TOP_KEYS = new Set(['format', 'version', 'dataset', 'labels', 'videos', 'splits']);
const VIDEO_KEYS = new Set(['name', 'nframes', 'width', 'height', 'tubes']);
const TUBE_KEYS = new Set(['label', 'start', 'boxes', 'scores']);

function isRecord(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/**
 * The offset of the first JSON syntax error in `text` (a small recursive-descent checker, used only
 * to place an error that `JSON.parse` reported without a position).
 */
export function jsonErrorOffset(text: string): number {
  let i = 0;
  const ws = () => {
    while (i < text.length && ' \t\n\r'.includes(text[i]!)) i++;
  };
  const fail = (): never => {
    throw i;
  };
  const value = (): void => {
    ws();
    const c = text[i];
    if (c === '{' || c === '[') {
      const close = c === '{' ? '}' : ']';
      i++;
      ws();
      if (text[i] === close) {
        i++;
        return;
      }
      for (;;) {
        if (c === '{') {
          ws();
          if (text[i] !== '"') fail();
          value();
          ws();
          if (text[i] !== ':') fail();
          i++;
        }
        value();
        ws();
        if (text[i] === ',') {
          i++;
          continue;
        }
        if (text[i] === close) {
          i++;
          return;
        }
        fail();
      }
    }
    if (c === '"') {
      i++;
      while (i < text.length && text[i] !== '"') {
        if (text[i] === '\\') i++;
        else if (text.charCodeAt(i) < 0x20) fail();
        i++;
      }
      if (i >= text.length) fail();
      i++;
      return;
    }
    const m = /^(-?(0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?|true|false|null)/.exec(
      text.slice(i, i + 400),
    );
    if (!m) fail();
    i += m![0].length;
  };
  try {
    value();
    ws();
    if (i < text.length) fail();
  } catch (offset) {
    if (typeof offset === 'number') return offset;
    throw offset;
  }
  return text.length;
}

/** Line and column (1-based) of a character offset, for JSON syntax errors. */
function lineColumn(text: string, offset: number): string {
  let line = 1;
  let lineStart = 0;
  for (let i = 0; i < offset && i < text.length; i++) {
    if (text.charCodeAt(i) === 10) {
      line++;
      lineStart = i + 1;
    }
  }
  return `line ${line}, column ${offset - lineStart + 1}`;
}

/**
 * `JSON.parse` for tubekit's JSON files: a syntax error becomes a {@link TubekitFormatError} that
 * names `file` and the line and column.
 *
 * @example
 * parseJsonText('{"a": 1,}', 'x.json'); // throws "x.json (line 1, column 9): not valid JSON: …"
 */
export function parseJsonText(text: string, file: string): unknown {
  try {
    return JSON.parse(text);
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    const position = /position (\d+)/.exec(message);
    const place = lineColumn(text, position ? Number(position[1]) : jsonErrorOffset(text));
    throw new TubekitFormatError(
      file,
      place,
      `not valid JSON: ${message.split('\n')[0]!.replace(/, \.\.\..*$/, '')}`,
    );
  }
}

/**
 * Parses the text of a canonical ground-truth file (`*.tubes.json`, formats.md "Canonical files")
 * into an {@link ActionDataset}: boxes become packed `Float64Array` rows, unknown keys are
 * rejected, and the result is checked with {@link validateDataset}. Errors name `file` and the key
 * path (`videos[3].tubes[0].boxes[5]`) or, for JSON syntax errors, the line and column.
 *
 * @param text the file's contents
 * @param file the file name used in error messages
 * @example
 * const ds = parseDatasetJson('{"format":"tubekit-gt","version":1,"dataset":"toy","labels":["run"],' +
 *   '"videos":[{"name":"run/a","nframes":2,"width":320,"height":240,"tubes":[{"label":0,"start":1,' +
 *   '"boxes":[[1,2,30,40],[2,2,31,40]]}]}],"splits":{"test":["run/a"]}}', 'toy.tubes.json');
 */
export function parseDatasetJson(text: string, file: string): ActionDataset {
  const raw = parseJsonText(text, file);
  const fail = (place: string, detail: string): never => {
    throw new TubekitFormatError(file, place ? `key ${place}` : '', detail);
  };
  const checkKeys = (value: Record<string, unknown>, known: Set<string>, at: string) => {
    for (const key of Object.keys(value))
      if (!known.has(key))
        fail(at ? `${at}.${key}` : key, `unknown key (expected one of ${[...known].join(', ')})`);
  };
  if (!isRecord(raw)) return fail('', 'expected a JSON object with format "tubekit-gt"');
  checkKeys(raw, TOP_KEYS, '');
  if (raw.format !== DATASET_JSON_FORMAT)
    fail('format', `expected "${DATASET_JSON_FORMAT}", got ${describeValue(raw.format)}`);
  if (raw.version !== DATASET_JSON_VERSION)
    fail('version', `expected ${DATASET_JSON_VERSION}, got ${describeValue(raw.version)}`);
  if (typeof raw.dataset !== 'string') fail('dataset', 'expected a string');
  if (!Array.isArray(raw.labels)) fail('labels', 'expected an array of label names');
  if (!Array.isArray(raw.videos)) fail('videos', 'expected an array of videos');
  const splitsRaw = raw.splits ?? {};
  if (!isRecord(splitsRaw)) fail('splits', 'expected an object of named video lists');
  const videos: VideoAnnotation[] = (raw.videos as unknown[]).map((v, vi) => {
    const at = `videos[${vi}]`;
    if (!isRecord(v)) return fail(at, 'expected an object');
    checkKeys(v, VIDEO_KEYS, at);
    if (!Array.isArray(v.tubes)) fail(`${at}.tubes`, 'expected an array of tubes');
    const tubes: GroundTruthTube[] = (v.tubes as unknown[]).map((t, ti) => {
      const tat = `${at}.tubes[${ti}]`;
      if (!isRecord(t)) return fail(tat, 'expected an object');
      checkKeys(t, TUBE_KEYS, tat);
      if (!Array.isArray(t.boxes) || t.boxes.length === 0)
        fail(`${tat}.boxes`, 'expected a non-empty array of [x1, y1, x2, y2] rows');
      const rows = t.boxes as unknown[];
      const boxes = new Float64Array(rows.length * 4);
      rows.forEach((row, i) => {
        if (!Array.isArray(row) || row.length !== 4)
          fail(`${tat}.boxes[${i}]`, `expected [x1, y1, x2, y2], got ${describeValue(row)}`);
        for (let k = 0; k < 4; k++) {
          const x = (row as unknown[])[k];
          if (typeof x !== 'number')
            fail(`${tat}.boxes[${i}][${k}]`, `expected a number, got ${describeValue(x)}`);
          boxes[4 * i + k] = x as number;
        }
      });
      const tube: GroundTruthTube = {
        label: t.label as number,
        start: t.start as number,
        boxes,
      };
      if (t.scores !== undefined) {
        if (!Array.isArray(t.scores) || t.scores.some((s) => typeof s !== 'number'))
          fail(`${tat}.scores`, 'expected an array of numbers');
        tube.scores = Float64Array.from(t.scores as number[]);
      }
      return tube;
    });
    return {
      name: v.name as string,
      nframes: v.nframes as number,
      width: v.width as number,
      height: v.height as number,
      tubes,
    };
  });
  const splits: Record<string, string[]> = {};
  for (const [name, list] of Object.entries(splitsRaw as Record<string, unknown>)) {
    if (!Array.isArray(list) || list.some((x) => typeof x !== 'string'))
      fail(`splits.${name}`, 'expected an array of video names');
    splits[name] = list as string[];
  }
  const dataset: ActionDataset = {
    dataset: raw.dataset as string,
    labels: raw.labels as string[],
    videos,
    splits,
  };
  validateDataset(dataset, file);
  return dataset;
}

/**
 * Serialises an {@link ActionDataset} as a canonical `*.tubes.json` text: one video per line,
 * boxes as `[[x1, y1, x2, y2], …]` rows with numbers in their shortest round-trip form (so
 * {@link parseDatasetJson} gives back identical `Float64Array`s). The dataset is validated first;
 * `file` only names it in error messages.
 *
 * @example
 * const text = formatDatasetJson(dataset, 'out.tubes.json');
 */
export function formatDatasetJson(dataset: ActionDataset, file = '<dataset>'): string {
  validateDataset(dataset, file);
  const videoLines = dataset.videos.map((video) =>
    JSON.stringify({
      name: video.name,
      nframes: video.nframes,
      width: video.width,
      height: video.height,
      tubes: video.tubes.map((tube) => {
        const rows: number[][] = [];
        for (let i = 0; i < tube.boxes.length; i += 4)
          rows.push([tube.boxes[i]!, tube.boxes[i + 1]!, tube.boxes[i + 2]!, tube.boxes[i + 3]!]);
        const out: Record<string, unknown> = { label: tube.label, start: tube.start, boxes: rows };
        if (tube.scores) out.scores = Array.from(tube.scores);
        return out;
      }),
    }),
  );
  const head = [
    `"format":${JSON.stringify(DATASET_JSON_FORMAT)}`,
    `"version":${DATASET_JSON_VERSION}`,
    `"dataset":${JSON.stringify(dataset.dataset)}`,
    `"labels":${JSON.stringify(dataset.labels)}`,
  ].join(',\n');
  const videos = videoLines.length ? `[\n${videoLines.join(',\n')}\n]` : '[]';
  return `{${head},\n"videos":${videos},\n"splits":${JSON.stringify(dataset.splits)}\n}\n`;
}

/**
 * Reads a canonical ground-truth file (`*.tubes.json`). See {@link parseDatasetJson}.
 *
 * @example
 * const ds = await readDatasetJson('ucf101-24.tubes.json');
 * console.log(ds.labels.length, ds.videos.length);
 */
export async function readDatasetJson(path: string): Promise<ActionDataset> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    throw new TubekitFormatError(path, '', `cannot read: ${(error as Error).message}`);
  }
  return parseDatasetJson(text, path);
}

/**
 * Writes an {@link ActionDataset} as a canonical `*.tubes.json` file, atomically (a temporary
 * sibling renamed into place): an invalid dataset throws before anything is written.
 *
 * @example
 * await writeDatasetJson('out/ucf101-24.tubes.json', await loadDataset('pyannot.pkl'));
 */
export async function writeDatasetJson(path: string, dataset: ActionDataset): Promise<void> {
  await writeFileAtomic(path, formatDatasetJson(dataset, path));
}
