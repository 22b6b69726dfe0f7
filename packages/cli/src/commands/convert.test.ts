import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  type ActionDataset,
  readDatasetJson,
  readTubeDetectionsCsv,
  readUcfSportsTubesMat,
  tubekitDataPath,
  UCF_SPORTS_LABELS,
  writeDatasetJson,
} from '@tubekit/datasets';
import type { DetectedTube } from '@tubekit/geometry';
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
    expect(r.stderr).toMatch(/^tubekit convert: .*bad\.pkl: byte \d+: pickle: truncated/);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(readdirSync(dir)).not.toContain('out');
    const missing = await runCli(['convert', bad]);
    expect(missing.stderr).toMatch(/missing --to/);
  });

  it('converts the UCF-Sports detection tubes to a tube CSV that eval video reads', async () => {
    // 3 of the 47 videos of the shared ucfsports_tubes_test.mat, in its layout
    // (test/fixtures/make-ucfsports-3-videos.py); datasets' tests read the whole file.
    const mat = join(__dirname, '..', '..', 'test', 'fixtures', 'ucfsports-3-videos.mat');
    const to = join(dir, 'ucfsports-tubes.csv');
    const r = await runCli(['convert', mat, '--to', to, '--json']);
    expect(r.stderr).toBe('');
    expect(JSON.parse(r.stdout)).toEqual({
      input: mat,
      output: to,
      kind: 'detection-tubes',
      labels: 10,
      videos: 3,
      tubes: 300,
    });
    const csv = await readTubeDetectionsCsv(to);
    const direct = await readUcfSportsTubesMat(mat);
    expect(csv).toHaveLength(direct.length);
    expect(Array.from(csv[5]!.boxes)).toEqual(Array.from(direct[5]!.boxes));
    expect(Array.from(csv[5]!.scores!)).toEqual(Array.from(direct[5]!.scores!));
    const json = await runCli(['convert', mat, '--to', join(dir, 'x.tubes.json')]);
    expect(json.stderr).toMatch(/holds detection tubes; expected a \.csv path/);

    // eval video --det takes the .mat directly, and the CSV gives the same numbers
    const gt = join(dir, 'ucfsports.tubes.json');
    await writeDatasetJson(gt, ucfSportsGt(direct));
    const viaMat = await runCli([
      'eval',
      'video',
      '--gt',
      gt,
      '--det',
      mat,
      '--protocol',
      'voc',
      '--json',
    ]);
    expect(viaMat.stderr).toBe('');
    expect(viaMat.code).toBe(0);
    const viaCsv = await runCli([
      'eval',
      'video',
      '--gt',
      gt,
      '--det',
      to,
      '--protocol',
      'voc',
      '--json',
    ]);
    expect(JSON.parse(viaMat.stdout)).toEqual(JSON.parse(viaCsv.stdout));
    expect(JSON.parse(viaMat.stdout).results[0].mAP).toBeGreaterThan(0.5);
  });
});

/** A stand-in GT for UCF-Sports test videos: each video's best path of its own class. */
function ucfSportsGt(tubes: DetectedTube[]): ActionDataset {
  const best = new Map<string, DetectedTube>();
  for (const t of tubes) {
    const own = UCF_SPORTS_LABELS.indexOf(t.video.split('/')[0]!);
    const b = best.get(t.video);
    if (t.label === own && (b === undefined || t.score > b.score)) best.set(t.video, t);
  }
  const videos = [...best.values()].map((t) => ({
    name: t.video,
    nframes: t.boxes.length / 4,
    width: 720,
    height: 480,
    tubes: [{ label: t.label, start: 1, boxes: Float64Array.from(t.boxes) }],
  }));
  return { dataset: 'ucfsports-standin', labels: [...UCF_SPORTS_LABELS], videos, splits: {} };
}
