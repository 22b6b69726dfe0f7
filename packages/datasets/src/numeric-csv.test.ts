import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TubekitFormatError } from './format-error';
import {
  type FrameDetectionRows,
  readFrameDetectionGroups,
  readFrameDetectionsByVideo,
  readFrameDetectionsCsv,
} from './frame-detections-csv';
import { readTubeDetectionsCsv } from './tube-detections-csv';
import { readTubeletDetectionsByVideo, readTubeletDetectionsCsv } from './tubelet-detections-csv';

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'tubekit-numeric-csv-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

let files = 0;
function file(text: string): string {
  const path = join(dir, `f${files++}.csv`);
  writeFileSync(path, text);
  return path;
}

async function errorOf(promise: Promise<unknown>): Promise<Error> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(TubekitFormatError);
  return error as Error;
}

const HEADER = 'video,frame,label,score,x1,y1,x2,y2';

describe('strict numbers in detection CSVs', () => {
  it.each([
    [
      'label',
      '4294967305',
      /\(line 3, column label\): expected a 0-based label id .* got "4294967305"/,
    ],
    [
      'frame',
      '4294967584',
      /\(line 3, column frame\): expected a 1-based frame number .* got "4294967584"/,
    ],
    ['frame', '3000000000', /\(line 3, column frame\): .* got "3000000000"$/],
    [
      'frame',
      '0x120',
      /\(line 3, column frame\): expected a finite number in plain decimal notation, got "0x120"/,
    ],
    ['score', '0x1', /\(line 3, column score\): .* got "0x1"/],
    ['score', 'Infinity', /\(line 3, column score\): .* got "Infinity"/],
    [
      'x1',
      '1e300',
      /\(line 3, column x1\): expected a coordinate with \|x\| ≤ 10000000 pixels, got "1e300"/,
    ],
    ['y2', '-2e7', /\(line 3, column y2\): expected a coordinate/],
  ])('frame CSV: %s %s is refused with the value as written', async (column, value, message) => {
    const cells: Record<string, string> = {
      video: 'v',
      frame: '2',
      label: '1',
      score: '0.5',
      x1: '1',
      y1: '2',
      x2: '3',
      y2: '4',
    };
    cells[column] = value;
    const row = HEADER.split(',')
      .map((c) => cells[c])
      .join(',');
    const error = await errorOf(
      readFrameDetectionsCsv(file(`${HEADER}\nv,1,0,0.1,1,1,2,2\n${row}\n`)),
    );
    expect(error.message).toMatch(message);
    expect(error.message).not.toMatch(/-1294967296|\b288\b|\b9\b/);
  });

  it('refuses the same values in a quoted file (the fast-csv fallback)', async () => {
    const error = await errorOf(
      readFrameDetectionsCsv(
        file(`${HEADER}\n"v",1,0,0.1,1,1,2,2\n"v",2,4294967305,0.1,1,1,2,2\n`),
      ),
    );
    expect(error.message).toMatch(/\(line 3, column label\): .* got "4294967305"/);
  });

  it('tubelet CSV: start and label are range-checked, hex refused', async () => {
    const head = 'video,start,label,score,x1_1,y1_1,x2_1,y2_1\n';
    expect(
      (await errorOf(readTubeletDetectionsCsv(file(`${head}v,4294967584,0,1,1,1,2,2\n`)))).message,
    ).toMatch(/\(line 2, column start\): .* got "4294967584"/);
    expect(
      (await errorOf(readTubeletDetectionsCsv(file(`${head}v,1,0x9,1,1,1,2,2\n`)))).message,
    ).toMatch(/\(line 2, column label\): .* got "0x9"/);
  });

  it('tube CSV: frame, label and coordinates are checked; label_name must agree with given labels', async () => {
    const head = 'video,tube,label,score,frame,x1,y1,x2,y2,label_name\n';
    expect(
      (await errorOf(readTubeDetectionsCsv(file(`${head}v,0,4294967305,1,1,1,1,2,2,a\n`)))).message,
    ).toMatch(/\(line 2, column label\): .* got "4294967305"/);
    expect(
      (await errorOf(readTubeDetectionsCsv(file(`${head}v,0,0,1,0x10,1,1,2,2,a\n`)))).message,
    ).toMatch(/column frame\): .* got "0x10"/);
    expect(
      (await errorOf(readTubeDetectionsCsv(file(`${head}v,0,0,1,1,1,1,1e300,2,a\n`)))).message,
    ).toMatch(/column x2\): expected a coordinate/);
    const named = file(`${head}v,0,1,1,1,1,1,2,2,walk\n`);
    expect(await readTubeDetectionsCsv(named)).toHaveLength(1);
    expect(await readTubeDetectionsCsv(named, { labels: ['run', 'walk'] })).toHaveLength(1);
    expect(
      (await errorOf(readTubeDetectionsCsv(named, { labels: ['walk', 'run'] }))).message,
    ).toMatch(
      /\(line 2, column label_name\): label_name "walk" contradicts the ground truth, where label 1 is "run"/,
    );
    expect((await errorOf(readTubeDetectionsCsv(named, { labels: ['run'] }))).message).toMatch(
      /\(line 2, column label\): label 1 is outside the 1 labels/,
    );
  });
});

describe('error messages quote at most ~80 characters of input', () => {
  it.each([
    [
      'a 5 MB header cell',
      `${HEADER},${'h'.repeat(5e6)}\nv,1,0,0.5,1,2,3,4,5\n`,
      /unknown column h+\.\.\./,
    ],
    [
      'a 5 MB score cell',
      `${HEADER}\nv,1,0,${'7'.repeat(5e6)}x,1,2,3,4\n`,
      /\(line 2, column score\): .*got "7+\.\.\."$/,
    ],
    ['a 1 MB row of cells', `${HEADER}\n${'1,'.repeat(5e5)}\n`, /\(line 2\): expected 8 cells/],
  ])('%s', async (_, text, message) => {
    const error = await errorOf(readFrameDetectionsCsv(file(text)));
    expect(error.message).toMatch(message);
    expect(error.message.length).toBeLessThan(400);
  });
});

describe('the streaming fast path', () => {
  /** Random rows as text (mixed number spellings), and their values as `Number()` reads them. */
  function randomCsv(n: number, seed: number, quoteFrom = Number.POSITIVE_INFINITY) {
    let state = seed;
    const random = () => {
      state = (state * 1103515245 + 12345) % 2147483648;
      return state / 2147483648;
    };
    const formats = [
      (x: number) => String(x),
      (x: number) => x.toFixed(2),
      (x: number) => x.toExponential(3),
      (x: number) => String(Math.round(x)),
      (x: number) => ` ${x.toFixed(6)} `,
      (x: number) => x.toPrecision(17),
    ];
    const spell = (x: number) => formats[Math.floor(random() * formats.length)]!(x);
    const lines = [HEADER];
    const expected: { video: string; values: number[] }[] = [];
    for (let i = 0; i < n; i++) {
      const video = `cls/v_${Math.floor(i / 97)}`;
      const x1 = spell(random() * 1000 - 20);
      const y1 = spell(random() * 1000 - 20);
      const x2 = spell(Number(x1) + 10 + random() * 50);
      const y2 = spell(Number(y1) + 10 + random() * 50);
      const score = spell(random() - 0.5);
      const frame = 1 + Math.floor(random() * 5000);
      const label = Math.floor(random() * 24);
      lines.push(
        [i >= quoteFrom ? `"${video}"` : video, frame, label, score, x1, y1, x2, y2].join(','),
      );
      expected.push({ video, values: [frame, label, ...[score, x1, y1, x2, y2].map(Number)] });
    }
    return { text: `\uFEFF${lines.join('\r\n')}`, expected };
  }

  function check(dets: FrameDetectionRows, expected: { video: string; values: number[] }[]) {
    expect(dets.length).toBe(expected.length);
    // one expect for the first difference: 30 000 expects would take seconds
    const firstDifference = expected.findIndex((e, i) => {
      const got = [
        dets.frame[i]!,
        dets.label[i]!,
        dets.score[i]!,
        ...dets.boxes.subarray(4 * i, 4 * i + 4),
      ];
      return (
        got.some((v, k) => !Object.is(v, e.values[k])) ||
        dets.videos[dets.videoIndex[i]!] !== e.video ||
        dets.line[i] !== i + 2
      );
    });
    expect(firstDifference).toBe(-1);
  }

  it('reads every number exactly across 1 MiB chunks, with a BOM, CRLF and padded cells', async () => {
    const { text, expected } = randomCsv(16000, 7);
    expect(text.length).toBeGreaterThan(2 ** 20);
    let whole: FrameDetectionRows | undefined;
    await readFrameDetectionGroups(file(text), { grouping: 'file' }, (rows) => {
      whole = rows;
    });
    check(whole!, expected);
  });

  it('hands a quoted file over to fast-csv from the first quote on, with the same values and lines', async () => {
    const { text, expected } = randomCsv(3000, 11, 2000);
    let whole: FrameDetectionRows | undefined;
    await readFrameDetectionGroups(file(text), { grouping: 'file' }, (rows) => {
      whole = rows;
    });
    check(whole!, expected);
  });

  it('skips blank and whitespace-only lines, reads a last line without a newline, counts file lines', async () => {
    const text = `${HEADER}\n\n  \t \r\nv,1,0,.5,1.,+2,3e0,4\r\n\nv,2,1,-0,1,2,3,4`;
    const rows: FrameDetectionRows[] = [];
    await readFrameDetectionGroups(file(text), { grouping: 'file' }, (r) => rows.push(r));
    expect([...rows[0]!.line]).toEqual([4, 6]);
    expect([...rows[0]!.score]).toEqual([0.5, -0]);
    expect([...rows[0]!.boxes]).toEqual([1, 2, 3, 4, 1, 2, 3, 4]);
    const bad = await errorOf(readFrameDetectionsCsv(file(`${HEADER}\nv,1,0,0.5,1,2,3\n`)));
    expect(bad.message).toMatch(/\(line 2\): expected 8 cells .*, got 7/);
  });

  it('tells videos apart that share a prefix or differ in one byte (the fast lane compares words)', async () => {
    const names = [
      'abcdefgh',
      'abcdefgh',
      'abcdefgi',
      'abcdefg',
      'abcdefghX',
      'abcdefgh',
      'bcdefgh',
    ];
    const body = names.map((v, i) => `${v},${i + 1},0,0.5,1,2,3,4`).join('\n');
    // the video column last, after the numbers, as a header may order it
    const last = names.map((v, i) => `${i + 1},0,0.5,1,2,3,4,${v}`).join('\r\n');
    for (const text of [
      `${HEADER}\n${body}\n`,
      `frame,label,score,x1,y1,x2,y2,video\n${last}\r\n`,
    ]) {
      let whole: FrameDetectionRows | undefined;
      await readFrameDetectionGroups(file(text), { grouping: 'file' }, (rows) => {
        whole = rows;
      });
      expect([...whole!.videoIndex].map((i) => whole!.videos[i])).toEqual(names);
      expect([...whole!.frame]).toEqual([1, 2, 3, 4, 5, 6, 7]);
    }
  });

  it('the WebAssembly lane: video cells longer than its buffer, more rows than it stages at once, Int32 bounds', async () => {
    const long = `cls/${'x'.repeat(3000)}`;
    const rows = Array.from({ length: 9000 }, (_, i) => {
      const video = i < 4500 ? 'short' : `${long}${i < 6000 ? 'a' : 'b'}`;
      return `${video},${i === 8999 ? 2147483647 : i + 1},${i % 24},0.${i},${i}.5,2,${i + 3},4`;
    });
    let whole: FrameDetectionRows | undefined;
    await readFrameDetectionGroups(
      file(`${HEADER}\n${rows.join('\n')}\n`),
      { grouping: 'file' },
      (r) => {
        whole = r;
      },
    );
    const dets = whole!;
    expect(dets.length).toBe(9000);
    expect(dets.videos).toEqual(['short', `${long}a`, `${long}b`]);
    const wrong = rows.findIndex((row, i) => {
      const cells = row.split(',');
      return (
        dets.videos[dets.videoIndex[i]!] !== cells[0] ||
        dets.frame[i] !== Number(cells[1]) ||
        dets.label[i] !== Number(cells[2]) ||
        dets.score[i] !== Number(cells[3]) ||
        dets.boxes[4 * i] !== Number(cells[4]) ||
        dets.boxes[4 * i + 2] !== Number(cells[6]) ||
        dets.line[i] !== i + 2
      );
    });
    expect(wrong).toBe(-1);
    for (const [frame, message] of [
      ['2147483648', /\(line 3, column frame\): expected a 1-based frame number/],
      ['0', /\(line 3, column frame\): expected a 1-based frame number/],
    ] as const) {
      const text = `${HEADER}\nv,1,0,0.5,1,2,3,4\nv,${frame},0,0.5,1,2,3,4\n`;
      expect((await errorOf(readFrameDetectionsCsv(file(text)))).message).toMatch(message);
    }
  });

  it('after plain rows, an irregular row is read or refused as on its own, at its file line', async () => {
    const plain = Array.from({ length: 5 }, (_, i) => `v,${i + 1},0,0.5,1,2,3,4`).join('\n');
    const ok = await readFrameDetectionsCsv(file(`${HEADER}\n${plain}\nv,3.0,1,1e-1,1,2,3,4\n`));
    expect([...ok.frame]).toEqual([1, 2, 3, 4, 5, 3]);
    expect(ok.score[5]).toBe(0.1);
    const cases: [string, RegExp][] = [
      ['v,3.5,0,0.5,1,2,3,4', /\(line 7, column frame\): expected a 1-based frame number/],
      ['v,1,0,0.5,1,2,3,4,5', /\(line 7\): expected 8 cells .*, got 9/],
      ['v,1,0,0.5,1,2,3', /\(line 7\): expected 8 cells .*, got 7/],
      ['v,1,0,0.5,1,2,3,1e8', /\(line 7, column y2\): expected a coordinate/],
      ['v,1,0,0x5,1,2,3,4', /\(line 7, column score\): expected a finite number/],
    ];
    for (const [row, message] of cases) {
      const error = await errorOf(readFrameDetectionsCsv(file(`${HEADER}\n${plain}\n${row}\n`)));
      expect(error.message).toMatch(message);
    }
  });

  it('borrowRows hands over views of one reused buffer, with the values of the copies', async () => {
    const path = file(randomCsv(2000, 5).text);
    const read = async (borrowRows: boolean) => {
      const seen: { video: string; frame: number[]; boxes: number[]; line: number[] }[] = [];
      const buffers = new Set<ArrayBufferLike>();
      await readFrameDetectionsByVideo(path, { borrowRows }, () => (rows) => {
        buffers.add(rows.boxes.buffer);
        seen.push({
          video: rows.videos[0]!,
          frame: [...rows.frame],
          boxes: [...rows.boxes],
          line: [...rows.line],
        });
      });
      return { seen, buffers: buffers.size };
    };
    const copied = await read(false);
    const borrowed = await read(true);
    expect(borrowed.seen).toEqual(copied.seen);
    expect(copied.seen.length).toBeGreaterThan(10);
    expect(copied.buffers).toBe(copied.seen.length);
    expect(borrowed.buffers).toBe(1);
  });

  it('groups by video: one call per video; interleaved videos start over and read whole', async () => {
    const text = `${HEADER}\na,3,0,0.1,1,1,2,2\na,1,0,0.2,1,1,2,2\nb,2,1,0.3,1,1,2,2\n\na,2,0,0.4,1,1,2,2\n`;
    const path = file(text);
    const strict = await errorOf(
      readFrameDetectionGroups(path, { grouping: 'video' }, () => undefined),
    );
    expect(strict.name).toBe('InterleavedVideosError');
    expect(strict.message).toMatch(/\(line 6\): rows of video "a" are not contiguous/);
    const calls: { starts: number; groups: [string, number[], number[]][] } = {
      starts: 0,
      groups: [],
    };
    await readFrameDetectionsByVideo(path, { sortFrames: true }, () => {
      calls.starts++;
      calls.groups = [];
      return (rows) => calls.groups.push([rows.videos[0]!, [...rows.frame], [...rows.line]]);
    });
    expect(calls).toEqual({
      starts: 2,
      groups: [
        ['a', [1, 2, 3], [3, 6, 2]],
        ['b', [2], [4]],
      ],
    });
  });

  it('streams contiguous videos in one pass; tubelets are sorted by start', async () => {
    const head = 'video,start,label,score,x1_1,y1_1,x2_1,y2_1,x1_2,y1_2,x2_2,y2_2\n';
    const path = file(
      `${head}a,5,0,1,1,1,2,2,1,1,2,2\na,2,0,1,1,1,2,2,3,3,4,4\nb,1,0,1,1,1,2,2,1,1,2,2\n`,
    );
    let starts = 0;
    const groups: [string, number[], number[]][] = [];
    await readTubeletDetectionsByVideo(path, () => {
      starts++;
      return (rows) =>
        groups.push([rows.videos[0]!, [...rows.start], [...rows.boxes.subarray(0, 8)]]);
    });
    expect(starts).toBe(1);
    expect(groups).toEqual([
      ['a', [2, 5], [1, 1, 2, 2, 3, 3, 4, 4]],
      ['b', [1], [1, 1, 2, 2, 1, 1, 2, 2]],
    ]);
  });
});
