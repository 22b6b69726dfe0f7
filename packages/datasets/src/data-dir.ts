import { existsSync } from 'node:fs';
import { isAbsolute, join, resolve } from 'node:path';

/**
 * Where the public annotation files and fixtures live: `$TUBEKIT_DATA` if set, else
 * `../shared/data` beside the repository root (found by walking up from the working directory).
 */
export function tubekitDataDir(): string {
  const fromEnv = process.env.TUBEKIT_DATA;
  if (fromEnv) return isAbsolute(fromEnv) ? fromEnv : resolve(fromEnv);
  let dir = process.cwd();
  for (;;) {
    if (existsSync(join(dir, 'pnpm-workspace.yaml'))) return resolve(dir, '..', 'shared', 'data');
    const parent = resolve(dir, '..');
    if (parent === dir) return resolve(process.cwd(), '..', 'shared', 'data');
    dir = parent;
  }
}

/**
 * The absolute path of a file under {@link tubekitDataDir}, or an error that says what to set.
 *
 * @example
 * const pkl = tubekitDataPath('ucf101-24/pyannot.pkl');
 */
export function tubekitDataPath(relativePath: string): string {
  const dir = tubekitDataDir();
  const path = join(dir, relativePath);
  if (!existsSync(path)) {
    throw new Error(
      `tubekit data file ${relativePath} not found in ${dir}: set TUBEKIT_DATA to the folder that holds ` +
        'ucf101-24/, jhmdb-21/, ucfsports/, ava/ and fixtures/ (default: ../shared/data beside the repository)',
    );
  }
  return path;
}
