import * as tf from '@tensorflow/tfjs-core';
import { randomTensor } from '../test/random-tensor';
import { type Conv3dOptions, conv3d } from './conv3d';
import { gradientCheck } from './grad-check';
import { initBackend } from './init-backend';

const quiet = { log: () => {} };
beforeAll(async () => {
  await initBackend({ backend: 'wasm', ...quiet });
});

const cases: { name: string; x: number[]; w: number[]; o: Conv3dOptions }[] = [
  { name: '3x3x3 same', x: [1, 4, 5, 5, 2], w: [3, 3, 3, 2, 3], o: {} },
  { name: 'stride [2,2,2] same', x: [2, 5, 6, 5, 2], w: [3, 3, 3, 2, 2], o: { strides: 2 } },
  { name: '[3,1,1] valid', x: [1, 6, 3, 4, 3], w: [3, 1, 1, 3, 2], o: { pad: 'valid' } },
  // Purely temporal kernels take the one-conv2d path over [B, D, H·W, C].
  { name: '[3,1,1] same (temporal path)', x: [2, 5, 3, 2, 3], w: [3, 1, 1, 3, 5], o: {} },
  {
    name: '[2,1,1] stride [2,1,1] same (temporal path)',
    x: [1, 5, 2, 3, 2],
    w: [2, 1, 1, 2, 3],
    o: { strides: [2, 1, 1] },
  },
  {
    name: '[1,3,3] stride [1,2,2] pad 1',
    x: [1, 3, 7, 7, 2],
    w: [1, 3, 3, 2, 4],
    o: { strides: [1, 2, 2], pad: 1 },
  },
  {
    name: '[2,2,2] temporal dilation 2',
    x: [1, 6, 4, 4, 1],
    w: [2, 2, 2, 1, 2],
    o: { temporalDilation: 2, pad: 'same' },
  },
  {
    name: '[4,3,3] stride 3 same',
    x: [1, 8, 5, 5, 2],
    w: [4, 3, 3, 2, 2],
    o: { strides: [3, 1, 1] },
  },
];

describe('conv3d as a sum of 2-D convolutions', () => {
  for (const c of cases) {
    test(`${c.name}: forward and gradients equal tf.conv3d on cpu; numeric gradient check on wasm`, async () => {
      const x = randomTensor(c.x, 1) as tf.Tensor5D;
      const w = randomTensor(c.w, 2) as tf.Tensor5D;
      const s = c.o.strides ?? 1;
      const strides = typeof s === 'number' ? ([s, s, s] as [number, number, number]) : s;
      const dil = c.o.temporalDilation ?? 1;
      const ref = (a: tf.Tensor, b: tf.Tensor) =>
        tf.conv3d(
          a as tf.Tensor5D,
          b as tf.Tensor5D,
          strides,
          (c.o.pad ?? 'same') as 'same',
          'NDHWC',
          [dil, 1, 1],
        );
      const ours = (a: tf.Tensor, b: tf.Tensor) => conv3d(a as tf.Tensor5D, b as tf.Tensor5D, c.o);
      const weight = tf.tidy(() => randomTensor(ref(x, w).shape, 3));
      const lossOf = (f: typeof ours) => (a: tf.Tensor, b: tf.Tensor) =>
        f(a, b).mul(weight).sum() as tf.Scalar;
      await initBackend({ backend: 'cpu', ...quiet });
      // tfjs has no conv3d gradient for dilation > 1: there only the forward pass is compared.
      const [expY, expDx, expDw] = tf.tidy(() =>
        [ref(x, w), ...(dil === 1 ? tf.grads(lossOf(ref))([x, w]) : [])].map((t) =>
          Float32Array.from(t.dataSync()),
        ),
      );
      await initBackend({ backend: 'wasm', ...quiet });
      const y = ours(x, w);
      expect(y.shape).toEqual(tf.tidy(() => ref(x, w).shape));
      const [gotDx, gotDw] = tf.tidy(() =>
        tf
          .grads(lossOf(ours))([x, w])
          .map((t) => Float32Array.from(t.dataSync())),
      );
      const close = (a: Float32Array, b: Float32Array) => {
        expect(a.length).toBe(b.length);
        for (let i = 0; i < a.length; i++)
          expect(Math.abs(a[i] - b[i])).toBeLessThan(1e-3 * Math.max(1, Math.abs(a[i])));
      };
      close(expY, y.dataSync() as Float32Array);
      if (expDx) close(expDx, gotDx);
      if (expDw) close(expDw, gotDw);
      expect(gradientCheck(lossOf(ours), [x, w], { samples: 6 }).maxError).toBeLessThan(2e-2);
      tf.dispose([x, w, weight, y]);
    });
  }

  test.each([
    { path: 'temporal (fused)', w: [3, 1, 1, 3, 5] },
    { path: 'sum of 2-D convolutions', w: [2, 3, 3, 3, 5] },
  ])(
    'bias + ReLU on the $path path: equals relu(tf.conv3d + bias) on cpu, gradients check numerically',
    async ({ w: wShape }) => {
      const x = randomTensor([1, 4, 3, 5, 3], 11) as tf.Tensor5D;
      const w = randomTensor(wShape, 12) as tf.Tensor5D;
      const bias = randomTensor([5], 13) as tf.Tensor1D;
      await initBackend({ backend: 'cpu', ...quiet });
      const expected = tf.tidy(() =>
        Float32Array.from(tf.relu(tf.add(tf.conv3d(x, w, 1, 'same'), bias)).dataSync()),
      );
      await initBackend({ backend: 'wasm', ...quiet });
      const ours = (a: tf.Tensor, b: tf.Tensor, c: tf.Tensor) =>
        conv3d(a as tf.Tensor5D, b as tf.Tensor5D, { bias: c as tf.Tensor1D, activation: 'relu' });
      const got = tf.tidy(() => Float32Array.from(ours(x, w, bias).dataSync()));
      for (let i = 0; i < expected.length; i++)
        expect(Math.abs(got[i] - expected[i])).toBeLessThan(
          1e-4 * Math.max(1, Math.abs(expected[i])),
        );
      const loss = (a: tf.Tensor, b: tf.Tensor, c: tf.Tensor) =>
        tf.sum(tf.square(ours(a, b, c))) as tf.Scalar;
      expect(gradientCheck(loss, [x, w, bias], { samples: 6 }).maxError).toBeLessThan(2e-2);
      tf.dispose([x, w, bias]);
    },
  );

  test('leaks no tensors across forward/backward steps', () => {
    const x = randomTensor([1, 4, 6, 6, 2], 4) as tf.Tensor5D;
    const w = randomTensor([3, 3, 3, 2, 2], 5) as tf.Tensor5D;
    const step = () =>
      tf.tidy(
        () =>
          tf
            .grads(
              (a: tf.Tensor, b: tf.Tensor) =>
                conv3d(a as tf.Tensor5D, b as tf.Tensor5D, { strides: 2 }).sum() as tf.Scalar,
            )([x, w])[1]
            .sum()
            .dataSync()[0],
      );
    step();
    const n = tf.memory().numTensors;
    step();
    step();
    expect(tf.memory().numTensors).toBe(n);
    tf.dispose([x, w]);
  });

  test('names both shapes when channels disagree', () => {
    const x = tf.zeros([1, 2, 3, 3, 2]) as tf.Tensor5D;
    const w = tf.zeros([1, 1, 1, 3, 2]) as tf.Tensor5D;
    expect(() => conv3d(x, w)).toThrow(/x has 2 channels but the filter expects 3/);
    tf.dispose([x, w]);
  });
});
