import { createRandom, oneToManyIoU } from '@tubekit/geometry';
import { fitProposalGrid } from './fit-proposal-grid';
import { gridSize, initialProposals, STEP_GRID_11 } from './initial-proposals';

/** Small, tall actors (SynthTubes-like): widths ~0.08 or ~0.2, heights ~0.25 or ~0.5, centred rows. */
function smallActors(n: number, seed: number): Float64Array {
  const r = createRandom(seed).next;
  const out = new Float64Array(n * 4);
  for (let i = 0; i < n; i++) {
    const big = i % 2 === 1;
    const w = (big ? 0.2 : 0.08) * (0.9 + 0.2 * r());
    const h = (big ? 0.5 : 0.25) * (0.9 + 0.2 * r());
    const x = r() * (1 - w);
    const y = 0.5 - h / 2 + (r() - 0.5) * 0.1;
    out.set([x, y, x + w, y + h], i * 4);
  }
  return out;
}

function coverage(gt: Float64Array, grid: Parameters<typeof gridSize>[0]): number {
  const p = initialProposals({ width: 1, height: 1, grid, length: 1 });
  const iou = new Float64Array(p.length / 4);
  let hit = 0;
  for (let i = 0; i < gt.length / 4; i++) {
    oneToManyIoU(gt.subarray(4 * i, 4 * i + 4), p, undefined, iou);
    if (Math.max(...iou) >= 0.5) hit++;
  }
  return hit / (gt.length / 4);
}

describe('fitProposalGrid', () => {
  it('one level per size cluster, about the budget, and better coverage of small actors than STEP_GRID_11', () => {
    const gt = smallActors(400, 3);
    const grid = fitProposalGrid(gt, { levels: 2, proposals: 11, seed: 1 });
    expect(grid).toHaveLength(2);
    const widths = grid.map((l) => l.width).sort((a, b) => a - b);
    expect(widths[0]).toBeCloseTo(0.08, 1);
    expect(widths[1]).toBeCloseTo(0.2, 1);
    expect(Math.abs(gridSize(grid) - 11)).toBeLessThanOrEqual(2);
    for (const l of grid) expect(l.cols).toBeGreaterThan(l.rows); // wide room for narrow boxes
    expect(coverage(gt, grid)).toBeGreaterThan(coverage(gt, STEP_GRID_11) + 0.1);
    expect(fitProposalGrid(gt, { levels: 2, proposals: 11, seed: 1 })).toEqual(grid);
  });
  it('rejects unnormalised boxes and a budget below the level count', () => {
    expect(() =>
      fitProposalGrid(new Float64Array([0, 0, 20, 30]), { levels: 1, proposals: 4, seed: 1 }),
    ).toThrow(/normalised to \[0, 1\]/);
    expect(() => fitProposalGrid(smallActors(8, 1), { levels: 3, proposals: 2, seed: 1 })).toThrow(
      /expected an integer ≥ levels/,
    );
  });
});
