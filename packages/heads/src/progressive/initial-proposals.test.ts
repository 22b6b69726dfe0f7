import {
  gridSize,
  initialProposals,
  STEP_GRID_5,
  STEP_GRID_11,
  STEP_GRID_34,
} from './initial-proposals';

describe('initialProposals', () => {
  it('has the paper counts 11 and 34 and replicates boxes over time', () => {
    expect(gridSize(STEP_GRID_11)).toBe(11);
    expect(gridSize(STEP_GRID_34)).toBe(34);
    expect(gridSize(STEP_GRID_5)).toBe(5);
    const b = initialProposals({ width: 100, height: 80, length: 6 });
    expect(b.length).toBe(11 * 6 * 4);
    for (let m = 0; m < 11; m++)
      for (let t = 1; t < 6; t++)
        for (let c = 0; c < 4; c++) expect(b[(m * 6 + t) * 4 + c]).toBe(b[m * 6 * 4 + c]);
    for (let i = 0; i < b.length; i += 4) {
      expect(b[i]).toBeGreaterThanOrEqual(0);
      expect(b[i + 2]).toBeLessThanOrEqual(100 + 1e-9);
      expect(b[i + 3]).toBeLessThanOrEqual(80 + 1e-9);
    }
  });
  it('rejects a bad grid level naming it', () => {
    expect(() =>
      initialProposals({
        width: 10,
        height: 10,
        length: 1,
        grid: [{ rows: 1, cols: 1, width: 2, height: 1 }],
      }),
    ).toThrow(/grid level 0/);
  });
});
