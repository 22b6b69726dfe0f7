import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { ProgressEvent } from '@tubekit/report';
import { queueJob } from './job';
import { runLocalPool } from './run-local-pool';

const KINDS = { test: resolve(__dirname, '..', 'test', 'fixtures', 'test-jobs.ts') };
const job = (config: object, label: string, parents: string[] = []) =>
  queueJob('test', config, { label, parents, environment: { flavour: 'plain' } });
const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};
const pidsIn = (lines: string[]) =>
  lines.flatMap((l) => [...l.matchAll(/\(pid (\d+)\)/g)].map((m) => Number(m[1])));

describe('runLocalPool', () => {
  it('runs a graph in at most 2 child processes: parents first, a failure fails its descendants, bars and log lines per slot', async () => {
    const lines: string[] = [];
    const bars: Array<[string, string, ProgressEvent]> = [];
    const spans = [1, 2, 3, 4].map((i) => job({ op: 'span', add: 400 + i }, `span ${i}`));
    const a = job({ op: 'sum', add: 1 }, 'a');
    const b = job({ op: 'bar', add: 2 }, 'b');
    const c = job({ op: 'sum', add: 10 }, 'c', [a.id, b.id]);
    const boom = job({ op: 'boom', add: 0 }, 'boom');
    const after = job({ op: 'sum', add: 0 }, 'after boom', [boom.id]);
    const later = job({ op: 'sum', add: 5 }, 'after after', [after.id]);
    const ended: string[] = [];
    const outcomes = await runLocalPool({
      jobs: [...spans, c, a, b, later, after, boom],
      kinds: KINDS,
      workers: 2,
      log: (l) => lines.push(l),
      onProgress: (worker, j, event) => bars.push([worker, j.label, event]),
      onOutcome: (j) => {
        ended.push(j.label);
      },
    });
    expect(outcomes.size).toBe(10);
    expect(outcomes.get(c.id)).toEqual({
      ok: true,
      result: 13,
      worker: expect.stringMatching(/^w[12]$/),
    });
    expect(outcomes.get(boom.id)).toEqual({ ok: false, error: 'boom on attempt 1' });
    expect(outcomes.get(after.id)).toEqual({ ok: false, error: 'parent boom failed' });
    expect(outcomes.get(later.id)).toEqual({ ok: false, error: 'parent after boom failed' });
    expect(ended.indexOf('c')).toBeGreaterThan(Math.max(ended.indexOf('a'), ended.indexOf('b')));
    // two at once at most, and two did run at once
    const times = spans.map(
      (s) => (outcomes.get(s.id) as { result: { start: number; end: number } }).result,
    );
    const overlap = (t: number) => times.filter((s) => s.start <= t && t < s.end).length;
    const most = Math.max(...times.map((s) => overlap(s.start)));
    expect(most).toBe(2);
    // the bar of b came through its slot, and its log line with the slot's prefix
    const ofB = bars.filter(([, label]) => label === 'b');
    expect(ofB.map(([, , e]) => e.n)).toEqual(expect.arrayContaining([1, 2, 3]));
    expect(ofB[0]![0]).toBe(
      outcomes.get(b.id)?.ok && (outcomes.get(b.id) as { worker: string }).worker,
    );
    expect(lines).toContain(`[${ofB[0]![0]}] b ticked`);
    expect(lines).toContain('pool: boom failed: boom on attempt 1');
    // the children are gone when the pool resolves
    const pids = pidsIn(lines);
    expect(new Set(pids).size).toBeGreaterThanOrEqual(2);
    expect(pids.filter(alive)).toEqual([]);
  });

  it('stores files and checkpoints in its store folder, and a job whose process dies fails', async () => {
    const scratch = mkdtempSync(join(tmpdir(), 'tubekit-pool-test-'));
    try {
      const dies = job({ op: 'die-once', add: 0, scratch }, 'dies');
      const store = join(scratch, 'store');
      const first = await runLocalPool({
        jobs: [dies],
        kinds: KINDS,
        workers: 1,
        store,
        log: () => {},
      });
      expect(first.get(dies.id)).toEqual({
        ok: false,
        error: 'the process running dies on pool slot w1 died (SIGKILL)',
      });
      // its checkpoint was stored in the folder: a later run with the same store resumes from it
      expect(existsSync(join(store, dies.id, 'checkpoint.ref.json'))).toBe(true);
      const again = await runLocalPool({
        jobs: [dies],
        kinds: KINDS,
        workers: 1,
        store,
        log: () => {},
      });
      expect(again.get(dies.id)).toMatchObject({
        ok: true,
        result: { resumedFrom: 'iteration 7', attempt: 1 },
      });
    } finally {
      rmSync(scratch, { recursive: true, force: true });
    }
  });

  it('ends every child when its signal aborts, and refuses an unknown kind or parent up front', async () => {
    const lines: string[] = [];
    const stop = new AbortController();
    const slow = [1, 2].map((i) => job({ op: 'slow', add: 20_000 + i }, `slow ${i}`));
    const run = runLocalPool({
      jobs: slow,
      kinds: KINDS,
      workers: 2,
      log: (l) => lines.push(l),
      onProgress: () => {},
      signal: stop.signal,
    });
    while (pidsIn(lines).length < 2) await new Promise((r) => setTimeout(r, 50));
    stop.abort();
    await expect(run).rejects.toThrow(/^stopped$/);
    expect(pidsIn(lines).filter(alive)).toEqual([]);
    await expect(
      runLocalPool({ jobs: [queueJob('rm-rf', {}, { label: 'x' })], kinds: KINDS, workers: 1 }),
    ).rejects.toThrow(/^job x is of kind rm-rf, which the pool has no module for \(it has test\)$/);
    await expect(
      runLocalPool({
        jobs: [job({ op: 'sum', add: 1 }, 'orphan', ['nope'])],
        kinds: KINDS,
        workers: 1,
      }),
    ).rejects.toThrow('job orphan names unknown parent nope');
  });

  it('removes its temporary folder when the process exits while a job runs', async () => {
    const fixture = resolve(__dirname, '..', 'test', 'fixtures', 'pool-process.ts');
    const tmp = mkdtempSync(join(tmpdir(), 'tubekit-pool-exit-'));
    try {
      const parent = spawn(process.execPath, ['--import', 'tsx', fixture, 'exit'], {
        stdio: ['ignore', 'pipe', 'inherit'],
        env: { ...process.env, TMPDIR: tmp },
      });
      let output = '';
      parent.stdout.on('data', (b: Buffer) => {
        output += b;
      });
      const code = await new Promise((r) => parent.once('exit', r));
      expect(code).toBe(130);
      expect(output).toMatch(/pid \d+/);
      expect(readdirSync(tmp).filter((f) => f.startsWith('tubekit-pool-'))).toEqual([]);
    } finally {
      // the killed worker can still be writing (tsx's cache in TMPDIR) for a moment after the
      // parent exits: retry the removal rather than fail on ENOTEMPTY
      rmSync(tmp, { recursive: true, force: true, maxRetries: 10, retryDelay: 100 });
    }
  });

  it('leaves no child running when the process that runs the pool is killed whole', async () => {
    const fixture = resolve(__dirname, '..', 'test', 'fixtures', 'pool-process.ts');
    const parent = spawn(process.execPath, ['--import', 'tsx', fixture], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let output = '';
    parent.stdout.on('data', (b: Buffer) => {
      output += b;
    });
    const t0 = Date.now();
    while (!pidsIn([output]).length) {
      if (Date.now() - t0 > 15_000) throw new Error(`the pool started no job: ${output}`);
      await new Promise((r) => setTimeout(r, 50));
    }
    const [child] = pidsIn([output]);
    // the child is up and running its job (a refused or failed one would be gone by then)
    await new Promise((r) => setTimeout(r, 2000));
    expect(alive(child!)).toBe(true);
    parent.kill('SIGKILL');
    await new Promise((r) => parent.once('exit', r));
    while (alive(child!)) {
      if (Date.now() - t0 > 20_000) throw new Error(`child ${child} outlived its parent`);
      await new Promise((r) => setTimeout(r, 50));
    }
  });
});
