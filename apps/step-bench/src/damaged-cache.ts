import { existsSync, readFileSync, renameSync } from 'node:fs';

/**
 * Moves a damaged cache file out of the way (to `<path>.damaged-<ISO time>`, next to it) so the
 * run recomputes it, and returns the new path. The file is kept, not deleted, so a user can look
 * at what went wrong.
 */
export function setAsideDamaged(path: string): string {
  const aside = `${path}.damaged-${new Date().toISOString().replaceAll(':', '-')}`;
  renameSync(path, aside);
  return aside;
}

/** The first line of an error's message, at most 200 characters (never a stack or a source dump). */
export function firstLine(error: unknown): string {
  const text = error instanceof Error ? error.message : String(error);
  const line = text.split('\n')[0] ?? '';
  return line.length > 200 ? `${line.slice(0, 199)}…` : line;
}

/**
 * Reads a cached JSON file. Returns `undefined` when it does not exist; when it cannot be read or
 * parsed (a run cut off while writing without the atomic rename, a disk error, a hand edit), says
 * so in one line naming the file, sets it aside with {@link setAsideDamaged} and returns
 * `undefined`, so the caller recomputes the entry.
 */
export function readCacheJson<T>(path: string, log: (line: string) => void): T | undefined {
  if (!existsSync(path)) return undefined;
  try {
    return JSON.parse(readFileSync(path, 'utf8')) as T;
  } catch (error) {
    const aside = setAsideDamaged(path);
    log(
      `step-bench: damaged cache file ${path} (${firstLine(error)}); set aside as ${aside}, recomputing`,
    );
    return undefined;
  }
}
