import { decodeFlow, encodeFlow } from './flow-encoding';

describe('flow encoding', () => {
  it('maps (u, v) to 0.5 ± u/(2·bound), magnitude to |flow|/bound, and decodes back', () => {
    const flow = Float32Array.of(0, 0, 4, -2, 30, 0);
    const image = encodeFlow(flow, 8);
    expect(Array.from(image.subarray(0, 3))).toEqual([0.5, 0.5, 0]);
    expect(image[3]).toBeCloseTo(0.75, 6);
    expect(image[4]).toBeCloseTo(0.375, 6);
    expect(image[5]).toBeCloseTo(Math.hypot(4, 2) / 8, 6);
    expect(Array.from(image.subarray(6))).toEqual([1, 0.5, 1]); // saturated beyond ±bound
    const back = decodeFlow(image, 8);
    expect(Array.from(back.subarray(0, 4))).toEqual([0, 0, 4, -2]);
    expect(back[4]).toBe(8);
    expect(() => encodeFlow(flow, 0)).toThrow(/bound must be > 0/);
  });
});
