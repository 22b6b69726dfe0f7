import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { hasRedisServer, runQueueWorker, startLocalRedis } from '@tubekit/queue';
import { STEP_JOB_KINDS } from '@tubekit/step-bench/jobs';
import { CFAD_JOB_KINDS } from './jobs';
import { reproduce } from './reproduce';
import type { CfadResults } from './results';

/** The results without their timings (ms per frame), which differ between any two runs. */
const accuracy = (r: CfadResults) => ({
  ...r,
  figure4b: Object.values(r.figure4b.series).map((points) => points.map(([, vmap]) => vmap)),
  figure6: { ...r.figure6, msPerFrame: 0 },
});

const describeRedis = hasRedisServer() ? describe : describe.skip;
if (!hasRedisServer())
  console.warn(
    'cfad queue test skipped: no redis-server on the PATH (apt-get install redis-server)',
  );

describeRedis('pnpm reproduce --paper cfad --profile smoke --queue (local redis-server)', () => {
  it('runs the models on a tubekit worker (trunks from step-trunk jobs), caches the answered results and reports what a local run reports', async () => {
    const redis = await startLocalRedis();
    const dir = mkdtempSync(join(tmpdir(), 'cfad-queue-'));
    const stop = new AbortController();
    const workerLines: string[] = [];
    const worker = runQueueWorker({
      url: redis.url,
      kinds: { ...STEP_JOB_KINDS, ...CFAD_JOB_KINDS },
      concurrency: 2,
      workDir: join(dir, 'worker'),
      log: (l) => workerLines.push(l),
      signal: stop.signal,
    });
    try {
      const lines: string[] = [];
      const queued = await reproduce({
        profile: 'smoke',
        outDir: join(dir, 'cfad'),
        stepOutDir: join(dir, 'step'),
        queue: redis.url,
        log: (l) => lines.push(l),
      });
      stop.abort();
      // the rgb, flow and early trunks (early starts from the flow trunk), 6 models
      expect((await worker).done).toBe(3 + 6);
      expect(lines).toContain('cfad-bench: training 6 of 6 models on the queue');
      expect(workerLines.join('\n')).toMatch(/: early trunk \(attempt 1, pid \d+\)/);
      expect(workerLines.join('\n')).toMatch(
        /pretraining the early trunk \(2 iterations .*starting from trunk-flow\./,
      );
      expect(readdirSync(join(dir, 'cfad', 'cache', 'smoke', 'seed-1'))).toHaveLength(6);
      const local = await reproduce({
        profile: 'smoke',
        outDir: join(dir, 'local', 'cfad'),
        stepOutDir: join(dir, 'local', 'step'),
        log: () => {},
      });
      expect(accuracy(queued.results)).toEqual(accuracy(local.results));
    } finally {
      stop.abort();
      await worker;
      await redis.stop();
      rmSync(dir, { recursive: true, force: true });
    }
  }, 180_000);
});
