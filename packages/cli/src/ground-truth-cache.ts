import { homedir } from 'node:os';
import { join } from 'node:path';
import { type ActionDataset, loadDataset } from '@tubekit/datasets';

/**
 * The folder of the binary GT cache of `eval` and `link`: `$TUBEKIT_GT_CACHE` when set (`off` or
 * empty: no cache), else `$XDG_CACHE_HOME/tubekit/gt` or `~/.cache/tubekit/gt`.
 */
export function groundTruthCacheDir(env: NodeJS.ProcessEnv = process.env): string | undefined {
  const set = env.TUBEKIT_GT_CACHE;
  if (set !== undefined) return set === '' || set === 'off' ? undefined : set;
  return join(env.XDG_CACHE_HOME || join(homedir(), '.cache'), 'tubekit', 'gt');
}

/**
 * `loadDataset` through the GT cache ({@link groundTruthCacheDir}): a GT file read before comes
 * back from its cache entry, keyed by the file's content and the reader code, so never stale
 * (`@tubekit/datasets` `dataset-cache.ts`).
 */
export function loadGroundTruth(path: string): Promise<ActionDataset> {
  return loadDataset(path, { cacheDir: groundTruthCacheDir() });
}
