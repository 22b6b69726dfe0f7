import * as tf from '@tensorflow/tfjs-core';
import { expectClose } from '../../test/expect-close';
import { expectNoLeaks } from '../../test/leaks';
import { randomTensor } from '../../test/random-tensor';
import { gradientCheck } from '../grad-check';
import { initBackend } from '../init-backend';

const quiet = { log: () => {} };

/** Runs `f` on cpu and on wasm and returns both results as plain arrays. */
async function onBoth(
  f: () => tf.Tensor | tf.Tensor[],
): Promise<{ cpu: Float32Array[]; wasm: Float32Array[] }> {
  const run = () =>
    tf.tidy(() => {
      const r = f();
      return (Array.isArray(r) ? r : [r]).map((t) => Float32Array.from(t.dataSync()));
    });
  await initBackend({ backend: 'cpu', ...quiet });
  const cpu = run();
  await initBackend({ backend: 'wasm', ...quiet });
  const wasm = run();
  return { cpu, wasm };
}

beforeAll(async () => {
  await initBackend({ backend: 'wasm', ...quiet });
});

afterAll(async () => {
  await initBackend({ backend: 'wasm', ...quiet });
});

describe('wasm gap kernels', () => {
  const convCases: {
    name: string;
    x: number[];
    w: number[];
    s: number;
    pad: 'same' | 'valid' | number;
  }[] = [
    { name: '3x3 same s1', x: [2, 6, 5, 3], w: [3, 3, 3, 4], s: 1, pad: 'same' },
    { name: '3x3 same s2', x: [1, 7, 6, 2], w: [3, 3, 2, 3], s: 2, pad: 'same' },
    { name: '2x3 valid s1', x: [1, 5, 6, 2], w: [2, 3, 2, 2], s: 1, pad: 'valid' },
    { name: '1x1', x: [2, 4, 4, 3], w: [1, 1, 3, 5], s: 1, pad: 'valid' },
    { name: '1x1 same s2 batch 1', x: [1, 5, 7, 3], w: [1, 1, 3, 5], s: 2, pad: 'same' },
    {
      name: '3x3 valid s1 batch 1 odd channels',
      x: [1, 6, 5, 7],
      w: [3, 3, 7, 6],
      s: 1,
      pad: 'valid',
    },
    { name: '5x5 pad 1 s2', x: [1, 9, 8, 2], w: [5, 5, 2, 3], s: 2, pad: 1 },
    { name: '3x3 valid s2 unused last row', x: [1, 8, 8, 2], w: [3, 3, 2, 2], s: 2, pad: 'valid' },
    { name: '2x2 same s3', x: [2, 7, 5, 3], w: [2, 2, 3, 2], s: 3, pad: 'same' },
  ];
  for (const c of convCases) {
    test(`Conv2DBackpropFilter/Input match cpu and numeric gradients: ${c.name}`, async () => {
      const x = randomTensor(c.x, 1);
      const w = randomTensor(c.w, 2);
      const loss = (xx: tf.Tensor, ww: tf.Tensor) =>
        tf
          .conv2d(xx as tf.Tensor4D, ww as tf.Tensor4D, c.s, c.pad)
          .square()
          .sum() as tf.Scalar;
      const { cpu, wasm } = await onBoth(() => tf.grads(loss)([x, w]));
      expectClose(cpu, wasm);
      expect(tf.getBackend()).toBe('wasm');
      expect(gradientCheck(loss, [x, w], { samples: 8 }).maxError).toBeLessThan(2e-2);
      tf.dispose([x, w]);
    });
  }

  const dwCases: {
    name: string;
    x: number[];
    w: number[];
    s: number;
    d: number;
    pad: 'same' | 'valid';
  }[] = [
    { name: 'mult 1 same', x: [2, 5, 6, 3], w: [3, 3, 3, 1], s: 1, d: 1, pad: 'same' },
    { name: 'mult 2 s2', x: [1, 7, 7, 2], w: [3, 3, 2, 2], s: 2, d: 1, pad: 'same' },
    { name: 'mult 3 valid non-square', x: [1, 8, 7, 2], w: [3, 2, 2, 3], s: 1, d: 1, pad: 'valid' },
  ];
  for (const c of dwCases) {
    test(`depthwise backprops match cpu and numeric gradients: ${c.name}`, async () => {
      const x = randomTensor(c.x, 3);
      const w = randomTensor(c.w, 4);
      const loss = (xx: tf.Tensor, ww: tf.Tensor) =>
        tf
          .depthwiseConv2d(xx as tf.Tensor4D, ww as tf.Tensor4D, c.s, c.pad, 'NHWC', c.d)
          .square()
          .sum() as tf.Scalar;
      const { cpu, wasm } = await onBoth(() => tf.grads(loss)([x, w]));
      expectClose(cpu, wasm);
      expect(gradientCheck(loss, [x, w], { samples: 8 }).maxError).toBeLessThan(2e-2);
      tf.dispose([x, w]);
    });
  }

  test('UnsortedSegmentSum matches cpu, including dropped ids, 2-D ids and int32', async () => {
    const x = randomTensor([6, 3], 5);
    const ids = tf.tensor1d([0, 2, 2, -1, 1, 4], 'int32');
    const xi = tf.tensor2d(
      [
        [1, 2],
        [3, 4],
        [5, 6],
      ],
      [3, 2],
      'int32',
    );
    const { cpu, wasm } = await onBoth(() => [
      tf.unsortedSegmentSum(x, ids, 4),
      tf.unsortedSegmentSum(xi, tf.tensor1d([1, 1, 0], 'int32'), 2).toFloat(),
    ]);
    expectClose(cpu, wasm, 1e-6);
    expect(Array.from(wasm[1])).toEqual([5, 6, 4, 6]);
    tf.dispose([x, ids, xi]);
  });

  test('UnsortedSegmentSum on wasm accepts segment ids shaped like a prefix of x (TensorFlow semantics)', async () => {
    await initBackend({ backend: 'wasm', ...quiet });
    const x = tf.tensor3d([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12], [2, 3, 2]);
    const ids = tf.tensor2d([0, 1, 1, 2, 0, 5], [2, 3], 'int32');
    const out = tf
      .engine()
      .runKernel('UnsortedSegmentSum', { x, segmentIds: ids }, { numSegments: 3 }) as tf.Tensor;
    expect(out.shape).toEqual([3, 2]);
    expect(Array.from(out.dataSync())).toEqual([1 + 9, 2 + 10, 3 + 5, 4 + 6, 7, 8]);
    tf.dispose([x, ids, out]);
  });

  test('gather gradient (UnsortedSegmentSum) passes a numeric check on wasm', async () => {
    await initBackend({ backend: 'wasm', ...quiet });
    const table = randomTensor([5, 3], 7);
    const idx = tf.tensor1d([4, 0, 4, 2, 2, 2], 'int32');
    const loss = (t: tf.Tensor) => tf.gather(t, idx).square().sum() as tf.Scalar;
    expect(gradientCheck(loss, [table], { samples: 15 }).maxError).toBeLessThan(1e-2);
    tf.dispose([table, idx]);
  });

  test('Identity on wasm aliases its input: no copy, and each reference outlives the other', async () => {
    await initBackend({ backend: 'wasm', ...quiet });
    const backend = tf.backend() as unknown as { numDataIds(): number };
    const ids = backend.numDataIds();
    const x = tf.tensor1d([1, 2, 3]);
    const y = tf.clone(x);
    expect(backend.numDataIds()).toBe(ids + 1);
    x.dispose();
    expect(Array.from(y.dataSync())).toEqual([1, 2, 3]);
    y.dispose();
    expect(backend.numDataIds()).toBe(ids);
  });

  test.each([
    { name: 'first axis', shape: [6, 4, 3], begin: [2, 0, 0], size: [3, 4, 3] },
    { name: 'inner box', shape: [5, 6, 7], begin: [1, 2, 3], size: [3, 2, 4] },
    { name: 'last axis', shape: [3, 9], begin: [0, 4], size: [3, -1] },
    { name: 'whole', shape: [2, 3, 4], begin: [0, 0, 0], size: [-1, -1, -1] },
    {
      name: 'rank 5, middle axes',
      shape: [2, 3, 4, 5, 2],
      begin: [1, 1, 0, 2, 0],
      size: [1, 2, 4, 2, 2],
    },
    { name: 'empty', shape: [4, 3], begin: [1, 0], size: [0, 3] },
  ])('Slice on wasm reads in place and matches cpu: $name', async ({ shape, begin, size }) => {
    const { cpu, wasm } = await onBoth(() => [
      tf.slice(randomTensor(shape, 30), begin, size),
      tf.slice(
        tf
          .range(
            0,
            shape.reduce((a, b) => a * b, 1),
            1,
            'int32',
          )
          .reshape(shape),
        begin,
        size,
      ),
      tf.slice(randomTensor(shape, 31).greater(0), begin, size),
    ]);
    expect(wasm).toEqual(cpu);
  });

  test.each([
    { name: 'F equal parts on axis 0', shape: [6, 5, 4], splits: 6, axis: 0 },
    { name: 'uneven parts on a middle axis', shape: [3, 7, 2], splits: [2, 4, 1], axis: 1 },
    { name: 'a size inferred, last axis by -1', shape: [2, 3, 8], splits: [3, -1, 1], axis: -1 },
  ])('SplitV on wasm reads in place and matches cpu: $name', async ({ shape, splits, axis }) => {
    const { cpu, wasm } = await onBoth(() => tf.split(randomTensor(shape, 32), splits, axis));
    expect(wasm).toEqual(cpu);
  });

  test('split and slice gradients pass numeric checks on wasm, and leak nothing', async () => {
    await initBackend({ backend: 'wasm', ...quiet });
    const x = randomTensor([4, 3, 5], 33);
    const loss = (t: tf.Tensor) => {
      const [a, b] = tf.split(t, [1, 3], 0);
      return tf.add(
        a!.square().sum(),
        tf.slice(b!, [1, 1, 0], [2, 2, 5]).mul(3).sum(),
      ) as tf.Scalar;
    };
    expect(gradientCheck(loss, [x], { samples: 15 }).maxError).toBeLessThan(1e-2);
    expectNoLeaks(() => tf.tidy(() => tf.grad(loss)(x).sum().dataSync()[0]));
    x.dispose();
  });

  test.each([
    {
      name: 'a middle axis (STEP head: global feature over frames)',
      shape: [4, 1, 5],
      reps: [1, 6, 1],
    },
    { name: 'every axis', shape: [2, 3, 2], reps: [3, 2, 2] },
    { name: 'the last axis', shape: [3, 4], reps: [1, 3] },
    { name: 'the first axis, rank 1', shape: [5], reps: [3] },
    { name: 'rank 5, no repetition but one', shape: [2, 1, 3, 2, 1], reps: [1, 4, 1, 1, 2] },
    { name: 'empty', shape: [0, 3], reps: [2, 2] },
  ])('Tile on wasm copies runs in place and matches cpu: $name', async ({ shape, reps }) => {
    const size = shape.reduce((a, b) => a * b, 1);
    const { cpu, wasm } = await onBoth(() => [
      tf.tile(randomTensor(shape, 40), reps),
      tf.tile(tf.range(0, size, 1, 'int32').reshape(shape), reps),
      tf.tile(randomTensor(shape, 41).greater(0), reps),
    ]);
    expect(wasm).toEqual(cpu);
  });

  test.each([
    {
      name: "rows of a video's maps (key-centred stacks)",
      shape: [5, 3, 2, 4],
      axis: 0,
      idx: [[0, 0, 1, 4, 4, 2]],
    },
    {
      name: 'a middle axis, repeated and reordered',
      shape: [2, 6, 3],
      axis: 1,
      idx: [[5, 0, 0, 3]],
    },
    { name: 'the last axis (short runs)', shape: [3, 4], axis: 1, idx: [[3, 1]] },
    {
      name: '2-D indices',
      shape: [4, 3],
      axis: 0,
      idx: [
        [1, 2],
        [3, 0],
        [0, 0],
      ],
    },
    { name: 'negative axis, no indices', shape: [3, 2], axis: -2, idx: [[]] },
  ])(
    'GatherV2 on wasm copies slices in place and matches cpu: $name',
    async ({ shape, axis, idx }) => {
      const size = shape.reduce((a, b) => a * b, 1);
      const indices = () =>
        tf.tensor(
          idx.flat(),
          idx.length === 1 ? [idx[0]!.length] : [idx.length, idx[0]!.length],
          'int32',
        );
      const { cpu, wasm } = await onBoth(() => [
        tf.gather(randomTensor(shape, 42), indices(), axis),
        tf.gather(tf.range(0, size, 1, 'int32').reshape(shape), indices(), axis),
        tf.gather(randomTensor(shape, 43).greater(0), indices(), axis),
      ]);
      expect(wasm).toEqual(cpu);
    },
  );

  test('GatherV2 on wasm names an index out of range and leaks nothing', () => {
    const x = randomTensor([3, 2], 44);
    const bad = tf.tensor1d([0, 3], 'int32');
    expectNoLeaks(() => {
      expect(() => tf.gather(x, bad)).toThrow('GatherV2: the index value 3 is not in [0, 2]');
    });
    tf.dispose([x, bad]);
  });

  test.each([
    {
      name: "runs of 3 channels (the trunk stem's temporal stack)",
      shapes: [
        [2, 4, 5, 3],
        [2, 4, 5, 3],
        [2, 4, 5, 3],
      ],
      axis: 3,
    },
    {
      name: 'long runs on the last axis',
      shapes: [
        [3, 64],
        [3, 50],
      ],
      axis: 1,
    },
    {
      name: 'a middle axis, short and long inputs mixed',
      shapes: [
        [2, 1, 7],
        [2, 9, 7],
        [2, 2, 7],
      ],
      axis: 1,
    },
    {
      name: 'the first axis',
      shapes: [
        [2, 3],
        [4, 3],
      ],
      axis: 0,
    },
    {
      name: 'a negative axis',
      shapes: [
        [2, 3, 2],
        [2, 3, 1],
      ],
      axis: -1,
    },
    {
      name: 'an empty input',
      shapes: [
        [2, 0, 3],
        [2, 2, 3],
      ],
      axis: 1,
    },
    { name: 'rank 1', shapes: [[5], [1], [3]], axis: 0 },
  ])('Concat on wasm copies runs in place and matches cpu: $name', async ({ shapes, axis }) => {
    const size = (shape: number[]) => shape.reduce((a, b) => a * b, 1);
    const { cpu, wasm } = await onBoth(() => [
      tf.concat(
        shapes.map((s, i) => randomTensor(s, 60 + i)),
        axis,
      ),
      tf.concat(
        shapes.map((s, i) => tf.range(i * 100, i * 100 + size(s), 1, 'int32').reshape(s)),
        axis,
      ),
      tf.concat(
        shapes.map((s, i) => randomTensor(s, 70 + i).greater(0)),
        axis,
      ),
    ]);
    expect(wasm).toEqual(cpu);
  });

  test('Concat and Slice gradients on short channel runs pass numeric checks on wasm, and leak nothing', async () => {
    await initBackend({ backend: 'wasm', ...quiet });
    const x = randomTensor([2, 3, 4, 3], 80);
    const w = randomTensor([2, 3, 4, 6], 81);
    const loss = (t: tf.Tensor) =>
      tf
        .concat(
          [tf.slice(t, [0, 0, 0, 1], [2, 3, 4, 2]), t, tf.slice(t, [0, 0, 0, 0], [2, 3, 4, 1]), t],
          3,
        )
        .square()
        .mul(tf.concat([w, tf.slice(w, [0, 0, 0, 0], [2, 3, 4, 3])], 3))
        .sum() as tf.Scalar;
    expect(gradientCheck(loss, [x], { samples: 15 }).maxError).toBeLessThan(1e-2);
    const { cpu, wasm } = await onBoth(() => tf.grad(loss)(x));
    expectClose(cpu, wasm);
    await initBackend({ backend: 'wasm', ...quiet });
    expectNoLeaks(() => tf.tidy(() => tf.grad(loss)(x).sum().dataSync()[0]));
    tf.dispose([x, w]);
  });

  test.each([
    { name: 'a repeated middle axis (the gradient of max over time)', a: [3, 5, 4], b: [3, 1, 4] },
    { name: 'ranks differ', a: [2, 3, 4], b: [4] },
    { name: 'both sides repeat', a: [3, 1, 2], b: [1, 4, 2] },
    { name: 'a scalar', a: [5, 2], b: [] },
    { name: 'repeated last axis', a: [2, 6], b: [2, 1] },
  ])('Equal with broadcasting on wasm matches cpu: $name', async ({ a, b }) => {
    // few distinct values, so that equal pairs occur
    const ints = (shape: number[], seed: number) =>
      randomTensor(shape, seed).mul(2).round().clipByValue(-2, 2);
    const { cpu, wasm } = await onBoth(() => [
      tf.equal(ints(a, 42), ints(b, 43)),
      tf.equal(ints(a, 44).cast('int32'), ints(b, 45).cast('int32')),
      tf.equal(ints(b, 46), ints(a, 47)),
    ]);
    expect(wasm).toEqual(cpu);
  });

  test('Tile and max-over-axis gradients pass numeric checks on wasm, and leak nothing', async () => {
    await initBackend({ backend: 'wasm', ...quiet });
    const x = randomTensor([3, 2, 4], 48);
    const w = randomTensor([3, 6, 4], 49);
    const loss = (t: tf.Tensor) =>
      tf.add(tf.tile(t, [1, 3, 1]).mul(w).sum(), tf.max(t, 1).square().sum()) as tf.Scalar;
    expect(gradientCheck(loss, [x], { samples: 15 }).maxError).toBeLessThan(1e-2);
    const { cpu, wasm } = await onBoth(() => tf.grad(loss)(x));
    expectClose(cpu, wasm);
    await initBackend({ backend: 'wasm', ...quiet });
    expectNoLeaks(() => tf.tidy(() => tf.grad(loss)(x).sum().dataSync()[0]));
    tf.dispose([x, w]);
  });

  test('kernels leak no tensors or wasm buffers', async () => {
    await initBackend({ backend: 'wasm', ...quiet });
    const x = randomTensor([1, 6, 6, 2], 8);
    const w = randomTensor([3, 3, 2, 2], 9);
    const dw = randomTensor([3, 3, 2, 1], 10);
    const step = () =>
      tf.tidy(() => {
        const g1 = tf.grads(
          (a: tf.Tensor, b: tf.Tensor) =>
            tf.conv2d(a as tf.Tensor4D, b as tf.Tensor4D, 2, 'same').sum() as tf.Scalar,
        )([x, w]);
        const g2 = tf.grads(
          (a: tf.Tensor, b: tf.Tensor) =>
            tf.depthwiseConv2d(a as tf.Tensor4D, b as tf.Tensor4D, 1, 'same').sum() as tf.Scalar,
        )([x, dw]);
        return [...g1, ...g2].map((g) => g.sum().dataSync()[0]);
      });
    step();
    const before = tf.memory();
    const backendBefore = (tf.backend() as unknown as { numDataIds(): number }).numDataIds();
    for (let i = 0; i < 3; i++) step();
    expect(tf.memory().numTensors).toBe(before.numTensors);
    expect((tf.backend() as unknown as { numDataIds(): number }).numDataIds()).toBe(backendBefore);
    tf.dispose([x, w, dw]);
  });

  test.each([
    { name: 'Aᵀ·B', a: [5, 3], b: [5, 4], ta: true, tb: false },
    { name: 'A·Bᵀ', a: [3, 5], b: [4, 5], ta: false, tb: true },
    { name: 'Aᵀ·Bᵀ', a: [5, 3], b: [4, 5], ta: true, tb: true },
    { name: 'batched Aᵀ·B', a: [2, 5, 3], b: [2, 5, 4], ta: true, tb: false },
    { name: 'broadcast batch A·Bᵀ', a: [1, 3, 5], b: [3, 4, 5], ta: false, tb: true },
  ])(
    'BatchMatMul $name matches cpu (the transposed-operand fast path)',
    async ({ a, b, ta, tb }) => {
      const { cpu, wasm } = await onBoth(() => {
        const x = randomTensor(a, 21);
        const y = randomTensor(b, 22);
        return tf.matMul(x, y, ta, tb);
      });
      expectClose(cpu, wasm);
    },
  );

  test('BatchMatMul with an empty operand gives zeros of its shape, and a dense layer on no rows a zero weight gradient', async () => {
    const { cpu, wasm } = await onBoth(() => {
      const w = randomTensor([4, 3], 25);
      const x = tf.zeros([0, 4]);
      const [dw] = tf
        .grads((a: tf.Tensor, b: tf.Tensor) => tf.sum(tf.matMul(a, b)) as tf.Scalar)([x, w])
        .slice(1);
      return [
        dw!,
        tf.matMul(tf.zeros([2, 0]), tf.zeros([0, 3])),
        tf.matMul(tf.zeros([0, 5]), tf.zeros([0, 2]), true, false),
        tf.matMul(tf.zeros([2, 0, 3]), randomTensor([1, 4, 3], 27), false, true),
      ];
    });
    expect(wasm.map((t) => t.length)).toEqual([12, 6, 10, 0]);
    expect(wasm.slice(0, 3).every((t) => t.every((v) => v === 0))).toBe(true);
    expectClose(cpu, wasm);
  });

  test('reductions over no values give what cpu gives (0, 1, NaN, NaN, 0), not heap garbage', async () => {
    const { cpu, wasm } = await onBoth(() => {
      const empty = tf.zeros([0, 5]);
      return [
        tf.sum(empty, 0),
        tf.sum(empty),
        tf.sum(empty, 0, true),
        tf.prod(empty, 0),
        tf.max(empty, 0),
        tf.min(empty, 0),
        tf.mean(empty, 0),
        tf.sum(tf.zeros([2, 0, 3], 'int32'), 1),
        tf.sum(tf.zeros([3, 0]), 0), // an empty output: nothing to fill
        tf.sum(tf.ones([2, 3]), 0), // not empty: tfjs-wasm's kernel
      ];
    });
    expect(wasm.map((t) => t.length)).toEqual([5, 1, 5, 5, 5, 5, 5, 6, 0, 3]);
    expect(Array.from(wasm[0]!)).toEqual([0, 0, 0, 0, 0]);
    expect(wasm[4]!.every(Number.isNaN)).toBe(true);
    expect(Array.from(wasm[6]!)).toEqual([0, 0, 0, 0, 0]);
    expect(Array.from(wasm[9]!)).toEqual([2, 2, 2]);
    cpu.forEach((c, i) => {
      expect(Array.from(wasm[i]!)).toEqual(Array.from(c));
    });
    // the bias gradient of a 1×1 convolution on a batch of 0 RoIs (a Sum over no values)
    const w = tf.variable(randomTensor([1, 1, 4, 3], 28));
    const b = tf.variable(tf.zeros([3]));
    const { grads } = tf.variableGrads(
      () =>
        tf.sum(
          tf.add(tf.conv2d(tf.zeros([0, 5, 5, 4]) as tf.Tensor4D, w as tf.Tensor4D, 1, 'same'), b),
        ) as tf.Scalar,
      [w, b],
    );
    expect(Array.from(grads[b.name]!.dataSync())).toEqual([0, 0, 0]);
    tf.dispose([w, b, ...Object.values(grads)]);
  });

  test('dense-layer gradients through the fast BatchMatMul match numerical gradients', async () => {
    await initBackend({ backend: 'wasm', ...quiet });
    const x = randomTensor([6, 4], 23);
    const w = randomTensor([4, 3], 24);
    const loss = (a: tf.Tensor, b: tf.Tensor) => tf.sum(tf.square(tf.matMul(a, b))) as tf.Scalar;
    expect(gradientCheck(loss, [x, w], { samples: 12 }).maxError).toBeLessThan(1e-2);
    tf.dispose([x, w]);
  });
});
