/** The BullMQ queue every tubekit coordinator and worker use (one Redis database, one run queue). */
export const QUEUE_NAME = 'tubekit';

/**
 * A worker's lock on a running job (ms), renewed at half that while the worker lives: a worker
 * that dies whole (machine lost) gives its job back to the queue after about this long.
 */
export const WORKER_LOCK_MS = 10_000;

/** Attempts per job: a job that fails twice is reported failed with its error. */
export const JOB_ATTEMPTS = 2;
