import { float32RawTensor, initBackend, tf } from '@tubekit/nn';
import { createI3D } from './i3d';
import { createOnnxFeatureExtractor, onnxExtractorFromBackbone } from './onnx-feature-extractor';
import { encodeOnnxModel } from './onnx-model';
import { createPlainConvNet, createSmallBackbone2d, createSmallBackbone3d } from './plain-conv-net';
import { exportWeights, importWeights } from './weight-io';

beforeAll(async () => {
  await initBackend({ backend: 'wasm', log: () => {} });
});

function maxAbsDiff(a: tf.Tensor, b: tf.Tensor): number {
  return tf.tidy(() => a.sub(b).abs().max().dataSync()[0] as number);
}

describe('ONNX feature extractor (onnxruntime-node)', () => {
  it('runs a hand-encoded conv model and gives the values worked out by hand', async () => {
    // y = relu(conv1x1(x)) with weights [[1, -1], [2, 0.5]] ([out, in, 1, 1]) and bias [0, -1]
    const bytes = encodeOnnxModel({
      nodes: [
        {
          opType: 'Conv',
          inputs: ['x', 'w', 'b'],
          outputs: ['c'],
          attributes: { kernel_shape: { ints: [1, 1] } },
        },
        { opType: 'Relu', inputs: ['c'], outputs: ['y'] },
      ],
      initializers: [
        float32RawTensor('w', [2, 2, 1, 1], new Float32Array([1, -1, 2, 0.5])),
        float32RawTensor('b', [2], new Float32Array([0, -1])),
      ],
      inputs: [{ name: 'x', shape: ['N', 2, 'H', 'W'] }],
      outputs: [{ name: 'y', shape: ['N', 2, 'H', 'W'] }],
    });
    const ex = await createOnnxFeatureExtractor(bytes, {
      layout: 'NHWC',
      inputChannels: 2,
      probe: { height: 4, width: 4 },
    });
    expect(ex.outputChannels).toBe(2);
    expect(ex.outputStride).toBe(1);
    // one pixel x = (3, 1): c0 = 3 − 1 = 2, c1 = 6 + 0.5 − 1 = 5.5; x = (0, 2): c0 = −2 → 0, c1 = 1 − 1 = 0
    const { data, shape } = await ex.run(new Float32Array([3, 1, 0, 2]), [1, 1, 2, 2]);
    expect(shape).toEqual([1, 1, 2, 2]);
    expect(Array.from(data)).toEqual([2, 5.5, 0, 0]);
    await expect(ex.run(new Float32Array(3), [1, 1, 1, 3])).rejects.toThrow(
      /expects NHWC data with 2 channels/,
    );
    expect(() => ex.flops({ height: 4, width: 4 })).toThrow(/FLOPs are unknown/);
    ex.dispose();
  });

  it('matches tfjs on the same weights: small 2-D backbone', async () => {
    const net = createSmallBackbone2d({ seed: 3 });
    const ex = await onnxExtractorFromBackbone(net, { probe: { height: 32, width: 32 } });
    expect(ex.outputStride).toBe(8);
    expect(ex.outputChannels).toBe(64);
    expect(ex.flops({ height: 112, width: 112 })).toBe(net.flops({ height: 112, width: 112 }));
    const x = tf.randomNormal([2, 36, 28, 3], 0, 1, 'float32', 1); // odd multiples: SAME padding asymmetry matters
    const a = net.forward(x);
    const b = await ex.extract(x);
    expect(b.shape).toEqual(a.shape);
    expect(maxAbsDiff(a, b)).toBeLessThan(1e-4);
    tf.dispose([x, a, b]);
    ex.dispose();
    net.dispose();
  });

  it('matches tfjs on the same weights: small 3-D backbone and the I3D stem with batch norm', async () => {
    const net = createSmallBackbone3d({ seed: 4 });
    const stem = createI3D({ seed: 5, finalEndpoint: 'MaxPool3d_3a_3x3' });
    // non-trivial batch-norm statistics
    const bn = exportWeights(stem, { layout: 'channels-last' }).map((t) =>
      /running_var|running_mean|bn\.(weight|bias)/.test(t.name)
        ? float32RawTensor(
            t.name,
            t.shape,
            Float32Array.from({ length: t.shape[0]! }, (_, i) => 0.5 + ((i * 7) % 5) / 4),
          )
        : t,
    );
    importWeights(stem, bn, { layout: 'channels-last' });
    for (const model of [net, stem]) {
      const ex = await onnxExtractorFromBackbone(model, {
        probe: { frames: 8, height: 32, width: 32 },
      });
      expect(ex.temporalStride).toBe(model.temporalStride);
      expect(ex.outputStride).toBe(model.outputStride);
      const x = tf.randomNormal([1, 6, 40, 24, 3], 0, 1, 'float32', 2);
      const a = model.forward(x);
      const b = await ex.extract(x);
      expect(b.shape).toEqual(a.shape);
      expect(maxAbsDiff(a, b)).toBeLessThan(1e-3);
      tf.dispose([x, a, b]);
      ex.dispose();
    }
    net.dispose();
    stem.dispose();
  });

  it('matches tfjs on an Inception block (Mixed_3b) and on a net with VALID 2×2 pooling', async () => {
    const mixed = createI3D({ seed: 6, firstEndpoint: 'Mixed_3b', finalEndpoint: 'Mixed_3b' });
    const pooled = createPlainConvNet({
      name: 'pooled',
      dims: 2,
      inputChannels: 3,
      seed: 7,
      layers: [
        { kind: 'conv', name: 'c1', channels: 8, kernel: [3, 3] },
        { kind: 'maxPool', name: 'p1', kernel: [2, 2], stride: [2, 2], padding: 'valid' },
        { kind: 'conv', name: 'c2', channels: 8, kernel: [3, 3], stride: [2, 2] },
      ],
    });
    const cases: [typeof mixed, number[]][] = [
      [mixed, [1, 3, 5, 5, 192]],
      [pooled, [2, 17, 13, 3]], // odd sizes: VALID pooling drops the last row/column
    ];
    for (const [model, shape] of cases) {
      const ex = await onnxExtractorFromBackbone(model, {
        probe:
          model.layout === 'NTHWC' ? { frames: 4, height: 8, width: 8 } : { height: 16, width: 16 },
      });
      const x = tf.randomNormal(shape, 0, 1, 'float32', 3);
      const a = model.forward(x);
      const b = await ex.extract(x);
      expect(b.shape).toEqual(a.shape);
      expect(maxAbsDiff(a, b)).toBeLessThan(1e-3);
      tf.dispose([x, a, b]);
      ex.dispose();
    }
    expect(pooled.outputSize({ height: 17, width: 13 })).toEqual({
      frames: 1,
      height: 4,
      width: 3,
      channels: 8,
    });
    mixed.dispose();
    pooled.dispose();
  });

  it('names unknown inputs and unloadable models', async () => {
    const net = createSmallBackbone2d({ seed: 3, widths: [2, 2, 2, 2] });
    await expect(
      createOnnxFeatureExtractor(net.toOnnx(), {
        layout: 'NHWC',
        inputChannels: 3,
        inputName: 'image',
      }),
    ).rejects.toThrow(/no input named "image"; the model has x/);
    await expect(
      createOnnxFeatureExtractor(new Uint8Array([1, 2, 3]), { layout: 'NHWC', inputChannels: 3 }),
    ).rejects.toThrow(/ONNX bytes: onnxruntime cannot load the model/);
    net.dispose();
  });
});
