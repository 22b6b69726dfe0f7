import * as tf from '@tensorflow/tfjs-core';
import { expectClose } from '../test/expect-close';
import { expectNoLeaks } from '../test/leaks';
import { ONNXRUNTIME_SKIP, onnxruntimeInstalled } from '../test/onnxruntime';
import { randomTensor } from '../test/random-tensor';
import { gradientCheck } from './grad-check';
import { initBackend } from './init-backend';
import { stopOnnxConvolutions, useOnnxConvolutions } from './ort-convolutions';
import { matMulMacsPerFloat, singleMatMulSizes } from './ort-matmul';

const quiet = { log: () => {} };
const describeOrt = onnxruntimeInstalled ? describe : describe.skip;

/** A dense layer with a bias and ReLU, then a weighted sum: every product a layer's gradients make. */
const denseLoss = (x: tf.Tensor, w: tf.Tensor, b: tf.Tensor, r: tf.Tensor) =>
  tf
    .relu(tf.add(tf.matMul(x as tf.Tensor2D, w as tf.Tensor2D), b))
    .mul(r)
    .sum() as tf.Scalar;

/** Loss value and gradients, as plain arrays. */
const valueAndGrads = (inputs: tf.Tensor[]) =>
  tf.tidy(() => {
    const { value, grads } = tf.valueAndGrads(denseLoss)(inputs);
    return [value, ...grads].map((t) => Float32Array.from(t.dataSync()));
  });

describe('ort-matmul sizes', () => {
  test('reads M, K, N through the transposes and only for a batch of 1', () => {
    const info = (shape: number[]) => ({ dataId: {}, shape, dtype: 'float32' as const });
    expect(singleMatMulSizes(info([5, 3]), info([3, 7]), false, false)).toEqual({
      M: 5,
      K: 3,
      N: 7,
    });
    expect(singleMatMulSizes(info([3, 5]), info([7, 3]), true, true)).toEqual({ M: 5, K: 3, N: 7 });
    expect(singleMatMulSizes(info([1, 5, 3]), info([3, 7]), false, false)).toEqual({
      M: 5,
      K: 3,
      N: 7,
    });
    expect(singleMatMulSizes(info([2, 5, 3]), info([2, 3, 7]), false, false)).toBeUndefined();
    expect(
      singleMatMulSizes({ ...info([5, 3]), dtype: 'int32' }, info([3, 7]), false, false),
    ).toBeUndefined();
    expect(matMulMacsPerFloat({ M: 1320, K: 1600, N: 128 })).toBeCloseTo(108.75, 2);
  });
});

describeOrt('useOnnxConvolutions({ denseLayers }) (dense layers on onnxruntime)', () => {
  beforeAll(async () => {
    await initBackend({ backend: 'wasm', ...quiet });
  });
  afterAll(async () => {
    await stopOnnxConvolutions();
  });

  test.each([
    { name: 'odd sizes', x: [7, 5], w: [5, 3] },
    { name: 'one row (batch 1)', x: [1, 6], w: [6, 4] },
    { name: 'wide', x: [9, 13], w: [13, 11] },
  ])('matches wasm, the cpu backend and numeric gradients: $name', async ({ x, w }) => {
    const inputs = [randomTensor(x, 1), randomTensor(w, 2), randomTensor([w[1]!], 3)];
    inputs.push(randomTensor([x[0]!, w[1]!], 4));
    await initBackend({ backend: 'wasm', ...quiet });
    await stopOnnxConvolutions({ keepWorker: true });
    const wasm = valueAndGrads(inputs);
    await useOnnxConvolutions({ denseLayers: true, denseMinMacsPerFloat: 0 });
    const ort = valueAndGrads(inputs);
    expectClose(wasm, ort);
    expect(gradientCheck(denseLoss, inputs, { samples: 10 }).maxError).toBeLessThan(2e-2);
    await initBackend({ backend: 'cpu', ...quiet });
    expectClose(valueAndGrads(inputs), ort);
    await initBackend({ backend: 'wasm', ...quiet });
    tf.dispose(inputs);
  });

  test('leaves small products, batches and the option off to wasm', async () => {
    await initBackend({ backend: 'wasm', ...quiet });
    const a = randomTensor([6, 4], 5);
    const b = randomTensor([4, 5], 6);
    const batched = [randomTensor([3, 6, 4], 7), randomTensor([3, 4, 5], 8)] as const;
    const products = () =>
      tf.tidy(() =>
        [tf.matMul(a, b), tf.matMul(batched[0], batched[1])].map((t) =>
          Float32Array.from(t.dataSync()),
        ),
      );
    await stopOnnxConvolutions({ keepWorker: true });
    const wasm = products();
    await useOnnxConvolutions({ denseLayers: true }); // [6, 4] · [4, 5]: 1.6 per float, below 40
    expect(products()).toEqual(wasm);
    await useOnnxConvolutions({ denseLayers: true, denseMinMacsPerFloat: 0 });
    const [single, batch] = products();
    expect(single).not.toEqual(wasm[0]);
    expect(batch).toEqual(wasm[1]);
    await useOnnxConvolutions({ denseMinMacsPerFloat: 0 }); // denseLayers off
    expect(products()).toEqual(wasm);
    tf.dispose([a, b, ...batched]);
  });

  test('leaks no tensor and no wasm buffer over training steps', async () => {
    await initBackend({ backend: 'wasm', ...quiet });
    await useOnnxConvolutions({ denseLayers: true, denseMinMacsPerFloat: 0 });
    const inputs = [randomTensor([8, 6], 9), randomTensor([6, 5], 10), randomTensor([5], 11)];
    inputs.push(randomTensor([8, 5], 12));
    expectNoLeaks(() => valueAndGrads(inputs));
    tf.dispose(inputs);
  });
});

if (!onnxruntimeInstalled)
  test.skip(`useOnnxConvolutions({ denseLayers }): ${ONNXRUNTIME_SKIP}`, () => {});
