import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createSynthTubes } from '@tubekit/datasets';
import { runCli } from '../../test/run-cli';

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'tubekit-viz-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('tubekit viz', () => {
  it.each([
    ['gif', [0x47, 0x49, 0x46, 0x38]],
    ['webp', [0x52, 0x49, 0x46, 0x46]],
    ['png', [0x89, 0x50, 0x4e, 0x47]],
  ] as const)('renders a SynthTubes video as %s', async (ext, magic) => {
    const file = join(dir, `viz.${ext}`);
    const { stdout, code, stderr } = await runCli([
      'viz',
      '2',
      '--preset',
      'smoke',
      '--out',
      file,
      '--max-frames',
      '12',
      '--json',
    ]);
    expect(stderr).toBe('');
    expect(code).toBe(0);
    const summary = JSON.parse(stdout);
    expect(summary.video).toBe(createSynthTubes({ preset: 'smoke' }).dataset.videos[2]!.name);
    expect(summary.frames).toBeLessThanOrEqual(12);
    expect(Array.from(readFileSync(file).subarray(0, 4))).toEqual(magic);
  });

  it('reads real-data layouts: --gt with --frames written by synth', async () => {
    const out = join(dir, 'frames');
    await runCli(['synth', '--preset', 'smoke', '--limit', '1', '--modality', 'rgb', '--out', out]);
    const file = join(dir, 'gt.png');
    const video = createSynthTubes({ preset: 'smoke' }).dataset.videos[0]!.name;
    const { code, stderr } = await runCli([
      'viz',
      video,
      '--gt',
      join(out, 'synthtubes-smoke.tubes.json'),
      '--frames',
      join(out, 'rgb'),
      '--out',
      file,
    ]);
    expect(stderr).toBe('');
    expect(code).toBe(0);
    expect(existsSync(file)).toBe(true);
  });

  it('names the unknown video and the bad output', async () => {
    expect(
      (await runCli(['viz', 'nope/nope', '--preset', 'smoke', '--out', join(dir, 'x.gif')])).stderr,
    ).toMatch(/video "nope\/nope" is not in synthtubes-smoke/);
    expect(
      (await runCli(['viz', '0', '--preset', 'smoke', '--out', join(dir, 'x.bmp')])).stderr,
    ).toMatch(/--out must end in .gif, .webp or .png/);
  });
});
