import { hash2, hash3, hash32, Prng } from './prng';

describe('Prng', () => {
  it('is a fixed sequence for a seed (pinned values) and stays in range', () => {
    const a = new Prng(42);
    const b = new Prng(42);
    const first = [a.nextUint32(), a.nextUint32(), a.nextUint32()];
    expect([b.nextUint32(), b.nextUint32(), b.nextUint32()]).toEqual(first);
    expect(first).toEqual([180875540, 2619707626, 2384983203]);
    expect(new Prng(43).nextUint32()).not.toBe(first[0]);
    const rng = new Prng(7);
    const counts = [0, 0, 0, 0, 0, 0];
    for (let i = 0; i < 6000; i++) {
      const v = rng.next();
      expect(v).toBeGreaterThanOrEqual(0);
      expect(v).toBeLessThan(1);
      counts[rng.int(1, 6) - 1]!++;
    }
    for (const c of counts) expect(Math.abs(c - 1000)).toBeLessThan(150);
  });
});

describe('hashes', () => {
  it('agree between the fixed-arity and the variadic forms and spread nearby inputs', () => {
    expect(hash2(5, 9)).toBe(hash32(5, 9));
    expect(hash3(5, 9, 11)).toBe(hash32(5, 9, 11));
    const seen = new Set<number>();
    for (let i = 0; i < 1000; i++) seen.add(hash2(1, i) >>> 22);
    expect(seen.size).toBeGreaterThan(600); // top 10 bits well spread over 1024 buckets
  });
});
