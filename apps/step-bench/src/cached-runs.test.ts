import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { planRuns, readCachedResult, trainPending } from './cached-runs';

describe('cached runs of a benchmark', () => {
  const dir = mkdtempSync(join(tmpdir(), 'tubekit-cached-runs-'));
  const good = join(dir, 'good.json');
  const broken = join(dir, 'broken.json');
  writeFileSync(good, '{"mAP":null}');
  writeFileSync(broken, '{"mAP":');

  it('reads a cached result (with a reviver), and reports an unreadable one as absent', () => {
    const lines: string[] = [];
    const log = (line: string) => lines.push(line);
    expect(readCachedResult('x-bench', good, log)).toEqual({ mAP: null });
    expect(readCachedResult('x-bench', good, log, (_, v) => (v === null ? Number.NaN : v))).toEqual(
      { mAP: Number.NaN },
    );
    expect(readCachedResult('x-bench', join(dir, 'absent.json'), log)).toBeUndefined();
    expect(readCachedResult('x-bench', broken, log)).toBeUndefined();
    expect(lines).toEqual([
      expect.stringMatching(
        /^x-bench: .*broken\.json: unreadable cached result \(.*\); training again$/,
      ),
    ]);
  });

  it('plans the runs not cached and says where they train', () => {
    const all = [
      { id: 'a', seed: 1, path: good },
      { id: 'b', seed: 1, path: broken },
      { id: 'c', seed: 2, path: join(dir, 'absent.json') },
    ];
    const lines: string[] = [];
    const read = (path: string) => readCachedResult<{ mAP: null }>('x-bench', path, () => {});
    const plan = planRuns('x-bench', all, read, { workers: 4 }, (l) => lines.push(l));
    expect(plan.pending.map((r) => r.id)).toEqual(['b', 'c']);
    expect([...plan.cached.keys()]).toEqual([good]);
    planRuns('x-bench', all, read, { workers: 1, queue: 'redis://q' }, (l) => lines.push(l));
    expect(lines).toEqual([
      'x-bench: training 2 of 3 models in 2 worker processes (1 cached)',
      'x-bench: training 2 of 3 models on the queue (1 cached)',
    ]);
  });

  it('trains under one display that is stopped, and no Ctrl-C handler left, however training ends', async () => {
    const plan = planRuns(
      'x-bench',
      [{ seed: 1, path: good }],
      () => undefined,
      { workers: 1 },
      () => {},
    );
    const handlers = process.listenerCount('SIGINT');
    const shown: unknown[] = [];
    await expect(
      trainPending(
        'x-bench',
        plan,
        { cacheDir: dir, exitOnInterrupt: true, onDisplay: (ui) => shown.push(ui) },
        async (_, signal) => {
          expect(process.listenerCount('SIGINT')).toBe(handlers + 1);
          expect(signal.aborted).toBe(false);
          throw new Error('training failed');
        },
      ),
    ).rejects.toThrow('training failed');
    expect(process.listenerCount('SIGINT')).toBe(handlers);
    expect(shown).toHaveLength(2);
    expect(shown[0]).toBeDefined();
    expect(shown[1]).toBeUndefined();
  });
});
