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
});
