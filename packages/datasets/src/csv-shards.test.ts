import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { csvShards } from './csv-shards';
import { type FrameDetectionRows, readFrameDetectionsByVideo } from './frame-detections-csv';

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'tubekit-shards-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** 40 videos of 1–400 rows each (about 250 KB: cuts fall past a 64 KiB window). */
function writeCsv(name: string, header = 'video,frame,label,score,x1,y1,x2,y2'): string {
  const lines = [header];
  let state = 3;
  const random = () => {
    state = (state * 1103515245 + 12345) % 2147483648;
    return state / 2147483648;
  };
  for (let v = 0; v < 40; v++) {
    const rows = 1 + Math.floor(random() * 400);
    for (let r = 0; r < rows; r++)
      lines.push(`cls/video_${v},${1 + r},${r % 3},${random().toFixed(4)},1,2,30.5,40`);
  }
  const path = join(dir, name);
  writeFileSync(path, `${lines.join('\n')}\n`);
  return path;
}

const read = async (path: string, range?: { start: number; end: number }) => {
  const out: FrameDetectionRows[] = [];
  await readFrameDetectionsByVideo(path, { range }, () => (rows) => out.push(rows));
  return out.map((r) => ({
    video: r.videos[0],
    frame: [...r.frame],
    label: [...r.label],
    score: [...r.score],
    boxes: [...r.boxes],
  }));
};

describe('csvShards', () => {
  it('cuts at video changes, and the parts read in order give the rows of the whole file', async () => {
    const path = writeCsv('dets.csv');
    const text = readFileSync(path, 'latin1');
    const whole = await read(path);
    for (const parts of [2, 3, 7]) {
      const ranges = (await csvShards(path, parts))!;
      expect(ranges.length).toBeGreaterThan(1);
      expect(ranges.length).toBeLessThanOrEqual(parts);
      expect(ranges[0]!.start).toBe(text.indexOf('\n') + 1);
      expect(ranges[ranges.length - 1]!.end).toBe(text.length);
      for (let i = 1; i < ranges.length; i++) {
        const at = ranges[i]!.start;
        expect(ranges[i - 1]!.end).toBe(at);
        // a line start where the video changes
        expect(text[at - 1]).toBe('\n');
        const before = text.slice(text.lastIndexOf('\n', at - 2) + 1, at).split(',')[0];
        expect(text.slice(at).split(',')[0]).not.toBe(before);
      }
      const pieces = [];
      for (const range of ranges) pieces.push(...(await read(path, range)));
      expect(pieces).toEqual(whole);
    }
  });

  it('finds the video column anywhere in the header', async () => {
    const path = join(dir, 'moved.csv');
    const lines = readFileSync(writeCsv('plain.csv'), 'utf8').trim().split('\n');
    const moved = lines.map((l) => {
      const [video, ...rest] = l.split(',');
      return [...rest.slice(0, 2), video, ...rest.slice(2)].join(',');
    });
    writeFileSync(path, `${moved.join('\n')}\n`);
    const ranges = (await csvShards(path, 2))!;
    expect(ranges).toHaveLength(2);
    expect([...(await read(path, ranges[0])), ...(await read(path, ranges[1]))]).toEqual(
      await read(path),
    );
  });

  it('gives up on one video, a quoted header and a quote near a cut', async () => {
    const one = join(dir, 'one.csv');
    writeFileSync(
      one,
      `video,frame,label,score,x1,y1,x2,y2\n${'v,1,0,0.5,1,2,3,4\n'.repeat(5000)}`,
    );
    expect(await csvShards(one, 2)).toBeUndefined();
    const quotedHeader = join(dir, 'quoted-header.csv');
    writeFileSync(quotedHeader, readFileSync(one, 'utf8').replace('video', '"video"'));
    expect(await csvShards(quotedHeader, 2)).toBeUndefined();
    const quoted = join(dir, 'quoted.csv');
    writeFileSync(
      quoted,
      readFileSync(writeCsv('q.csv'), 'utf8').replace(/cls\/video_/g, '"cls/video_'),
    );
    expect(await csvShards(quoted, 2)).toBeUndefined();
  });

  it('a part with a quote is a CsvRangeError (fast-csv reads whole files)', async () => {
    const path = writeCsv('later-quote.csv');
    const ranges = (await csvShards(path, 2))!;
    const text = readFileSync(path, 'utf8');
    const end = ranges[1]!.end;
    // quote a video name near the end (its line keeps the same length: the cut stays valid)
    const at = text.lastIndexOf('\ncls/video_39', end - 2) + 1;
    writeFileSync(
      path,
      `${text.slice(0, at)}"cls/video_39"${text.slice(at + 'cls/video_39'.length + 2)}`,
    );
    await expect(read(path, ranges[1])).rejects.toThrow('quoted cells');
  });
});
