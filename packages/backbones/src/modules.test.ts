import { initBackend, tf } from '@tubekit/nn';
import { MaxPool } from './modules';

describe('MaxPool (3-D, separable)', () => {
  it('matches tf.maxPool3d on the cpu backend, including all-negative windows and VALID padding', async () => {
    const cases: {
      kernel: number[];
      stride: number[];
      padding: 'same' | 'valid';
      shape: number[];
    }[] = [
      { kernel: [3, 3, 3], stride: [1, 1, 1], padding: 'same', shape: [2, 3, 5, 4, 3] },
      { kernel: [1, 3, 3], stride: [1, 2, 2], padding: 'same', shape: [1, 4, 7, 6, 2] },
      { kernel: [3, 3, 3], stride: [2, 2, 2], padding: 'same', shape: [1, 5, 6, 6, 2] },
      { kernel: [2, 2, 2], stride: [2, 2, 2], padding: 'valid', shape: [1, 5, 7, 4, 2] },
    ];
    const values = cases.map((c) =>
      Float32Array.from(
        { length: c.shape.reduce((a, b) => a * b, 1) },
        (_, i) => Math.sin(i * 1.7) - 0.8,
      ),
    );
    await initBackend({ backend: 'cpu', log: () => {} });
    const want = cases.map((c, i) =>
      tf.tidy(() =>
        Array.from(
          tf
            .maxPool3d(
              tf.tensor(values[i]!, c.shape) as unknown as tf.Tensor5D,
              c.kernel as [number, number, number],
              c.stride as [number, number, number],
              c.padding,
            )
            .dataSync(),
        ),
      ),
    );
    await initBackend({ backend: 'wasm', log: () => {} });
    cases.forEach((c, i) => {
      const pool = new MaxPool({ dims: 3, kernel: c.kernel, stride: c.stride, padding: c.padding });
      const x = tf.tensor(values[i]!, c.shape);
      const y = pool.forward(x);
      const size = pool.outputSize({
        frames: c.shape[1]!,
        height: c.shape[2]!,
        width: c.shape[3]!,
        channels: c.shape[4]!,
      });
      expect(y.shape).toEqual([c.shape[0], size.frames, size.height, size.width, size.channels]);
      const got = Array.from(y.dataSync());
      expect(got.length).toBe(want[i]!.length);
      for (let k = 0; k < got.length; k++) expect(got[k]).toBeCloseTo(want[i]![k]!, 6);
      tf.dispose([x, y]);
    });
  });
});
