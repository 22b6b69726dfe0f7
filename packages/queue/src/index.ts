export { type BlobRef, type BlobStore, blobStore, REDIS_BLOB_LIMIT_BYTES } from './blob-store';
export { canonicalJson, configHash, jobIdOf } from './canonical';
export { CONNECT_TIMEOUT_MS, connectRedis } from './connection';
export {
  describeDifferences,
  type QueueJob,
  type QueueJobData,
  type QueueJobProgress,
  type QueueJobReturn,
  queueJob,
} from './job';
export type { JobContext, JobKind } from './job-kind';
export { hasRedisServer, type LocalRedis, startLocalRedis } from './local-redis';
export { JOB_ATTEMPTS, QUEUE_NAME, WORKER_LOCK_MS } from './queue-settings';
export {
  type QueueWorkerOptions,
  type QueueWorkerSummary,
  runQueueWorker,
} from './queue-worker';
export { redactIn, redactUrl } from './redact';
export { type RunLocalPoolOptions, runLocalPool } from './run-local-pool';
export { type JobOutcome, type RunOnQueueOptions, runOnQueue } from './run-on-queue';
export { TUBEKIT_VERSION } from './version';
