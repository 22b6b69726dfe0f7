import { type WriteStream } from 'node:fs';
/**
 * Writes `data` to `path` atomically: the bytes go to a temporary sibling file that is renamed
 * over `path` only once complete, so readers never see a partial file and a failed write leaves
 * any previous file untouched. Parent directories are created.
 *
 * @example
 * await writeFileAtomic('results/step/report.md', '# STEP\n');
 */
export declare function writeFileAtomic(path: string, data: string | Uint8Array): Promise<void>;
/** Synchronous {@link writeFileAtomic}. */
export declare function writeFileAtomicSync(path: string, data: string | Uint8Array): void;
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
export declare function openAtomicWriteStream(path: string): AtomicWriteStream;
