import { join } from 'node:path';
import { groundTruthCacheDir } from './ground-truth-cache';

describe('groundTruthCacheDir', () => {
  it('is $TUBEKIT_GT_CACHE, off when that is off or empty, else under the XDG cache folder', () => {
    expect(groundTruthCacheDir({ TUBEKIT_GT_CACHE: '/tmp/c' })).toBe('/tmp/c');
    expect(groundTruthCacheDir({ TUBEKIT_GT_CACHE: 'off' })).toBeUndefined();
    expect(groundTruthCacheDir({ TUBEKIT_GT_CACHE: '' })).toBeUndefined();
    expect(groundTruthCacheDir({ XDG_CACHE_HOME: '/x' })).toBe(join('/x', 'tubekit', 'gt'));
    expect(groundTruthCacheDir({})).toMatch(/[/\\]\.cache[/\\]tubekit[/\\]gt$/);
  });
});
