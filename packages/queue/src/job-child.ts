/**
 * Child process of a job (`job-process.ts`, for `runQueueWorker` and `runLocalPool`): runs jobs,
 * one at a time. The parent sends a {@link ChildRequest} per job; it answers with progress, log
 * lines, and one `result`, `error` or `refused`. Stored files and checkpoint records go to Redis
 * and/or the `--store` folder on a queue, to the pool's store folder without one. It exits when
 * the parent goes away (IPC disconnect, or re-parented: checked on every message it sends, so
 * training that never yields to the event loop notices too), so a dead parent leaves no job
 * running.
 */
import { stat } from 'node:fs/promises';
import { pathToFileURL } from 'node:url';
import { setProgressSink } from '@tubekit/report';
import { blobStore } from './blob-store';
import { checkpointRefs } from './checkpoint-refs';
import type { ChildReply, ChildRequest } from './child-protocol';
import { connectRedis } from './connection';
import { describeDifferences } from './job';
import type { JobKind } from './job-kind';
import { redactIn } from './redact';

const parent = process.ppid;
const send = (m: ChildReply) => {
  if (!process.connected || process.ppid !== parent) process.exit(1);
  process.send?.(m);
};
process.on('disconnect', () => process.exit(1));

async function runJob(request: ChildRequest): Promise<void> {
  const { job, url } = request;
  const kind = (await import(pathToFileURL(request.module).href)).jobKind as JobKind;
  if (kind.environment) {
    const differences = describeDifferences(job.environment, kind.environment(job.config));
    if (differences.length) {
      send({ refused: differences.join('; ') });
      return;
    }
  }
  const redis = url === undefined ? undefined : await connectRedis(url);
  const store = blobStore(redis, request.store);
  const checkpoints = checkpointRefs(redis, request.store);
  const watchers: NodeJS.Timeout[] = [];
  setProgressSink((event) => send({ progress: event }));
  try {
    const result = await kind.run(job.config, {
      id: job.id,
      label: job.label,
      attempt: job.attempt,
      workDir: request.workDir,
      parents: job.parents,
      put: (name, file) => store.put(`${job.id}/${name}`, file),
      get: (ref, file) => store.get(ref, file),
      keepCheckpoint: async (path) => {
        const stored = await checkpoints.get(job.id);
        if (stored) await store.get(stored, path);
        const restored = stored !== undefined;
        let last = restored ? (await stat(path)).mtimeMs : 0;
        let busy = false;
        watchers.push(
          setInterval(async () => {
            if (busy) return;
            busy = true;
            try {
              const now = (await stat(path).catch(() => undefined))?.mtimeMs ?? last;
              if (now !== last) {
                last = now;
                const ref = await store.put(`${job.id}/checkpoint`, path);
                await checkpoints.set(job.id, ref);
              }
            } catch (error) {
              send({
                log: `cannot store the checkpoint of ${job.label}: ${(error as Error).message}`,
              });
            } finally {
              busy = false;
            }
          }, 1000),
        );
        return restored;
      },
      log: (line) => send({ log: line }),
    });
    send({ result });
  } finally {
    for (const w of watchers) clearInterval(w);
    setProgressSink(undefined);
    redis?.disconnect();
  }
}

process.on('message', (request: ChildRequest) => {
  runJob(request).catch((error: unknown) => {
    const message = error instanceof Error ? error.message || error.name : String(error);
    const line = message.split('\n')[0].slice(0, 500);
    send({ error: request.url === undefined ? line : redactIn(line, request.url) });
  });
});
