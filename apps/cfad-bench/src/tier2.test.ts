import type { ActionDataset } from '@tubekit/datasets';
import { keyTimestampCounts, polynomialFitMabo } from './tier2';

// class 0: a box moving on a parabola (order 2 fits it exactly, order 1 does not); class 1: still
const parabola = Float64Array.from({ length: 9 * 4 }, (_, i) => {
  const t = i >> 2;
  const x = 2 * (t - 4) ** 2;
  return [x, 0, x + 10, 10][i % 4]!;
});
const still = Float64Array.from({ length: 5 * 4 }, (_, i) => [0, 0, 10, 10][i % 4]!);
const dataset = {
  labels: ['parabola', 'still'],
  videos: [
    {
      name: 'a',
      nframes: 9,
      width: 64,
      height: 64,
      tubes: [{ start: 1, label: 0, boxes: parabola }],
    },
    { name: 'b', nframes: 5, width: 64, height: 64, tubes: [{ start: 1, label: 1, boxes: still }] },
  ],
  splits: {},
} as unknown as ActionDataset;

describe('tier 2: polynomial fits and Eq. 5 key counts on annotations', () => {
  test('the fit v-MABO rises with k and is exact once k reaches the motion order', () => {
    const [k1, k2] = polynomialFitMabo(dataset, [1, 2]);
    expect(k1!.mabo).toBeLessThan(100);
    expect(k2!.mabo).toBeCloseTo(100, 6);
  });

  test('a still tube needs its two endpoints; a parabola more', () => {
    const rows = keyTimestampCounts(dataset, 5);
    expect(rows.map((r) => r.label)).toEqual(['parabola', 'still']);
    expect(rows[1]).toEqual({ label: 'still', tubes: 1, meanKeys: 2, reached: 100 });
    expect(rows[0]!.meanKeys).toBeGreaterThan(2);
  });
});
