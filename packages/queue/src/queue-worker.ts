import { mkdtempSync, rmSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Job, Queue, UnrecoverableError, WaitingError, Worker } from 'bullmq';
import { configHash } from './canonical';
import { connectRedis } from './connection';
import type { QueueJobData, QueueJobProgress, QueueJobReturn } from './job';
import { type JobProcess, jobProcess, RefusedError } from './job-process';
import { QUEUE_NAME, WORKER_LOCK_MS } from './queue-settings';
import { redactIn, redactUrl } from './redact';
import { TUBEKIT_VERSION } from './version';

/** Options of {@link runQueueWorker}. */
export interface QueueWorkerOptions {
  /** `redis://[:password@]host:port[/db]` (the password never reaches a log line). */
  url: string;
  /**
   * The job kinds this worker runs: kind → absolute path of the module exporting its `jobKind`.
   * A job of any other kind fails without running anything.
   */
  kinds: Record<string, string>;
  /** Jobs run at once, each in its own child process (default 1). */
  concurrency?: number;
  /** Shared folder for checkpoints (default: through Redis, up to 64 MiB a file). */
  store?: string;
  /**
   * Folder for the files of this worker's jobs (rendered data, local checkpoints; default a
   * temporary folder, removed when the worker stops).
   */
  workDir?: string;
  /** This worker's tubekit version (default the package's; tests pass another). */
  version?: string;
  /** Name in progress lines (default `<host>:<pid>`). */
  name?: string;
  log?: (line: string) => void;
  /** Stops taking jobs and waits for the running ones when aborted. */
  signal?: AbortSignal;
}

/** How a worker ended. */
export interface QueueWorkerSummary {
  done: number;
  failed: number;
  /** Set when the worker stopped because the queue's jobs need another version or dataset. */
  refused?: string;
}

/**
 * `tubekit worker --queue redis://…`: takes jobs from the run queue and runs each in a child
 * process (a job killed mid-way fails its attempt; BullMQ gives it to the next free worker, and a
 * job that fails twice is reported failed with its error). Before running a job it checks that
 * the job's kind is one it knows and that its own tubekit version and what its code makes of the
 * job's data (e.g. the dataset configuration) match the coordinator's; on a mismatch it puts the
 * job back, stops and resolves with `refused` naming the difference. Results carry the SHA-256 of
 * the configuration the worker ran. Resolves when `signal` aborts (after the running jobs end) or
 * on refusal; an unreachable Redis rejects within about 3 s, naming the URL (password masked).
 */
export async function runQueueWorker(options: QueueWorkerOptions): Promise<QueueWorkerSummary> {
  const { url } = options;
  const log = options.log ?? ((line: string) => process.stderr.write(`${line}\n`));
  const version = options.version ?? TUBEKIT_VERSION;
  const name = options.name ?? `${hostname()}:${process.pid}`;
  const connection = await connectRedis(url, {
    onError: (m) => log(`worker ${name}: Redis: ${m}`),
  });
  const queue = new Queue(QUEUE_NAME, { connection });
  // BullMQ re-emits its connections' errors on the queue; unheard, an 'error' event would throw
  queue.on('error', (error) => log(`worker ${name}: Redis: ${redactIn(error.message, url)}`));
  const summary: QueueWorkerSummary = { done: 0, failed: 0 };
  const workDir = options.workDir ?? mkdtempSync(join(tmpdir(), 'tubekit-worker-'));
  let stop: () => void = () => undefined;
  const stopped = new Promise<void>((resolve) => {
    stop = resolve;
  });

  // One child process per slot, kept between jobs (a job that fails or dies takes its process
  // with it; the next job gets a fresh one).
  const idle: JobProcess[] = [];
  const runChild = async (job: Job<QueueJobData>, parents: Record<string, unknown>) => {
    const label = job.data.label;
    const slot =
      idle.pop() ??
      jobProcess({ log, redact: (text) => redactIn(text, url), where: `worker ${name}` });
    try {
      return await slot.run(
        {
          module: options.kinds[job.data.kind],
          url,
          store: options.store,
          workDir,
          job: {
            id: job.id as string,
            label,
            config: job.data.config,
            attempt: job.attemptsMade + 1,
            parents,
            environment: job.data.environment.app,
          },
        },
        {
          tag: label,
          onStart: (pid) =>
            log(`worker ${name}: ${label} (attempt ${job.attemptsMade + 1}, pid ${pid})`),
          onProgress: (event) =>
            job
              .updateProgress({ worker: name, event } satisfies QueueJobProgress)
              .catch(() => undefined),
        },
      );
    } finally {
      idle.push(slot);
    }
  };

  const refuse = async (job: Job<QueueJobData>, token: string | undefined, why: string) => {
    await job.moveToWait(token);
    summary.refused = `refused the queue's job ${job.data.label}: ${why}`;
    log(`worker ${name}: ${summary.refused}`);
    stop();
    throw new WaitingError();
  };

  const worker = new Worker<QueueJobData, QueueJobReturn>(
    QUEUE_NAME,
    async (job, token) => {
      const { kind, label } = job.data;
      if (!Object.hasOwn(options.kinds, kind))
        throw new UnrecoverableError(
          `unknown job kind ${JSON.stringify(kind).slice(0, 60)}; worker ${name} runs ${Object.keys(options.kinds).join(', ')}`,
        );
      if (job.data.environment.tubekit !== version)
        return refuse(
          job,
          token,
          `tubekit version: queue ${job.data.environment.tubekit}, this worker ${version}`,
        );
      const parents: Record<string, unknown> = {};
      for (const id of job.data.parents) {
        const parent = await queue.getJob(id);
        const value = parent?.returnvalue as QueueJobReturn | undefined;
        if (!value) throw new Error(`parent job ${id} of ${label} has no result`);
        parents[id] = value.result;
      }
      try {
        const result = await runChild(job, parents);
        summary.done++;
        return { hash: configHash(job.data.config), result, worker: name };
      } catch (error) {
        if (error instanceof RefusedError) return refuse(job, token, error.message);
        summary.failed++;
        log(`worker ${name}: ${label} failed: ${(error as Error).message}`);
        throw error;
      }
    },
    {
      connection,
      concurrency: Math.max(1, Math.floor(options.concurrency ?? 1)),
      lockDuration: WORKER_LOCK_MS,
      stalledInterval: WORKER_LOCK_MS / 2,
      maxStalledCount: 1,
    },
  );
  worker.on('error', (error) => log(`worker ${name}: ${redactIn(error.message, url)}`));
  const onAbort = () => stop();
  options.signal?.addEventListener('abort', onAbort);
  if (options.signal?.aborted) stop();
  log(
    `worker ${name}: taking jobs from ${redactUrl(url)} (${options.concurrency ?? 1} at once, checkpoints ${options.store ? `in ${options.store}` : 'through Redis'})`,
  );
  await stopped;
  options.signal?.removeEventListener('abort', onAbort);
  await worker.close();
  await Promise.all(idle.map((slot) => slot.kill()));
  await queue.close();
  connection.disconnect();
  if (!options.workDir) rmSync(workDir, { recursive: true, force: true });
  return summary;
}
