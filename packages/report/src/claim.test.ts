import { allClaims, checkClaim, claimsMarkdown, formatMeanStd, meanAndStd } from './claim';

const spec = (
  l: number[],
  relation: '>' | '>=' | '<' | '<=' | '≈',
  r: number[],
  tolerance?: number,
) =>
  checkClaim({
    id: 'x',
    statement: 's',
    left: { label: 'a', values: l },
    relation,
    right: { label: 'b', values: r },
    tolerance,
  });

describe('checkClaim', () => {
  it('is undecided on fewer than 3 seeds, whatever the gap', () => {
    expect(spec([90], '>', [10]).status).toBe('undecided');
    expect(spec([90], '>', [10]).evidence).toContain('noise n/a');
    expect(spec([90, 91], '>', [10, 11]).holds).toBe(false);
    expect(spec([90, 91, 92], '>', [10, 11]).status).toBe('undecided');
  });
  it('holds only when the margin exceeds 2 standard errors, and fails only below minus them', () => {
    // means 11 vs 10, sd 1 each, n 3: se = sqrt(2/3) = 0.816, noise 1.63 > margin 1: either way
    expect(spec([10, 11, 12], '>', [9, 10, 11]).status).toBe('undecided');
    expect(spec([9, 10, 11], '>', [10, 11, 12]).status).toBe('undecided');
    // means 10 vs 13: margin −3 < −1.63, the opposite is measured
    expect(spec([9, 10, 11], '>', [12, 13, 14]).status).toBe('fails');
    // means 13 vs 10: margin 3 > 1.63
    const r = spec([12, 13, 14], '>', [9, 10, 11]);
    expect(r.status).toBe('holds');
    expect(r.margin).toBeCloseTo(3);
    expect(r.noise).toBeCloseTo(2 * Math.sqrt(2 / 3));
    expect(r.evidence).toContain('13.00 ± 1.00');
  });
  it('applies each relation with its tolerance', () => {
    const same = [1, 1, 1];
    expect(spec([2, 2, 2], '>', same).holds).toBe(true);
    expect(spec(same, '>', same).holds).toBe(false);
    expect(spec(same, '>', same).status).toBe('undecided');
    expect(spec([1.5, 1.5, 1.5], '>', same, 1).holds).toBe(false);
    expect(spec([0.5, 0.5, 0.5], '>=', same, 1).holds).toBe(true);
    expect(spec([0.5, 0.5, 0.5], '>=', same).holds).toBe(false);
    expect(spec(same, '<', [2, 2, 2]).holds).toBe(true);
    expect(spec([2, 2, 2], '<=', [1.5, 1.5, 1.5], 0.5).holds).toBe(true);
    expect(spec([2, 2, 2], '≈', [2.4, 2.4, 2.4], 0.5).holds).toBe(true);
    expect(spec([2, 2, 2], '≈', [3, 3, 3], 0.5).status).toBe('fails');
  });
  it('is undecided when both sides measured one and the same value on every seed', () => {
    const floor = [0, 0, 0];
    for (const relation of ['>', '>=', '<', '<=', '≈'] as const) {
      const r = spec(floor, relation, floor);
      expect(r.status).toBe('undecided');
      expect(r.evidence).toContain('both sides 0.00 on every seed');
    }
    // equal per seed but spread over seeds (a no-op measured on varied seeds) still decides
    expect(spec([20, 20.1, 20.2], '≈', [20, 20.1, 20.2], 0.5).status).toBe('holds');
    // different constants still decide
    expect(spec([0, 0, 0], '<', [1, 1, 1]).status).toBe('holds');
  });
  it('is undecided on NaN', () => {
    expect(spec([Number.NaN], '<=', [1, 1, 1]).status).toBe('undecided');
  });
  it('combines parts: fails beat undecided beat holds, and renders markdown', () => {
    const yes = spec([2, 2, 2], '>', [1, 1, 1]);
    const no = spec([1, 1, 1], '>', [2, 2, 2]);
    const open = spec([2], '>', [1]);
    expect(allClaims('all', 'both', [yes, no, open]).status).toBe('fails');
    expect(allClaims('all', 'both', [yes, open]).status).toBe('undecided');
    expect(allClaims('all', 'both', [yes, yes]).status).toBe('holds');
    const md = claimsMarkdown([allClaims('all', 'both', [yes, no])]);
    expect(md).toContain('❌ does not hold — both');
    expect(md).toContain('✗');
    expect(claimsMarkdown([open])).toContain('❔ undecided');
  });
});

describe('meanAndStd / formatMeanStd', () => {
  it('uses the sample standard deviation and ignores non-finite values', () => {
    expect(meanAndStd([1, 2, 3, Number.NaN])).toEqual({ mean: 2, std: 1, n: 3 });
    expect(formatMeanStd([1, 2, 3])).toBe('2.0 ± 1.0');
    expect(formatMeanStd([4])).toBe('4.0');
    expect(formatMeanStd([])).toBe('–');
  });
});
