import { tubekitDataPath } from '@tubekit/datasets';
import { runCli } from '../../test/run-cli';

describe('tubekit inspect', () => {
  it('inspects a file as JSON and as text', async () => {
    const gt = tubekitDataPath('fixtures/multisports/gt.pkl');
    const r = await runCli(['inspect', gt, '--json']);
    expect(r.code).toBe(0);
    const s = JSON.parse(r.stdout);
    expect(s).toMatchObject({ videos: 1, labels: 66, frames: 725 });
    expect(s.perClass).toHaveLength(66);
    expect(s.tubeLength.count).toBe(s.tubes);
    const text = await runCli(['inspect', gt]);
    expect(text.stdout).toContain('tube length');
    expect(text.stdout).toContain('aerobic split jump');
  });

  it('fails with one line for a corrupt file', async () => {
    const r = await runCli(['inspect', tubekitDataPath('ucf101-24/testlist01.txt')]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^tubekit inspect: .*testlist01\.txt: unrecognised annotation file/);
  });
});
