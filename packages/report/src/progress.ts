/** Options of {@link createProgress}. */
export interface ProgressOptions {
  /** Label printed before the bar. */
  label: string;
  /** Number of units of work. */
  total: number;
  /** Where to write (default `process.stderr`). Non-TTY streams get one line per 10%. */
  stream?: NodeJS.WriteStream;
  /** Bar width in characters (default 24). */
  width?: number;
}

/** A text progress bar. */
export interface ProgressBar {
  /** Advances by `n` units (default 1), optionally with a note such as the current config. */
  tick(n?: number, note?: string): void;
  /** Finishes the bar with a final line (elapsed seconds). */
  done(note?: string): void;
}

/** The state of a bar, as handed to a {@link setProgressSink} sink. */
export interface ProgressEvent {
  label: string;
  n: number;
  total: number;
  /** Seconds since the bar was created. */
  seconds: number;
  note?: string;
  /** The bar finished. */
  done?: boolean;
}

let sink: ((event: ProgressEvent) => void) | undefined;

/**
 * Routes every bar of {@link createProgress} in this process to `to` instead of a stream (pass
 * `undefined` to restore drawing). A worker process uses it to send its bars to the parent, which
 * draws all workers in one display ({@link createMultiProgress}).
 */
export function setProgressSink(to: ((event: ProgressEvent) => void) | undefined): void {
  sink = to;
}

/** `[#####.......]` of `width` characters for a fraction in [0, 1]. */
export function progressBarText(fraction: number, width: number): string {
  const fill = Math.round(Math.min(1, Math.max(0, fraction)) * width);
  return `[${'#'.repeat(fill)}${'.'.repeat(width - fill)}]`;
}

/**
 * A dependency-free progress bar for long benchmark work: redraws in place on a TTY and prints
 * one line per 10% otherwise (so CI logs stay short). With a sink set
 * ({@link setProgressSink}), it reports there instead.
 *
 * @example
 * const bar = createProgress({ label: 'train Smax=3', total: 100 });
 * for (let i = 0; i < 100; i++) bar.tick();
 * bar.done();
 */
export function createProgress(options: ProgressOptions): ProgressBar {
  const stream = options.stream ?? process.stderr;
  const width = options.width ?? 24;
  const total = Math.max(1, options.total);
  const t0 = Date.now();
  let n = 0;
  let lastDecile = -1;
  const event = (note?: string, done?: boolean): ProgressEvent => ({
    label: options.label,
    n,
    total,
    seconds: (Date.now() - t0) / 1000,
    note,
    done,
  });
  const line = (note?: string) =>
    `${options.label} ${progressBarText(n / total, width)} ${n}/${total} ${((Date.now() - t0) / 1000).toFixed(1)}s${note ? ` ${note}` : ''}`;
  return {
    tick(k = 1, note) {
      n += k;
      if (sink) sink(event(note));
      else if (stream.isTTY) stream.write(`\r${line(note)}\x1b[K`);
      else {
        const decile = Math.floor((Math.min(n, total) / total) * 10);
        if (decile !== lastDecile) {
          lastDecile = decile;
          stream.write(`${line(note)}\n`);
        }
      }
    },
    done(note) {
      n = Math.max(n, total);
      if (sink) sink(event(note, true));
      else
        stream.write(`${stream.isTTY ? '\r' : ''}${line(note)}${stream.isTTY ? '\x1b[K' : ''}\n`);
    },
  };
}
