import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type TestMatValue, writeTestMat } from '../test/mat-writer';
import { actDatasetFromPickle } from './act-pickle';
import type { ActionDataset } from './annotation-model';
import { parseDatasetJson, writeDatasetJson } from './dataset-json';
import { TubekitFormatError } from './format-error';
import { readJhmdbTextGt } from './jhmdb-text-gt';
import { loadDataset } from './load-dataset';
import { parseMat } from './mat-v5';
import type { NdArray } from './pickle';
import { ucf101DatasetFromMat } from './ucf101-24-mat';
import { ucf101DatasetFromPickle } from './ucf101-24-pickle';

const nd = (rows: number[][], dtype = 'f8'): NdArray => ({
  kind: 'ndarray',
  dtype,
  shape: [rows.length, rows[0]!.length],
  data: dtype === 'u1' ? Uint8Array.from(rows.flat()) : Float64Array.from(rows.flat()),
});

/** A minimal ACT ground-truth dict as `unpickle` returns it. */
function actGt(
  tube: number[][] = [
    [3, 1, 1, 5, 5],
    [4, 2, 2, 6, 6],
  ],
  label = 1,
  nframes = 10,
) {
  return new Map<string, unknown>([
    ['labels', ['a', 'b']],
    ['nframes', new Map([['b/v1', nframes]])],
    ['resolution', new Map([['b/v1', [240, 320]]])],
    ['gttubes', new Map([['b/v1', new Map([[label, [nd(tube)]]])]])],
    ['train_videos', [[], []]],
    ['test_videos', [['b/v1'], ['b/v1']]],
  ]);
}

function error(fn: () => unknown): TubekitFormatError {
  try {
    fn();
  } catch (e) {
    if (e instanceof TubekitFormatError) return e;
    throw e;
  }
  throw new Error('expected a TubekitFormatError');
}

describe('ACT pickle reader', () => {
  it('reads a minimal dict with several splits', () => {
    const ds = actDatasetFromPickle(actGt(), 'toy-GT.pkl');
    expect(ds.dataset).toBe('toy');
    expect(ds.splits).toEqual({ train1: [], train2: [], test1: ['b/v1'], test2: ['b/v1'] });
    expect(ds.videos[0]).toMatchObject({ name: 'b/v1', nframes: 10, width: 320, height: 240 });
    expect(ds.videos[0]!.tubes[0]!.start).toBe(3);
    expect(Array.from(ds.videos[0]!.tubes[0]!.boxes)).toEqual([1, 1, 5, 5, 2, 2, 6, 6]);
  });

  it.each([
    ['unknown keys', () => new Map([...actGt(), ['extra', 1]]), /key extra\): unknown key/],
    ['x2 < x1', () => actGt([[1, 9, 1, 5, 5]]), /boxes\[0\]\): expected x2 ≥ x1/],
    [
      'frames outside the video',
      () =>
        actGt([
          [9, 1, 1, 5, 5],
          [10, 1, 1, 5, 5],
          [11, 1, 1, 5, 5],
        ]),
      /frames 9…11, outside video b\/v1 of 10 frames/,
    ],
    [
      'unknown label ids',
      () => actGt(undefined, 7),
      /gttubes\["b\/v1"\]\[7\]\): unknown label id 7/,
    ],
    [
      'non-consecutive frames',
      () =>
        actGt([
          [1, 1, 1, 5, 5],
          [3, 1, 1, 5, 5],
        ]),
      /\[1\]\[0\]\): expected frame 2/,
    ],
  ])('rejects %s, naming the file and key', (_what, make, pattern) => {
    const e = error(() => actDatasetFromPickle(make(), 'bad-GT.pkl'));
    expect(e.file).toBe('bad-GT.pkl');
    expect(e.message).toMatch(pattern);
  });
});

describe('UCF101-24 pickle reader', () => {
  const video = (ann: Map<string, unknown>, numf = 5) =>
    new Map<string, unknown>([
      [
        'Run/v_Run_g01_c01',
        new Map<string, unknown>([
          ['numf', numf],
          ['label', 0],
          ['annotations', [ann]],
        ]),
      ],
    ]);
  const ann = (sf: number, ef: number, rows: number[][]) =>
    new Map<string, unknown>([
      ['sf', sf],
      ['ef', ef],
      ['label', 0],
      ['boxes', nd(rows, 'u1')],
    ]);

  it('converts sf/ef and widens uint8 before x + w', () => {
    const ds = ucf101DatasetFromPickle(
      video(
        ann(1, 3, [
          [200, 10, 100, 20],
          [201, 10, 100, 20],
        ]),
      ),
      'p.pkl',
    );
    expect(ds.labels).toEqual(['Run']);
    expect(ds.videos[0]!.tubes[0]!.start).toBe(2);
    expect(Array.from(ds.videos[0]!.tubes[0]!.boxes)).toEqual([200, 10, 300, 30, 201, 10, 301, 30]);
  });

  it('rejects inconsistent frame counts and frames outside the video', () => {
    expect(
      error(() => ucf101DatasetFromPickle(video(ann(0, 3, [[1, 1, 1, 1]])), 'p.pkl')).message,
    ).toMatch(
      /p\.pkl \(key \["Run\/v_Run_g01_c01"\]\["annotations"\]\[0\]\["boxes"\]\): inconsistent frame counts: sf=0, ef=3/,
    );
    const rows = Array.from({ length: 6 }, () => [1, 1, 1, 1]);
    expect(error(() => ucf101DatasetFromPickle(video(ann(0, 6, rows)), 'p.pkl')).message).toMatch(
      /\["ef"\]\): frames 1…6 lie outside the video's 5 frames/,
    );
  });
});

describe('canonical JSON', () => {
  const good = {
    format: 'tubekit-gt',
    version: 1,
    dataset: 'toy',
    labels: ['run'],
    videos: [
      {
        name: 'run/a',
        nframes: 2,
        width: 320,
        height: 240,
        tubes: [{ label: 0, start: 1, boxes: [[1, 2, 3, 4]] }],
      },
    ],
    splits: { test: ['run/a'] },
  };
  const mutate = (f: (x: typeof good & Record<string, unknown>) => void) => {
    const x = structuredClone(good) as typeof good & Record<string, unknown>;
    f(x);
    return JSON.stringify(x);
  };

  it.each([
    [
      'unknown keys',
      mutate((x) => ((x.videos[0] as Record<string, unknown>).fps = 25)),
      /key videos\[0\]\.fps\): unknown key/,
    ],
    [
      'x2 < x1',
      mutate((x) => (x.videos[0]!.tubes[0]!.boxes[0] = [5, 2, 3, 4])),
      /key videos\[0\]\.tubes\[0\]\.boxes\[0\]\): expected x2 ≥ x1/,
    ],
    [
      'frames outside the video',
      mutate((x) => (x.videos[0]!.tubes[0]!.start = 2.5)),
      /start\): expected a 1-based frame/,
    ],
    [
      'frames outside the video (end)',
      mutate((x) => (x.videos[0]!.tubes[0]!.start = 2 as number)),
      /frames 2…2/,
    ],
    [
      'unknown label ids',
      mutate((x) => (x.videos[0]!.tubes[0]!.label = 3)),
      /label\): expected a label id in \[0, 1\)/,
    ],
    [
      'unknown split videos',
      mutate((x) => (x.splits.test = ['run/zz'])),
      /splits\.test\[0\]\): unknown video/,
    ],
    ['a wrong format tag', mutate((x) => (x.format = 'other')), /key format\)/],
    [
      'nframes 1e12',
      mutate((x) => (x.videos[0]!.nframes = 1e12)),
      /nframes\): expected an integer 1 … 2147483647 \(frame numbers are stored in 32 bits\), got 1000000000000/,
    ],
    [
      'nframes 2^53 + 10',
      mutate((x) => (x.videos[0]!.nframes = 2 as number)).replace(
        '"nframes":2',
        '"nframes":9007199254741002',
      ),
      /nframes\): expected an integer 1 … 2147483647/,
    ],
  ])('rejects %s with the key path', (_what, text, pattern) => {
    if (_what === 'frames outside the video (end)') {
      // start 2 of a 1-box tube in a 2-frame video is fine; make it 3
      text = text.replace('"start":2', '"start":3');
      pattern = /frames 3…3, outside video run\/a of 2 frames/;
    }
    expect(() => parseDatasetJson(text, 'x.tubes.json')).toThrow(pattern);
  });

  it('reports JSON syntax errors with line and column', () => {
    expect(() => parseDatasetJson('{\n  "format": tubekit', 'x.tubes.json')).toThrow(
      /x\.tubes\.json \(line 2, column 13\): not valid JSON/,
    );
  });

  it('reads a file with a UTF-8 byte-order mark; refuses invalid UTF-8 naming the file', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tubekit-json-'));
    try {
      const text = mutate(() => undefined);
      const bom = join(dir, 'bom.tubes.json');
      writeFileSync(bom, Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(text)]));
      expect((await loadDataset(bom)).videos[0]!.name).toBe('run/a');
      const bad = join(dir, 'bad.tubes.json');
      const bytes = Buffer.from(text);
      const at = bytes.indexOf('run/a');
      bytes[at + 3] = 0xff; // "run\xffa"
      writeFileSync(bad, bytes);
      await expect(loadDataset(bad)).rejects.toThrow(
        `${bad} (byte ${at + 3}): not valid UTF-8 (byte 0xff); JSON text must be UTF-8`,
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('writes nothing for an invalid dataset', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tubekit-json-'));
    try {
      const bad: ActionDataset = {
        dataset: 'x',
        labels: ['a'],
        videos: [
          {
            name: 'v',
            nframes: 1,
            width: 1,
            height: 1,
            tubes: [{ label: 0, start: 1, boxes: Float64Array.from([2, 0, 1, 1]) }],
          },
        ],
        splits: {},
      };
      await expect(writeDatasetJson(join(dir, 'bad.tubes.json'), bad)).rejects.toThrow(
        /bad\.tubes\.json \(key videos\[0\]\.tubes\[0\]\.boxes\[0\]\)/,
      );
      expect(readdirSync(dir)).toEqual([]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('J-HMDB per-frame text folders', () => {
  it('reads an extracted folder and names bad files', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tubekit-jhmdb-'));
    try {
      const gt = join(dir, 'groundtruths_jhmdb');
      mkdirSync(gt);
      writeFileSync(
        join(gt, 'shoot_gun_Fire_shoot_gun_u_cm_np1_fr_med_0_00001.txt'),
        '15 10 20 50 90\n',
      );
      writeFileSync(
        join(gt, 'shoot_gun_Fire_shoot_gun_u_cm_np1_fr_med_0_00002.txt'),
        '15 11 20 51 90\n',
      );
      const ds = await loadDataset(dir); // the folder holding groundtruths_jhmdb/
      expect(ds.videos.map((v) => v.name)).toEqual(['shoot_gun/Fire_shoot_gun_u_cm_np1_fr_med_0']);
      expect(ds.videos[0]!.tubes[0]!.label).toBe(14);
      expect(ds.videos[0]!.nframes).toBe(2);
      writeFileSync(
        join(gt, 'shoot_gun_Fire_shoot_gun_u_cm_np1_fr_med_0_00004.txt'),
        '15 11 20 51 90\n',
      );
      await expect(readJhmdbTextGt(gt)).rejects.toThrow(
        /_00004\.txt\): frames of shoot_gun\/\S+ are not consecutive: 2 is followed by 4/,
      );
      writeFileSync(
        join(gt, 'shoot_gun_Fire_shoot_gun_u_cm_np1_fr_med_0_00003.txt'),
        '3 11 20 51 90\n',
      );
      await expect(readJhmdbTextGt(gt)).rejects.toThrow(
        /_00003\.txt, line 1\): class id 3 \(clap\) disagrees/,
      );
      // a 1 MB line is quoted by its first 80 characters only
      writeFileSync(
        join(gt, 'shoot_gun_Fire_shoot_gun_u_cm_np1_fr_med_0_00003.txt'),
        `15 ${'7'.repeat(1_000_000)}\n`,
      );
      const error = await readJhmdbTextGt(gt).catch((e: Error) => e);
      expect((error as Error).message).toMatch(
        /expected "class x1 y1 x2 y2", got "15 7{77}…" \(1000003 characters\)$/,
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('UCF101-24 MAT reader', () => {
  const d = (...v: number[]) => ({ kind: 'double' as const, dims: [1, 1], colMajor: v });
  const annot = (
    tubeFields: Record<string, TestMatValue>,
    extra?: Record<string, TestMatValue>,
  ) => ({
    annot: {
      kind: 'struct' as const,
      fields: ['num_imgs', 'name', 'tubes', ...Object.keys(extra ?? {})],
      elements: [
        {
          num_imgs: d(10),
          name: { kind: 'char' as const, text: 'Run/v_Run_g01_c01' },
          tubes: {
            kind: 'struct' as const,
            fields: Object.keys(tubeFields),
            elements: [tubeFields],
          },
          ...extra,
        },
      ],
    },
  });
  // boxes: 2×4 [x y w h] rows (column-major storage)
  const boxes = {
    kind: 'uint8' as const,
    dims: [2, 4],
    colMajor: [200, 201, 10, 10, 100, 100, 20, 20],
  };

  it('reads a minimal file, widening uint8 before x + w', () => {
    const ds = ucf101DatasetFromMat(
      parseMat(writeTestMat(annot({ ef: d(3), sf: d(2), class: d(1), boxes }))),
      'f.mat',
    );
    expect(ds.videos[0]!.tubes[0]!.start).toBe(2);
    expect(Array.from(ds.videos[0]!.tubes[0]!.boxes)).toEqual([200, 10, 300, 30, 201, 10, 301, 30]);
  });

  it.each([
    [
      'inconsistent frame counts',
      annot({ ef: d(4), sf: d(2), class: d(1), boxes }),
      /annot\(1\)\.tubes\(1\)\.boxes\): inconsistent frame counts: frames 2…4/,
    ],
    [
      'frames outside the video',
      annot({ ef: d(11), sf: d(10), class: d(1), boxes }),
      /\.ef\): frames 10…11 lie outside the video's 10 frames/,
    ],
    [
      'unknown class ids',
      annot({ ef: d(3), sf: d(2), class: d(2), boxes }),
      /\.class\): unknown class id 2/,
    ],
    [
      'unknown fields',
      annot({ ef: d(3), sf: d(2), class: d(1), boxes }, { fps: d(25) }),
      /variable annot\.fps\): unknown field/,
    ],
  ])('rejects %s, naming the variable path', (_what, vars, pattern) => {
    expect(() => ucf101DatasetFromMat(parseMat(writeTestMat(vars)), 'f.mat')).toThrow(pattern);
  });
});
