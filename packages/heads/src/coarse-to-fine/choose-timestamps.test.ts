import { createRng } from '@tubekit/nn';
import { chooseTimestamps } from './choose-timestamps';

describe('chooseTimestamps (CFAD §3.3 selection, Fig. 4b baselines)', () => {
  test('learned: p ≥ α', () => {
    expect(
      Array.from(chooseTimestamps([0.9, 0.1, 0.25, 0.8], { kind: 'learned', alpha: 0.25 })),
    ).toEqual([0, 2, 3]);
    expect(Array.from(chooseTimestamps([0.9, 0.1], { kind: 'learned', alpha: 0.95 }))).toEqual([]);
  });

  test('uniform: a fixed step over s_i', () => {
    const p = new Float32Array(5);
    expect(Array.from(chooseTimestamps(p, { kind: 'uniform', count: 3 }))).toEqual([0, 2, 4]);
    expect(Array.from(chooseTimestamps(p, { kind: 'uniform', count: 1 }))).toEqual([2]);
    expect(Array.from(chooseTimestamps(p, { kind: 'uniform', count: 9 }))).toEqual([0, 1, 2, 3, 4]);
    expect(Array.from(chooseTimestamps(p, { kind: 'none' }))).toEqual([]);
  });

  test('random: count distinct sorted indices, seeded', () => {
    const p = new Float32Array(8);
    const a = chooseTimestamps(p, { kind: 'random', count: 3, rng: createRng(4) });
    const b = chooseTimestamps(p, { kind: 'random', count: 3, rng: createRng(4) });
    expect(Array.from(a)).toEqual(Array.from(b));
    expect(new Set(a).size).toBe(3);
    expect(Array.from(a)).toEqual(Array.from(a).sort((x, y) => x - y));
  });
});
