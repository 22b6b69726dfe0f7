import { createRng } from '@tubekit/nn';
import { jitterColours } from './colour-jitter';

/** Two pixels: a pure red-ish one and a grey one, repeated over `ch` channels per pixel. */
function pixels(ch: number): Float32Array {
  const a = [0.9, 0.2, 0.4, 0.1, 0.6, 0.3].slice(0, ch);
  const b = [0.5, 0.5, 0.5, 0.7, 0.2, 0.8].slice(0, ch);
  return Float32Array.from([...a, ...b]);
}

describe('jitterColours', () => {
  it('leaves flow frames and the flow channels of early fusion untouched', () => {
    const rng = createRng(1);
    const flow = pixels(3);
    jitterColours(flow, 'flow', rng);
    expect(Array.from(flow)).toEqual(Array.from(pixels(3)));
    const early = pixels(6);
    jitterColours(early, 'early', rng);
    expect(Array.from(early.subarray(3, 6))).toEqual(Array.from(pixels(6).subarray(3, 6)));
    expect(Array.from(early.subarray(9, 12))).toEqual(Array.from(pixels(6).subarray(9, 12)));
  });

  it('maps each channel to a ±gain · (a permuted channel) + shift, the same for every pixel', () => {
    const rng = createRng(7);
    const seen = new Set<string>();
    let negatives = 0;
    const draws = 600;
    for (let d = 0; d < draws; d++) {
      const x = pixels(3);
      jitterColours(x, 'rgb', rng);
      // grey stays grey, near mid-grey: a · 0.5 + b ∈ [0.4, 0.6]
      expect(x[3]).toBeCloseTo(x[4], 6);
      expect(x[4]).toBeCloseTo(x[5], 6);
      expect(Math.abs(x[3] - 0.5)).toBeLessThanOrEqual(0.1 + 1e-6);
      // out(p) − out(grey) = gain · (in(p) − 0.5) on a permuted channel: the input's deviations
      // from grey (0.4, −0.3, −0.1) differ in size, so the largest output deviation gives the gain
      const deviation = [0.4, -0.3, -0.1];
      const out = [0, 1, 2].map((k) => x[k] - x[3]);
      const largest = out.reduce((m, v, k) => (Math.abs(v) > Math.abs(out[m]) ? k : m), 0);
      const gain = out[largest] / deviation[0];
      expect(Math.abs(gain)).toBeGreaterThanOrEqual(0.7 - 1e-5);
      expect(Math.abs(gain)).toBeLessThanOrEqual(1.3 + 1e-5);
      if (gain < 0) negatives++;
      const source = out.map((v) => deviation.findIndex((dv) => Math.abs(gain * dv - v) < 1e-4));
      expect(source.slice().sort()).toEqual([0, 1, 2]);
      seen.add(source.join(''));
    }
    expect(seen).toEqual(new Set(['012', '021', '102', '120', '201', '210']));
    expect(negatives / draws).toBeGreaterThan(0.18);
    expect(negatives / draws).toBeLessThan(0.32);
  });
});
