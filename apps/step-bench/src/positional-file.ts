import { closeSync, fstatSync, openSync, readSync } from 'node:fs';

/** A file read by position ({@link readPositional}). */
export interface PositionalFile {
  /** The file's size in bytes. */
  size: number;
  /** `length` bytes from byte `at`; throws `bad('truncated (damaged file?)')` past the end. */
  read(at: number, length: number): Uint8Array;
}

/**
 * Runs `body` on `path` opened for positional reads, and closes it. For the benchmark's large
 * cache files (rendered frames, stored backbone features), which pass the 2 GiB that one
 * `readFileSync` can return: each part is read into its own array. `bad(why)` makes the error
 * that names the file.
 */
export function readPositional<T>(
  path: string,
  bad: (why: string) => Error,
  body: (file: PositionalFile) => T,
): T {
  const fd = openSync(path, 'r');
  try {
    const size = fstatSync(fd).size;
    return body({
      size,
      read: (at, length) => {
        if (at + length > size) throw bad('truncated (damaged file?)');
        const out = new Uint8Array(length);
        for (let done = 0; done < length; ) {
          const n = readSync(fd, out, done, length - done, at + done);
          if (n === 0) throw bad('truncated (damaged file?)');
          done += n;
        }
        return out;
      },
    });
  } finally {
    closeSync(fd);
  }
}

/**
 * The JSON header at the start of a cache file: a little-endian uint32 length, then that many
 * bytes of JSON. Returns it and the offset of the first byte after it; a file too short for it or
 * a header that is not JSON throws `bad(…)`.
 */
export function readJsonHeader<T>(
  file: PositionalFile,
  bad: (why: string) => Error,
): { header: T; end: number } {
  if (file.size < 4) throw bad('too short for a cache file');
  const length = Buffer.from(file.read(0, 4)).readUInt32LE(0);
  const text = Buffer.from(file.read(4, length)).toString('utf8');
  try {
    return { header: JSON.parse(text) as T, end: 4 + length };
  } catch {
    throw bad('header is not JSON (damaged file?)');
  }
}
