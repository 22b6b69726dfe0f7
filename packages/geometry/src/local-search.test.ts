import fc from 'fast-check';
import { searchArea, selectInSearchArea } from './local-search';

describe('CFAD Eq. 7 local search', () => {
  test('Ω is centred on the box centre and scales with σ and the full size', () => {
    expect(Array.from(searchArea([10, 20, 30, 60], 0.5))).toEqual([10, 20, 30, 60]); // σ = ½: the box itself
    expect(Array.from(searchArea([10, 20, 30, 60], 0.8))).toEqual([4, 8, 36, 72]);
    expect(Array.from(searchArea([10, 20, 30, 60], 0))).toEqual([20, 40, 20, 40]);
  });

  test('picks the best-scoring proposal whose centre is in Ω, boundary included', () => {
    // coarse centre (20, 40), 20 × 40; σ = 0.8 → Ω = [4, 36] × [8, 72]
    const proposals = new Float64Array([
      100,
      100,
      120,
      120, // centre (110, 110): outside, highest score
      12,
      22,
      32,
      62, // centre (22, 42): inside
      0,
      0,
      40,
      80, // centre (20, 40): inside, best inside
      30,
      60,
      42,
      84, // centre (36, 72): on the corner of Ω
    ]);
    expect(selectInSearchArea([10, 20, 30, 60], proposals, [0.99, 0.6, 0.7, 0.5], 0.8)).toBe(2);
    expect(selectInSearchArea([10, 20, 30, 60], proposals, [0.99, 0.6, 0.7, 0.9], 0.8)).toBe(3);
    // σ = 0.4 → Ω = [12, 28] × [24, 56]: proposal 3 is out
    expect(selectInSearchArea([10, 20, 30, 60], proposals, [0.99, 0.6, 0.7, 0.9], 0.4)).toBe(2);
    // ties: lower index
    expect(selectInSearchArea([10, 20, 30, 60], proposals, [0.99, 0.7, 0.7, 0.1], 0.8)).toBe(1);
    expect(selectInSearchArea([10, 20, 30, 60], proposals.subarray(0, 4), [0.99], 0.8)).toBe(-1);
    expect(selectInSearchArea([10, 20, 30, 60], new Float64Array(0), [], 0.8)).toBe(-1);
  });

  test('property: the choice is inside Ω and no inside proposal scores higher; larger σ never loses', () => {
    const row = fc.tuple(
      fc.integer({ min: 0, max: 100 }),
      fc.integer({ min: 0, max: 100 }),
      fc.integer({ min: 1, max: 40 }),
      fc.integer({ min: 1, max: 40 }),
      fc.integer({ min: 0, max: 100 }),
    );
    fc.assert(
      fc.property(
        fc.array(row, { maxLength: 12 }),
        fc.double({ min: 0, max: 1.5, noNaN: true }),
        (rows, sigma) => {
          const boxes = Float64Array.from(rows.flatMap(([x, y, w, h]) => [x, y, x + w, y + h]));
          const scores = rows.map((r) => r[4] / 100);
          const coarse = [40, 40, 60, 70];
          const [xlo, ylo, xhi, yhi] = searchArea(coarse, sigma);
          const inside = rows.map(([x, y, w, h]) => {
            const cx = x + w / 2;
            const cy = y + h / 2;
            return cx >= xlo! && cx <= xhi! && cy >= ylo! && cy <= yhi!;
          });
          const j = selectInSearchArea(coarse, boxes, scores, sigma);
          if (j < 0) expect(inside.some(Boolean)).toBe(false);
          else {
            expect(inside[j]).toBe(true);
            for (let k = 0; k < rows.length; k++)
              if (inside[k]) expect(scores[k]!).toBeLessThanOrEqual(scores[j]!);
            const wider = selectInSearchArea(coarse, boxes, scores, sigma + 0.5);
            expect(scores[wider]!).toBeGreaterThanOrEqual(scores[j]!);
          }
        },
      ),
    );
  });

  test('bad input', () => {
    expect(() => searchArea([0, 0, 10, 10], -1)).toThrow(
      'searchArea: sigma = -1; expected a finite number ≥ 0',
    );
    expect(() => searchArea([10, 0, 0, 10], 0.8)).toThrow(/box \[10, 0, 0, 10\]; expected finite/);
    expect(() => selectInSearchArea([0, 0, 10, 10], new Float64Array(4), [], 0.8)).toThrow(
      'selectInSearchArea: 0 scores for 1 proposals; expected one each',
    );
  });
});
