import { boxNMS } from '@tubekit/geometry';
import { mulberry32 } from '../test/fixtures';
import { nmsRows } from './row-nms';

describe('nmsRows', () => {
  it('equals boxNMS over the gathered rows, with and without overlapping boxes', () => {
    const rand = mulberry32(4);
    for (let trial = 0; trial < 200; trial++) {
      const n = 1 + Math.floor(12 * rand());
      const spread = trial % 2 === 0 ? 1000 : 60; // sparse (fast path) or crowded (NMS)
      const boxes = new Float64Array(4 * 20);
      const scores = new Float64Array(20);
      for (let i = 0; i < 20; i++) {
        const x = spread * rand();
        const y = spread * rand();
        boxes.set([x, y, x + 40, y + 40], 4 * i);
        scores[i] = Math.round(10 * rand()) / 10; // ties happen
      }
      const rows = Int32Array.from({ length: n }, (_, i) => (7 * i + trial) % 20);
      const options = { iouThreshold: 0.3, pixelInclusive: trial % 3 === 0, topK: 1 + (trial % 8) };
      const gathered = new Float64Array(4 * n);
      const gatheredScores = new Float64Array(n);
      rows.forEach((r, i) => {
        gathered.set(boxes.subarray(4 * r, 4 * r + 4), 4 * i);
        gatheredScores[i] = scores[r]!;
      });
      const expected = Array.from(boxNMS(gathered, gatheredScores, options).keep, (k) => rows[k]);
      expect(Array.from(nmsRows(boxes, scores, rows, n, options))).toEqual(expected);
    }
  });
});
