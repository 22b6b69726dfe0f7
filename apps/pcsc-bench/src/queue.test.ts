import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { hasRedisServer, runQueueWorker, startLocalRedis } from '@tubekit/queue';
import { STEP_JOB_KINDS } from '@tubekit/step-bench/jobs';
import { PCSC_JOB_KINDS } from './jobs';
import { reproduce } from './reproduce';

const describeRedis = hasRedisServer() ? describe : describe.skip;
if (!hasRedisServer())
  console.warn(
    'pcsc queue test skipped: no redis-server on the PATH (apt-get install redis-server)',
  );

describeRedis('pnpm reproduce --paper pcsc --profile smoke --queue (local redis-server)', () => {
  it('runs the trunks and models on a tubekit worker, caches the answered results and reports what a local run reports', async () => {
    const redis = await startLocalRedis();
    const dir = mkdtempSync(join(tmpdir(), 'pcsc-queue-'));
    const stop = new AbortController();
    const workerLines: string[] = [];
    const worker = runQueueWorker({
      url: redis.url,
      kinds: { ...STEP_JOB_KINDS, ...PCSC_JOB_KINDS },
      concurrency: 2,
      workDir: join(dir, 'worker'),
      log: (l) => workerLines.push(l),
      signal: stop.signal,
    });
    try {
      const lines: string[] = [];
      const queued = await reproduce({
        profile: 'smoke',
        outDir: join(dir, 'queued'),
        queue: redis.url,
        log: (l) => lines.push(l),
      });
      stop.abort();
      expect((await worker).done).toBe(2 + 3); // the rgb and flow trunks, 3 models
      expect(lines).toContain('pcsc-bench: training 3 of 3 models on the queue');
      expect(workerLines.join('\n')).toMatch(/: flow trunk \(attempt 1, pid \d+\)/);
      expect(readdirSync(join(dir, 'queued', 'cache', 'smoke', 'seed-1'))).toHaveLength(3);
      const local = await reproduce({
        profile: 'smoke',
        outDir: join(dir, 'local'),
        log: () => {},
      });
      expect(queued.seeds).toEqual(local.seeds);
    } finally {
      stop.abort();
      await worker;
      await redis.stop();
      rmSync(dir, { recursive: true, force: true });
    }
  }, 180_000);
});
