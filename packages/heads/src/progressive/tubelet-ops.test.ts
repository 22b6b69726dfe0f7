import { extrapolateTubelets } from './tubelet-ops';

describe('tubelet ops', () => {
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
