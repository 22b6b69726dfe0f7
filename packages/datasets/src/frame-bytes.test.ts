import { quantizeFrame } from './frame-bytes';

describe('quantizeFrame', () => {
  it('is Math.round(255 · clamp(v)) for every float32 in a dense sweep of [−0.01, 1.01]', () => {
    const n = 1 << 20;
    const data = new Float32Array(n + 4);
    for (let i = 0; i < n; i++) data[i] = -0.01 + (1.02 * i) / (n - 1);
    data.set([0.5, Number.NaN, -0, 127.5 / 255], n);
    const bytes = new Uint8Array(data.length);
    quantizeFrame(bytes, 0, data, data.length);
    let mismatches = 0;
    for (let i = 0; i < data.length; i++) {
      const v = data[i] as number;
      const expected = Math.round(Math.min(Math.max(v, 0), 1) * 255) || 0;
      if (bytes[i] !== expected) mismatches++;
    }
    expect(mismatches).toBe(0);
    expect([...bytes.subarray(n)]).toEqual([128, 0, 0, 128]);
  });

  it('writes at the offset and rejects what does not fit', () => {
    const bytes = new Uint8Array(4);
    quantizeFrame(bytes, 2, new Float32Array([1, 0.2]), 2);
    expect([...bytes]).toEqual([0, 0, 255, 51]);
    expect(() => quantizeFrame(bytes, 3, new Float32Array(2), 2)).toThrow(/do not fit/);
  });
});
