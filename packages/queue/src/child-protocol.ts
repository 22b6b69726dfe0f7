import type { ProgressEvent } from '@tubekit/report';

/**
 * What the parent (`runQueueWorker`, or `runLocalPool` on one machine) sends the child process of
 * a job (`job-child.ts`).
 */
export interface ChildRequest {
  /** Absolute path of the module exporting the kind's `jobKind` (from the parent's own map). */
  module: string;
  /** The queue's Redis; absent in the local pool, whose files and checkpoints stay in `store`. */
  url?: string;
  /** Folder for stored files (required without `url`). */
  store?: string;
  workDir: string;
  job: {
    id: string;
    label: string;
    config: unknown;
    attempt: number;
    parents: Record<string, unknown>;
    environment: Record<string, unknown>;
  };
}

/** What the child process of a job answers. */
export type ChildReply =
  | { progress: ProgressEvent }
  | { log: string }
  | { result: unknown }
  | { error: string }
  | { refused: string };
