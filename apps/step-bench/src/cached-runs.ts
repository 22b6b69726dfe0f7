import { existsSync, readFileSync } from 'node:fs';
import { createMultiProgress, type MultiProgress } from '@tubekit/report';

/** One trained model × seed of a benchmark, and the file its result is cached in. */
export interface CachedRun {
  seed: number;
  path: string;
}

/**
 * The result cached at `path`, if any; an unreadable file is reported as `<app>: <path>: …;
 * training again` and treated as absent. `reviver` is `JSON.parse`'s (e.g. `null` → `NaN`).
 */
export function readCachedResult<R>(
  app: string,
  path: string,
  log: (line: string) => void,
  reviver?: (key: string, value: unknown) => unknown,
): R | undefined {
  if (!existsSync(path)) return undefined;
  try {
    return JSON.parse(readFileSync(path, 'utf8'), reviver) as R;
  } catch (error) {
    log(
      `${app}: ${path}: unreadable cached result (${(error as Error).message.split('\n')[0]}); training again`,
    );
    return undefined;
  }
}

/** Which of a benchmark's runs are cached (with their results) and which must be trained. */
export interface RunPlan<T extends CachedRun, R> {
  all: T[];
  cached: Map<string, R>;
  pending: T[];
}

/**
 * Splits `all` into cached runs (read by `read`) and pending ones, and logs what will be trained:
 * `<app>: training 3 of 8 models in 2 worker processes (5 cached)`.
 */
export function planRuns<T extends CachedRun, R>(
  app: string,
  all: T[],
  read: (path: string) => R | undefined,
  where: { workers: number; queue?: string },
  log: (line: string) => void,
): RunPlan<T, R> {
  const cached = new Map<string, R>();
  for (const { path } of all) {
    const result = read(path);
    if (result !== undefined) cached.set(path, result);
  }
  const pending = all.filter((run) => !cached.has(run.path));
  if (pending.length) {
    const how = where.queue
      ? ' on the queue'
      : where.workers > 1 && pending.length > 1
        ? ` in ${Math.min(where.workers, pending.length)} worker processes`
        : '';
    log(
      `${app}: training ${pending.length} of ${all.length} models${how}${cached.size ? ` (${cached.size} cached)` : ''}`,
    );
  }
  return { all, cached, pending };
}

/**
 * Trains a plan's pending runs (`train`) under one progress display of every run, stopping on
 * Ctrl-C when `exitOnInterrupt`: the signal aborts, the bars stop, `<app>: stopped; rerun the
 * same command to resume from <cacheDir>` is printed and the process exits with 130 (finished runs
 * stay cached). The display is stopped and the handler removed however `train` ends.
 */
export async function trainPending<T extends CachedRun, R>(
  app: string,
  plan: RunPlan<T, R>,
  options: {
    cacheDir: string;
    exitOnInterrupt?: boolean;
    onDisplay?: (ui?: MultiProgress) => void;
  },
  train: (ui: MultiProgress, signal: AbortSignal) => Promise<void>,
): Promise<void> {
  const stop = new AbortController();
  let ui: MultiProgress | undefined;
  const onInterrupt = () => {
    stop.abort();
    ui?.stop();
    process.stderr.write(
      `\n${app}: stopped; rerun the same command to resume from ${options.cacheDir}\n`,
    );
    process.exit(130);
  };
  if (options.exitOnInterrupt) process.on('SIGINT', onInterrupt);
  try {
    ui = createMultiProgress({
      unit: 'models',
      total: plan.all.length,
      alreadyDone: plan.cached.size,
    });
    options.onDisplay?.(ui);
    await train(ui, stop.signal);
  } finally {
    ui?.stop();
    options.onDisplay?.(undefined);
    process.off('SIGINT', onInterrupt);
  }
}
