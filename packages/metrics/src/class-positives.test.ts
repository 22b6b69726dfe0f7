import { ClassPositives, sortPositives } from './class-positives';

describe('ClassPositives', () => {
  it('takes positions in ascending order only', () => {
    const p = new ClassPositives(1);
    p.push(0.5, 3);
    p.push(0.7, 8);
    expect(() => p.push(0.9, 8)).toThrow(/position 8 added after 8; positions must ascend/);
    expect(() => p.push(0.9, 2)).toThrow(/positions must ascend/);
    expect(p.length).toBe(2);
  });

  it('sorts by descending score, equal scores in position order', () => {
    const p = new ClassPositives(2);
    [
      [0.5, 1],
      [0.9, 4],
      [0.5, 6],
      [0.9, 7],
      [0.7, 9],
    ].forEach(([score, position], i) => {
      const at = p.push(score!, position!);
      p.tp[2 * at] = i;
    });
    const [sorted] = sortPositives([p], 2, false);
    expect(Array.from(sorted!.scores)).toEqual([0.9, 0.9, 0.7, 0.5, 0.5]);
    expect(Array.from(sorted!.positions)).toEqual([4, 7, 9, 1, 6]);
    expect(Array.from(sorted!.tp.filter((_, j) => j % 2 === 0))).toEqual([1, 3, 4, 0, 2]);
  });
});
