import { frameDets } from '../test/fixtures';
import { classScoresFromRows } from './class-score-vectors';

describe('classScoresFromRows', () => {
  it('groups rows with identical boxes of one frame into one class-score vector', () => {
    const dets = frameDets([
      ['v', 1, 0, 0.7, 0, 0, 10, 10],
      ['v', 1, 2, 0.2, 0, 0, 10, 10],
      ['v', 1, 1, 0.9, 5, 5, 20, 20],
      ['v', 2, 1, 0.4, 0, 0, 10, 10],
    ]);
    expect(Array.from(classScoresFromRows(dets, 3))).toEqual([
      0.7, 0, 0.2, 0.7, 0, 0.2, 0, 0.9, 0, 0, 0.4, 0,
    ]);
    expect(() => classScoresFromRows(dets, 2)).toThrow(/label 2, expected < 2 classes/);
  });
});
