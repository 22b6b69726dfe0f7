import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { readdir, readFile, stat, unlink, utimes } from 'node:fs/promises';
import { dirname, extname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { crc32 } from 'node:zlib';
import { writeFileAtomic } from '@tubekit/report';
import type { ActionDataset, GroundTruthTube, VideoAnnotation } from './annotation-model';

/** The first 8 bytes of a cache file; the digit is the layout's version (2: CRC-32 checksum). */
const MAGIC = 'TKGTC002';
/** Magic, CRC-32 of the rest, header length. */
const PREFIX = 8 + 4 + 4;
/** Where the header length is, and where the checksummed bytes start. */
const LENGTH_AT = 12;

/** Per tube in the header: `[label, start, frames, has scores (0/1)]`. */
type TubeHead = [number, number, number, number];
/** Per video in the header: `[name, nframes, width, height, tubes]`. */
type VideoHead = [string, number, number, number, TubeHead[]];
interface Header {
  dataset: string;
  labels: string[];
  splits: Record<string, string[]>;
  videos: VideoHead[];
}

let codeDigest: string | undefined;

/**
 * SHA-256 of the code that turns a file into an {@link ActionDataset}: the bundle holding this
 * module when built (every reader of the package is in it; the package imports no other code at
 * run time but `@tubekit/report`'s file writer), or every `.ts` file under `src/` when running
 * from sources. Any change to a reader changes it, and so every cache key.
 */
function readerCodeDigest(): string {
  if (codeDigest !== undefined) return codeDigest;
  const here = typeof __filename === 'string' ? __filename : fileURLToPath(import.meta.url);
  const hash = createHash('sha256');
  const add = (file: string) => hash.update(file).update(readFileSync(file));
  if (extname(here) !== '.ts') add(here);
  else {
    const walk = (dir: string) => {
      for (const entry of readdirSync(dir, { withFileTypes: true }).sort((a, b) =>
        a.name < b.name ? -1 : 1,
      )) {
        const path = join(dir, entry.name);
        if (entry.isDirectory()) walk(path);
        else if (entry.name.endsWith('.ts')) add(path);
      }
    };
    walk(dirname(here));
  }
  codeDigest = hash.digest('hex');
  return codeDigest;
}

/** The key of a dataset read from `inputs`: their contents (or absence), extensions and the reader code. */
async function cacheKey(inputs: readonly string[]): Promise<string> {
  const hash = createHash('sha256').update(`${MAGIC}\n${readerCodeDigest()}\n`);
  for (const input of inputs) {
    hash.update(`${extname(input).toLowerCase()}\n`);
    const bytes = await readFile(input).catch((error: NodeJS.ErrnoException) => {
      if (error.code === 'ENOENT') return undefined;
      throw error;
    });
    if (bytes === undefined) hash.update('absent\n');
    else hash.update(`${bytes.length}\n`).update(bytes);
  }
  return hash.digest('hex');
}

/** The cache file's bytes for `dataset`: magic, checksum, JSON header, then every box and score as float64. */
export function encodeCachedDataset(dataset: ActionDataset): Uint8Array {
  let floats = 0;
  const videos: VideoHead[] = dataset.videos.map((v) => [
    v.name,
    v.nframes,
    v.width,
    v.height,
    v.tubes.map((t): TubeHead => {
      const T = t.boxes.length / 4;
      floats += 4 * T + (t.scores ? T : 0);
      return [t.label, t.start, T, t.scores ? 1 : 0];
    }),
  ]);
  const header: Header = {
    dataset: dataset.dataset,
    labels: dataset.labels,
    splits: dataset.splits,
    videos,
  };
  const json = Buffer.from(JSON.stringify(header), 'utf8');
  const start = Math.ceil((PREFIX + json.length) / 8) * 8;
  const out = new Uint8Array(start + 8 * floats);
  out.set(Buffer.from(MAGIC, 'latin1'), 0);
  const view = new DataView(out.buffer);
  view.setUint32(LENGTH_AT, json.length, true);
  out.set(json, PREFIX);
  const data = new Float64Array(out.buffer, start, floats);
  let at = 0;
  for (const v of dataset.videos)
    for (const t of v.tubes) {
      data.set(t.boxes, at);
      at += t.boxes.length;
      if (t.scores) {
        data.set(t.scores, at);
        at += t.scores.length;
      }
    }
  view.setUint32(8, crc32(out.subarray(LENGTH_AT)), true);
  return out;
}

/**
 * The dataset in cache file bytes `bytes`, or `undefined` when they are not one whole cache file
 * (wrong magic, cut short, checksum mismatch: a damaged file is never trusted). The checksum is a
 * CRC-32 (zlib's): it guards against damage, not forgery (the entry's name, its key, is a SHA-256
 * of the inputs), and is 3× faster than a SHA-256 of the 18 MiB UCF101-24 entry. Boxes and scores
 * are views into one copy of the data.
 */
export function decodeCachedDataset(bytes: Uint8Array): ActionDataset | undefined {
  if (bytes.length < PREFIX || Buffer.from(bytes.subarray(0, 8)).toString('latin1') !== MAGIC)
    return undefined;
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (crc32(bytes.subarray(LENGTH_AT)) !== view.getUint32(8, true)) return undefined;
  const length = view.getUint32(LENGTH_AT, true);
  const start = Math.ceil((PREFIX + length) / 8) * 8;
  if (start > bytes.length || (bytes.length - start) % 8 !== 0) return undefined;
  const header = JSON.parse(
    Buffer.from(bytes.buffer, bytes.byteOffset + PREFIX, length).toString('utf8'),
  ) as Header;
  // a copy, aligned (a Buffer's slice would be a view into its pool)
  const aligned = new Uint8Array(bytes.length - start);
  aligned.set(bytes.subarray(start));
  const data = new Float64Array(aligned.buffer);
  let at = 0;
  const take = (n: number) => {
    const view = data.subarray(at, at + n);
    at += n;
    return view;
  };
  const videos = header.videos.map(
    ([name, nframes, width, height, tubes]): VideoAnnotation => ({
      name,
      nframes,
      width,
      height,
      tubes: tubes.map(([label, start, T, scored]): GroundTruthTube => {
        const tube: GroundTruthTube = { label, start, boxes: take(4 * T) };
        if (scored) tube.scores = take(T);
        return tube;
      }),
    }),
  );
  if (at !== data.length) return undefined;
  return { dataset: header.dataset, labels: header.labels, videos, splits: header.splits };
}

/**
 * Loads a dataset through a binary cache in `dir`: the file `<key>.gt` holds what `load()` returned
 * for the same `inputs` before, where the key is the SHA-256 of every input's bytes (an absent
 * input counts as absent), their extensions and the reader code ({@link readerCodeDigest}), so an
 * entry is never served for changed inputs or a changed reader, whatever the files' times. A
 * missing or damaged entry (checked by its CRC-32) is read with `load()` and written again,
 * atomically (temp file + rename); a cache that cannot be written is skipped without a word.
 *
 * The folder stays within `maxBytes`: an entry served is marked used (its modification time),
 * and after a write the least recently used entries beyond the bound are removed (a new reader
 * version makes new keys, so old entries would otherwise pile up).
 *
 * @param inputs every file the result depends on (e.g. the GT file and a split list beside it)
 * @param load reads and validates the dataset the slow way
 * @param maxBytes the bound on the folder's `.gt` entries (default {@link GT_CACHE_MAX_BYTES})
 */
export async function loadCachedDataset(
  inputs: readonly string[],
  dir: string,
  load: () => Promise<ActionDataset>,
  maxBytes = GT_CACHE_MAX_BYTES,
): Promise<ActionDataset> {
  // an input that cannot be read is the reader's to report
  const key = await cacheKey(inputs).catch(() => undefined);
  if (key === undefined) return load();
  const file = join(dir, `${key}.gt`);
  const bytes = await readFile(file).catch(() => undefined);
  const cached = bytes && decodeCachedDataset(bytes);
  if (cached) {
    const now = new Date();
    await utimes(file, now, now).catch(() => undefined);
    return cached;
  }
  const dataset = await load();
  const written = await writeFileAtomic(file, encodeCachedDataset(dataset)).then(
    () => true,
    () => false,
  );
  if (written) await pruneCache(dir, file, maxBytes).catch(() => undefined);
  return dataset;
}

/** The default bound on a GT cache folder: 1 GiB (about 50 UCF101-24 entries). */
export const GT_CACHE_MAX_BYTES = 2 ** 30;

/** Removes the least recently used `.gt` entries of `dir` beyond `maxBytes`, never `keep`. */
async function pruneCache(dir: string, keep: string, maxBytes: number): Promise<void> {
  const entries: { path: string; size: number; used: number }[] = [];
  for (const name of await readdir(dir)) {
    if (!name.endsWith('.gt')) continue;
    const path = join(dir, name);
    const info = await stat(path).catch(() => undefined);
    if (info?.isFile()) entries.push({ path, size: info.size, used: info.mtimeMs });
  }
  entries.sort((a, b) => (a.path === keep ? -1 : b.path === keep ? 1 : b.used - a.used));
  let total = 0;
  for (const entry of entries) {
    total += entry.size;
    if (total > maxBytes && entry.path !== keep) await unlink(entry.path).catch(() => undefined);
  }
}
