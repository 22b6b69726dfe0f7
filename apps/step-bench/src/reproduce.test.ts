import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CLAIMS } from './published';
import { reproduce } from './reproduce';

describe('reproduce (smoke profile, end to end)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'step-bench-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('trains, detects, links, evaluates and writes the report; a rerun resumes from the cache', async () => {
    const lines: string[] = [];
    const r = await reproduce({ profile: 'smoke', outDir: dir, log: (l) => lines.push(l) });
    const md = readFileSync(r.reportPath, 'utf8');
    for (const heading of [
      'Table 1(a)',
      'Table 1(b)',
      'Figure 5',
      'Ablations',
      'Figure 6',
      'Table 2',
      'Tier 2',
    ])
      expect(md).toContain(heading);
    expect(md).toContain('51.5 / '); // published beside ours
    const json = JSON.parse(readFileSync(r.jsonPath, 'utf8'));
    expect(json.claims.map((c: { id: string }) => c.id).sort()).toEqual(Object.keys(CLAIMS).sort());
    expect(json.results.table1a['4']).toHaveLength(4);
    for (const v of [
      ...json.results.table1a['3'],
      json.results.table2.frameMap,
      json.results.table1b.late,
    ]) {
      expect(v).toBeGreaterThanOrEqual(0);
      expect(v).toBeLessThanOrEqual(100);
    }
    expect(Object.keys(json.results.table2.videoMap)).toEqual(['0.05', '0.1', '0.2', '0.5']);
    expect(Object.keys(json.results.table2.videoMapLinkingOnly)).toEqual([
      '0.05',
      '0.1',
      '0.2',
      '0.5',
    ]);
    expect(readFileSync(join(dir, 'figure6a.svg'), 'utf8')).toMatch(/^<svg/);
    expect(lines.at(-1)).toMatch(/STEP claims hold .* report: /);
    // Second run: every model comes from the cache, same numbers.
    const again = await reproduce({ profile: 'smoke', outDir: dir, log: () => undefined });
    expect(again.results.table1a).toEqual(r.results.table1a);
    expect(again.results.table2).toEqual(r.results.table2);
  });
});
