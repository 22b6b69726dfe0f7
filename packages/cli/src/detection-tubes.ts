import { open } from 'node:fs/promises';
import { readMat, TubekitFormatError, ucfSportsTubesFromMat } from '@tubekit/datasets';
import type { DetectedTube } from '@tubekit/geometry';

/** Whether a file starts like a MATLAB v5 MAT-file (its text header), whatever its name. */
export async function isMatFile(path: string): Promise<boolean> {
  const file = await open(path, 'r').catch(() => undefined);
  if (file === undefined) return false; // the reader that follows reports the path
  try {
    const head = Buffer.alloc(6);
    const { bytesRead } = await file.read(head, 0, 6, 0);
    return head.subarray(0, bytesRead).toString('latin1') === 'MATLAB';
  } finally {
    await file.close();
  }
}

/**
 * Reads a MAT-file of published detection tubes for `tubekit eval video --det`
 * (`ucfsports_tubes_test.mat`, recognised by {@link isMatFile}, read with
 * `ucfSportsTubesFromMat`). A MAT-file without a `tubes` variable is refused with the variables it
 * does hold.
 *
 * @example
 * const tubes = await readMatDetectionTubes('ucfsports_tubes_test.mat'); // 4700 tubes
 */
export async function readMatDetectionTubes(path: string): Promise<DetectedTube[]> {
  const mat = await readMat(path);
  if (!mat.variables.has('tubes'))
    throw new TubekitFormatError(
      path,
      '',
      `a MAT-file without detection tubes (variables ${[...mat.variables.keys()].join(', ') || 'none'}): expected a tube CSV or UCF-Sports tubes (variable tubes)`,
    );
  return ucfSportsTubesFromMat(mat, path);
}

/**
 * Refuses a MAT-file where a CSV is read (`eval frame --det`, `link --det`) with one line saying
 * what it is, instead of a CSV parser's complaint about its binary header.
 */
export async function refuseMatFile(path: string, expected: string): Promise<void> {
  if (await isMatFile(path))
    throw new TubekitFormatError(
      path,
      '',
      `a MATLAB MAT-file, expected ${expected} (UCF-Sports detection tubes: use tubekit eval video, or tubekit convert … --to tubes.csv)`,
    );
}
