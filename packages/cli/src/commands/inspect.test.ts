import { tubekitDataPath } from '@tubekit/datasets';
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

describe('tubekit inspect', () => {
  it('inspects a file as JSON and as text', async () => {
    const gt = tubekitDataPath('fixtures/multisports/gt.pkl');
    const r = await run(['inspect', gt, '--json']);
    expect(r.code).toBe(0);
    const s = JSON.parse(r.out);
    expect(s).toMatchObject({ videos: 1, labels: 66, frames: 725 });
    expect(s.perClass).toHaveLength(66);
    expect(s.tubeLength.count).toBe(s.tubes);
    const text = await run(['inspect', gt]);
    expect(text.out).toContain('tube length');
    expect(text.out).toContain('aerobic split jump');
  });

  it('fails with one line for a corrupt file', async () => {
    const r = await run(['inspect', tubekitDataPath('ucf101-24/testlist01.txt')]);
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/^tubekit inspect: .*testlist01\.txt: unrecognised annotation file/);
  });
});
