import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readAvaCsv, readAvaExclusions } from './ava-csv';
import { tubekitDataPath } from './data-dir';
import { TubekitFormatError } from './format-error';

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'tubekit-ava-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const file = (name: string, text: string) => {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
};

describe('readAvaCsv', () => {
  it('reads the mmaction2 AVA fixture', async () => {
    const gt = await readAvaCsv(tubekitDataPath('fixtures/ava/gt.csv'), { kind: 'ground-truth' });
    expect(gt.length).toBe(12);
    expect(gt.videos).toEqual(['3reY9zJKhqN', 'HmR8SmNIoxu', '5HNXoce1raG']);
    expect(Array.from(gt.boxes.subarray(0, 4))).toEqual([0.278, 0.203, 0.964, 0.677]);
    expect(gt.action[0]).toBe(3);
    expect(gt.personId[1]).toBe(1);
    expect(gt.line[11]).toBe(12);
    const det = await readAvaCsv(tubekitDataPath('fixtures/ava/pred.csv'), { kind: 'detections' });
    expect(det.length).toBe(30);
    expect(det.score[0]).toBe(0.655);
  });

  it('reads 0902 as 902, 2-column GT rows as listed keyframes, 7-column detections with score 1', async () => {
    const gt = await readAvaCsv(file('gt.csv', 'v,0902,0.1,0.1,0.5,0.5,12,0\nv,0903\n'), {
      kind: 'ground-truth',
    });
    expect(Array.from(gt.timestamp)).toEqual([902, 903]);
    expect(gt.action[1]).toBe(-1);
    const det = await readAvaCsv(file('d7.csv', 'v,902,0.1,0.1,0.5,0.5,12\n'), {
      kind: 'detections',
    });
    expect(det.score[0]).toBe(1);
  });

  it.each([
    ['v,902,0.1,0.1\n', /line 1\): expected 7 or 8 columns/],
    [
      'v,902,0.1,0.1,0.5,0.5,12,0.9\nv,abc,0.1,0.1,0.5,0.5,12,0.9\n',
      /line 2\): column 2 \(timestamp\)/,
    ],
    ['v,902,0.1,0.1,0.5,0.5,1.5,0.9\n', /column 7 \(action_id\): expected an AVA action id/],
    [
      'v,902,0.1,0.1,50,0.5,12,0.9\n',
      /column 5 \(x2\): expected a normalised coordinate in \[0, 1\], got "50"/,
    ],
    ['v,902,-3,0.1,0.5,0.5,12,0.9\n', /column 3 \(x1\): expected a normalised coordinate/],
    [
      'v,902,0.1,0.1,0.5,0.5,0,0.9\n',
      /column 7 \(action_id\): expected an AVA action id \(integer 1 … 2147483647\), got "0"/,
    ],
    ['v,902,0.1,0.1,0.5,0.5,-1,0.9\n', /column 7 \(action_id\).*got "-1"/],
    ['v,902,0.1,0.1,0.5,0.5,4294967305,0.9\n', /column 7 \(action_id\).*got "4294967305"/],
    [
      'v,0x120,0.1,0.1,0.5,0.5,12,0.9\n',
      /column 2 \(timestamp\): expected seconds ≥ 0 in decimal, got "0x120"/,
    ],
    ['v,902,0x0,0.1,0.5,0.5,12,0.9\n', /column 3 \(x1\).*got "0x0"/],
    ['v,902,0.1,0.1,0.5,0.5,0xC,0.9\n', /column 7 \(action_id\).*got "0xC"/],
    ['v,902,0.1,0.1,0.5,0.5,12,NaN\n', /column 8 \(score\): expected a finite number ≥ 0/],
    ['v,902,0.1,0.1,0.5,0.5,12,-1\n', /column 8 \(score\)/],
    ['v,902,0.5,0.1,0.1,0.5,12,0.9\n', /line 1\): box \[0.5, 0.1, 0.1, 0.5\]: expected x2 ≥ x1/],
  ])('rejects %j with the file and line', async (text, message) => {
    const path = file('bad.csv', text);
    const read = readAvaCsv(path, { kind: 'detections' });
    await expect(read).rejects.toThrow(TubekitFormatError);
    await expect(readAvaCsv(path, { kind: 'detections' })).rejects.toThrow(message);
    await expect(readAvaCsv(path, { kind: 'detections' })).rejects.toThrow(path);
  });

  it('quotes at most 80 characters of a huge cell', async () => {
    const path = file('huge.csv', `v,902,0.1,0.1,0.5,0.5,${'9'.repeat(100_000)}x,0.9\n`);
    const error = await readAvaCsv(path, { kind: 'detections' }).catch((e: Error) => e);
    expect(error).toBeInstanceOf(TubekitFormatError);
    expect((error as Error).message.length).toBeLessThan(300);
    expect((error as Error).message).toContain('(100001 characters)');
  });

  it('refuses a fractional timestamp with timestamps: whole, naming the file and line', async () => {
    const path = file('frac.csv', 'v,902,0.1,0.1,0.5,0.5,12,0\nv,902.5,0.1,0.1,0.5,0.5,12,0\n');
    await expect(readAvaCsv(path, { kind: 'ground-truth', timestamps: 'whole' })).rejects.toThrow(
      `${path} (line 2): column 2 (timestamp): expected whole seconds under this protocol, got "902.5"`,
    );
    expect((await readAvaCsv(path, { kind: 'ground-truth' })).timestamp[1]).toBe(902.5);
  });

  it('refuses a ground-truth file without rows; an empty detection file is fine', async () => {
    await expect(readAvaCsv(file('empty.csv', ''), { kind: 'ground-truth' })).rejects.toThrow(
      /empty\.csv: no ground-truth rows/,
    );
    await expect(
      readAvaCsv(file('empty-lenient.csv', 'v,1\n'.replace('1', 'x')), {
        kind: 'ground-truth',
        lenient: true,
      }),
    ).rejects.toThrow(/no ground-truth rows left after skipping malformed ones/);
    expect((await readAvaCsv(file('empty-det.csv', ''), { kind: 'detections' })).length).toBe(0);
  });

  it('lenient: skips and counts malformed rows and bad scores, keeps inverted boxes', async () => {
    const path = file(
      'mixed.csv',
      'v,902,0.1,0.1,0.5,0.5,12,0.9\nv,902,0.1\nv,902,0.1,0.1,0.5,0.5,12,NaN\nv,902,0.5,0.1,0.1,0.5,12,0.9\n',
    );
    const r = await readAvaCsv(path, { kind: 'detections', lenient: true });
    expect(r.length).toBe(2);
    expect(r.warnings).toEqual({ malformed: 1, badScore: 1, invertedBox: 1 });
  });
});

describe('readAvaExclusions', () => {
  it('reads video_id,timestamp rows and rejects others', async () => {
    const r = await readAvaExclusions(file('ex.csv', 'v,0902\nw,905\n'));
    expect(r.videos).toEqual(['v', 'w']);
    expect(Array.from(r.timestamp)).toEqual([902, 905]);
    await expect(readAvaExclusions(file('ex2.csv', 'v,902\nv\n'))).rejects.toThrow(
      /line 2\): expected `video_id,timestamp`/,
    );
    await expect(readAvaExclusions(file('ex3.csv', 'v,0x120\n'))).rejects.toThrow(
      /line 1\): expected `video_id,timestamp`.*got "v,0x120"/,
    );
  });
});
