import { meanOverSeeds } from './seed-mean';

describe('meanOverSeeds', () => {
  it('averages numbers member by member and keeps the rest from the first run', () => {
    expect(
      meanOverSeeds([
        { a: 1, b: [2, Number.NaN], s: 'x' },
        { a: 3, b: [4, Number.NaN], s: 'y' },
      ]),
    ).toEqual({ a: 2, b: [3, Number.NaN], s: 'x' });
    expect(() => meanOverSeeds([])).toThrow(/no runs/);
  });
  it('keeps a value every seed shares exactly', () => {
    expect(meanOverSeeds([{ alpha: 0.35 }, { alpha: 0.35 }, { alpha: 0.35 }]).alpha).toBe(0.35);
    expect(meanOverSeeds([0.1, 0.2, Number.NaN])).toBeCloseTo(0.15, 12);
  });
});
