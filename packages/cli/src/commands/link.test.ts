import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readTubeDetectionsCsv, tubekitDataPath } from '@tubekit/datasets';
import { runCli } from '../../test/run-cli';

describe('tubekit link', () => {
  let dir: string;
  const gt = tubekitDataPath('fixtures/multisports/gt.pkl');
  const det = tubekitDataPath('fixtures/multisports/frame_dets.csv');
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'tubekit-link-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('links the MultiSports fixture to the known video-mAP (voc): 0.5 @0.2, 0.5 @0.5, 0.325 @0.5:0.95', async () => {
    const out = join(dir, 'tubes.csv');
    const meta = join(dir, 'meta.json');
    const run = await runCli(
      'link',
      '--method',
      'multisports',
      '--det',
      det,
      '--gt',
      gt,
      '--out',
      out,
      '--metadata',
      meta,
      '--json',
    );
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    const summary = JSON.parse(run.stdout);
    expect(summary.output.tubes).toBe(4);
    expect(summary.pipeline.linker.options.closeAfter).toBe('K');
    expect(JSON.parse(await readFile(meta, 'utf8'))).toEqual({ ...summary, command: undefined });
    const tubes = await readTubeDetectionsCsv(out);
    expect(tubes.map((t) => [t.label, t.start, t.boxes.length / 4])).toEqual([
      [9, 660, 42],
      [10, 288, 20],
      [10, 288, 22],
      [14, 618, 18],
    ]);
    // `tubekit eval video` reads the CSV directly (correct per-box scores: not mmaction2's 0.375).
    const evaluated = await runCli(
      'eval',
      'video',
      '--gt',
      gt,
      '--det',
      out,
      '--protocol',
      'voc',
      '--iou',
      '0.2',
      '0.5',
      '0.5:0.95',
      '--json',
    );
    expect(evaluated.stderr).toBe('');
    const { results } = JSON.parse(evaluated.stdout) as {
      results: { iou: number | string; mAP: number }[];
    };
    expect(results.map((r) => [r.iou, r.mAP])).toEqual([
      [0.2, expect.closeTo(0.5, 9)],
      [0.5, expect.closeTo(0.5, 9)],
      ['0.5:0.95', expect.closeTo(0.325, 9)],
    ]);
  });

  it('writes the CSV and --metadata together or not at all', async () => {
    const out = join(dir, 'both.csv');
    const metaDir = join(dir, 'meta-is-a-folder');
    await mkdir(metaDir);
    const run = await runCli(
      ['link', '--method', 'multisports', '--det', det, '--gt', gt, '--out', out],
      ['--metadata', metaDir],
    );
    expect(run.code).toBe(1);
    expect(run.stderr).toBe(`tubekit link: cannot write ${metaDir}: EISDIR: it is a directory\n`);
    expect(existsSync(out)).toBe(false);
    expect((await readdir(dir)).filter((f) => f.endsWith('.tmp'))).toEqual([]);
    const human = await runCli(
      'link',
      '--method',
      'multisports',
      '--det',
      det,
      '--gt',
      gt,
      '--out',
      out,
    );
    expect(human.stdout).toMatch(/^linked \d+ frame-detection rows of 1 videos into 4 tubes/);
  });

  it('names the file when a tube CSV to trim has no box_score', async () => {
    const tubes = join(dir, 'no-box-score.csv');
    await writeFile(
      tubes,
      'video,tube,label,score,frame,x1,y1,x2,y2\naerobic_gymnastics/v_crsi07chcV8_c004,0,10,0.9,288,1,1,5,5\n',
    );
    const run = await runCli(
      'link',
      '--trim',
      'saha',
      '--det',
      tubes,
      '--gt',
      gt,
      '--out',
      join(dir, 't.csv'),
    );
    expect(run.code).toBe(1);
    expect(run.stderr).toBe(
      `tubekit link: ${tubes}: no box_score for the tubes of video "aerobic_gymnastics/v_crsi07chcV8_c004"; --trim saha needs each box's score (a box_score column, as tubekit link writes it)\n`,
    );
  });

  it('runs every frame linker and trimmer on the fixture', async () => {
    for (const args of [
      ['viterbi'],
      ['yowo'],
      ['online'],
      ['multisports', '--trim', 'saha'],
      ['online', '--trim', 'actionness'],
      ['online', '--trim', 'singh'],
    ]) {
      const out = join(dir, `${args.join('-')}.csv`);
      const run = await runCli(
        'link',
        '--method',
        args[0]!,
        ...args.slice(1),
        '--det',
        det,
        '--gt',
        gt,
        '--out',
        out,
        '--json',
      );
      expect(run.stderr).toBe('');
      expect(JSON.parse(run.stdout).output.videos).toBe(1);
    }
  });

  it('trims an existing tube CSV with --trim alone', async () => {
    const linked = join(dir, 'to-trim.csv');
    await runCli('link', '--method', 'multisports', '--det', det, '--gt', gt, '--out', linked);
    const out = join(dir, 'trimmed.csv');
    const run = await runCli(
      'link',
      '--trim',
      'actionness',
      '--det',
      linked,
      '--gt',
      gt,
      '--out',
      out,
      '--json',
    );
    expect(run.stderr).toBe('');
    const summary = JSON.parse(run.stdout);
    expect(summary.pipeline).toEqual({
      name: 'trim:actionness',
      linker: null,
      trimmer: { method: 'actionness', options: { window: 5, threshold: 0.5, minLength: 1 } },
    });
    expect(summary.input).toMatchObject({ kind: 'tubes', rows: 4, videos: 1 });
    // Every per-frame score of the fixture's tubes is ≥ 0.5: nothing is cut.
    expect((await readTubeDetectionsCsv(out)).map((t) => t.boxes.length / 4)).toEqual([
      42, 20, 22, 18,
    ]);
  });

  it('rejects tubes with a frame gap or a repeated frame in a tube CSV', async () => {
    const gap = join(dir, 'gap.csv');
    await writeFile(
      gap,
      'video,tube,label,score,frame,x1,y1,x2,y2,box_score\n' +
        'aerobic_gymnastics/v_crsi07chcV8_c004,1,10,0.9,1,0,0,10,10,0.9\n' +
        'aerobic_gymnastics/v_crsi07chcV8_c004,1,10,0.9,3,0,0,10,10,0.9\n',
    );
    const run = await runCli(
      'link',
      '--trim',
      'saha',
      '--det',
      gap,
      '--gt',
      gt,
      '--out',
      join(dir, 'x.csv'),
    );
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/^tubekit link: .*gap\.csv.*non-consecutive frames/);
    const both = await runCli(
      'link',
      '--method',
      'act',
      '--trim',
      'saha',
      '--det',
      gap,
      '--gt',
      gt,
      '--out',
      join(dir, 'x.csv'),
    );
    expect(both.stderr).toMatch(/already holds tubes: drop --method/);
    const repeated = join(dir, 'repeated.csv');
    await writeFile(
      repeated,
      'video,tube,label,score,frame,x1,y1,x2,y2,box_score\n' +
        'aerobic_gymnastics/v_crsi07chcV8_c004,1,10,0.9,1,0,0,10,10,0.9\n' +
        'aerobic_gymnastics/v_crsi07chcV8_c004,1,10,0.9,1,0,0,10,10,0.9\n',
    );
    const dup = await runCli(
      'link',
      '--trim',
      'saha',
      '--det',
      repeated,
      '--gt',
      gt,
      '--out',
      join(dir, 'x.csv'),
    );
    expect(dup.code).toBe(1);
    expect(dup.stderr).toMatch(/^tubekit link: .*repeated\.csv/);
  });

  it('fails with one line naming the problem', async () => {
    const bad = await runCli(
      'link',
      '--method',
      'nope',
      '--det',
      det,
      '--gt',
      gt,
      '--out',
      join(dir, 'x.csv'),
    );
    expect(bad.code).toBe(1);
    expect(bad.stderr).toBe(
      'tubekit link: --method nope: expected one of act, moc, multisports, viterbi, yowo, online\n',
    );
    const singh = await runCli(
      'link',
      '--method',
      'viterbi',
      '--trim',
      'singh',
      '--det',
      det,
      '--gt',
      gt,
      '--out',
      join(dir, 'x.csv'),
    );
    expect(singh.stderr).toMatch(
      /^tubekit link: --trim singh needs tubes that carry each box's class-score vector, which only --method online keeps/,
    );
    const tubelets = join(dir, 'tubelets.csv');
    await writeFile(tubelets, 'video,start,label,score,x1_1,y1_1,x2_1,y2_1\n');
    expect(
      (
        await runCli(
          'link',
          '--method',
          'online',
          '--det',
          tubelets,
          '--gt',
          gt,
          '--out',
          join(dir, 'x.csv'),
        )
      ).stderr,
    ).toMatch(/holds K-frame tubelets; --method online links frame detections/);
  });

  const link = (input: string, out: string, ...more: string[]) =>
    runCli('link', '--method', 'viterbi', '--det', input, '--gt', gt, '--out', out, ...more);

  it('sorts each video by frame: rows out of frame order, or videos interleaved, link as sorted ones', async () => {
    const lines = (await readFile(det, 'utf8')).trim().split('\n');
    const sortedOut = join(dir, 'sorted-tubes.csv');
    const sorted = await link(det, sortedOut);
    expect(sorted.code).toBe(0);
    const unsorted = join(dir, 'unsorted.csv');
    // frames in reverse order, each frame's rows in their order (ties keep the file order)
    const byFrame = new Map<string, string[]>();
    for (const row of lines.slice(1)) {
      const frame = row.split(',')[1]!;
      byFrame.set(frame, [...(byFrame.get(frame) ?? []), row]);
    }
    const reversed = [...byFrame.values()].reverse().flat();
    expect(reversed[0]).not.toBe(lines[1]);
    await writeFile(unsorted, [lines[0], ...reversed].join('\n'));
    const unsortedOut = join(dir, 'unsorted-tubes.csv');
    const run = await link(unsorted, unsortedOut);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(await readFile(unsortedOut, 'utf8')).toBe(await readFile(sortedOut, 'utf8'));
    // a second video between rows of the first: read whole, grouped by video
    const other = lines[1]!.replace(/^[^,]+/, 'other/video');
    const interleaved = join(dir, 'interleaved.csv');
    await writeFile(interleaved, [lines[0], lines[1], other, ...lines.slice(2)].join('\n'));
    const mixed = await link(interleaved, join(dir, 'x.csv'));
    expect(mixed.code).toBe(1);
    expect(mixed.stderr).toBe(
      `tubekit link: ${interleaved}:3: video "other/video" is not in the ground truth ${gt}\n`,
    );
  });

  it('says detection rows, not frames, in its summary', async () => {
    const run = await link(det, join(dir, 'rows.csv'));
    const rows = (await readFile(det, 'utf8')).trim().split('\n').length - 1;
    expect(run.stdout).toMatch(new RegExp(`^linked ${rows} frame-detection rows of 1 videos into`));
  });

  it.each([
    [
      'label 4294967305',
      'label',
      '4294967305',
      /column label: expected a 0-based label id .*got "4294967305"/,
    ],
    [
      'frame 4294967584',
      'frame',
      '4294967584',
      /column frame: expected a 1-based frame number .*got "4294967584"/,
    ],
    [
      'frame 3000000000',
      'frame',
      '3000000000',
      /column frame: expected a 1-based frame number .*got "3000000000"/,
    ],
    [
      'hex frame 0x120',
      'frame',
      '0x120',
      /column frame: expected a finite number in plain decimal notation, got "0x120"/,
    ],
    [
      'coordinate 1e300',
      'x2',
      '1e300',
      /column x2: expected a coordinate with \|x\| ≤ 10000000 pixels, got "1e300"/,
    ],
  ])('refuses %s, naming file line 3', async (_, column, value, message) => {
    const lines = (await readFile(det, 'utf8')).trim().split('\n');
    const names = lines[0]!.split(',');
    const cells = lines[2]!.split(',');
    cells[names.indexOf(column)] = value;
    const bad = join(dir, `bad-${column}-${value}.csv`);
    await writeFile(bad, [lines[0], lines[1], cells.join(','), ...lines.slice(3)].join('\n'));
    const run = await link(bad, join(dir, 'x.csv'));
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(
      new RegExp(`^tubekit link: ${bad.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}:3: column `),
    );
    expect(run.stderr).toMatch(message);
  });

  it('names the file line of a label the ground truth lacks', async () => {
    const lines = (await readFile(det, 'utf8')).trim().split('\n');
    const names = lines[0]!.split(',');
    const cells = lines[3]!.split(',');
    cells[names.indexOf('label')] = '999';
    const bad = join(dir, 'label999.csv');
    await writeFile(bad, [...lines.slice(0, 3), cells.join(','), ...lines.slice(4)].join('\n'));
    const run = await link(bad, join(dir, 'x.csv'));
    expect(run.stderr).toMatch(/label999\.csv:4: column label: label 999, but /);
  });

  it('links a K = 1 tubelet CSV as the same frame detections (act), streamed per video', async () => {
    const lines = (await readFile(det, 'utf8')).trim().split('\n');
    const tubelets = join(dir, 'k1-tubelets.csv');
    await writeFile(
      tubelets,
      [
        'video,start,label,score,x1_1,y1_1,x2_1,y2_1',
        ...lines.slice(1).reverse(), // starts out of order: sorted per video by the reader
      ].join('\n'),
    );
    const fromFrames = join(dir, 'act-frames.csv');
    const fromTubelets = join(dir, 'act-tubelets.csv');
    const a = await runCli(
      'link',
      '--method',
      'act',
      '--det',
      det,
      '--gt',
      gt,
      '--out',
      fromFrames,
    );
    const b = await runCli(
      'link',
      '--method',
      'act',
      '--det',
      tubelets,
      '--gt',
      gt,
      '--out',
      fromTubelets,
    );
    expect(a.code).toBe(0);
    expect(b.stderr).toBe('');
    expect(b.stdout).toMatch(/^linked \d+ tubelet rows of 1 videos into [1-9]\d* tubes/);
    const tubesA = await readTubeDetectionsCsv(fromFrames);
    const tubesB = await readTubeDetectionsCsv(fromTubelets);
    expect(tubesB.length).toBe(tubesA.length);
  });
});
