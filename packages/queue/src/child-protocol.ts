import type { ProgressEvent } from '@tubekit/report';

/** What `runQueueWorker` sends the child process of a job (`job-child.ts`). */
export interface ChildRequest {
  /** Absolute path of the module exporting the kind's `jobKind` (from the worker's own map). */
  module: string;
  url: string;
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
