import { figure4Of, figure4Svg } from './figure4';

describe('STEP Figure 4', () => {
  it('bins proposal IoUs per step and counts the share at IoU ≥ 0.5', () => {
    const fig = figure4Of([
      [0.05, 0.55, 0.95, 1],
      [0.5, 0.49],
    ]);
    expect(fig.percentByStep[0][0]).toBe(25);
    expect(fig.percentByStep[0][9]).toBe(50);
    expect(fig.percentByStep[1][4]).toBe(50);
    expect(fig.percentByStep[1][5]).toBe(50);
    expect(fig.atLeastHalf).toEqual([75, 50]);
    expect(figure4Svg(fig)).toContain('step 2 input (50% ≥ 0.5)');
  });
});
