import {
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  utimesSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ActionDataset } from './annotation-model';
import { decodeCachedDataset, encodeCachedDataset, loadCachedDataset } from './dataset-cache';
import { writeDatasetJson } from './dataset-json';
import { loadDataset } from './load-dataset';

const dataset = (x1: number): ActionDataset => ({
  dataset: 'tiny',
  labels: ['jump', 'run'],
  videos: [
    {
      name: 'a/v1',
      nframes: 5,
      width: 320,
      height: 240,
      tubes: [
        { label: 1, start: 2, boxes: new Float64Array([x1, 2, 30.25, 40, 11, 2, 31, 41]) },
        {
          label: 0,
          start: 1,
          boxes: new Float64Array([0, 0, 1e-300, 7]),
          scores: new Float64Array([0.5]),
        },
      ],
    },
    { name: 'b/v2', nframes: 3, width: 10, height: 10, tubes: [] },
  ],
  splits: { test: ['a/v1'], train: ['b/v2'] },
});

describe('binary GT cache', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'tubekit-gt-cache-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('encodes and decodes a dataset exactly (boxes, optional scores, splits)', () => {
    const ds = dataset(10.125);
    expect(decodeCachedDataset(encodeCachedDataset(ds))).toEqual(ds);
  });

  it('refuses bytes that are cut short or changed (checksum)', () => {
    const bytes = encodeCachedDataset(dataset(10));
    expect(decodeCachedDataset(bytes.subarray(0, bytes.length - 8))).toBeUndefined();
    const changed = bytes.slice();
    changed[changed.length - 1]! ^= 1;
    expect(decodeCachedDataset(changed)).toBeUndefined();
    expect(decodeCachedDataset(new Uint8Array(10))).toBeUndefined();
  });

  it('serves a file read before from the cache, and never a stale entry', async () => {
    const gt = join(dir, 'gt.tubes.json');
    const cache = join(dir, 'cache');
    await writeDatasetJson(gt, dataset(10));
    expect(await loadDataset(gt, { cacheDir: cache })).toEqual(dataset(10));
    const entries = readdirSync(cache);
    expect(entries).toHaveLength(1);
    const entry = join(cache, entries[0]!);

    // the entry is what a second load returns (here replaced by another valid entry to show it)
    writeFileSync(entry, encodeCachedDataset(dataset(12)));
    expect(await loadDataset(gt, { cacheDir: cache })).toEqual(dataset(12));

    // the same file size and times, other content: read again, not served stale
    const { atime, mtime, size } = statSync(gt);
    writeFileSync(gt, readFileSync(gt, 'utf8').replace('[10,', '[13,'));
    utimesSync(gt, atime, mtime);
    expect(statSync(gt).size).toBe(size);
    expect(await loadDataset(gt, { cacheDir: cache })).toEqual(dataset(13));
    expect(readdirSync(cache)).toHaveLength(2);
  });

  it('reads a damaged entry again and rewrites it whole', async () => {
    const gt = join(dir, 'gt.tubes.json');
    const cache = join(dir, 'cache');
    await writeDatasetJson(gt, dataset(10));
    await loadDataset(gt, { cacheDir: cache });
    const entry = join(cache, readdirSync(cache)[0]!);
    writeFileSync(entry, readFileSync(entry).subarray(0, 60));
    expect(await loadDataset(gt, { cacheDir: cache })).toEqual(dataset(10));
    expect(decodeCachedDataset(readFileSync(entry))).toEqual(dataset(10));
  });

  it('a split list beside the file is part of the key', async () => {
    const gt = join(dir, 'gt.tubes.json');
    const cache = join(dir, 'cache');
    await writeDatasetJson(gt, dataset(10));
    await loadDataset(gt, { cacheDir: cache });
    writeFileSync(join(dir, 'testlist01.txt'), 'a/v1\n');
    await loadDataset(gt, { cacheDir: cache });
    expect(readdirSync(cache)).toHaveLength(2);
  });

  it('stays within its size bound: the least recently used entries go first', async () => {
    const cache = join(dir, 'cache');
    const entryBytes = encodeCachedDataset(dataset(1)).length;
    const load = (x1: number) => {
      const gt = join(dir, `gt${x1}.tubes.json`);
      writeFileSync(gt, String(x1));
      return loadCachedDataset([gt], cache, async () => dataset(x1), 3 * entryBytes);
    };
    const ages = new Map<number, string>();
    for (const x1 of [1, 2, 3]) {
      await load(x1);
      const added = readdirSync(cache).find((e) => ![...ages.values()].includes(e))!;
      ages.set(x1, added);
      // older by x1 hours: entry 1 the oldest
      const then = new Date(Date.now() - (10 - x1) * 3600e3);
      utimesSync(join(cache, added), then, then);
    }
    await load(1); // served: marked used now, so entry 2 is the least recently used
    expect(readdirSync(cache)).toHaveLength(3);
    await load(4);
    const left = readdirSync(cache);
    expect(left).toHaveLength(3);
    expect(left).not.toContain(ages.get(2));
    expect(left).toContain(ages.get(1));
    expect(left).toContain(ages.get(3));
  });

  it('a cache folder that cannot be written is skipped', async () => {
    const gt = join(dir, 'gt.tubes.json');
    await writeDatasetJson(gt, dataset(10));
    const blocked = join(dir, 'file');
    writeFileSync(blocked, 'not a folder');
    expect(await loadDataset(gt, { cacheDir: join(blocked, 'cache') })).toEqual(dataset(10));
  });
});
