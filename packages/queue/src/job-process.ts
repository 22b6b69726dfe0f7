import { type ChildProcess, fork } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ProgressEvent } from '@tubekit/report';
import type { ChildReply, ChildRequest } from './child-protocol';

const here = typeof __filename === 'string' ? __filename : fileURLToPath(import.meta.url);
/** The child process entry, beside this module (`src/*.ts` from source, `dist/*.js` built). */
const CHILD = join(dirname(here), here.endsWith('.ts') ? 'job-child.ts' : 'job-child.js');

/** Options of {@link jobProcess}. */
export interface JobProcessOptions {
  /** Receives the child's output and its jobs' log lines, each prefixed `[<tag>] `. */
  log: (line: string) => void;
  /** Masks secrets (a Redis password) in every line from the child. */
  redact?: (text: string) => string;
  /** Who runs the jobs, for the message of a dying child, e.g. `worker w1`. */
  where?: string;
  /**
   * Start the child in a process group of its own: Ctrl-C in a terminal then reaches only the
   * parent, which ends its children itself (`kill`).
   */
  detached?: boolean;
}

/** What {@link JobProcess.run} reports while a job runs. */
export interface JobRunHandlers {
  /** Prefix of the job's log lines, e.g. its label or the pool slot `w2`. */
  tag: string;
  onProgress?: (event: ProgressEvent) => void;
  /** The job started in the child of this pid. */
  onStart?: (pid: number | undefined) => void;
}

/** A child process that the job kind's code runs in (`job-child.ts`), kept between jobs. */
export interface JobProcess {
  /**
   * Runs one job in the child (forked on first use, or again after a failed job): resolves with its
   * result; rejects with its error, with {@link RefusedError} when its environment differs (in
   * both cases once the child has been ended), or when the child dies.
   */
  run(request: ChildRequest, handlers: JobRunHandlers): Promise<unknown>;
  /**
   * Ends the child, running or idle (SIGTERM), resolving when it has exited; the next `run` forks
   * a fresh one.
   */
  kill(): Promise<void>;
}

/** The child refused a job: what its code makes of the job's data differs from the parent's. */
export class RefusedError extends Error {}

/**
 * One slot of child processes for `runQueueWorker` and `runLocalPool`: each job runs in the
 * slot's child, which stays for the next job after a success; a job that fails or dies takes its
 * process with it, and the next job gets a fresh one.
 */
export function jobProcess(options: JobProcessOptions): JobProcess {
  const redact = options.redact ?? ((text: string) => text);
  let child: ChildProcess | undefined;
  let tag = 'idle';
  const spawnChild = () => {
    const forked = fork(CHILD, [], {
      stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
      env: process.env,
      execArgv: CHILD.endsWith('.ts') ? ['--import', 'tsx'] : [],
      detached: options.detached ?? false,
    });
    const lines = (b: Buffer) => {
      for (const line of String(b).split('\n'))
        if (line.trim()) options.log(`[${tag}] ${redact(line)}`);
    };
    forked.stdout?.on('data', lines);
    forked.stderr?.on('data', lines);
    forked.once('exit', () => {
      if (child === forked) child = undefined;
    });
    return forked;
  };
  /** Ends a child whose job failed, resolving once it has exited (no zombie is left behind). */
  const discard = (failed: ChildProcess) => {
    if (child === failed) child = undefined;
    const exited = new Promise<void>((resolve) => failed.once('exit', () => resolve()));
    failed.kill('SIGKILL');
    return exited;
  };
  return {
    run: (request, handlers) =>
      new Promise<unknown>((resolve, reject) => {
        const running = child ?? spawnChild();
        child = running;
        tag = handlers.tag;
        handlers.onStart?.(running.pid);
        const label = request.job.label;
        const finish = () => {
          running.off('message', onMessage);
          running.off('exit', onExit);
          tag = 'idle';
        };
        const onMessage = (m: ChildReply) => {
          if ('progress' in m) handlers.onProgress?.(m.progress);
          else if ('log' in m) options.log(`[${handlers.tag}] ${redact(m.log)}`);
          else {
            finish();
            if ('result' in m) resolve(m.result);
            else
              discard(running).then(() =>
                reject('refused' in m ? new RefusedError(m.refused) : new Error(m.error)),
              );
          }
        };
        const onExit = (code: number | null, signal: string | null) => {
          finish();
          reject(
            new Error(
              `the process running ${label}${options.where ? ` on ${options.where}` : ''} died (${signal ?? `exit code ${code}`})`,
            ),
          );
        };
        running.on('message', onMessage);
        running.once('exit', onExit);
        // A child that is dying (e.g. Ctrl-C reached it) cannot take the job. The failed write
        // comes to this callback instead of as an 'error' event that nobody listens to, which
        // crashed the caller; the child's exit (above) rejects the job, and a child that is still
        // running without its channel is ended so that it does.
        running.send(request, (error) => {
          if (error && running.exitCode === null && running.signalCode === null)
            running.kill('SIGKILL');
        });
      }),
    kill() {
      const running = child;
      child = undefined;
      if (!running || running.exitCode !== null || running.signalCode !== null)
        return Promise.resolve();
      const exited = new Promise<void>((resolve) => running.once('exit', () => resolve()));
      running.kill('SIGTERM');
      return exited;
    },
  };
}
