import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { reproduce } from './reproduce';

describe('pnpm reproduce --paper cfad --profile smoke', () => {
  const dir = mkdtempSync(join(tmpdir(), 'cfad-bench-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  test('trains every configuration on the shared trunk in 2 worker processes and writes the report, figures and claims', async () => {
    const lines: string[] = [];
    const r = await reproduce({
      profile: 'smoke',
      outDir: join(dir, 'cfad'),
      stepOutDir: join(dir, 'step'),
      workers: 2,
      log: (l) => lines.push(l),
    });
    expect(lines).toContain('cfad-bench: training 6 of 6 models in 2 worker processes');
    for (const f of [
      'report.md',
      'report.html',
      'report.json',
      'figure4a.svg',
      'figure4b.svg',
      'figure5.svg',
    ])
      expect(existsSync(join(dir, 'cfad', f))).toBe(true);
    // the trunk is step-bench's, cached in its folder
    expect(existsSync(join(dir, 'step', 'cache', 'smoke', 'seed-1'))).toBe(true);
    const md = readFileSync(r.reportPath, 'utf8');
    for (const heading of [
      'Table 1',
      'Figure 4(a)',
      'Figure 4(b)',
      'Figure 5',
      'Table 2',
      'Table 3',
      'Figure 6',
      'Tier 2',
      'Claims',
    ])
      expect(md).toContain(heading);
    expect(md).toMatch(/, convolutions onnxruntime \(onnxruntime-node [\d.]+, 1 thread\), /);
    expect(r.results.table1.dynamic.rows.none).toHaveLength(2);
    for (const v of Object.values(r.results.table1.static.rows).flat())
      expect(v >= 0 && v <= 100).toBe(true);
    // one seed: every claim is undecided
    expect(r.claims.length).toBeGreaterThan(10);
    expect(r.claims.every((c) => c.status === 'undecided')).toBe(true);
    // a rerun resumes from the cached model results: the one removed trains again, in this
    // process, to the same numbers the worker process cached
    const seedDir = join(dir, 'cfad', 'cache', 'smoke', 'seed-1');
    const removed = readdirSync(seedDir).find((f) => f.startsWith('static-k2.'));
    rmSync(join(seedDir, removed as string));
    const t = Date.now();
    const rerun: string[] = [];
    const again = await reproduce({
      profile: 'smoke',
      outDir: join(dir, 'cfad'),
      stepOutDir: join(dir, 'step'),
      workers: 2,
      log: (l) => rerun.push(l),
    });
    expect(rerun).toContain('cfad-bench: training 1 of 6 models (5 cached)');
    expect(again.results).toEqual(r.results);
    expect(Date.now() - t).toBeLessThan(r.wallSeconds * 1000);
  });
});
