import { decodeDelta, encodeDelta, extrapolateTubelets } from './tubelet-ops';

describe('tubelet ops', () => {
  it('encode then decode is the identity', () => {
    const anchor = new Float64Array([10, 12, 30, 40]);
    const target = new Float64Array([14, 10, 36, 44]);
    const d = new Float32Array(4);
    encodeDelta(anchor, 0, target, 0, d, 0);
    const back = new Float64Array(4);
    decodeDelta(anchor, 0, d, 0, back, 0, 100, 100);
    for (let i = 0; i < 4; i++) expect(back[i]).toBeCloseTo(target[i], 4);
  });
  it('extrapolates linear motion exactly (Eq. 4) and clips to the frame', () => {
    const K = 3;
    const b = new Float64Array(K * 4);
    for (let t = 0; t < K; t++) b.set([10 + 2 * t, 10, 20 + 2 * t, 20], t * 4);
    const ext = extrapolateTubelets(b, 1, K, K, 28, 30);
    expect(ext.length).toBe(3 * K * 4);
    expect(Array.from(ext.subarray(0, 4))).toEqual([4, 10, 14, 20]); // 3 frames before: x − 6
    expect(Array.from(ext.subarray((3 * K - 1) * 4))).toEqual([20, 10, 28, 20]); // x2 = 30 clipped to 28
  });
});
