import { createRng, restoreRng } from './random';

describe('createRng', () => {
  test('same seed, same sequence; different seeds differ; values in range', () => {
    const a = createRng(42);
    const b = createRng(42);
    const c = createRng(43);
    const xs = Array.from({ length: 100 }, () => a.next());
    expect(Array.from({ length: 100 }, () => b.next())).toEqual(xs);
    expect(Array.from({ length: 100 }, () => c.next())).not.toEqual(xs);
    for (const x of xs) expect(x >= 0 && x < 1).toBe(true);
    for (let i = 0; i < 100; i++) {
      const k = a.int(7);
      expect(Number.isInteger(k) && k >= 0 && k < 7).toBe(true);
    }
  });

  test('restoreRng continues exactly where state() was taken', () => {
    const a = createRng(5);
    a.next();
    a.normal();
    const s = a.state();
    const rest = Array.from({ length: 10 }, () => a.next());
    const b = restoreRng(s);
    expect(Array.from({ length: 10 }, () => b.next())).toEqual(rest);
  });

  test('normal deviates have mean ≈ 0 and variance ≈ 1; shuffle is a permutation', () => {
    const r = createRng(1);
    const n = 20000;
    let s = 0;
    let s2 = 0;
    for (let i = 0; i < n; i++) {
      const v = r.normal();
      s += v;
      s2 += v * v;
    }
    expect(Math.abs(s / n)).toBeLessThan(0.03);
    expect(Math.abs(s2 / n - 1)).toBeLessThan(0.05);
    const p = r.shuffle(Array.from({ length: 50 }, (_, i) => i));
    expect([...p].sort((x, y) => x - y)).toEqual(Array.from({ length: 50 }, (_, i) => i));
    expect(() => createRng(1.5)).toThrow(/seed must be an integer, got 1.5/);
  });
});
