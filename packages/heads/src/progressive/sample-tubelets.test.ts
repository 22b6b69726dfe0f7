import { createRandom } from '@tubekit/geometry';
import { assignAndSample } from './sample-tubelets';

describe('assignAndSample', () => {
  it('gives every GT its best proposal, assigns each positive to one GT and balances negatives', () => {
    // 5 proposals × 2 GT
    const ov = new Float64Array([0.9, 0.0, 0.0, 0.2, 0.6, 0.1, 0.0, 0.0, 0.05, 0.0]);
    const s = assignAndSample(ov, 5, 2, new Float64Array([0.9, 0.2, 0.6, 0.0, 0.05]), {
      iouThreshold: 0.5,
      maxPositives: 4,
      hardAware: true,
      rand: createRandom(1).next,
    });
    expect(s.positives.slice(0, 2).sort()).toEqual([0, 1]);
    expect(s.positives).toContain(2);
    expect(s.positiveGt[s.positives.indexOf(0)]).toBe(0);
    expect(s.positiveGt[s.positives.indexOf(1)]).toBe(1);
    expect(new Set([...s.positives, ...s.negatives]).size).toBe(
      s.positives.length + s.negatives.length,
    );
    expect(s.negatives.length).toBe(2); // pool {3, 4}
  });
  it('hard-aware sampling prefers confident negatives', () => {
    const M = 20;
    const ov = new Float64Array(M);
    const hard = new Float64Array(M).fill(0.01);
    hard[7] = 10;
    let hits = 0;
    const rand = createRandom(2).next;
    for (let r = 0; r < 50; r++) {
      const s = assignAndSample(ov, M, 1, hard, {
        iouThreshold: 0.5,
        maxPositives: 1,
        hardAware: true,
        rand,
      });
      if (s.negatives.includes(7)) hits++;
    }
    expect(hits).toBeGreaterThan(40);
  });
});
