import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { acquireRunLock } from './run-lock';

describe('acquireRunLock', () => {
  const dir = mkdtempSync(join(tmpdir(), 'step-lock-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const lock = join(dir, '.reproduce.lock');

  it('records pid, host and start time, and releases', () => {
    const release = acquireRunLock(dir);
    const owner = JSON.parse(readFileSync(lock, 'utf8'));
    expect(owner).toEqual({ pid: process.pid, host: hostname(), startedAt: expect.any(String) });
    release();
    release();
    expect(existsSync(lock)).toBe(false);
  });

  it('names the live run that holds the folder', async () => {
    const other = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 30000)']);
    try {
      writeFileSync(lock, JSON.stringify({ pid: other.pid, host: hostname(), startedAt: 'T0' }));
      expect(() => acquireRunLock(dir)).toThrow(
        `in use by another run (pid ${other.pid} on ${hostname()}, started T0; lock ${lock})`,
      );
    } finally {
      other.kill();
    }
    await new Promise((r) => other.on('exit', r));
    // Its process is gone now: the stale lock is taken over.
    const release = acquireRunLock(dir);
    expect(JSON.parse(readFileSync(lock, 'utf8')).pid).toBe(process.pid);
    release();
  });

  it('takes over an unreadable lock and refuses one from another host', () => {
    writeFileSync(lock, '{"pid": 12');
    acquireRunLock(dir)();
    writeFileSync(lock, JSON.stringify({ pid: 1, host: 'elsewhere', startedAt: 'T0' }));
    expect(() => acquireRunLock(dir)).toThrow(/locked by a run on host elsewhere .* delete /);
    rmSync(lock);
  });
});
