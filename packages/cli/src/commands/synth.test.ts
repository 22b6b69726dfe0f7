import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createSynthTubes, readDatasetJson, synthPresetConfig } from '@tubekit/datasets';
import { runCli } from '../../test/run-cli';

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'tubekit-synth-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('tubekit synth', () => {
  it('writes frames, flow, the canonical GT and the config', async () => {
    const out = join(dir, 'smoke');
    const { stdout, code, stderr } = await runCli([
      'synth',
      '--preset',
      'smoke',
      '--seed',
      '4',
      '--limit',
      '1',
      '--out',
      out,
      '--json',
    ]);
    expect(stderr).toBe('');
    expect(code).toBe(0);
    const summary = JSON.parse(stdout);
    expect(summary).toMatchObject({
      dataset: 'synthtubes-smoke',
      seed: 4,
      videos: 2,
      splits: { train: 16, test: 8 },
    });
    const expected = createSynthTubes({ preset: 'smoke', seed: 4 });
    const gt = await readDatasetJson(summary.gt);
    expect(gt.labels).toEqual(expected.dataset.labels);
    expect(gt.videos.map((v) => v.name)).toEqual(expected.dataset.videos.map((v) => v.name));
    expect(Array.from(gt.videos[0]!.tubes[0]!.boxes)).toEqual(
      Array.from(expected.dataset.videos[0]!.tubes[0]!.boxes),
    );
    const first = expected.dataset.splits.train![0]!;
    const nframes = expected.dataset.videos[0]!.nframes;
    expect(readdirSync(join(out, 'rgb', first))).toHaveLength(nframes);
    expect(readdirSync(join(out, 'flow', first))[0]).toBe('00001.png');
    expect(readdirSync(join(out, 'rgb', first))[0]).toBe('00001.jpg');
    expect(existsSync(join(out, 'rgb', expected.dataset.splits.train![1]!))).toBe(false);
    // The written config regenerates the same dataset.
    const again = join(dir, 'again');
    const second = await runCli([
      'synth',
      '--config',
      summary.config,
      '--limit',
      '0',
      '--out',
      again,
      '--json',
    ]);
    expect(second.code).toBe(0);
    expect(readFileSync(JSON.parse(second.stdout).gt, 'utf8')).toBe(
      readFileSync(summary.gt, 'utf8'),
    );
  });

  it('rejects bad options with one line', async () => {
    expect((await runCli(['synth', '--preset', 'huge', '--out', dir])).stderr).toBe(
      'tubekit synth: --preset must be one of smoke, quick, full, got "huge"\n',
    );
    expect((await runCli(['synth', '--preset', 'smoke'])).stderr).toMatch(
      /--out <dir> is required/,
    );
    const bad = await runCli(['synth', '--preset', 'smoke', '--modality', 'depth', '--out', dir]);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/--modality must list rgb and\/or flow, got "depth"/);
  });

  it('names the key of a bad --config and what was expected', async () => {
    const config = join(dir, 'bad.config.json');
    const run = async (json: string) => {
      writeFileSync(config, json);
      return runCli(['synth', '--config', config, '--out', join(dir, 'never')]);
    };
    expect((await run('{"preset":5}')).stderr).toBe(
      `tubekit synth: ${config}: SynthTubes config: preset must be one of "smoke", "quick", "full", "smoke-v2", "quick-v2", "full-v2", got 5\n`,
    );
    expect((await run('{"name":"x"}')).stderr).toBe(
      `tubekit synth: ${config}: SynthTubes config: classes must be an array, got undefined\n`,
    );
    const full = synthPresetConfig('smoke');
    expect((await run(JSON.stringify({ ...full, videos: 3 }))).stderr).toBe(
      `tubekit synth: ${config}: SynthTubes config: videos must be an object with train, test, got 3\n`,
    );
    expect((await run(JSON.stringify({ ...full, classes: [{ name: 'walk' }] }))).stderr).toMatch(
      /SynthTubes config: classes\[0\]\.cycle must be a string, got undefined\n$/,
    );
    expect((await run('{"preset":"smoke","sede":1}')).stderr).toMatch(
      /sede must be absent with "preset" \(give "preset", "seed" and "variant", or a full config\)/,
    );
    expect(existsSync(join(dir, 'never'))).toBe(false);
  });
});
