import { boxIoU } from '@tubekit/geometry';
import { frameDets, mulberry32 } from '../test/fixtures';
import { GKIOXARI_MALIK_LINKING, linkViterbi, YOWO_LINKING } from './viterbi-linking';

type Row = [string, number, number, number, number, number, number, number];

describe('linkViterbi', () => {
  it('finds the best path, removes it and repeats until a frame runs out', () => {
    const rows: Row[] = [];
    for (let f = 1; f <= 4; f++) {
      rows.push(['v', f, 0, 0.9, 0, 0, 10, 10]);
      rows.push(['v', f, 0, 0.2, 100, 100, 110, 110]);
    }
    rows.splice(4, 0, ['v', 2, 0, 0.1, 200, 200, 210, 210]);
    const tubes = linkViterbi(frameDets(rows), GKIOXARI_MALIK_LINKING);
    expect(tubes).toHaveLength(2);
    expect(Array.from(tubes[0]!.boxes.subarray(0, 4))).toEqual([0, 0, 10, 10]);
    // 3 edges of 0.9 + 0.9 + 1 (IoU) = 8.4, over T = 4 frames.
    expect(tubes[0]!.score).toBeCloseTo(8.4 / 4, 12);
    expect(Array.from(tubes[1]!.scores!)).toEqual([0.2, 0.2, 0.2, 0.2]);
    expect(tubes.map((t) => t.id)).toEqual([1, 2]);
  });

  it('prefers a smooth path over isolated high scores when the IoU term wins', () => {
    const rows: Row[] = [
      ['v', 1, 0, 0.5, 0, 0, 10, 10],
      ['v', 2, 0, 0.6, 50, 50, 60, 60],
      ['v', 2, 0, 0.5, 0, 0, 10, 10],
    ];
    const [best] = linkViterbi(frameDets(rows), GKIOXARI_MALIK_LINKING);
    expect(Array.from(best!.boxes.subarray(4))).toEqual([0, 0, 10, 10]);
  });

  it('breaks equal path scores by the lower box index (NMS order)', () => {
    const rows: Row[] = [
      ['v', 1, 0, 0.5, 0, 0, 10, 10],
      ['v', 2, 0, 0.5, 100, 0, 110, 10],
      ['v', 2, 0, 0.5, 0, 100, 10, 110],
    ];
    const tubes = linkViterbi(frameDets(rows), GKIOXARI_MALIK_LINKING);
    expect(tubes).toHaveLength(1);
    expect(Array.from(tubes[0]!.boxes.subarray(4))).toEqual([100, 0, 110, 10]);
  });

  it('stops at an empty frame (G&M) or fills it from the nearest frame (YOWO, earlier on ties)', () => {
    const rows: Row[] = [
      ['v', 1, 0, 0.9, 0, 0, 10, 10],
      ['v', 3, 0, 0.8, 2, 0, 12, 10],
    ];
    expect(linkViterbi(frameDets(rows), GKIOXARI_MALIK_LINKING)).toEqual([]);
    const [tube] = linkViterbi(frameDets(rows), YOWO_LINKING, { nframes: new Map([['v', 3]]) });
    expect(Array.from(tube!.boxes)).toEqual([0, 0, 10, 10, 0, 0, 10, 10, 2, 0, 12, 10]);
    expect(tube!.score).toBeCloseTo((0.9 + 0.9 + 0.8) / 3, 6);
  });

  it('YOWO: at most 3 paths, then tube NMS removes near-duplicates', () => {
    const rows: Row[] = [];
    for (let f = 1; f <= 5; f++)
      for (let k = 0; k < 5; k++)
        rows.push(['v', f, 0, 0.9 - 0.1 * k, 100 * k, 0, 100 * k + 50, 50]);
    const nframes = new Map([['v', 5]]);
    const yowo = linkViterbi(frameDets(rows), YOWO_LINKING, { nframes });
    expect(yowo).toHaveLength(3);
    expect(linkViterbi(frameDets(rows), GKIOXARI_MALIK_LINKING)).toHaveLength(5);
    // Frame 2 has one box: after the first path it is empty, so linking stops.
    const dup: Row[] = [
      ['v', 1, 0, 0.9, 0, 0, 10, 10],
      ['v', 1, 0, 0.8, 100, 0, 110, 10],
      ['v', 2, 0, 0.9, 0, 0, 10, 10],
    ];
    expect(linkViterbi(frameDets(dup), YOWO_LINKING, { nframes })).toHaveLength(1);
  });
});

describe('linkViterbi optimality', () => {
  it('the first path is the exhaustive-search optimum (random small cases)', () => {
    const rand = mulberry32(21);
    for (let trial = 0; trial < 25; trial++) {
      const T = 2 + (trial % 4);
      const rows: Row[] = [];
      const perFrame: number[][][] = [];
      for (let f = 1; f <= T; f++) {
        const n = 1 + Math.floor(3 * rand());
        perFrame.push([]);
        for (let k = 0; k < n; k++) {
          const x = 40 * rand();
          const box = [x, 0, x + 20 + 10 * rand(), 30];
          const s = rand();
          rows.push(['v', f, 0, s, box[0]!, box[1]!, box[2]!, box[3]!]);
          perFrame[f - 1]!.push([s, ...box]);
        }
      }
      const options = {
        ...YOWO_LINKING,
        span: 'first-to-last-detection' as const,
        float32: false,
        tubeNMS: null,
        tubeScore: 'path-mean' as const,
      };
      const [first] = linkViterbi(frameDets(rows), options);
      let best = Number.NEGATIVE_INFINITY;
      const walk = (t: number, prev: number[], acc: number): void => {
        if (t === T) {
          best = Math.max(best, acc);
          return;
        }
        for (const cur of perFrame[t]!) {
          const add =
            t === 0
              ? 0
              : prev[0]! + cur[0]! + boxIoU(prev.slice(1), cur.slice(1)) + 0.5 * prev[0]! * cur[0]!;
          walk(t + 1, cur, acc + add);
        }
      };
      walk(0, [], 0);
      expect(first!.score * T).toBeCloseTo(best, 10);
    }
  });
});

describe('linkViterbi input checks (issue 17)', () => {
  it('refuses negative detection scores instead of emitting negative tube scores', () => {
    // before: a tube of score (−0.5 − 0.5 + 1) / 2 = 0 … and with −0.9 scores a negative tube
    const rows: Row[] = [
      ['v', 1, 0, -0.9, 0, 0, 10, 10],
      ['v', 2, 0, -0.9, 0, 0, 10, 10],
    ];
    expect(() => linkViterbi(frameDets(rows), GKIOXARI_MALIK_LINKING, { source: 'd.csv' })).toThrow(
      'd.csv: row 0 (video "v", frame 1) has score -0.9, expected a finite number ≥ 0 (a detector confidence)',
    );
  });

  it('refuses frames beyond the video when the frame count is known', () => {
    const rows: Row[] = [['v', 726, 0, 0.9, 0, 0, 10, 10]];
    const nframes = new Map([['v', 725]]);
    expect(() => linkViterbi(frameDets(rows), GKIOXARI_MALIK_LINKING, { nframes })).toThrow(
      /row 0 \(video "v"\) has frame 726, beyond the video's 725 frames/,
    );
    expect(linkViterbi(frameDets(rows), GKIOXARI_MALIK_LINKING)).toHaveLength(1);
  });
});
