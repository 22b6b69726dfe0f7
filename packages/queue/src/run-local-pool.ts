import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ProgressEvent } from '@tubekit/report';
import type { QueueJob } from './job';
import { jobProcess } from './job-process';
import type { JobOutcome } from './run-on-queue';

/** Options of {@link runLocalPool}. */
export interface RunLocalPoolOptions {
  /** The run's job graph (every parent must be in the list). */
  jobs: QueueJob[];
  /** Job kind → absolute path of the module exporting its `jobKind` (as `runQueueWorker`'s). */
  kinds: Record<string, string>;
  /** Child processes at most, each running one job at a time (at least 1). */
  workers: number;
  /**
   * Folder for the files of the jobs (`JobContext.workDir`; default a temporary folder, removed
   * when the pool ends).
   */
  workDir?: string;
  /**
   * Folder of stored files and checkpoint records (`JobContext.put` / `keepCheckpoint`; default
   * `<workDir>/store`).
   */
  store?: string;
  /** A worker's progress on its running job (`worker` is the slot, `w1` … `w<workers>`). */
  onProgress?: (worker: string, job: QueueJob, event: ProgressEvent) => void;
  /** A job ended (awaited before the pool goes on). */
  onOutcome?: (job: QueueJob, outcome: JobOutcome) => void | Promise<void>;
  /** Lines of the pool, of the children's output and of the jobs' `context.log`, `[wN] `-prefixed. */
  log?: (line: string) => void;
  /**
   * Ends every child process (SIGTERM) when aborted; the pool then rejects with `stopped`. Jobs
   * that finished have had their `onOutcome`.
   */
  signal?: AbortSignal;
}

/**
 * Runs a job graph on this machine, without Redis: the same {@link QueueJob}s and job kind modules
 * as `runOnQueue` and `runQueueWorker`, each job in a child process (`job-child.ts`, kept between
 * jobs) of at most `workers` slots, a job as soon as all its parents have succeeded. Parents'
 * results reach their children's `context.parents`; stored files and checkpoints go to the `store`
 * folder. Resolves with every job's outcome, in the shape of `runOnQueue`'s: a job whose code
 * throws or whose process dies fails (once; there is no retry here), and its descendants fail as
 * `parent … failed`. The children run in process groups of their own, so Ctrl-C in a terminal
 * reaches only the caller, which aborts `signal`; a child whose parent goes away (even by SIGKILL)
 * exits by itself.
 *
 * @example
 * const outcomes = await runLocalPool({ jobs, kinds: STEP_JOB_KINDS, workers: 2 });
 */
export async function runLocalPool(options: RunLocalPoolOptions): Promise<Map<string, JobOutcome>> {
  const { jobs } = options;
  const log = options.log ?? ((line: string) => process.stderr.write(`${line}\n`));
  const byId = new Map(jobs.map((j) => [j.id, j]));
  for (const job of jobs) {
    for (const p of job.parents)
      if (!byId.has(p)) throw new Error(`job ${job.label} names unknown parent ${p}`);
    if (!Object.hasOwn(options.kinds, job.kind))
      throw new Error(
        `job ${job.label} is of kind ${job.kind}, which the pool has no module for (it has ${Object.keys(options.kinds).join(', ')})`,
      );
  }
  const workDir = options.workDir ?? mkdtempSync(join(tmpdir(), 'tubekit-pool-'));
  // a temporary folder of ours goes even when the process exits first (Ctrl-C → process.exit)
  const removeWorkDir = () => rmSync(workDir, { recursive: true, force: true });
  if (!options.workDir) process.once('exit', removeWorkDir);
  const store = options.store ?? join(workDir, 'store');
  const outcomes = new Map<string, JobOutcome>();
  const started = new Set<string>();
  let running = 0;
  let stopped = false;
  // Wakes the idle slots when a job ends (new jobs may be ready) or the run stops.
  let wake: () => void = () => undefined;
  let changed = new Promise<void>((r) => {
    wake = r;
  });
  const notify = () => {
    const previous = wake;
    changed = new Promise<void>((r) => {
      wake = r;
    });
    previous();
  };
  const settle = async (job: QueueJob, outcome: JobOutcome) => {
    outcomes.set(job.id, outcome);
    await options.onOutcome?.(job, outcome);
  };
  // Descendants of failed jobs fail in graph order.
  const failDescendants = async () => {
    for (let again = true; again; ) {
      again = false;
      for (const job of jobs) {
        if (outcomes.has(job.id) || started.has(job.id)) continue;
        const failed = job.parents.find((p) => outcomes.get(p)?.ok === false);
        if (failed) {
          started.add(job.id);
          await settle(job, { ok: false, error: `parent ${byId.get(failed)?.label} failed` });
          again = true;
        }
      }
    }
  };
  const slots = Array.from({ length: Math.max(1, Math.floor(options.workers)) }, (_, i) => ({
    name: `w${i + 1}`,
    process: jobProcess({ log, where: `pool slot w${i + 1}`, detached: true }),
  }));
  const onAbort = () => {
    stopped = true;
    for (const slot of slots) void slot.process.kill();
    notify();
  };
  options.signal?.addEventListener('abort', onAbort);
  if (options.signal?.aborted) onAbort();

  const work = async (slot: (typeof slots)[number]) => {
    while (!stopped) {
      const job = jobs.find(
        (j) => !started.has(j.id) && j.parents.every((p) => outcomes.get(p)?.ok),
      );
      if (!job) {
        if (running === 0) return;
        await changed;
        continue;
      }
      started.add(job.id);
      running++;
      let outcome: JobOutcome;
      try {
        const parents = Object.fromEntries(
          job.parents.map((p) => [p, (outcomes.get(p) as { result: unknown }).result]),
        );
        const result = await slot.process.run(
          {
            module: options.kinds[job.kind],
            store,
            workDir,
            job: {
              id: job.id,
              label: job.label,
              config: job.config,
              attempt: 1,
              parents,
              environment: job.environment,
            },
          },
          {
            tag: slot.name,
            onStart: (pid) => log(`pool: ${slot.name} runs ${job.label} (pid ${pid})`),
            onProgress: (event) => options.onProgress?.(slot.name, job, event),
          },
        );
        outcome = { ok: true, result, worker: slot.name };
      } catch (error) {
        outcome = { ok: false, error: (error as Error).message };
      }
      running--;
      if (stopped) break;
      if (!outcome.ok) log(`pool: ${job.label} failed: ${outcome.error}`);
      await settle(job, outcome);
      await failDescendants();
      notify();
    }
  };
  try {
    await failDescendants();
    await Promise.all(slots.map(work));
    if (stopped) throw new Error('stopped');
    const stuck = jobs.filter((j) => !outcomes.has(j.id));
    if (stuck.length)
      throw new Error(
        `jobs ${stuck.map((j) => j.label).join(', ')} never became ready (their parents form a cycle)`,
      );
    return outcomes;
  } finally {
    options.signal?.removeEventListener('abort', onAbort);
    await Promise.all(slots.map((slot) => slot.process.kill()));
    if (!options.workDir) {
      process.off('exit', removeWorkDir);
      removeWorkDir();
    }
  }
}
