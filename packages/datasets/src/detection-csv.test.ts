import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { DetectedTube, FrameDetections, TubeletDetections } from '@tubekit/geometry';
import { TubekitFormatError } from './format-error';
import { readFrameDetectionsCsv, writeFrameDetectionsCsv } from './frame-detections-csv';
import { readTubeDetectionsCsv, writeTubeDetectionsCsv } from './tube-detections-csv';
import { readTubeletDetectionsCsv, writeTubeletDetectionsCsv } from './tubelet-detections-csv';

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'tubekit-csv-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function file(name: string, text: string): string {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}

async function expectFormatError(promise: Promise<unknown>, pattern: RegExp): Promise<void> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(TubekitFormatError);
  expect((error as Error).message).toMatch(pattern);
}

describe('frame detection CSV', () => {
  const dets: FrameDetections = {
    videos: ['run/a', 'walk/"b,c"'],
    videoIndex: Int32Array.from([0, 0, 1]),
    frame: Int32Array.from([1, 2, 7]),
    label: Int32Array.from([0, 3, 1]),
    score: Float64Array.from([0.9, -1.25, 1 / 3]),
    boxes: Float64Array.from([1, 2, 3, 4, 0.1, 0.2, 10.5, 20.25, -3, -2, 5, 6]),
    length: 3,
  };

  it('round-trips exactly, quoting names with commas and quotes', async () => {
    const path = join(dir, 'sub', 'frame.csv');
    await writeFrameDetectionsCsv(path, dets);
    expect(readFileSync(path, 'utf8').split('\n')[0]).toBe('video,frame,label,score,x1,y1,x2,y2');
    const back = await readFrameDetectionsCsv(path);
    expect(back).toEqual(dets);
  });

  it('reads the MultiSports fixture', async () => {
    const { tubekitDataPath } = await import('./data-dir');
    const back = await readFrameDetectionsCsv(
      tubekitDataPath('fixtures/multisports/frame_dets.csv'),
    );
    expect(back.length).toBeGreaterThan(0);
    expect(back.videos).toEqual(['aerobic_gymnastics/v_crsi07chcV8_c004']);
  });

  it('accepts columns in any order and skips blank lines', async () => {
    const path = file('order.csv', 'frame,video,label,score,x1,y1,x2,y2\n\n3,v,0,0.5,1,1,2,2\n');
    const back = await readFrameDetectionsCsv(path);
    expect(Array.from(back.frame)).toEqual([3]);
  });

  it('names file, line and column for bad values', async () => {
    const head = 'video,frame,label,score,x1,y1,x2,y2\n';
    await expectFormatError(
      readFrameDetectionsCsv(file('nan.csv', `${head}v,1,0,NaN,1,1,2,2\n`)),
      /nan\.csv \(line 2, column score\): expected a finite number/,
    );
    await expectFormatError(
      readFrameDetectionsCsv(file('neg.csv', `${head}v,1,0,1,1,1,2,2\nv,0,0,1,1,1,2,2\n`)),
      /line 3, column frame.*1-based/,
    );
    await expectFormatError(
      readFrameDetectionsCsv(file('lab.csv', `${head}v,1,-1,1,1,1,2,2\n`)),
      /line 2, column label/,
    );
    await expectFormatError(
      readFrameDetectionsCsv(file('x2.csv', `${head}v,1,0,1,5,1,2,2\n`)),
      /line 2, column x2\): expected x2 ≥ x1 = 5, got 2/,
    );
    await expectFormatError(
      readFrameDetectionsCsv(file('short.csv', `${head}v,1,0,1,5,1,2\n`)),
      /line 2\): expected 8 cells/,
    );
    await expectFormatError(
      readFrameDetectionsCsv(file('nohead.csv', 'v,1,0,1,1,1,2,2\n')),
      /missing header/,
    );
    await expectFormatError(readFrameDetectionsCsv(file('empty.csv', '')), /missing header/);
    await expectFormatError(
      readFrameDetectionsCsv(file('extra.csv', 'video,frame,label,score,x1,y1,x2,y2,foo\n')),
      /unknown column foo/,
    );
    await expectFormatError(readFrameDetectionsCsv(join(dir, 'absent.csv')), /absent\.csv/);
    // a file cut inside a quoted cell
    await expectFormatError(
      readFrameDetectionsCsv(file('cut.csv', `${head}"run/a,1,0,0.5,1,1,2,2\n`)),
      /cut\.csv \(line \d+\): (cannot read CSV|expected 8 cells)/,
    );
  });

  it('lenient mode ignores extra columns and keeps degenerate boxes unchanged', async () => {
    const path = file('len.csv', 'video,frame,label,score,x1,y1,x2,y2,extra\nv,1,0,1,5,1,2,2,z\n');
    const back = await readFrameDetectionsCsv(path, { lenient: true });
    expect(Array.from(back.boxes)).toEqual([5, 1, 2, 2]);
    await expectFormatError(
      readFrameDetectionsCsv(
        file('len2.csv', 'video,frame,label,score,x1,y1,x2,y2\nv,1,0,x,1,1,2,2\n'),
        {
          lenient: true,
        },
      ),
      /column score/,
    );
  });

  it('writes nothing for invalid detections', async () => {
    const path = join(dir, 'bad-out', 'frame.csv');
    const bad = { ...dets, score: Float64Array.from([0.9, Number.NaN, 1]) };
    await expect(writeFrameDetectionsCsv(path, bad)).rejects.toThrow(/row 1.*score/);
    expect(() => readdirSync(join(dir, 'bad-out'))).toThrow();
  });
});

describe('tube detection CSV', () => {
  const tubes: DetectedTube[] = [
    {
      video: 'run/a',
      id: 't0',
      label: 1,
      score: 2.5,
      start: 3,
      boxes: Float64Array.from([1, 1, 5, 5, 2, 2, 6, 6]),
      scores: Float64Array.from([0.5, 0.25]),
    },
    {
      video: 'run/a',
      id: 't1',
      label: 0,
      score: -1,
      start: 1,
      boxes: Float64Array.from([0, 0, 1, 1]),
    },
    {
      video: 'walk/b',
      label: 0,
      score: 0.125,
      start: 10,
      boxes: Float64Array.from([0, 0, 2, 2, 0, 0, 3, 3]),
    },
  ];

  it('round-trips with box scores and label names', async () => {
    const path = join(dir, 'tubes.csv');
    await writeTubeDetectionsCsv(path, tubes, { labels: ['Run', 'Walk'] });
    const text = readFileSync(path, 'utf8');
    expect(text.split('\n')[0]).toBe(
      'video,tube,label,score,frame,x1,y1,x2,y2,box_score,label_name',
    );
    const back = await readTubeDetectionsCsv(path);
    expect(back).toHaveLength(3);
    expect(back[0]).toEqual({ ...tubes[0], id: 't0' });
    expect(back[2]!.id).toBe('0');
    expect(Array.from(back[2]!.boxes)).toEqual([0, 0, 2, 2, 0, 0, 3, 3]);
    expect(Array.from(back[1]!.scores!)).toEqual([-1]);
  });

  it('sorts rows of a tube by frame', async () => {
    const path = file(
      'unsorted.csv',
      'video,tube,label,score,frame,x1,y1,x2,y2\nv,1,0,1,5,0,0,2,2\nv,1,0,1,4,0,0,1,1\n',
    );
    const [tube] = await readTubeDetectionsCsv(path);
    expect(tube!.start).toBe(4);
    expect(Array.from(tube!.boxes)).toEqual([0, 0, 1, 1, 0, 0, 2, 2]);
  });

  it('rejects gaps, duplicates and inconsistent tube fields', async () => {
    const head = 'video,tube,label,score,frame,x1,y1,x2,y2\n';
    await expectFormatError(
      readTubeDetectionsCsv(file('gap.csv', `${head}v,1,0,1,1,0,0,1,1\nv,1,0,1,3,0,0,1,1\n`)),
      /line 3\): non-consecutive frames: tube 1 of v jumps from frame 1 to 3/,
    );
    await expectFormatError(
      readTubeDetectionsCsv(file('dup.csv', `${head}v,1,0,1,1,0,0,1,1\nv,1,0,1,1,0,0,1,1\n`)),
      /line 3\): duplicate tube row.*line 2/,
    );
    await expectFormatError(
      readTubeDetectionsCsv(file('lab2.csv', `${head}v,1,0,1,1,0,0,1,1\nv,1,2,1,2,0,0,1,1\n`)),
      /line 3, column label/,
    );
    await expectFormatError(
      readTubeDetectionsCsv(file('tx2.csv', `${head}v,1,0,1,1,3,0,1,1\n`)),
      /line 2, column x2/,
    );
    await expectFormatError(
      readTubeDetectionsCsv(file('th.csv', 'video,tube,label,score,x1,y1,x2,y2\n')),
      /missing header.*frame/,
    );
  });

  it('rejects label ids outside the given labels and duplicate ids, writing nothing', async () => {
    const path = join(dir, 'never.csv');
    await expect(writeTubeDetectionsCsv(path, tubes, { labels: ['Run'] })).rejects.toThrow(
      /never\.csv \(tube 0 \(run\/a\)\): label 1 is outside the 1 labels/,
    );
    const dup = [tubes[1]!, { ...tubes[1]! }];
    await expect(writeTubeDetectionsCsv(path, dup)).rejects.toThrow(/duplicate tube id t1/);
    expect(readdirSync(dir)).not.toContain('never.csv');
  });
});

describe('tubelet detection CSV', () => {
  const dets: TubeletDetections = {
    videos: ['a', 'b'],
    K: 2,
    videoIndex: Int32Array.from([0, 1]),
    start: Int32Array.from([1, 5]),
    label: Int32Array.from([2, 0]),
    score: Float64Array.from([0.75, 0.5]),
    boxes: Float64Array.from([0, 0, 1, 1, 0, 0, 2, 2, 1, 1, 3, 3, 1, 1, 4, 4]),
    length: 2,
  };

  it('round-trips K-frame rows', async () => {
    const path = join(dir, 'tubelets.csv');
    await writeTubeletDetectionsCsv(path, dets);
    expect(readFileSync(path, 'utf8').split('\n')[0]).toBe(
      'video,start,label,score,x1_1,y1_1,x2_1,y2_1,x1_2,y1_2,x2_2,y2_2',
    );
    expect(await readTubeletDetectionsCsv(path)).toEqual(dets);
  });

  it('rejects a bad header and bad boxes', async () => {
    await expectFormatError(
      readTubeletDetectionsCsv(file('tl.csv', 'video,start,label,score,x1_1,y1_1,x2_1\n')),
      /missing header/,
    );
    await expectFormatError(
      readTubeletDetectionsCsv(
        file('tl2.csv', 'video,start,label,score,x1_1,y1_1,x2_1,y2_1\nv,1,0,1,0,5,1,4\n'),
      ),
      /line 2, column y2_1/,
    );
  });
});
