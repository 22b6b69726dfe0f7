import type { DetectedTube } from '@tubekit/geometry';
import { frameDets, mulberry32 } from '../test/fixtures';
import { LinkingInputError } from './errors';
import { linkOnline, OnlineLinker, SINGH_ONLINE_LINKING, sortOnlineTubes } from './online-linking';

type Row = [string, number, number, number, number, number, number, number];

function frame(frameNo: number, rows: Array<[number, number, number, number, number, number]>) {
  return {
    frame: frameNo,
    count: rows.length,
    labels: Int32Array.from(rows.map((r) => r[0])),
    scores: Float64Array.from(rows.map((r) => r[1])),
    boxes: Float64Array.from(rows.flatMap((r) => r.slice(2))),
  };
}

describe('OnlineLinker', () => {
  it('a tube survives a missed frame; the gap takes the next found box', () => {
    const rows: Row[] = [1, 2, 3, 5, 6].map((f) => ['v', f, 0, 0.5 + f / 100, f, 0, 50 + f, 50]);
    const [tube, ...rest] = linkOnline(frameDets(rows), SINGH_ONLINE_LINKING);
    expect(rest).toEqual([]);
    expect(tube!.start).toBe(1);
    expect(tube!.boxes.length / 4).toBe(6);
    expect(Array.from(tube!.boxes.subarray(12, 16))).toEqual([5, 0, 55, 50]);
    expect(tube!.scores![3]).toBe(0.55);
    const linear = linkOnline(frameDets(rows), { ...SINGH_ONLINE_LINKING, gapFill: 'linear' })[0]!;
    expect(Array.from(linear.boxes.subarray(12, 16))).toEqual([4, 0, 54, 50]);
  });

  it('emits a tube as soon as its path dies (3 frames without a match)', () => {
    const linker = new OnlineLinker(SINGH_ONLINE_LINKING, { video: 'v' });
    for (let f = 1; f <= 4; f++)
      expect(linker.push(frame(f, [[0, 0.9, 0, 0, 10, 10]]))).toEqual([]);
    expect(linker.push(frame(5, []))).toEqual([]);
    expect(linker.push(frame(6, []))).toEqual([]);
    const out = linker.push(frame(7, []));
    expect(out.map((t) => [t.start, t.boxes.length / 4, t.score])).toEqual([[1, 4, 0.9]]);
    expect(linker.livePaths).toBe(0);
    expect(linker.finish()).toEqual([]);
  });

  it('keeps only paths with more than 3 boxes', () => {
    const rows: Row[] = [1, 2, 3].map((f) => ['v', f, 0, 0.9, 0, 0, 10, 10]);
    expect(linkOnline(frameDets(rows), SINGH_ONLINE_LINKING)).toEqual([]);
  });

  it('gives a contested box to the path with the higher top-score mean; the other waits', () => {
    const linker = new OnlineLinker(SINGH_ONLINE_LINKING, { video: 'v' });
    linker.push(
      frame(1, [
        [0, 0.3, 0, 0, 10, 10],
        [0, 0.9, 4, 0, 14, 10],
      ]),
    );
    // NMS 0.45 keeps both (IoU 6/14); at frame 2 one box overlaps both paths.
    linker.push(frame(2, [[0, 0.5, 2, 0, 12, 10]]));
    for (let f = 3; f <= 5; f++) linker.push(frame(f, [[0, 0.5, 2, 0, 12, 10]]));
    const tubes = linker.finish();
    expect(tubes).toHaveLength(1);
    expect(tubes[0]!.scores![0]).toBe(0.9);
  });

  it('online == offline: pushing frames one by one gives the batch tubes', () => {
    const rand = mulberry32(7);
    const rows: Row[] = [];
    for (let f = 1; f <= 120; f++) {
      if (f % 17 === 0) continue; // a few frames without detections
      for (let k = 0; k < 6; k++) {
        if (Math.floor(f / 25 + k) % 3 === 0) continue; // tracks pause, so paths die mid-video
        const x = 40 * k + 5 * Math.sin(f / 9 + k) + 3 * rand();
        rows.push(['v', f, k % 3, rand(), x, 10, x + 30, 80]);
      }
    }
    const dets = frameDets(rows);
    const batch = linkOnline(dets, SINGH_ONLINE_LINKING);
    expect(batch.length).toBeGreaterThan(3);
    const linker = new OnlineLinker(SINGH_ONLINE_LINKING, { video: 'v' });
    const streamed: DetectedTube[] = [];
    let closedEarly = 0;
    for (let f = 1, r = 0; f <= 120; f++) {
      let re = r;
      while (re < dets.length && dets.frame[re] === f) re++;
      const out = linker.push({
        frame: f,
        count: re - r,
        labels: dets.label.subarray(r, re),
        scores: dets.score.subarray(r, re),
        boxes: dets.boxes.subarray(4 * r, 4 * re),
      });
      for (const t of out) expect(t.start + t.boxes.length / 4 - 1).toBeLessThan(f);
      closedEarly += out.length;
      streamed.push(...out);
      r = re;
    }
    streamed.push(...linker.finish());
    expect(closedEarly).toBeGreaterThan(0);
    expect(sortOnlineTubes(streamed, SINGH_ONLINE_LINKING.outputOrderTopK)).toEqual(batch);
  });

  it('rejects frames pushed out of order and NaN scores', () => {
    const linker = new OnlineLinker(SINGH_ONLINE_LINKING, { video: 'v' });
    linker.push(frame(3, []));
    expect(() => linker.push(frame(2, []))).toThrow(LinkingInputError);
    expect(() => linker.push(frame(3, []))).toThrow(/frame 3 pushed after frame 3/);
    expect(() => linker.push(frame(4, [[0, Number.NaN, 0, 0, 1, 1]]))).toThrow(/score NaN/);
  });

  it('carries class-score vectors into the tubes', () => {
    const rows: Row[] = [1, 2, 3, 4].map((f) => ['v', f, 1, 0.8, 0, 0, 10, 10]);
    const classScores = new Float64Array([0.2, 0.8, 0.2, 0.8, 0.3, 0.7, 0.2, 0.8]);
    const [tube] = linkOnline(frameDets(rows), SINGH_ONLINE_LINKING, { classScores, classes: 2 });
    expect(Array.from(tube!.classScores!)).toEqual(Array.from(classScores));
  });
});
