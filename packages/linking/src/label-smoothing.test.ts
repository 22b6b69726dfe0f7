import { smoothLabels } from './label-smoothing';

/** Exhaustive search over all L^T labellings (small cases only). */
function bruteForce(unary: number[], T: number, L: number, alpha: number): number {
  let best = Number.NEGATIVE_INFINITY;
  const labels = new Array<number>(T).fill(0);
  const visit = (t: number): void => {
    if (t === T) {
      let e = 0;
      for (let u = 0; u < T; u++)
        e += unary[u * L + labels[u]!]! - (u > 0 && labels[u] !== labels[u - 1] ? alpha : 0);
      best = Math.max(best, e);
      return;
    }
    for (let l = 0; l < L; l++) {
      labels[t] = l;
      visit(t + 1);
    }
  };
  visit(0);
  return best;
}

describe('smoothLabels', () => {
  it('smooths away a one-frame blip and keeps a long switch', () => {
    expect(Array.from(smoothLabels(new Float64Array([1, 0, 0.4, 0.6, 1, 0]), 3, 2, 1))).toEqual([
      0, 0, 0,
    ]);
    expect(
      Array.from(smoothLabels(new Float64Array([1, 0, 1, 0, 0, 1, 0, 1, 0, 1]), 5, 2, 0.5)),
    ).toEqual([0, 0, 1, 1, 1]);
  });

  it('matches exhaustive search on random cases', () => {
    let seed = 3;
    const rand = () => {
      seed = (seed * 1103515245 + 12345) % 2147483648;
      return seed / 2147483648;
    };
    for (let trial = 0; trial < 30; trial++) {
      const T = 1 + (trial % 6);
      const L = 2 + (trial % 3);
      const alpha = rand() * 1.5;
      const unary = Array.from({ length: T * L }, rand);
      const labels = smoothLabels(unary, T, L, alpha);
      let e = 0;
      for (let u = 0; u < T; u++)
        e += unary[u * L + labels[u]!]! - (u > 0 && labels[u] !== labels[u - 1] ? alpha : 0);
      expect(e).toBeCloseTo(bruteForce(unary, T, L, alpha), 12);
    }
  });

  it('rejects a negative penalty', () => {
    expect(() => smoothLabels([1, 0], 1, 2, -1)).toThrow(/alpha must be ≥ 0/);
  });
});
