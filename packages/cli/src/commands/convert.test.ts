import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readDatasetJson, tubekitDataPath } from '@tubekit/datasets';
import { runCli } from '../../test/run-cli';

describe('tubekit convert', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'tubekit-cli-convert-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('converts the J-HMDB zip to canonical JSON', async () => {
    const to = join(dir, 'jhmdb.tubes.json');
    const r = await runCli([
      'convert',
      tubekitDataPath('jhmdb-21/groundtruths_jhmdb.zip'),
      '--to',
      to,
      '--json',
    ]);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ videos: 268, labels: 21, splits: { test1: 268 } });
    const ds = await readDatasetJson(to);
    expect(ds.videos).toHaveLength(268);
  });

  it('fails with one line naming the file, and writes nothing', async () => {
    const bad = join(dir, 'bad.pkl');
    writeFileSync(bad, Buffer.from([0x80, 0x02, 0x7d]));
    const to = join(dir, 'out', 'bad.tubes.json');
    const r = await runCli(['convert', bad, '--to', to]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^tubekit convert: .*bad\.pkl \(byte \d+\): pickle: truncated/);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(readdirSync(dir)).not.toContain('out');
    const missing = await runCli(['convert', bad]);
    expect(missing.stderr).toMatch(/missing --to/);
  });
});
