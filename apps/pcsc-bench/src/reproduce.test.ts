import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { reproduce } from './reproduce';

describe('pcsc-bench smoke profile', () => {
  const out = mkdtempSync(join(tmpdir(), 'pcsc-bench-'));
  afterAll(() => rmSync(out, { recursive: true, force: true }));

  it('runs end to end and writes the report (Markdown, HTML, JSON)', async () => {
    const lines: string[] = [];
    const r = await reproduce({ profile: 'smoke', outDir: out, log: (l) => lines.push(l) });
    const md = readFileSync(r.reportPath, 'utf8');
    expect(md).toContain('Table 5');
    expect(md).toContain('Table 6');
    expect(md).toContain('Proposal recall per stage');
    expect(md).toContain('convolutions wasm');
    expect(readFileSync(r.htmlPath, 'utf8')).toContain('<html');
    const json = JSON.parse(readFileSync(r.jsonPath, 'utf8'));
    const seed = json.seeds[0];
    // stages 0…2 of both Table 5 rows, Table 6 rows untrimmed and trimmed, recall per head pass
    expect(seed.table5.pcsc).toHaveLength(3);
    expect(seed.table5['pcsc-no-fc']).toHaveLength(3);
    expect(Object.keys(seed.video).sort()).toEqual([
      'fpn',
      'pcsc',
      'pcsc+tr-ends',
      'pcsc+tr-split',
      'pcsc-no-fc',
    ]);
    expect(Object.keys(seed.trimmed).sort()).toEqual([
      'fpn',
      'pcsc',
      'pcsc+tr-ends',
      'pcsc+tr-split',
    ]);
    expect(Object.keys(seed.recall.pcsc.plain)).toEqual(['0/rgb', '0/flow', '1/rgb', '2/flow']);
    expect(json.info.fps).toHaveLength(3);
    // tier 2 runs on the shared annotations when present (else says why: set TUBEKIT_DATA)
    expect(Object.keys(json.info.tier2)).toEqual(['UCF101-24', 'J-HMDB-21']);
    expect(md).toContain('Tier 2');
    // one seed: every claim is undecided under the seeds rule
    expect(r.claims.every((c) => c.status === 'undecided')).toBe(true);
    // each stream's trunk is pretrained once; the speed table loads the cached ones
    expect(lines.filter((l) => l.includes('pretrained'))).toHaveLength(2);
  });
});
