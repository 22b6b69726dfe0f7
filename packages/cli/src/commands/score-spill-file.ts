import { closeSync, openSync, readSync, rmSync, unlinkSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ScoreLogSpill } from '@tubekit/metrics';
import { CliError } from '../cli-error';

const bytes = (a: Int32Array | Float64Array, n: number) =>
  new Uint8Array(a.buffer, a.byteOffset, n * a.BYTES_PER_ELEMENT);

/**
 * A {@link ScoreLogSpill} in a temporary file under `dir` (default the OS temp folder), created
 * at the first block and unlinked at once (where the OS allows it, else removed by `close`), so
 * that nothing is left behind even when the process is killed. A failed write is one
 * {@link CliError} naming the folder.
 */
export function scoreSpillFile(dir = tmpdir()): ScoreLogSpill {
  let fd = -1;
  let path: string | undefined;
  let end = 0;
  const sizes: number[] = [];
  const fail = (error: unknown): never => {
    throw new CliError(
      `cannot write the score log to ${dir}: ${(error as NodeJS.ErrnoException).code ?? error}`,
    );
  };
  const writeAll = (data: Uint8Array) => {
    for (let done = 0; done < data.length; )
      done += writeSync(fd, data, done, data.length - done, end + done);
    end += data.length;
  };
  const readAll = (data: Uint8Array, at: number) => {
    for (let done = 0; done < data.length; ) {
      const got = readSync(fd, data, done, data.length - done, at + done);
      if (got === 0) throw new CliError(`the score log in ${dir} was cut short`);
      done += got;
    }
  };
  return {
    write(labels, scores, n) {
      try {
        if (fd < 0) {
          const name = join(dir, `.tubekit-scores-${process.pid}-${Date.now().toString(36)}.tmp`);
          fd = openSync(name, 'wx+', 0o600);
          try {
            unlinkSync(name);
          } catch {
            path = name;
          }
        }
        writeAll(bytes(labels, n));
        writeAll(bytes(scores, n));
      } catch (error) {
        if (error instanceof CliError) throw error;
        fail(error);
      }
      sizes.push(n);
    },
    read(visit) {
      const largest = Math.max(0, ...sizes);
      const labels = new Int32Array(largest);
      const scores = new Float64Array(largest);
      let at = 0;
      for (const n of sizes) {
        readAll(bytes(labels, n), at);
        at += 4 * n;
        readAll(bytes(scores, n), at);
        at += 8 * n;
        visit(labels, scores, n);
      }
    },
    close() {
      if (fd >= 0) closeSync(fd);
      fd = -1;
      if (path !== undefined) rmSync(path, { force: true });
      path = undefined;
    },
  };
}
