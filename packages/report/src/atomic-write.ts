import { randomBytes } from 'node:crypto';
import {
  createWriteStream,
  mkdirSync,
  readdirSync,
  renameSync,
  rmSync,
  statSync,
  type WriteStream,
  writeFileSync,
} from 'node:fs';
import { mkdir, rename, rm, stat, writeFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';

/**
 * A failed output write. The message names the path the caller asked for — never the hidden
 * temporary sibling — and the system's reason: `cannot write out/tubes.csv: ENOSPC: no space left
 * on device`. `code` is the system error code (`EISDIR`, `ENOSPC`, `EACCES`, …) when there is one.
 */
export class AtomicWriteError extends Error {
  constructor(
    readonly path: string,
    readonly code: string | undefined,
    reason: string,
  ) {
    super(`cannot write ${path}: ${reason}`);
    this.name = 'AtomicWriteError';
  }
}

/** Wraps a file-system error so that it names `path` (the user's), not the temporary file. */
function outputError(path: string, error: unknown): AtomicWriteError {
  if (error instanceof AtomicWriteError) return error;
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  const message = error instanceof Error ? error.message : String(error);
  // Node's "ENOSPC: no space left on device, write" / "EISDIR: …, rename 'a' -> 'b'": keep the
  // reason, drop the syscall and the temporary paths
  const reason = code ? message.split(', ')[0]! : message.split('\n')[0]!;
  return new AtomicWriteError(path, code, reason);
}

/** The temporary names of {@link temporaryPath}: `.<name>.<pid>.<8 hex>.tmp`. */
const TEMPORARY = /^\.(.+)\.(\d+)\.[0-9a-f]{8}\.tmp$/;

/**
 * A temporary sibling of `path` in the same directory (so the final rename is atomic on POSIX),
 * named `.<name>.<pid>.<8 hex>.tmp`: the pattern that {@link removeStaleTemporaries} recognises.
 *
 * @example
 * const staging = temporaryPath('out/synth'); // out/.synth.4711.9f3a0c1e.tmp
 */
export function temporaryPath(path: string): string {
  return join(
    dirname(path),
    `.${basename(path)}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`,
  );
}

function processAlive(pid: number): boolean {
  if (pid === process.pid) return true;
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

const cleaned = new Set<string>();

/**
 * Removes the temporaries of our own pattern (`.<name>.<pid>.<hex>.tmp`, files or staging folders)
 * in `path`'s directory whose writer process no longer runs: what a write killed by SIGKILL leaves
 * behind. Those of live processes (a concurrent write) and every other file are left alone. Each
 * directory is scanned once per process; every atomic write calls it before writing.
 *
 * @example
 * removeStaleTemporaries('out/tubes.csv'); // drops out/.tubes.csv.4711.9f3a0c1e.tmp if 4711 is gone
 */
export function removeStaleTemporaries(path: string): void {
  const dir = dirname(path);
  if (cleaned.has(dir)) return;
  cleaned.add(dir);
  let entries: string[];
  try {
    entries = readdirSync(dir);
  } catch {
    return;
  }
  for (const entry of entries) {
    const m = TEMPORARY.exec(entry);
    if (m && !processAlive(Number(m[2])))
      rmSync(join(dir, entry), { recursive: true, force: true });
  }
}

/** An existing directory at the target would only fail at the final rename: refuse it up front. */
function refuseDirectory(path: string, isDirectory: boolean): void {
  if (isDirectory) throw new AtomicWriteError(path, 'EISDIR', 'EISDIR: it is a directory');
}

async function prepare(path: string): Promise<string> {
  try {
    await mkdir(dirname(path), { recursive: true });
    refuseDirectory(path, (await stat(path).catch(() => undefined))?.isDirectory() === true);
    removeStaleTemporaries(path);
  } catch (error) {
    throw outputError(path, error);
  }
  return temporaryPath(path);
}

function prepareSync(path: string): string {
  try {
    mkdirSync(dirname(path), { recursive: true });
    refuseDirectory(path, statSync(path, { throwIfNoEntry: false })?.isDirectory() === true);
    removeStaleTemporaries(path);
  } catch (error) {
    throw outputError(path, error);
  }
  return temporaryPath(path);
}

/**
 * Writes `data` to `path` atomically: the bytes go to a temporary sibling file that is renamed
 * over `path` only once complete, so readers never see a partial file and a failed write leaves
 * any previous file untouched. Parent directories are created; temporary files that a killed
 * earlier write left for the same target are removed. Errors are {@link AtomicWriteError}s that
 * name `path`.
 *
 * @example
 * await writeFileAtomic('results/step/report.md', '# STEP\n');
 */
export async function writeFileAtomic(path: string, data: string | Uint8Array): Promise<void> {
  const staged = await stageFileAtomic(path, data);
  await staged.commit();
}

/** Synchronous {@link writeFileAtomic}. */
export function writeFileAtomicSync(path: string, data: string | Uint8Array): void {
  const tmp = prepareSync(path);
  try {
    writeFileSync(tmp, data);
    renameSync(tmp, path);
  } catch (error) {
    rmSync(tmp, { force: true });
    throw outputError(path, error);
  }
}

/** A file written in full to its temporary sibling, waiting to be published ({@link stageFileAtomic}). */
export interface StagedFile {
  /** The final path. */
  readonly path: string;
  /** Renames the temporary file to the final path. */
  commit(): Promise<void>;
  /** Deletes the temporary file; the final path is left as it was. */
  abort(): Promise<void>;
}

/**
 * Writes `data` in full to a temporary sibling of `path` and returns a handle to publish or drop
 * it: for outputs that must appear together or not at all (`tubekit link`'s tube CSV and its
 * `--metadata`). Stage the small file first, write the large one, then commit: a failure before
 * the commit leaves neither.
 *
 * @example
 * const meta = await stageFileAtomic('run.json', json);
 * try { await writeCsv('tubes.csv'); } catch (e) { await meta.abort(); throw e; }
 * await meta.commit();
 */
export async function stageFileAtomic(
  path: string,
  data: string | Uint8Array,
): Promise<StagedFile> {
  const tmp = await prepare(path);
  try {
    await writeFile(tmp, data);
  } catch (error) {
    await rm(tmp, { force: true });
    throw outputError(path, error);
  }
  return {
    path,
    async commit() {
      try {
        await rename(tmp, path);
      } catch (error) {
        await rm(tmp, { force: true });
        throw outputError(path, error);
      }
    },
    async abort() {
      await rm(tmp, { force: true });
    },
  };
}

/** A stream whose file appears at its path only when {@link AtomicWriteStream.commit} succeeds. */
export interface AtomicWriteStream {
  /** Where the bytes go until commit. */
  readonly stream: WriteStream;
  /** Flushes, closes and renames the temporary file to the final path. */
  commit(): Promise<void>;
  /** Closes and deletes the temporary file; the final path is left as it was. */
  abort(): Promise<void>;
}

/**
 * Opens a streaming atomic writer for outputs too large to build in memory (tube CSVs, JSON
 * Lines). Write to `stream`, then `commit()`; on any error call `abort()`. Errors of `commit()`
 * are {@link AtomicWriteError}s naming `path`.
 *
 * @example
 * const out = openAtomicWriteStream('tubes.csv');
 * out.stream.write('video,tube,label,score,frame,x1,y1,x2,y2\n');
 * await out.commit();
 */
export function openAtomicWriteStream(path: string): AtomicWriteStream {
  const tmp = prepareSync(path);
  const stream = createWriteStream(tmp);
  let failure: Error | undefined;
  stream.on('error', (error) => {
    failure = error;
  });
  const closed = () =>
    new Promise<void>((resolve, reject) => {
      if (stream.closed) {
        if (failure) reject(failure);
        else resolve();
        return;
      }
      stream.end(() => (failure ? reject(failure) : resolve()));
      stream.once('error', reject);
    });
  return {
    stream,
    async commit() {
      try {
        await closed();
        await rename(tmp, path);
      } catch (error) {
        await rm(tmp, { force: true });
        throw outputError(path, error);
      }
    },
    async abort() {
      await closed().catch(() => undefined);
      await rm(tmp, { force: true });
    },
  };
}
