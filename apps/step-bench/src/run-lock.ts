import { closeSync, mkdirSync, openSync, readFileSync, rmSync, writeSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';

/** Who holds a results folder: written as JSON into its lock file. */
export interface RunLockOwner {
  pid: number;
  host: string;
  startedAt: string;
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Takes the lock file `<dir>/.reproduce.lock` so two runs never train into one results folder.
 * The lock records pid, host and start time. A lock whose process is gone (same host, pid not
 * alive) or that cannot be read is stale and is taken over; a live one makes this throw one line
 * saying who holds the folder. Returns the release function (idempotent; also safe to call from
 * an exit handler).
 *
 * @example
 * const release = acquireRunLock('results/step');
 * try { … } finally { release(); }
 */
export function acquireRunLock(dir: string): () => void {
  mkdirSync(dir, { recursive: true });
  const path = join(dir, '.reproduce.lock');
  const me: RunLockOwner = {
    pid: process.pid,
    host: hostname(),
    startedAt: new Date().toISOString(),
  };
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const fd = openSync(path, 'wx');
      writeSync(fd, `${JSON.stringify(me)}\n`);
      closeSync(fd);
      let released = false;
      return () => {
        if (released) return;
        released = true;
        rmSync(path, { force: true });
      };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
    let owner: RunLockOwner | undefined;
    try {
      owner = JSON.parse(readFileSync(path, 'utf8')) as RunLockOwner;
    } catch {
      owner = undefined; // unreadable (cut off while written): stale
    }
    if (owner && owner.host === me.host && owner.pid !== me.pid && isAlive(owner.pid))
      throw new Error(
        `step-bench: ${dir} is in use by another run (pid ${owner.pid} on ${owner.host}, started ${owner.startedAt}; lock ${path}); wait for it to finish, or use another output folder`,
      );
    if (owner && owner.host !== me.host)
      throw new Error(
        `step-bench: ${dir} is locked by a run on host ${owner.host} (pid ${owner.pid}, started ${owner.startedAt}); if that run is gone, delete ${path}`,
      );
    rmSync(path, { force: true }); // stale: its process is gone
  }
  throw new Error(
    `step-bench: could not take the lock ${path}: another run took it at the same time`,
  );
}
