import { allClaims, checkClaim, claimsMarkdown } from './claim';

const spec = (l: number, relation: '>' | '>=' | '<' | '<=' | '≈', r: number, tolerance?: number) =>
  checkClaim({
    id: 'x',
    statement: 's',
    left: { label: 'a', value: l },
    relation,
    right: { label: 'b', value: r },
    tolerance,
  });

describe('checkClaim', () => {
  it('applies each relation with its margin', () => {
    expect(spec(2, '>', 1).holds).toBe(true);
    expect(spec(1, '>', 1).holds).toBe(false);
    expect(spec(1.5, '>', 1, 1).holds).toBe(false);
    expect(spec(0.5, '>=', 1, 1).holds).toBe(true);
    expect(spec(0.5, '>=', 1).holds).toBe(false);
    expect(spec(1, '<', 2).holds).toBe(true);
    expect(spec(2, '<=', 1.5, 0.5).holds).toBe(true);
    expect(spec(2, '≈', 2.4, 0.5).holds).toBe(true);
    expect(spec(2, '≈', 3, 0.5).holds).toBe(false);
  });
  it('never holds on NaN', () => {
    expect(spec(Number.NaN, '<=', 1).holds).toBe(false);
    expect(spec(1, '>=', Number.NaN, 5).holds).toBe(false);
  });
  it('combines parts and renders markdown', () => {
    const all = allClaims('all', 'both', [spec(2, '>', 1), spec(1, '>', 2)]);
    expect(all.holds).toBe(false);
    expect(all.evidence).toContain('✗');
    expect(claimsMarkdown([all])).toContain('❌ does not hold — both');
  });
});
