import { type Job, Queue } from 'bullmq';
import { canonicalJson } from './canonical';
import { connectRedis } from './connection';
import type { QueueJob, QueueJobData, QueueJobProgress, QueueJobReturn } from './job';
import { JOB_ATTEMPTS, QUEUE_NAME } from './queue-settings';
import { redactIn, redactUrl } from './redact';
import { TUBEKIT_VERSION } from './version';

/** How one job of a queued run ended. */
export type JobOutcome =
  | { ok: true; result: unknown; worker: string }
  | { ok: false; error: string };

/** Options of {@link runOnQueue}. */
export interface RunOnQueueOptions {
  /** `redis://[:password@]host:port[/db]` (the password never reaches a log line). */
  url: string;
  /** The run's job graph (every parent must be in the list). */
  jobs: QueueJob[];
  /**
   * Gives up when no job has started, finished or reported progress for this long (ms; default
   * 30 min): the run does not hang forever when every worker is gone.
   */
  stallTimeoutMs?: number;
  /** Poll interval (ms; default 500). */
  pollMs?: number;
  /** A worker's progress on a running job (for one bar per worker). */
  onProgress?: (worker: string, job: QueueJob, event: QueueJobProgress['event']) => void;
  /** A job ended (its result already checked against its configuration hash). */
  onOutcome?: (job: QueueJob, outcome: JobOutcome) => void | Promise<void>;
  /** The coordinator's tubekit version (default the package's; tests pass another). */
  version?: string;
  log?: (line: string) => void;
}

/**
 * The coordinator of a run across machines: puts each job of the graph on the BullMQ queue
 * (`tubekit`) as soon as all its parents have finished, collects the results that
 * `tubekit worker` processes send back, checks each against the SHA-256 of its job's
 * configuration, and resolves with every job's outcome. A job that failed twice is an outcome with
 * its error (its descendants fail as `parent … failed`). Job ids are stable, so a restarted
 * coordinator picks up the same queue: finished jobs are taken as they are, running ones are
 * waited for (jobs left failed by an earlier coordinator, or queued under another tubekit version or dataset, run again). An unreachable Redis
 * rejects within about 3 s naming the URL (password masked); no progress for `stallTimeoutMs`
 * rejects too.
 */
export async function runOnQueue(options: RunOnQueueOptions): Promise<Map<string, JobOutcome>> {
  const { url, jobs } = options;
  const log = options.log ?? ((line: string) => process.stderr.write(`${line}\n`));
  const byId = new Map(jobs.map((j) => [j.id, j]));
  for (const job of jobs)
    for (const p of job.parents)
      if (!byId.has(p)) throw new Error(`job ${job.label} names unknown parent ${p}`);
  const connection = await connectRedis(url, {
    onError: (m) => log(`coordinator: Redis: ${m}`),
  });
  const queue = new Queue<QueueJobData, QueueJobReturn>(QUEUE_NAME, { connection });
  // BullMQ re-emits its connections' errors on the queue; unheard, an 'error' event would throw
  queue.on('error', (error) => log(`coordinator: Redis: ${redactIn(error.message, url)}`));
  const outcomes = new Map<string, JobOutcome>();
  const submitted = new Set<string>();
  const stallTimeoutMs = options.stallTimeoutMs ?? 30 * 60_000;
  const pollMs = options.pollMs ?? 500;
  const seen = new Map<string, string>();
  let lastChange = Date.now();
  const settle = async (job: QueueJob, outcome: JobOutcome) => {
    outcomes.set(job.id, outcome);
    lastChange = Date.now();
    await options.onOutcome?.(job, outcome);
  };
  const submit = async (job: QueueJob) => {
    const environment = { tubekit: options.version ?? TUBEKIT_VERSION, app: job.environment };
    const existing = await queue.getJob(job.id);
    if (existing) {
      // jobs an earlier coordinator left failed, or ran under another version or dataset, run again
      const state = await existing.getState();
      const stale = canonicalJson(existing.data.environment) !== canonicalJson(environment);
      if (state === 'failed' || (stale && state !== 'active')) {
        log(
          `coordinator: running ${job.label} again (${stale ? 'queued under another version or dataset' : `failed in an earlier run: ${existing.failedReason}`})`,
        );
        await existing.remove();
      }
    }
    await queue.add(
      job.kind,
      {
        kind: job.kind,
        config: job.config,
        hash: job.hash,
        parents: job.parents,
        label: job.label,
        environment,
      },
      { jobId: job.id, attempts: JOB_ATTEMPTS, removeOnComplete: false, removeOnFail: false },
    );
    submitted.add(job.id);
  };
  const check = async (job: QueueJob, snapshot: Job<QueueJobData, QueueJobReturn> | undefined) => {
    if (!snapshot) {
      submitted.delete(job.id); // removed by hand: put it on again
      return;
    }
    const state = await snapshot.getState();
    // The snapshot was read before the state: a job that finished in between has its result or
    // error only in a fresh read.
    const queued =
      state === 'completed' || state === 'failed'
        ? ((await queue.getJob(job.id)) ?? snapshot)
        : snapshot;
    const progress = queued.progress as QueueJobProgress | number;
    const mark = `${state} ${queued.attemptsMade} ${JSON.stringify(progress)}`;
    if (seen.get(job.id) !== mark) {
      seen.set(job.id, mark);
      lastChange = Date.now();
      if (state === 'active' && typeof progress === 'object' && progress?.worker)
        options.onProgress?.(progress.worker, job, progress.event);
    }
    if (state === 'completed') {
      const value = queued.returnvalue;
      if (value?.hash !== job.hash)
        await settle(job, {
          ok: false,
          error: `result's configuration hash ${String(value?.hash).slice(0, 12)} is not the job's ${job.hash.slice(0, 12)}`,
        });
      else await settle(job, { ok: true, result: value.result, worker: value.worker });
    } else if (state === 'failed')
      await settle(job, {
        ok: false,
        error: redactIn(queued.failedReason ?? 'failed', url),
      });
  };
  try {
    log(
      `coordinator: ${jobs.length} jobs on ${redactUrl(url)}; start workers with tubekit worker --queue ${redactUrl(url)}`,
    );
    while (outcomes.size < jobs.length) {
      for (const job of jobs) {
        if (outcomes.has(job.id) || submitted.has(job.id)) continue;
        const failed = job.parents.find((p) => outcomes.get(p)?.ok === false);
        if (failed)
          await settle(job, { ok: false, error: `parent ${byId.get(failed)?.label} failed` });
        else if (job.parents.every((p) => outcomes.get(p)?.ok)) await submit(job);
      }
      for (const id of submitted)
        if (!outcomes.has(id)) await check(byId.get(id) as QueueJob, await queue.getJob(id));
      if (outcomes.size >= jobs.length) break;
      if (Date.now() - lastChange > stallTimeoutMs) {
        const counts = await queue.getJobCounts('waiting', 'active');
        throw new Error(
          `no job has progressed for ${Math.round(stallTimeoutMs / 1000)} s (${counts.waiting} waiting, ${counts.active} running, ${outcomes.size} of ${jobs.length} done): is a worker running? Start one with tubekit worker --queue ${redactUrl(url)}; rerun to pick up the same queue`,
        );
      }
      await new Promise((r) => setTimeout(r, pollMs));
    }
    return outcomes;
  } finally {
    await queue.close();
    connection.disconnect();
  }
}
