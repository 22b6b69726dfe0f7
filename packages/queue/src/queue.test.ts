import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { Queue, Worker } from 'bullmq';
import { connectRedis } from './connection';
import { queueJob } from './job';
import { hasRedisServer, type LocalRedis, startLocalRedis } from './local-redis';
import { QUEUE_NAME, WORKER_LOCK_MS } from './queue-settings';
import { runQueueWorker } from './queue-worker';
import { runOnQueue } from './run-on-queue';

const KINDS = { test: resolve(__dirname, '..', 'test', 'fixtures', 'test-jobs.ts') };
const env = { flavour: 'plain' };
const job = (config: object, label: string, parents: string[] = []) =>
  queueJob('test', config, { label, parents, environment: env });

describe('connectRedis', () => {
  it('fails within about 3 s on an unreachable server, naming the URL without its password', async () => {
    const t0 = Date.now();
    // 198.51.100.1 (TEST-NET-2) never answers: the connect timeout, not a refusal, ends the wait
    await expect(connectRedis('redis://:hunter2@198.51.100.1:6390')).rejects.toThrow(
      /^cannot reach Redis at redis:\/\/:\*\*\*@198\.51\.100\.1:6390 \(/,
    );
    expect(Date.now() - t0).toBeLessThan(5000);
    await expect(connectRedis('redis://:hunter2@127.0.0.1:1')).rejects.toThrow(
      /^cannot reach Redis at redis:\/\/:\*\*\*@127\.0\.0\.1:1 \(.*ECONNREFUSED/,
    );
  });
});

const describeRedis = hasRedisServer() ? describe : describe.skip;
if (!hasRedisServer())
  console.warn('queue tests skipped: no redis-server on the PATH (apt-get install redis-server)');

describeRedis('a run across workers (local redis-server)', () => {
  let redis: LocalRedis;
  let scratch: string;
  const lines: string[] = [];
  const log = (line: string) => lines.push(line);
  beforeEach(async () => {
    redis = await startLocalRedis({ password: 'hunter2' });
    scratch = mkdtempSync(join(tmpdir(), 'tubekit-queue-test-'));
    lines.length = 0;
  });
  afterEach(async () => {
    await redis.stop();
    rmSync(scratch, { recursive: true, force: true });
  });

  it('runs the graph on 2 workers: parents first, a killed job resumes from its stored checkpoint, a job failing twice is reported', async () => {
    const a = job({ op: 'sum', add: 1 }, 'a');
    const b = job({ op: 'sum', add: 2 }, 'b');
    const c = job({ op: 'sum', add: 10 }, 'c', [a.id, b.id]);
    const boom = job({ op: 'boom', add: 0 }, 'boom');
    const after = job({ op: 'sum', add: 0 }, 'after boom', [boom.id]);
    const dies = job({ op: 'die-once', add: 0, scratch }, 'dies');
    const stop = new AbortController();
    const workers = [1, 2].map((w) =>
      runQueueWorker({ url: redis.url, kinds: KINDS, name: `w${w}`, log, signal: stop.signal }),
    );
    const outcomes = await runOnQueue({ url: redis.url, jobs: [a, b, c, boom, after, dies], log });
    stop.abort();
    const summaries = await Promise.all(workers);
    expect(outcomes.get(c.id)).toMatchObject({ ok: true, result: 13 });
    expect(outcomes.get(boom.id)).toEqual({ ok: false, error: 'boom on attempt 2' });
    expect(outcomes.get(after.id)).toEqual({ ok: false, error: 'parent boom failed' });
    expect(outcomes.get(dies.id)).toMatchObject({
      ok: true,
      result: { resumedFrom: 'iteration 7', attempt: 2 },
    });
    expect(lines.join('\n')).toMatch(/the process running dies on worker w\d died \(SIGKILL\)/);
    expect(summaries.reduce((n, s) => n + s.done, 0)).toBe(4);
    expect(lines.join('\n')).not.toContain('hunter2');
    expect(lines.join('\n')).toContain('redis://:***@127.0.0.1');
  });

  it('refuses workers of another version or dataset, naming the difference; gives up when stalled; a restarted coordinator picks up the queue', async () => {
    const jobs = [job({ op: 'sum', add: 100 }, 'hundred')];
    const other = runQueueWorker({ url: redis.url, kinds: KINDS, version: '9.9.9', log });
    await expect(runOnQueue({ url: redis.url, jobs, log, stallTimeoutMs: 3000 })).rejects.toThrow(
      /^no job has progressed for 3 s \(1 waiting, 0 running, 0 of 1 done\): is a worker running\? Start one with tubekit worker --queue redis:\/\/:\*\*\*@/,
    );
    expect((await other).refused).toBe(
      "refused the queue's job hundred: tubekit version: queue 0.0.0, this worker 9.9.9",
    );
    process.env.TEST_FLAVOUR = 'spicy';
    try {
      const spicy = await runQueueWorker({ url: redis.url, kinds: KINDS, log });
      expect(spicy.refused).toBe(
        'refused the queue\'s job hundred: flavour: queue "plain", this worker "spicy"',
      );
    } finally {
      delete process.env.TEST_FLAVOUR;
    }
    const stop = new AbortController();
    const good = runQueueWorker({ url: redis.url, kinds: KINDS, log, signal: stop.signal });
    const outcomes = await runOnQueue({ url: redis.url, jobs, log });
    stop.abort();
    await good;
    expect(outcomes.get(jobs[0].id)).toMatchObject({ ok: true, result: 100 });
    // a finished job of another version is not reused: it runs again
    const next = new AbortController();
    const upgraded = runQueueWorker({
      url: redis.url,
      kinds: KINDS,
      log,
      signal: next.signal,
      version: '0.0.1',
    });
    const again = await runOnQueue({ url: redis.url, jobs, log, version: '0.0.1' });
    next.abort();
    expect((await upgraded).done).toBe(1);
    expect(again.get(jobs[0].id)).toMatchObject({ ok: true, result: 100 });
    expect(lines).toContain(
      'coordinator: running hundred again (queued under another version or dataset)',
    );
  });

  it('runs no unknown job kind and uses no result whose configuration hash differs', async () => {
    const unknown = queueJob('rm-rf', { op: 'sum', add: 1 }, { label: 'unknown' });
    const stop = new AbortController();
    const worker = runQueueWorker({ url: redis.url, kinds: KINDS, log, signal: stop.signal });
    const outcomes = await runOnQueue({ url: redis.url, jobs: [unknown], log });
    stop.abort();
    await worker;
    expect(outcomes.get(unknown.id)).toEqual({
      ok: false,
      error: expect.stringMatching(/^unknown job kind "rm-rf"; worker .* runs test$/),
    });
    // a rogue worker answering for another configuration
    const connection = await connectRedis(redis.url);
    const rogue = new Worker(
      QUEUE_NAME,
      async () => ({ hash: 'f00d'.repeat(16), result: 42, worker: 'rogue' }),
      { connection },
    );
    // closing can race the worker's blocking connection still connecting ("Connection is closed")
    rogue.on('error', () => undefined);
    const forged = job({ op: 'sum', add: 2 }, 'forged');
    const forgedOutcomes = await runOnQueue({ url: redis.url, jobs: [forged], log });
    await rogue.close();
    connection.disconnect();
    expect(forgedOutcomes.get(forged.id)).toEqual({
      ok: false,
      error: `result's configuration hash f00df00df00d is not the job's ${forged.hash.slice(0, 12)}`,
    });
  });

  it('gives the job of a worker process killed whole to another worker once its lock expires', async () => {
    const slow = job({ op: 'slow', add: 1500 }, 'slow');
    const fixture = resolve(__dirname, '..', 'test', 'fixtures', 'worker-process.ts');
    const doomed = spawn(process.execPath, ['--import', 'tsx', fixture, redis.url, 'doomed'], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    doomed.stdout.on('data', (b: Buffer) => {
      output += b;
    });
    doomed.stderr.on('data', (b: Buffer) => {
      output += b;
    });
    const exited = new Promise((done) => doomed.once('exit', done));
    const run = runOnQueue({ url: redis.url, jobs: [slow], log });
    // kill the worker process (and with it its job's child) while it runs the job
    const connection = await connectRedis(redis.url);
    const queue = new Queue(QUEUE_NAME, { connection });
    queue.on('error', () => undefined); // a teardown race, as above
    const t0 = Date.now();
    while ((await (await queue.getJob(slow.id))?.getState()) !== 'active') {
      if (Date.now() - t0 > 15_000) throw new Error(`the worker process took no job: ${output}`);
      await new Promise((r) => setTimeout(r, 100));
    }
    doomed.kill('SIGKILL');
    await exited;
    const killedAt = Date.now();
    const stop = new AbortController();
    const survivor = runQueueWorker({
      url: redis.url,
      kinds: KINDS,
      name: 'survivor',
      log,
      signal: stop.signal,
    });
    const outcomes = await run;
    stop.abort();
    await survivor;
    await queue.close();
    connection.disconnect();
    expect(output).toMatch(/worker doomed: taking jobs/);
    expect(outcomes.get(slow.id)).toEqual({ ok: true, result: 1500, worker: 'survivor' });
    // taken back after the dead worker's lock expired, not before
    expect(Date.now() - killedAt).toBeGreaterThanOrEqual(WORKER_LOCK_MS / 2);
  }, 30_000);
});
