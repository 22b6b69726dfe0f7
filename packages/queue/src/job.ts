import { configHash, jobIdOf } from './canonical';

/**
 * One job of a run's graph: a known kind (the worker maps kinds to code; queue data never names
 * code), a JSON configuration that fixes everything the job computes, and the ids of the jobs
 * whose results it needs (e.g. the trunk pretrained for a stream is a parent of every model
 * trained on that stream).
 */
export interface QueueJob<C = unknown> {
  /** `<kind>@<sha256 of the canonical configuration>`: the same work has the same id everywhere. */
  id: string;
  kind: string;
  config: C;
  /** {@link configHash} of `config`: results are checked against it before they are used. */
  hash: string;
  parents: string[];
  /** Short name for progress lines and reports, e.g. `smax3 seed 1`. */
  label: string;
  /**
   * What the coordinator's code makes of the job's data (e.g. the dataset configuration a profile
   * names); a worker whose code makes something else of it is refused, naming the difference.
   */
  environment: Record<string, unknown>;
}

/**
 * A {@link QueueJob} of `kind` with its id and hash computed from `config`.
 *
 * @example
 * const trunk = queueJob('step-trunk', { profile, modality: 'rgb' }, { label: 'rgb trunk' });
 * const model = queueJob('step-model', { profile, config }, { parents: [trunk.id], label: 'smax3' });
 */
export function queueJob<C>(
  kind: string,
  config: C,
  options: { label: string; parents?: string[]; environment?: Record<string, unknown> },
): QueueJob<C> {
  if (!/^[a-z][a-z0-9-]*$/.test(kind)) throw new Error(`bad job kind ${JSON.stringify(kind)}`);
  return {
    id: jobIdOf(kind, config),
    kind,
    config,
    hash: configHash(config),
    parents: options.parents ?? [],
    label: options.label,
    environment: options.environment ?? {},
  };
}

/** What a coordinator puts on the queue for a {@link QueueJob}. */
export interface QueueJobData {
  kind: string;
  config: unknown;
  hash: string;
  parents: string[];
  label: string;
  /** The coordinator's tubekit version and the job's {@link QueueJob.environment}. */
  environment: { tubekit: string; app: Record<string, unknown> };
}

/** What a worker answers for a job. */
export interface QueueJobReturn {
  /** {@link configHash} of the configuration the worker ran, computed by the worker. */
  hash: string;
  result: unknown;
  worker: string;
}

/** What a worker reports as a job's progress: its name and the job's current bar. */
export interface QueueJobProgress {
  worker: string;
  event: { label: string; n: number; total: number; seconds: number; note?: string };
}

/**
 * The differences between two JSON values, as `path: queue X, this worker Y` (at most `max`),
 * e.g. `dataset.actors.minHeight: queue 19, this worker 20`.
 */
export function describeDifferences(queue: unknown, worker: unknown, path = '', max = 3): string[] {
  const out: string[] = [];
  const walk = (a: unknown, b: unknown, at: string) => {
    if (out.length >= max) return;
    const objects = a !== null && b !== null && typeof a === 'object' && typeof b === 'object';
    if (objects && Array.isArray(a) === Array.isArray(b)) {
      const keys = new Set([...Object.keys(a as object), ...Object.keys(b as object)]);
      for (const k of [...keys].sort())
        walk(
          (a as Record<string, unknown>)[k],
          (b as Record<string, unknown>)[k],
          at ? `${at}.${k}` : k,
        );
      return;
    }
    if (JSON.stringify(a) !== JSON.stringify(b))
      out.push(
        `${at || 'value'}: queue ${JSON.stringify(a) ?? 'none'}, this worker ${JSON.stringify(b) ?? 'none'}`,
      );
  };
  walk(queue, worker, path);
  return out;
}
