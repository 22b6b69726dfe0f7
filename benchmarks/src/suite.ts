/**
 * A benchmark file (`packages/<pkg>/bench/<topic>.bench.ts`) default-exports one suite.
 *
 * - `micro` cases are timed by tinybench (many calls of `fn`); `unitsPerCall` turns calls/s into
 *   a domain rate (IoU pairs/s, boxes/s, frames/s) and `target` states the goal that the report
 *   checks it against.
 * - `measure` cases run once and return their own named numbers (fps, peak memory, mAP wall time),
 *   for work too long to repeat or that reports several quantities.
 */
export interface MicroCase {
  kind: 'micro';
  name: string;
  /** One call of the work; may be async. Setup belongs outside it. */
  fn: () => unknown;
  /** How many domain units one call processes, and their name (e.g. 1e6 and 'pairs'). */
  units?: { perCall: number; name: string };
  /** Goal on the domain rate (units/s) or, without units, on mean milliseconds per call. */
  target?: { atLeastPerSecond?: number; atMostMs?: number };
  /** Minimum time to sample in ms (default 500). */
  timeMs?: number;
}

export interface MeasureCase {
  kind: 'measure';
  name: string;
  /** Runs the work once and returns named numbers (unit in the name: `fps`, `peakRssMiB`, …). */
  run: () => Promise<Record<string, number | string>> | Record<string, number | string>;
  /** Goals on the returned numbers: `{ wallMs: { atMost: 2000 } }`. */
  targets?: Record<string, { atLeast?: number; atMost?: number }>;
}

export type BenchCase = MicroCase | MeasureCase;

export interface BenchSuite {
  /** Shown in the report, e.g. 'geometry: IoU'. */
  name: string;
  cases: BenchCase[];
}

/** Identity helper that gives a bench file's default export its type. */
export function defineBenchSuite(suite: BenchSuite): BenchSuite {
  return suite;
}
