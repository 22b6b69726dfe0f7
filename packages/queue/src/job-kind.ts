import type { BlobRef } from './blob-store';

/** What a job's code gets besides its configuration. */
export interface JobContext {
  id: string;
  label: string;
  /** 1 on the first attempt, 2 on the retry. */
  attempt: number;
  /**
   * This worker's folder for files its jobs share and that need not survive it (rendered data,
   * local copies of checkpoints).
   */
  workDir: string;
  /** The results of the job's parents, by job id. */
  parents: Record<string, unknown>;
  /** Stores a file under `<job id>/<name>` (the worker's `--store` folder, or Redis). */
  put(name: string, file: string): Promise<BlobRef>;
  /** Fetches a stored file (e.g. a parent's checkpoint) to `file`. */
  get(ref: BlobRef, file: string): Promise<void>;
  /**
   * Makes the training checkpoint at `path` survive this worker: restores the one an earlier
   * attempt stored (resolves `true` if it did), then stores the file whenever it changes, so a
   * retry elsewhere resumes from the last stored checkpoint.
   */
  keepCheckpoint(path: string): Promise<boolean>;
  log(line: string): void;
}

/**
 * The code of one job kind, in a module that a worker maps the kind to (exporting it as
 * `jobKind`). The worker runs it in a child process per job.
 */
export interface JobKind<C = unknown, R = unknown> {
  /**
   * What this machine's code makes of a job's data (e.g. the dataset configuration a profile
   * names); compared with what the coordinator's code made of it.
   */
  environment?(config: C): Record<string, unknown>;
  /** Runs the job; the result must be JSON and small (it goes through Redis). */
  run(config: C, context: JobContext): Promise<R>;
}
