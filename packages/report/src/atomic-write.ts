import { randomBytes } from 'node:crypto';
import {
  createWriteStream,
  mkdirSync,
  renameSync,
  rmSync,
  type WriteStream,
  writeFileSync,
} from 'node:fs';
import { mkdir, rename, rm, writeFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';

/** A sibling temporary path in the same directory (so the final rename is atomic on POSIX). */
function temporaryPath(path: string): string {
  return join(
    dirname(path),
    `.${basename(path)}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`,
  );
}

/**
 * Writes `data` to `path` atomically: the bytes go to a temporary sibling file that is renamed
 * over `path` only once complete, so readers never see a partial file and a failed write leaves
 * any previous file untouched. Parent directories are created.
 *
 * @example
 * await writeFileAtomic('results/step/report.md', '# STEP\n');
 */
export async function writeFileAtomic(path: string, data: string | Uint8Array): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  const tmp = temporaryPath(path);
  try {
    await writeFile(tmp, data);
    await rename(tmp, path);
  } catch (error) {
    await rm(tmp, { force: true });
    throw error;
  }
}

/** Synchronous {@link writeFileAtomic}. */
export function writeFileAtomicSync(path: string, data: string | Uint8Array): void {
  mkdirSync(dirname(path), { recursive: true });
  const tmp = temporaryPath(path);
  try {
    writeFileSync(tmp, data);
    renameSync(tmp, path);
  } catch (error) {
    rmSync(tmp, { force: true });
    throw error;
  }
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
 * Lines). Write to `stream`, then `commit()`; on any error call `abort()`.
 *
 * @example
 * const out = openAtomicWriteStream('tubes.csv');
 * out.stream.write('video,tube,label,score,frame,x1,y1,x2,y2\n');
 * await out.commit();
 */
export function openAtomicWriteStream(path: string): AtomicWriteStream {
  mkdirSync(dirname(path), { recursive: true });
  const tmp = temporaryPath(path);
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
        throw error;
      }
    },
    async abort() {
      await closed().catch(() => undefined);
      await rm(tmp, { force: true });
    },
  };
}
