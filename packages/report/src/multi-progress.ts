import { type ProgressEvent, progressBarText } from './progress';

/** Options of {@link createMultiProgress}. */
export interface MultiProgressOptions {
  /** What the total counts, e.g. `models`. */
  unit: string;
  /** Number of jobs in all. */
  total: number;
  /** Jobs already done before this display started (cached results); not used for the ETA. */
  alreadyDone?: number;
  /** Where to draw (default `process.stderr`). */
  stream?: NodeJS.WriteStream;
  /**
   * Redraw in place (default: when the stream is a TTY and `CI` is not set). Otherwise no bars are
   * drawn: log lines pass through and each finished job prints one line with the total and ETA.
   */
  live?: boolean;
  /** Clock in ms (default `Date.now`; tests pass their own). */
  now?: () => number;
}

/** One display of several concurrent workers' bars plus a total line with the ETA. */
export interface MultiProgress {
  /** A worker's current bar (`row` names the worker, e.g. `w1`). */
  update(row: string, event: ProgressEvent): void;
  /** A job finished (counts toward the total); `row` becomes idle. */
  jobDone(row: string, what: string): void;
  /** A line printed above the bars (results, warnings). */
  log(line: string): void;
  /** The total line: `models 5/14 [####....] 3m12s, ETA 4m30s`. */
  totalLine(): string;
  /** Erases the bars (TTY) and stops redrawing; safe to call twice. */
  stop(): void;
}

/** `75s` → `1m15s`; `3700s` → `1h01m`. */
export function formatDuration(seconds: number): string {
  if (!Number.isFinite(seconds)) return '?';
  const s = Math.max(0, Math.round(seconds));
  if (s < 60) return `${s}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s`;
  return `${Math.floor(s / 3600)}h${String(Math.floor((s % 3600) / 60)).padStart(2, '0')}m`;
}

/**
 * A multi-bar display for work spread over processes: one bar per worker (fed with the
 * {@link ProgressEvent}s its `createProgress` bars send through `setProgressSink`), and a total
 * line with the jobs done, the elapsed time and the ETA — the elapsed time scaled by the share of
 * work left, counting running jobs by their bars' fractions. On a TTY it redraws in place at most
 * 10 times a second; elsewhere (pipes, `CI`) it prints plain lines only.
 *
 * @example
 * const ui = createMultiProgress({ unit: 'models', total: 14 });
 * ui.update('w1', { label: 'train smax3', n: 10, total: 400, seconds: 3 });
 * ui.jobDone('w1', 'smax3');
 * ui.stop();
 */
export function createMultiProgress(options: MultiProgressOptions): MultiProgress {
  const stream = options.stream ?? process.stderr;
  const live = options.live ?? (Boolean(stream.isTTY) && !process.env.CI);
  const now = options.now ?? Date.now;
  const t0 = now();
  const skipped = options.alreadyDone ?? 0;
  const rows = new Map<string, ProgressEvent | undefined>();
  let done = skipped;
  let drawn = 0;
  let lastDraw = 0;
  let stopped = false;

  const totalLine = () => {
    const running = [...rows.values()].reduce((a, e) => a + (e ? e.n / e.total : 0), 0);
    const fresh = done - skipped + running;
    const left = options.total - done - running;
    const elapsed = (now() - t0) / 1000;
    const eta = fresh > 0 ? formatDuration((elapsed * left) / fresh) : '?';
    return `${options.unit} ${done}/${options.total} ${progressBarText((done + running) / Math.max(1, options.total), 24)} ${formatDuration(elapsed)} elapsed, ETA ${eta}`;
  };
  const erase = () => {
    if (drawn > 0) stream.write(`\x1b[${drawn}F\x1b[J`);
    drawn = 0;
  };
  const draw = (force = false) => {
    if (!live || stopped) return;
    const t = now();
    if (!force && t - lastDraw < 100) return;
    lastDraw = t;
    const width = Math.max(40, (stream.columns ?? 100) - 1);
    const lines = [...rows.entries()].map(([row, e]) =>
      (e
        ? `${row} ${e.label} ${progressBarText(e.n / e.total, 20)} ${e.n}/${e.total}${e.note ? ` ${e.note}` : ''}`
        : `${row} idle`
      ).slice(0, width),
    );
    lines.push(totalLine().slice(0, width));
    erase();
    stream.write(`${lines.join('\n')}\n`);
    drawn = lines.length;
  };
  return {
    update(row, event) {
      rows.set(row, event.done ? undefined : event);
      draw();
    },
    jobDone(row, what) {
      done++;
      rows.set(row, undefined);
      if (live) draw(true);
      else stream.write(`[${done}/${options.total}] ${what} done · ${totalLine()}\n`);
    },
    log(line) {
      if (live && !stopped) {
        erase();
        stream.write(`${line}\n`);
        draw(true);
      } else stream.write(`${line}\n`);
    },
    totalLine,
    stop() {
      if (stopped) return;
      if (live) erase();
      stopped = true;
    },
  };
}
