import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { tubekitDataPath, writeDatasetJson } from '@tubekit/datasets';
import { runCli } from '../../test/run-cli';

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'tubekit-eval-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('tubekit eval ava', () => {
  it.each(['ava-2018', 'ava-2020', 'mmaction2'])(
    'prints the --json shape on the AVA fixture under %s',
    async (protocol) => {
      const { stdout, code } = await runCli([
        'eval',
        'ava',
        '--gt',
        tubekitDataPath('fixtures/ava/gt.csv'),
        '--det',
        tubekitDataPath('fixtures/ava/pred.csv'),
        '--labelmap',
        tubekitDataPath('fixtures/ava/action_list.txt'),
        '--protocol',
        protocol,
        '--json',
      ]);
      expect(code).toBe(0);
      const json = JSON.parse(stdout);
      expect(Object.keys(json)).toEqual(['protocol', 'results']);
      expect(json.protocol).toBe(protocol);
      expect(json.results).toHaveLength(1);
      expect(Object.keys(json.results[0])).toEqual(['iou', 'mAP', 'classes']);
      expect(json.results[0].iou).toBe(0.5);
      expect(json.results[0].mAP).toBeCloseTo(0.09385522, 8);
      expect(json.results[0].classes[0]).toEqual({
        label: 'action1',
        ap: expect.any(Number),
        gt: 4,
        det: 12,
      });
    },
  );

  it('refuses a non-AVA protocol and an unknown one', async () => {
    const base = ['eval', 'ava', '--gt', 'g.csv', '--det', 'd.csv', '--labelmap', 'l.pbtxt'];
    const voc = await runCli([...base, '--protocol', 'voc']);
    expect(voc.code).toBe(1);
    expect(voc.stderr).toMatch(/^tubekit eval: --protocol voc is not an AVA protocol/);
    const bad = await runCli([...base, '--protocol', 'coco']);
    expect(bad.stderr).toMatch(/--protocol coco: expected one of act, voc/);
  });
});

describe('tubekit eval frame', () => {
  const gtPkl = () => tubekitDataPath('fixtures/multisports/gt.pkl');

  it('reproduces MultiSports frame-AP 0.836506 under voc, with a table and a PR plot', async () => {
    const json = await runCli([
      'eval',
      'frame',
      '--gt',
      gtPkl(),
      '--det',
      tubekitDataPath('fixtures/multisports/frame_dets.csv'),
      '--protocol',
      'voc',
      '--json',
    ]);
    expect(json.code).toBe(0);
    expect(JSON.parse(json.stdout).results[0].mAP).toBeCloseTo(0.836506, 6);
    const plot = join(dir, 'pr.svg');
    const table = await runCli([
      'eval',
      'frame',
      '--gt',
      gtPkl(),
      '--det',
      tubekitDataPath('fixtures/multisports/frame_dets.csv'),
      '--protocol',
      'voc',
      '--iou',
      '0.5',
      '0.5:0.95',
      '--plot',
      plot,
    ]);
    expect(table.stdout).toMatch(/protocol voc/);
    expect(table.stdout).toMatch(/^mAP\s+83\.65\s+/m);
    const svg = readFileSync(plot, 'utf8');
    expect(svg.startsWith('<svg')).toBe(true);
    expect(svg.match(/<path d="M[^"]*" fill="none"/g)).toHaveLength(4); // one curve per class
    expect(svg).toContain('>recall<');
  });

  it('says on the mAP line how many classes the mean averages and why (act: all labels)', async () => {
    const det = tubekitDataPath('fixtures/multisports/frame_dets.csv');
    const act = await runCli(['eval', 'frame', '--gt', gtPkl(), '--det', det, '--protocol', 'act']);
    expect(act.code).toBe(0);
    // 66 labels; the fixture's one video has GT and detections for 4 of them (the table shows
    // those 4 at 67–99 AP; the other 62 count 0, as in ACT's frameAP)
    expect(act.stdout).toMatch(
      /^mAP\s+5\.05 {2}\(mean over 66 classes; 62 have neither GT nor detections, counted as 0 under act\)$/m,
    );
    const voc = await runCli(['eval', 'frame', '--gt', gtPkl(), '--det', det, '--protocol', 'voc']);
    expect(voc.stdout).toMatch(/^mAP\s+83\.65 {2}\(mean over \d+ classes with GT\)$/m);
  });

  it('names the file and row of a detection on an unknown video; --lenient warns and counts', async () => {
    const det = join(dir, 'bad.csv');
    writeFileSync(
      det,
      'video,frame,label,score,x1,y1,x2,y2\naerobic_gymnastics/v_crsi07chcV8_c004,288,10,0.9,1,1,5,5\nnope/video,1,10,0.5,1,1,5,5\n',
    );
    const strict = await runCli([
      'eval',
      'frame',
      '--gt',
      gtPkl(),
      '--det',
      det,
      '--protocol',
      'voc',
    ]);
    expect(strict.code).toBe(1);
    expect(strict.stderr).toContain(`${det} (data row 2): video "nope/video"`);
    const lenient = await runCli([
      'eval',
      'frame',
      '--gt',
      gtPkl(),
      '--det',
      det,
      '--protocol',
      'voc',
      '--lenient',
      '--json',
    ]);
    expect(lenient.code).toBe(0);
    expect(lenient.stderr).toMatch(
      /warning: skipped bad detections \(--lenient\): unknown-video ×1/,
    );
  });

  it('evaluates the videos of a --videos list and rejects names the GT lacks', async () => {
    const list = join(dir, 'videos.txt');
    writeFileSync(list, '# test videos\naerobic_gymnastics/v_crsi07chcV8_c004\n');
    const ok = await runCli([
      'eval',
      'frame',
      '--gt',
      gtPkl(),
      '--det',
      tubekitDataPath('fixtures/multisports/frame_dets.csv'),
      '--protocol',
      'voc',
      '--videos',
      list,
      '--json',
    ]);
    expect(JSON.parse(ok.stdout).results[0].mAP).toBeCloseTo(0.836506, 6);
    writeFileSync(list, 'missing/video\n');
    const bad = await runCli([
      'eval',
      'frame',
      '--gt',
      gtPkl(),
      '--det',
      tubekitDataPath('fixtures/multisports/frame_dets.csv'),
      '--protocol',
      'voc',
      '--videos',
      list,
    ]);
    expect(bad.stderr).toContain('(line 1): video "missing/video" is not in --gt');
  });
});

describe('tubekit eval video', () => {
  it('evaluates a tube CSV at several IoUs and a range', async () => {
    const gt = join(dir, 'gt.tubes.json');
    const box = [0, 0, 10, 10];
    await writeDatasetJson(gt, {
      dataset: 'tiny',
      labels: ['a', 'b'],
      videos: [
        {
          name: 'c/v1',
          nframes: 10,
          width: 20,
          height: 20,
          tubes: [{ label: 0, start: 1, boxes: Float64Array.from([...box, ...box, ...box]) }],
        },
      ],
      splits: { test: ['c/v1'] },
    });
    const det = join(dir, 'tubes.csv');
    writeFileSync(
      det,
      'video,tube,label,score,frame,x1,y1,x2,y2\nc/v1,1,0,0.9,1,0,0,10,10\nc/v1,1,0,0.9,2,0,0,10,10\nc/v1,1,0,0.9,3,0,0,10,6\n',
    );
    const { stdout, code, stderr } = await runCli([
      'eval',
      'video',
      '--gt',
      gt,
      '--det',
      det,
      '--protocol',
      'voc',
      '--iou',
      '0.5',
      '0.9',
      '0.5:0.95',
      '--json',
    ]);
    expect(stderr).toBe('');
    expect(code).toBe(0);
    const json = JSON.parse(stdout);
    // per-frame IoUs 1, 1, 0.6 → mean 13/15 ≈ 0.867: matches at 0.50…0.85 (8 of 10)
    expect(json.results.map((r: { mAP: number }) => r.mAP)).toEqual([1, 0, 0.8]);
    expect(json.results[0].classes[1]).toEqual({ label: 'b', ap: null, gt: 0, det: 0 });
  });
});

describe('tubekit link → eval video (MultiSports fixture)', () => {
  it('gives 50.0 at 0.2 and 0.5, 40.2778 over 0.1:0.1:0.9 and 32.5 over 0.5:0.95 under voc', async () => {
    const tubes = join(dir, 'ms-tubes.csv');
    const gtPkl = tubekitDataPath('fixtures/multisports/gt.pkl');
    const linked = await runCli([
      'link',
      '--method',
      'multisports',
      '--det',
      tubekitDataPath('fixtures/multisports/frame_dets.csv'),
      '--gt',
      gtPkl,
      '--out',
      tubes,
    ]);
    expect(linked.code).toBe(0);
    const { stdout, code } = await runCli([
      'eval',
      'video',
      '--gt',
      gtPkl,
      '--det',
      tubes,
      '--protocol',
      'voc',
      '--iou',
      '0.2',
      '0.5',
      '0.1:0.1:0.9',
      '0.5:0.95',
      '--json',
    ]);
    expect(code).toBe(0);
    const mAPs = JSON.parse(stdout).results.map((r: { mAP: number }) => r.mAP);
    expect(mAPs[0]).toBeCloseTo(0.5, 9);
    expect(mAPs[1]).toBeCloseTo(0.5, 9);
    expect(mAPs[2]).toBeCloseTo(0.402778, 6);
    expect(mAPs[3]).toBeCloseTo(0.325, 9);
  });
});
