import * as tf from '@tensorflow/tfjs-core';
import { expectClose } from '../test/expect-close';
import {
  convTrainingStep,
  type FusedConvCase,
  fusedConvLoss,
  valueAndGrads,
} from '../test/fused-conv';
import { ONNXRUNTIME_SKIP, onnxruntimeInstalled } from '../test/onnxruntime';
import { randomTensor } from '../test/random-tensor';
import { gradientCheck } from './grad-check';
import { initBackend } from './init-backend';
import { encodeOnnxModel } from './onnx-model-encode';
import { runOnnxGraph, stopOnnxConvolutions, useOnnxConvolutions } from './ort-convolutions';

const quiet = { log: () => {} };

const describeOrt = onnxruntimeInstalled ? describe : describe.skip;

const CASES: FusedConvCase[] = [
  {
    name: '3x3 same s2, odd sizes',
    x: [2, 7, 9, 5],
    w: [3, 3, 5, 6],
    s: 2,
    pad: 'same',
    bias: true,
    relu: true,
  },
  {
    name: '3x3 same s2, even width (column phases in the channel transpose)',
    x: [2, 7, 8, 5],
    w: [3, 3, 5, 6],
    s: 2,
    pad: 'same',
    bias: true,
    relu: true,
  },
  {
    name: '3x3 same s1 (padding rows and columns shared between images and rows)',
    x: [2, 5, 6, 7],
    w: [3, 3, 7, 4],
    s: 1,
    pad: 'same',
    bias: true,
    relu: true,
  },
  {
    name: '3x3 valid s1, batch 1, no bias, linear',
    x: [1, 6, 5, 6],
    w: [3, 3, 6, 3],
    s: 1,
    pad: 'valid',
    bias: false,
    relu: false,
  },
  {
    name: '3x3 valid s2 (unread rows)',
    x: [1, 8, 7, 5],
    w: [3, 3, 5, 7],
    s: 2,
    pad: 'valid',
    bias: true,
    relu: true,
  },
  {
    name: '1x1 same s1 (pointwise Gemm)',
    x: [2, 4, 5, 6],
    w: [1, 1, 6, 5],
    s: 1,
    pad: 'same',
    bias: true,
    relu: true,
  },
  {
    name: '1x1 valid s2',
    x: [1, 5, 7, 5],
    w: [1, 1, 5, 3],
    s: 2,
    pad: 'valid',
    bias: false,
    relu: true,
  },
  {
    name: '2x2 valid s2 (the last row and column, read by no tap, cropped)',
    x: [1, 9, 9, 5],
    w: [2, 2, 5, 4],
    s: 2,
    pad: 'valid',
    bias: true,
    relu: false,
  },
  {
    name: '5x5 same s2 (taps two phase steps apart)',
    x: [1, 7, 8, 3],
    w: [5, 5, 3, 4],
    s: 2,
    pad: 'same',
    bias: true,
    relu: true,
  },
  {
    name: '3x3 same strides [1, 2]',
    x: [2, 5, 8, 3],
    w: [3, 3, 3, 6],
    s: [1, 2],
    pad: 'same',
    bias: true,
    relu: true,
  },
  {
    name: '3x1 same (temporal layer)',
    x: [2, 6, 10, 7],
    w: [3, 1, 7, 5],
    s: 1,
    pad: 'same',
    bias: true,
    relu: true,
  },
];

describeOrt('useOnnxConvolutions (fusedConv2d on onnxruntime)', () => {
  let calls = 0;
  const counted = (name: string) => {
    for (const backend of ['cpu', 'wasm']) {
      const k = tf.getKernel(name, backend);
      if (!k) continue;
      tf.unregisterKernel(name, backend);
      tf.registerKernel({
        ...k,
        kernelFunc: (a) => {
          calls++;
          return k.kernelFunc(a);
        },
      });
    }
  };

  beforeAll(async () => {
    await initBackend({ backend: 'wasm', ...quiet });
    const info = await useOnnxConvolutions({ threads: 1, minMacsPerFloat: 0 });
    expect(info.version).toMatch(/^\d+\.\d+/);
    for (const k of [
      'TubekitOrtConv2D',
      'TubekitOrtConv2DBackpropInput',
      'TubekitOrtConv2DBackpropFilterBias',
    ])
      counted(k);
  });

  afterAll(async () => {
    await stopOnnxConvolutions();
    await initBackend({ backend: 'wasm', ...quiet });
  });

  for (const c of CASES)
    test(`matches the cpu backend and numeric gradients: ${c.name}`, async () => {
      const x = randomTensor(c.x, 1);
      const w = randomTensor(c.w, 2);
      const b = c.bias ? randomTensor([c.w[3] as number], 3) : undefined;
      const args = b ? [x, w, b] : [x, w];
      const f = fusedConvLoss(c);
      await stopOnnxConvolutions();
      await initBackend({ backend: 'cpu', ...quiet });
      const reference = valueAndGrads(f, args);
      await useOnnxConvolutions({ minMacsPerFloat: 0 });
      calls = 0;
      expectClose(reference, valueAndGrads(f, args)); // cpu backend, onnxruntime kernels
      expect(calls).toBe(3); // forward, dX, dW + db
      await initBackend({ backend: 'wasm', ...quiet });
      calls = 0;
      expectClose(reference, valueAndGrads(f, args));
      expect(calls).toBe(3);
      expect(gradientCheck(f, args, { samples: 10 }).maxError).toBeLessThan(2e-2);
      tf.dispose(args);
    });

  test('keeps a convolution with few multiply-adds per float on the backend (minMacsPerFloat, weightGradMinMacsPerFloat), and switches off', async () => {
    await initBackend({ backend: 'wasm', ...quiet });
    // this one: 9·3·4 / (4·3 + 4) = 6.75
    await useOnnxConvolutions({ minMacsPerFloat: 20, weightGradMinMacsPerFloat: 20 });
    const c: FusedConvCase = {
      name: 'rgb',
      x: [1, 6, 6, 3],
      w: [3, 3, 3, 4],
      s: 2,
      pad: 'same',
      bias: true,
      relu: true,
    };
    const args = [randomTensor(c.x, 4), randomTensor(c.w, 5), randomTensor([4], 6)];
    calls = 0;
    const onBackend = valueAndGrads(fusedConvLoss(c), args);
    expect(calls).toBe(0);
    await useOnnxConvolutions({ minMacsPerFloat: 20 }); // weight gradients: all by default
    expectClose(onBackend, valueAndGrads(fusedConvLoss(c), args));
    expect(calls).toBe(1);
    calls = 0;
    await useOnnxConvolutions({ minMacsPerFloat: 6 });
    expectClose(onBackend, valueAndGrads(fusedConvLoss(c), args));
    expect(calls).toBe(3);
    await stopOnnxConvolutions();
    calls = 0;
    valueAndGrads(fusedConvLoss(c), args);
    expect(calls).toBe(0);
    await useOnnxConvolutions({ minMacsPerFloat: 0 });
    tf.dispose(args);
  });

  for (const backendName of ['wasm', 'cpu'] as const)
    test(`leaks no tensor and no backend data over training steps (${backendName})`, async () => {
      await initBackend({ backend: backendName, ...quiet });
      const { x, w, b, step } = convTrainingStep([2, 9, 9, 6], [3, 3, 6, 8], 7);
      step();
      const before = tf.memory().numTensors;
      const backend = tf.backend() as unknown as { numDataIds(): number };
      const ids = backend.numDataIds();
      calls = 0;
      for (let i = 0; i < 3; i++) step();
      expect(calls).toBe(6); // forward and dW + db per step; x needs no gradient
      expect(tf.memory().numTensors).toBe(before);
      expect(backend.numDataIds()).toBe(ids);
      tf.dispose([x, w, b]);
    });
});

describeOrt('runOnnxGraph', () => {
  // y = x + x, over any number of values
  const doubling = () =>
    encodeOnnxModel({
      nodes: [{ opType: 'Add', inputs: ['x', 'x'], outputs: ['y'] }],
      initializers: [],
      inputs: [{ name: 'x', shape: ['n'] }],
      outputs: [{ name: 'y', shape: ['n'] }],
    });
  const run = (values: number[], model = doubling) =>
    runOnnxGraph(
      'doubling',
      model,
      [{ name: 'x', shape: [values.length], write: (t) => t.set(values) }],
      [{ name: 'y', shape: [values.length] }],
    );

  afterAll(async () => {
    await stopOnnxConvolutions();
  });

  test('runs a whole graph synchronously, its session made once per key', async () => {
    await useOnnxConvolutions({ threads: 1 });
    let built = 0;
    const counted = () => {
      built++;
      return doubling();
    };
    expect(Array.from(run([1, -2, 3], counted)[0] as Float32Array)).toEqual([2, -4, 6]);
    expect(Array.from(run([0.5], counted)[0] as Float32Array)).toEqual([1]);
    expect(built).toBe(1);
  });

  test('says when onnxruntime is not started', async () => {
    await stopOnnxConvolutions();
    expect(() => run([1])).toThrow(
      '@tubekit/nn: onnxruntime convolutions are not started (useOnnxConvolutions)',
    );
  });
});

if (!onnxruntimeInstalled) test.skip(`useOnnxConvolutions: ${ONNXRUNTIME_SKIP}`, () => {});
