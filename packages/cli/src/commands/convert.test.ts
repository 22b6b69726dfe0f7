import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readDatasetJson, tubekitDataPath } from '@tubekit/datasets';
import { createProgram } from '../program';

async function run(args: string[]): Promise<{ out: string; err: string; code: number }> {
  const out: string[] = [];
  const err: string[] = [];
  const o = jest.spyOn(process.stdout, 'write').mockImplementation((c) => {
    out.push(String(c));
    return true;
  });
  const e = jest.spyOn(process.stderr, 'write').mockImplementation((c) => {
    err.push(String(c));
    return true;
  });
  const before = process.exitCode;
  process.exitCode = 0;
  try {
    await createProgram().parseAsync(['node', 'tubekit', ...args]);
  } finally {
    o.mockRestore();
    e.mockRestore();
  }
  const code = Number(process.exitCode ?? 0);
  process.exitCode = before;
  return { out: out.join(''), err: err.join(''), code };
}

describe('tubekit convert', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'tubekit-cli-convert-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('converts the J-HMDB zip to canonical JSON', async () => {
    const to = join(dir, 'jhmdb.tubes.json');
    const r = await run([
      'convert',
      tubekitDataPath('jhmdb-21/groundtruths_jhmdb.zip'),
      '--to',
      to,
      '--json',
    ]);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.out)).toMatchObject({ videos: 268, labels: 21, splits: { test1: 268 } });
    const ds = await readDatasetJson(to);
    expect(ds.videos).toHaveLength(268);
  });

  it('fails with one line naming the file, and writes nothing', async () => {
    const bad = join(dir, 'bad.pkl');
    writeFileSync(bad, Buffer.from([0x80, 0x02, 0x7d]));
    const to = join(dir, 'out', 'bad.tubes.json');
    const r = await run(['convert', bad, '--to', to]);
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/^tubekit convert: .*bad\.pkl \(byte \d+\): pickle: truncated/);
    expect(r.err.trim().split('\n')).toHaveLength(1);
    expect(readdirSync(dir)).not.toContain('out');
    const missing = await run(['convert', bad]);
    expect(missing.err).toMatch(/missing --to/);
  });
});
