import { anchorBoxesAt, clusterAnchors } from './anchor-clustering';
import { createRandom } from './random';

function synthetic(seed: number, n: number): Float64Array {
  const rng = createRandom(seed);
  const centres = [
    [20, 40],
    [60, 120],
    [150, 90],
  ];
  const b = new Float64Array(4 * n);
  for (let i = 0; i < n; i++) {
    const [w, h] = centres[i % 3]!;
    const jw = w! * (0.9 + 0.2 * rng.next());
    const jh = h! * (0.9 + 0.2 * rng.next());
    const x = rng.next() * 300;
    const y = rng.next() * 200;
    b.set([x, y, x + jw, y + jh], 4 * i);
  }
  return b;
}

describe('clusterAnchors (YOLO9000 k-means, d = 1 − IoU)', () => {
  test('recovers well-separated size clusters', () => {
    const r = clusterAnchors(synthetic(7, 300), 3, { seed: 1 });
    expect(r.converged).toBe(true);
    const sizes = Array.from(r.sizes);
    expect(sizes[0]).toBeCloseTo(20, -0.5);
    expect(sizes[1]).toBeCloseTo(40, -0.5);
    expect(sizes[2]).toBeCloseTo(60, -0.5);
    expect(sizes[3]).toBeCloseTo(120, -0.5);
    expect(sizes[4]).toBeCloseTo(150, -0.5);
    expect(sizes[5]).toBeCloseTo(90, -0.5);
    expect(r.meanIoU).toBeGreaterThan(0.85);
    // anchors sorted by area, boxes assigned round-robin to their cluster
    for (let i = 0; i < 300; i++) expect(r.assignment[i]).toBe(i % 3);
  });
  test('same seed, same anchors; more anchors never fit worse here', () => {
    const boxes = synthetic(3, 200);
    const a = clusterAnchors(boxes, 5, { seed: 42 });
    const b = clusterAnchors(boxes, 5, { seed: 42 });
    expect(Array.from(a.sizes)).toEqual(Array.from(b.sizes));
    expect(clusterAnchors(boxes, 6, { seed: 42 }).meanIoU).toBeGreaterThanOrEqual(
      clusterAnchors(boxes, 1, { seed: 42 }).meanIoU,
    );
  });
  test('invalid input', () => {
    expect(() => clusterAnchors(new Float64Array([0, 0, 1, 1]), 2, { seed: 1 })).toThrow(
      'k = 2 for 1 boxes',
    );
    expect(() => clusterAnchors(new Float64Array([0, 0, 0, 1]), 1, { seed: 1 })).toThrow(
      'box 0 is 0×1',
    );
  });
  test('anchor boxes centred on a point', () => {
    expect(Array.from(anchorBoxesAt(new Float64Array([10, 20, 4, 4]), 50, 50))).toEqual([
      45, 40, 55, 60, 48, 48, 52, 52,
    ]);
  });
});

describe('createRandom', () => {
  test('deterministic, in [0, 1), seeds differ', () => {
    const a = createRandom(123);
    const b = createRandom(123);
    const xs = Array.from({ length: 1000 }, () => a.next());
    expect(xs).toEqual(Array.from({ length: 1000 }, () => b.next()));
    expect(xs.every((x) => x >= 0 && x < 1)).toBe(true);
    expect(createRandom(124).next()).not.toBe(xs[0]);
    const mean = xs.reduce((s, x) => s + x, 0) / xs.length;
    expect(Math.abs(mean - 0.5)).toBeLessThan(0.05);
    expect(() => createRandom(Number.NaN)).toThrow('expected a finite number');
  });
});
