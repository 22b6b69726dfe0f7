import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type ActionDataset, tubekitDataPath, writeDatasetJson } from '@tubekit/datasets';
import { protocolProfile } from '@tubekit/metrics';
import { runCli } from '../../test/run-cli';
import { streamFrameMeanAP } from './eval';

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

  const ava = (name: string, text: string) => {
    const path = join(dir, name);
    writeFileSync(path, text);
    return path;
  };
  const evalAva = (gt: string, det: string, protocol = 'ava-2018') =>
    runCli([
      'eval',
      'ava',
      '--gt',
      gt,
      '--det',
      det,
      '--labelmap',
      tubekitDataPath('fixtures/ava/action_list.txt'),
      '--protocol',
      protocol,
      '--json',
    ]);

  it('refuses an empty GT file instead of printing mAP null', async () => {
    const run = await evalAva(ava('empty-gt.csv', ''), tubekitDataPath('fixtures/ava/pred.csv'));
    expect(run.code).toBe(1);
    expect(run.stdout).toBe('');
    expect(run.stderr).toMatch(/^tubekit eval: \S*empty-gt\.csv: no ground-truth rows/);
  });

  it('names the GT file and line of a fractional timestamp under a whole-second protocol', async () => {
    const gt = ava('frac-gt.csv', 'v,902,0.1,0.1,0.5,0.5,1,0\nv,902.5,0.1,0.1,0.5,0.5,1,0\n');
    const det = ava('frac-det.csv', 'v,902,0.1,0.1,0.5,0.5,1,0.9\n');
    const run = await evalAva(gt, det);
    expect(run.stderr).toBe(
      `tubekit eval: ${gt}:2: column 2 (timestamp): expected whole seconds under this protocol, got "902.5"\n`,
    );
    expect((await evalAva(gt, det, 'ava-2020')).code).toBe(0);
    const fracDet = ava(
      'frac-det2.csv',
      'v,902,0.1,0.1,0.5,0.5,1,0.9\nv,902.5,0.1,0.1,0.5,0.5,1,0.8\n',
    );
    const gtWhole = ava('whole-gt.csv', 'v,902,0.1,0.1,0.5,0.5,1,0\n');
    expect((await evalAva(gtWhole, fracDet)).stderr).toMatch(
      new RegExp(
        `^tubekit eval: ${fracDet.replace(/[.\\/]/g, '\\$&')}:2: .*timestamp 902\\.5, expected whole seconds under ava-2018\n$`,
      ),
    );
  });

  it('counts the rows whose action ids the labelmap lacks (dropped as the official script does)', async () => {
    const gt = ava('ids-gt.csv', 'v,902,0.1,0.1,0.5,0.5,1,0\nv,902,0.1,0.1,0.5,0.5,9,1\n');
    const det = ava(
      'ids-det.csv',
      'v,902,0.1,0.1,0.5,0.5,1,0.9\nv,902,0.1,0.1,0.5,0.5,9,0.8\nv,902,0.1,0.1,0.5,0.5,12,0.7\n',
    );
    const run = await evalAva(gt, det);
    expect(run.code).toBe(0);
    expect(run.stderr).toContain(
      `note: ${gt}: 1 rows with action ids not in --labelmap ${tubekitDataPath('fixtures/ava/action_list.txt')} were dropped, as the official script does (ids 9)`,
    );
    expect(run.stderr).toContain(`note: ${det}: 2 rows with action ids not in --labelmap`);
    expect(run.stderr).toContain('(ids 9, 12)');
  });

  it('refuses action id 4294967305 (it would wrap to 9 in 32 bits), quoting it as given', async () => {
    const gt = ava('wrap-gt.csv', 'v,902,0.1,0.1,0.5,0.5,1,0\n');
    const det = ava('wrap-det.csv', 'v,902,0.1,0.1,0.5,0.5,4294967305,0.9\n');
    const run = await evalAva(gt, det);
    expect(run.code).toBe(1);
    expect(run.stderr).toBe(
      `tubekit eval: ${det}:1: column 7 (action_id): expected an AVA action id (integer 1 … 2147483647), got "4294967305"\n`,
    );
  });

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
  /** `eval frame` of the MultiSports fixture under `voc`, with more arguments. */
  const multisportsVoc = (...more: string[]) => [
    'eval',
    'frame',
    '--gt',
    gtPkl(),
    '--det',
    tubekitDataPath('fixtures/multisports/frame_dets.csv'),
    '--protocol',
    'voc',
    ...more,
  ];

  it('keeps a GT cache in $TUBEKIT_GT_CACHE and gives the same output from it', async () => {
    const cache = join(dir, 'gt-cache');
    const before = process.env.TUBEKIT_GT_CACHE;
    process.env.TUBEKIT_GT_CACHE = cache;
    try {
      const args = multisportsVoc('--json');
      const first = await runCli(args);
      expect(readdirSync(cache).filter((f) => f.endsWith('.gt'))).toHaveLength(1);
      const second = await runCli(args);
      expect(second.code).toBe(0);
      expect(second.stdout).toBe(first.stdout);
    } finally {
      if (before === undefined) delete process.env.TUBEKIT_GT_CACHE;
      else process.env.TUBEKIT_GT_CACHE = before;
    }
  });

  it('reproduces MultiSports frame-AP 0.836506 under voc, with a table and a PR plot', async () => {
    const json = await runCli(multisportsVoc('--json'));
    expect(json.code).toBe(0);
    expect(JSON.parse(json.stdout).results[0].mAP).toBeCloseTo(0.836506, 6);
    const plot = join(dir, 'pr.svg');
    const table = await runCli(multisportsVoc('--iou', '0.5', '0.5:0.95', '--plot', plot));
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

  it('names the file and file line of a detection on an unknown video; --lenient warns and counts', async () => {
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
    expect(strict.stderr).toContain(`${det}:3: video "nope/video"`);
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
    const ok = await runCli(multisportsVoc('--videos', list, '--json'));
    expect(JSON.parse(ok.stdout).results[0].mAP).toBeCloseTo(0.836506, 6);
    writeFileSync(list, 'missing/video\n');
    const bad = await runCli(multisportsVoc('--videos', list));
    expect(bad.stderr).toContain(`${list}:1: video "missing/video" is not in --gt`);
    writeFileSync(list, '# nothing here\n\n');
    const empty = await runCli(multisportsVoc('--videos', list));
    expect(empty.code).toBe(1);
    expect(empty.stdout).toBe('');
    expect(empty.stderr).toBe(
      `tubekit eval: ${list}: no video names (expected one GT video name per line; blank lines and # comments are skipped)\n`,
    );
  });

  it('names a MAT-file given as --det in one short line (no binary header)', async () => {
    const mat = tubekitDataPath('jhmdb-21/jhmdb_annot.mat');
    const expected = (cmd: string) => `tubekit ${cmd}: ${mat}: a MATLAB MAT-file, expected a`;
    const frame = await runCli([
      'eval',
      'frame',
      '--gt',
      gtPkl(),
      '--det',
      mat,
      '--protocol',
      'voc',
    ]);
    expect(frame.stderr.startsWith(`${expected('eval')} frame-detection CSV`)).toBe(true);
    const link = await runCli([
      'link',
      '--method',
      'viterbi',
      '--gt',
      gtPkl(),
      '--det',
      mat,
      '--out',
      join(dir, 'never.csv'),
    ]);
    expect(link.stderr.startsWith(expected('link'))).toBe(true);
    const video = await runCli([
      'eval',
      'video',
      '--gt',
      gtPkl(),
      '--det',
      mat,
      '--protocol',
      'voc',
    ]);
    expect(video.stderr).toBe(
      `tubekit eval: ${mat}: a MAT-file without detection tubes (variables annot): expected a tube CSV or UCF-Sports tubes (variable tubes)\n`,
    );
    for (const run of [frame, link, video]) {
      expect(run.code).toBe(1);
      expect(run.stderr).not.toContain('\\x00');
      expect(run.stderr).not.toContain(String.fromCharCode(0));
      expect(run.stderr.length).toBeLessThan(300);
    }
  });

  it('says once which frame is outside the video', async () => {
    const det = join(dir, 'far.csv');
    writeFileSync(
      det,
      'video,frame,label,score,x1,y1,x2,y2\naerobic_gymnastics/v_crsi07chcV8_c004,99999,10,0.9,1,1,5,5\n',
    );
    const run = await runCli(['eval', 'frame', '--gt', gtPkl(), '--det', det, '--protocol', 'voc']);
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/frame 99999: expected a frame number in 1…\d+\n$/);
    expect(run.stderr).not.toMatch(/frame 99999: frame 99999/);
  });
});

describe('tubekit eval video', () => {
  /** A one-video GT (labels a, b; one 3-frame tube of label 0 on c/v1 of 10 frames). */
  async function tinyGt(): Promise<string> {
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
    return gt;
  }

  it('evaluates a tube CSV at several IoUs and a range', async () => {
    const gt = await tinyGt();
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

  it('names the file line of a tube the evaluator refuses (frames beyond the video)', async () => {
    const gt = await tinyGt();
    const det = join(dir, 'long-tube.csv');
    writeFileSync(
      det,
      'video,tube,label,score,frame,x1,y1,x2,y2\nc/v1,1,0,0.9,1,0,0,10,10\nc/v1,2,0,0.8,10,0,0,10,10\nc/v1,2,0,0.8,11,0,0,10,10\n',
    );
    const run = await runCli(['eval', 'video', '--gt', gt, '--det', det, '--protocol', 'voc']);
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(
      new RegExp(
        `^tubekit eval: ${det.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}:3: tube 2 of video "c/v1": frames 10…11`,
      ),
    );
  });

  it('refuses a label_name that contradicts the ground truth, naming the file line', async () => {
    const gt = await tinyGt();
    const det = join(dir, 'named-tubes.csv');
    writeFileSync(
      det,
      'video,tube,label,score,frame,x1,y1,x2,y2,label_name\nc/v1,1,0,0.9,1,0,0,10,10,a\nc/v1,2,1,0.9,1,0,0,10,10,a\n',
    );
    const run = await runCli(['eval', 'video', '--gt', gt, '--det', det, '--protocol', 'voc']);
    expect(run.code).toBe(1);
    expect(run.stderr).toBe(
      `tubekit eval: ${det}:3: column label_name: label_name "a" contradicts the ground truth, where label 1 is "b"\n`,
    );
  });

  it('streams a frame CSV video by video with the same result as reading it whole, also when videos are interleaved', async () => {
    const gt = tubekitDataPath('fixtures/multisports/gt.pkl');
    const det = tubekitDataPath('fixtures/multisports/frame_dets.csv');
    const lines = readFileSync(det, 'utf8').trim().split('\n');
    const other = lines[1]!.replace(/^[^,]+/, 'not/in-gt');
    const interleaved = join(dir, 'interleaved-frames.csv');
    writeFileSync(interleaved, [lines[0], lines[1], other, ...lines.slice(2)].join('\n'));
    const args = (file: string) => [
      'eval',
      'frame',
      '--gt',
      gt,
      '--det',
      file,
      '--protocol',
      'voc',
      '--json',
      '--lenient',
    ];
    const plain = await runCli(args(det));
    const mixed = await runCli(args(interleaved));
    expect(mixed.code).toBe(0);
    expect(mixed.stdout).toBe(plain.stdout);
    expect(mixed.stderr).toMatch(/unknown-video ×1/);
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

describe('streamFrameMeanAP in shards (--threads)', () => {
  it('refuses a --threads that is not a whole number ≥ 1', async () => {
    const run = await runCli([
      'eval',
      'frame',
      '--gt',
      tubekitDataPath('fixtures/multisports/gt.pkl'),
      '--det',
      tubekitDataPath('fixtures/multisports/frame_dets.csv'),
      '--protocol',
      'voc',
      '--threads',
      '0',
    ]);
    expect(run.code).toBe(1);
    expect(run.stderr).toBe('tubekit eval: --threads 0: expected a whole number ≥ 1\n');
  });

  // 8 videos of 3 labels, detections with many tied scores (also across shards)
  const labels = ['a', 'b', 'c'];
  const names = Array.from({ length: 8 }, (_, v) => `set/video${v}`);
  const gt: ActionDataset = {
    dataset: 'shards',
    labels,
    videos: names.map((name) => ({
      name,
      nframes: 30,
      width: 100,
      height: 100,
      tubes: [0, 1, 2].map((label) => ({
        label,
        start: 1 + label,
        boxes: Float64Array.from({ length: 4 * 20 }, (_, k) =>
          k % 4 < 2 ? 10 * label + (k % 4) : 10 * label + 20 + (k % 4),
        ),
      })),
    })),
    splits: {},
  };
  const lines = ['video,frame,label,score,x1,y1,x2,y2'];
  let state = 5;
  const random = () => {
    state = (state * 1103515245 + 12345) % 2147483648;
    return state / 2147483648;
  };
  for (const name of names)
    for (let i = 0; i < 300; i++) {
      const label = Math.floor(random() * 3);
      const x = 10 * label + Math.floor(random() * 6);
      const y = Math.floor(random() * 6);
      lines.push(
        `${name},${1 + Math.floor(random() * 25)},${label},${Math.floor(random() * 10) / 10},${x},${y},${x + 22},${y + 23}`,
      );
    }
  const options = { protocol: protocolProfile('voc'), iou: [0.5, '0.5:0.95'], lenient: true };

  it('gives the result of one thread bit for bit, ties across shards included', async () => {
    const det = join(dir, 'shards.csv');
    writeFileSync(det, `${lines.join('\n')}\n`);
    const one = await streamFrameMeanAP(det, gt, options, 1);
    expect(one.result.results[0]!.mAP).toBeGreaterThan(0);
    for (const threads of [2, 3]) {
      const many = await streamFrameMeanAP(det, gt, options, threads, 0);
      expect(many.shards).toBe(threads);
      expect(many.rows).toBe(one.rows);
      expect(many.result).toEqual(one.result);
    }
    // act ranks tied scores by file order too (its AP differs when the order does)
    const act = { ...options, protocol: protocolProfile('act') };
    expect((await streamFrameMeanAP(det, gt, act, 2, 0)).result).toEqual(
      (await streamFrameMeanAP(det, gt, act, 1)).result,
    );
  });

  it('falls back to one thread for interleaved videos, bad rows and quotes', async () => {
    // a video back after another one (in another shard): read whole, as on one thread
    const interleaved = join(dir, 'shards-interleaved.csv');
    writeFileSync(interleaved, `${[...lines, lines[1]!].join('\n')}\n`);
    const again = await streamFrameMeanAP(interleaved, gt, options, 2, 0);
    expect(again.shards).toBe(1);
    expect(again.result).toEqual((await streamFrameMeanAP(interleaved, gt, options, 1)).result);
    // a bad number in the last shard: the one-thread error, with its file line
    const bad = join(dir, 'shards-bad.csv');
    writeFileSync(
      bad,
      `${[...lines.slice(0, -1), lines.at(-1)!.replace(/,[^,]+$/, ',0x10')].join('\n')}\n`,
    );
    await expect(streamFrameMeanAP(bad, gt, options, 2, 0)).rejects.toThrow(
      new RegExp(`shards-bad\\.csv \\(line ${lines.length}, column y2\\): .* got "0x10"`),
    );
    // quoted video names: read by fast-csv, whole
    const quoted = join(dir, 'shards-quoted.csv');
    writeFileSync(
      quoted,
      `${lines.map((l, i) => (i === 0 ? l : l.replace(/^([^,]+)/, '"$1"'))).join('\n')}\n`,
    );
    const quotedTwo = await streamFrameMeanAP(quoted, gt, options, 2, 0);
    expect(quotedTwo.shards).toBe(1);
    expect(quotedTwo.result).toEqual((await streamFrameMeanAP(quoted, gt, options, 1)).result);
  });
});
