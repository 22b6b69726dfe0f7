/**
 * Scaling of a run across machines: the wall time of one `pnpm reproduce --paper step` run
 * (profile `smoke` by default) through the local worker pool (1 and 2 processes) and through a
 * BullMQ queue on a local redis-server with 1 and 2 `tubekit worker` processes. Every run starts
 * from an empty results folder and an empty queue. Prints one line per setting with the load
 * average (`uptime`) beside it.
 *
 *   node --import tsx apps/step-bench/bench/queue-scaling.ts [smoke|quick]
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { startLocalRedis } from '@tubekit/queue';
import type { StepProfileName } from '../src/profiles';
import { reproduce } from '../src/reproduce';

const root = resolve(import.meta.dirname, '..', '..', '..');
const profile = (process.argv[2] ?? 'smoke') as StepProfileName;
const quiet = () => undefined;
const load = () =>
  loadavg()
    .map((x) => x.toFixed(2))
    .join(', ');

async function timed(label: string, run: (outDir: string) => Promise<void>): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'queue-scaling-'));
  const before = load();
  const t0 = Date.now();
  try {
    await run(dir);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  const s = (Date.now() - t0) / 1000;
  console.log(
    `${profile} ${label.padEnd(28)} ${s.toFixed(1).padStart(7)} s   (load average before ${before}; after ${load()})`,
  );
}

for (const workers of [1, 2])
  await timed(`local pool, ${workers} process${workers > 1 ? 'es' : ''}`, async (outDir) => {
    await reproduce({ profile, workers, outDir, log: quiet });
  });

for (const workers of [1, 2])
  await timed(`queue, ${workers} tubekit worker${workers > 1 ? 's' : ''}`, async (outDir) => {
    const redis = await startLocalRedis();
    const children: ChildProcess[] = [];
    try {
      for (let w = 0; w < workers; w++)
        children.push(
          spawn(
            process.execPath,
            ['--import', 'tsx', join(root, 'packages/cli/src/bin.ts'), 'worker'].concat(
              '--queue',
              redis.url,
            ),
            { cwd: root, stdio: 'ignore' },
          ),
        );
      await reproduce({ profile, outDir, queue: redis.url, log: quiet });
    } finally {
      for (const c of children) c.kill('SIGKILL');
      await redis.stop();
    }
  });
