import type { VideoAnnotation } from '@tubekit/datasets';
import { isTrimmed } from './trimmed-videos';

const video = (nframes: number, tubes: [start: number, length: number][]): VideoAnnotation => ({
  name: `v${nframes}`,
  nframes,
  width: 32,
  height: 32,
  tubes: tubes.map(([start, length]) => ({
    start,
    label: 0,
    boxes: Float64Array.from({ length: 4 * length }, (_, i) => [0, 0, 10, 10][i % 4]!),
  })),
});

describe('isTrimmed (CFAD spec S3)', () => {
  it('holds when every tube of every video spans the whole video', () => {
    expect(
      isTrimmed([
        video(5, [[1, 5]]),
        video(3, [
          [1, 3],
          [1, 3],
        ]),
      ]),
    ).toBe(true);
  });

  it('fails on a tube that starts late or ends early, a video without tubes, or no videos', () => {
    expect(isTrimmed([video(5, [[1, 5]]), video(6, [[2, 5]])])).toBe(false);
    expect(isTrimmed([video(5, [[1, 4]])])).toBe(false);
    expect(
      isTrimmed([
        video(5, [
          [1, 5],
          [3, 2],
        ]),
      ]),
    ).toBe(false);
    expect(isTrimmed([video(5, [[1, 5]]), video(4, [])])).toBe(false);
    expect(isTrimmed([])).toBe(false);
  });
});
