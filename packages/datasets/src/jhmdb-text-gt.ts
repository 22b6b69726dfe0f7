import { readdir, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { ActionDataset } from './annotation-model';
import { parseDecimal } from './decimal-number';
import { quoteInput, TubekitFormatError } from './format-error';
import { JHMDB_LABELS, type JhmdbFrameBox, jhmdbDataset, jhmdbVideoName } from './jhmdb';
import { listZipEntries, readZipEntry } from './zip-archive';

/** Options of {@link readJhmdbTextGt}. */
export interface JhmdbTextGtOptions {
  /** Name of the split the files form; default `test1` (the published files are split 1's test set). */
  split?: string;
}

const FILE_NAME = /^(.+)_(\d{5})\.txt$/;

/** The largest per-frame file read from a zip (its one line is a few dozen bytes). */
const MAX_FRAME_FILE_BYTES = 4096;

/** Parses one per-frame file `class(1-based) x1 y1 x2 y2` into the per-video map. */
function addFrameFile(
  perVideo: Map<string, { label: number; frames: JhmdbFrameBox[] }>,
  entryName: string,
  text: string,
  file: string,
): void {
  const base = entryName.split('/').pop()!;
  const place = `entry ${entryName}`;
  const match = FILE_NAME.exec(base);
  if (!match)
    throw new TubekitFormatError(
      file,
      place,
      'expected a file named <class>_<video>_<frame:05d>.txt',
    );
  const video = jhmdbVideoName(match[1]!);
  if (!video)
    throw new TubekitFormatError(
      file,
      place,
      `the name does not start with one of the 21 J-HMDB classes`,
    );
  const lines = text.split(/\r?\n/).filter((l) => l.trim() !== '');
  if (lines.length !== 1)
    throw new TubekitFormatError(
      file,
      place,
      `expected one line "class x1 y1 x2 y2", got ${lines.length}`,
    );
  const cells = lines[0]!.trim().split(/\s+/);
  const values = cells.map(parseDecimal);
  if (cells.length !== 5 || !values.every(Number.isFinite))
    throw new TubekitFormatError(
      file,
      `${place}, line 1`,
      `expected "class x1 y1 x2 y2", got ${quoteInput(lines[0]!)}`,
    );
  const [cls, x1, y1, x2, y2] = values as [number, number, number, number, number];
  if (cls !== video.label + 1)
    throw new TubekitFormatError(
      file,
      `${place}, line 1`,
      `class id ${cls} (${JHMDB_LABELS[cls - 1] ?? 'unknown'}) disagrees with the file name's class ${JHMDB_LABELS[video.label]} (id ${video.label + 1})`,
    );
  if (x2 < x1 || y2 < y1)
    throw new TubekitFormatError(
      file,
      `${place}, line 1`,
      `expected x2 ≥ x1 and y2 ≥ y1, got [${x1}, ${y1}, ${x2}, ${y2}]`,
    );
  let entry = perVideo.get(video.name);
  if (!entry) perVideo.set(video.name, (entry = { label: video.label, frames: [] }));
  entry.frames.push({ frame: Number(match[2]), box: [x1, y1, x2, y2], place });
}

/**
 * Reads J-HMDB-21 per-frame text ground truth — the published `groundtruths_jhmdb.zip` (split 1
 * test set, 268 videos) straight from the zip (tubekit's own zip reader, node:zlib inflate, CRC
 * checked), or a folder of the extracted files (or the folder holding `groundtruths_jhmdb/`).
 * Each `<class>_<video>_<frame:05d>.txt` holds one line `class x1 y1 x2 y2` (class 1-based in
 * {@link JHMDB_LABELS} order, box as stored). Names become `<class>/<video>`
 * ({@link jhmdbVideoName}); the class id must agree with the name. All videos form one split (`options.split`, default `test1`).
 *
 * @example
 * const ds = await readJhmdbTextGt(tubekitDataPath('jhmdb-21/groundtruths_jhmdb.zip'));
 * ds.videos.length; // 268
 */
export async function readJhmdbTextGt(
  path: string,
  options: JhmdbTextGtOptions = {},
): Promise<ActionDataset> {
  const perVideo = new Map<string, { label: number; frames: JhmdbFrameBox[] }>();
  let info: Awaited<ReturnType<typeof stat>>;
  try {
    info = await stat(path);
  } catch (error) {
    throw new TubekitFormatError(path, '', `cannot read: ${(error as Error).message}`);
  }
  const decoder = new TextDecoder('utf-8');
  if (info.isDirectory()) {
    let dir = path;
    let names = (await readdir(dir)).filter((n) => n.endsWith('.txt')).sort();
    // the folder the zip was extracted into holds one `groundtruths_jhmdb/` folder
    if (names.length === 0 && (await readdir(dir)).includes('groundtruths_jhmdb')) {
      dir = join(dir, 'groundtruths_jhmdb');
      names = (await readdir(dir)).filter((n) => n.endsWith('.txt')).sort();
    }
    if (names.length === 0)
      throw new TubekitFormatError(path, '', 'no *.txt ground-truth files in this folder');
    for (const name of names)
      addFrameFile(perVideo, name, await readFile(join(dir, name), 'utf8'), path);
  } else {
    const bytes = await readFile(path);
    const entries = listZipEntries(bytes, path).filter((e) => !e.name.endsWith('/'));
    if (entries.length === 0) throw new TubekitFormatError(path, '', 'the archive holds no files');
    for (const entry of entries) {
      if (!entry.name.endsWith('.txt')) continue;
      // a per-frame file is one short line: refuse a huge member before inflating it
      if (entry.size > MAX_FRAME_FILE_BYTES)
        throw new TubekitFormatError(
          path,
          `entry ${entry.name}`,
          `${entry.size} bytes; a per-frame ground-truth file is one line "class x1 y1 x2 y2" (at most ${MAX_FRAME_FILE_BYTES} bytes)`,
        );
      addFrameFile(perVideo, entry.name, decoder.decode(readZipEntry(bytes, entry, path)), path);
    }
    if (perVideo.size === 0)
      throw new TubekitFormatError(path, '', 'the archive holds no *.txt ground-truth files');
  }
  const names = [...perVideo.keys()].sort();
  return jhmdbDataset(perVideo, path, { [options.split ?? 'test1']: names });
}
