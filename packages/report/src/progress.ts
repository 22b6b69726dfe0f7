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

/**
 * A dependency-free progress bar for long benchmark work: redraws in place on a TTY and prints
 * one line per 10% otherwise (so CI logs stay short).
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
  const line = (note?: string) => {
    const frac = Math.min(1, n / total);
    const fill = Math.round(frac * width);
    const secs = ((Date.now() - t0) / 1000).toFixed(1);
    return `${options.label} [${'#'.repeat(fill)}${'.'.repeat(width - fill)}] ${n}/${total} ${secs}s${note ? ` ${note}` : ''}`;
  };
  return {
    tick(k = 1, note) {
      n += k;
      if (stream.isTTY) stream.write(`\r${line(note)}\x1b[K`);
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
      stream.write(`${stream.isTTY ? '\r' : ''}${line(note)}${stream.isTTY ? '\x1b[K' : ''}\n`);
    },
  };
}
