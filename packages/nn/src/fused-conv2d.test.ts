import * as tf from '@tensorflow/tfjs-core';
import { expectClose } from '../test/expect-close';
import {
  convTrainingStep,
  type FusedConvCase,
  fusedConvLoss,
  valueAndGrads,
} from '../test/fused-conv';
import { randomTensor } from '../test/random-tensor';
import { fusedConv2d } from './fused-conv2d';
import { gradientCheck } from './grad-check';
import { initBackend } from './init-backend';

const quiet = { log: () => {} };

/** The reference: conv2d, bias add and ReLU as separate differentiable tfjs ops. */
function reference(
  x: tf.Tensor,
  w: tf.Tensor,
  b: tf.Tensor | undefined,
  s: number | [number, number],
  pad: 'same' | 'valid',
  relu: boolean,
): tf.Tensor {
  let y: tf.Tensor = tf.conv2d(x as tf.Tensor4D, w as tf.Tensor4D, s, pad);
  if (b) y = tf.add(y, b);
  return relu ? tf.relu(y) : y;
}

beforeAll(async () => {
  await initBackend({ backend: 'wasm', ...quiet });
});

afterAll(async () => {
  await initBackend({ backend: 'wasm', ...quiet });
});

describe('fusedConv2d', () => {
  const cases: FusedConvCase[] = [
    {
      name: '3x3 same s2, 3 channels',
      x: [2, 7, 6, 3],
      w: [3, 3, 3, 5],
      s: 2,
      pad: 'same',
      bias: true,
      relu: true,
    },
    {
      name: '3x3 valid s1 batch 1 odd channels',
      x: [1, 6, 5, 7],
      w: [3, 3, 7, 6],
      s: 1,
      pad: 'valid',
      bias: true,
      relu: true,
    },
    {
      name: '1x1 same s1',
      x: [2, 4, 5, 5],
      w: [1, 1, 5, 3],
      s: 1,
      pad: 'same',
      bias: true,
      relu: true,
    },
    {
      name: '1x1 valid s2 no bias',
      x: [1, 5, 7, 3],
      w: [1, 1, 3, 5],
      s: 2,
      pad: 'valid',
      bias: false,
      relu: true,
    },
    {
      name: '3x3 same s1 linear',
      x: [1, 5, 5, 2],
      w: [3, 3, 2, 3],
      s: 1,
      pad: 'same',
      bias: true,
      relu: false,
    },
  ];
  for (const c of cases)
    test(`matches conv2d + bias + relu on cpu, and numeric gradients on wasm: ${c.name}`, async () => {
      const x = randomTensor(c.x, 1);
      const w = randomTensor(c.w, 2);
      const b = c.bias ? randomTensor([c.w[3] as number], 3) : undefined;
      const args = b ? [x, w, b] : [x, w];
      const fused = fusedConvLoss(c);
      const plain = (...t: tf.Tensor[]) =>
        reference(t[0] as tf.Tensor, t[1] as tf.Tensor, t[2], c.s, c.pad, c.relu)
          .square()
          .sum() as tf.Scalar;
      const run = (f: (...t: tf.Tensor[]) => tf.Scalar) => valueAndGrads(f, args);
      await initBackend({ backend: 'cpu', ...quiet });
      const cpu = run(plain);
      expectClose(cpu, run(fused));
      await initBackend({ backend: 'wasm', ...quiet });
      expectClose(cpu, run(fused));
      expect(gradientCheck(fused, args, { samples: 10 }).maxError).toBeLessThan(2e-2);
      tf.dispose(args);
    });

  test('computes no input gradient when the input needs none, and leaks nothing on wasm', async () => {
    await initBackend({ backend: 'wasm', ...quiet });
    const { x, w, b, step } = convTrainingStep([1, 6, 6, 3], [3, 3, 3, 4], 4);
    const dX = tf.getKernel('Conv2DBackpropInput', 'wasm');
    let dXCalls = 0;
    step();
    const before = tf.memory().numTensors;
    const backend = tf.backend() as unknown as { numDataIds(): number };
    const ids = backend.numDataIds();
    if (dX) {
      tf.unregisterKernel('Conv2DBackpropInput', 'wasm');
      tf.registerKernel({
        ...dX,
        kernelFunc: (a) => {
          dXCalls++;
          return dX.kernelFunc(a);
        },
      });
    }
    try {
      for (let i = 0; i < 3; i++) step();
    } finally {
      if (dX) {
        tf.unregisterKernel('Conv2DBackpropInput', 'wasm');
        tf.registerKernel(dX);
      }
    }
    expect(dXCalls).toBe(0);
    expect(tf.memory().numTensors).toBe(before);
    expect(backend.numDataIds()).toBe(ids);
    tf.dispose([x, w, b]);
  });

  test('rejects a bias that is not [Cout]', async () => {
    await initBackend({ backend: 'wasm', ...quiet });
    const x = tf.zeros([1, 4, 4, 2]) as tf.Tensor4D;
    const w = tf.zeros([3, 3, 2, 3]) as tf.Tensor4D;
    const b = tf.zeros([2]) as tf.Tensor1D;
    expect(() => fusedConv2d({ x, filter: w, pad: 'same', bias: b })).toThrow(
      /bias must have shape \[3\]/,
    );
    tf.dispose([x, w, b]);
  });
});
