import { initBackend, tf } from '@tubekit/nn';
import {
  createSmallBackbone2d,
  createSmallBackbone3d,
  createVgg16,
  torchvisionVgg16NameMap,
} from './plain-conv-net';

beforeAll(async () => {
  await initBackend({ backend: 'wasm', log: () => {} });
});

describe('VGG16 (conv1_1 … conv5_3, no pool5)', () => {
  it('has the published 14,714,688 conv parameters, stride 16 and 512 channels', () => {
    const vgg = createVgg16({ seed: 0, init: 'zeros' });
    try {
      expect(vgg.parameterCount()).toBe(14_714_688);
      expect(vgg.weights).toHaveLength(26);
      expect(vgg.outputStride).toBe(16);
      expect(vgg.outputChannels).toBe(512);
      expect(vgg.outputSize({ height: 400, width: 400 })).toEqual({
        frames: 1,
        height: 25,
        width: 25,
        channels: 512,
      });
      // 15.35 GMACs for the 13 conv layers at 224×224 (15.47 G with the classifier, as commonly
      // tabulated for VGG16); pool5 has no MACs, so dropping it changes nothing
      expect(vgg.flops({ height: 224, width: 224 })).toBe(2 * 15_346_630_656);
    } finally {
      vgg.dispose();
    }
  });

  it('runs a forward pass on wasm with the right shape and leaks no tensors', () => {
    const vgg = createVgg16({ seed: 0, init: 'zeros' });
    const before = tf.memory().numTensors;
    const y = tf.tidy(() => vgg.forward(tf.ones([1, 48, 48, 3])));
    expect(y.shape).toEqual([1, 3, 3, 512]);
    y.dispose();
    expect(tf.memory().numTensors).toBe(before);
    vgg.dispose();
  });

  it('maps torchvision feature indices onto conv names', () => {
    const map = torchvisionVgg16NameMap();
    expect(map.get('features.0.weight')).toBe('conv1_1.weight');
    expect(map.get('features.5.bias')).toBe('conv2_1.bias');
    expect(map.get('features.28.weight')).toBe('conv5_3.weight');
    expect(map.size).toBe(26);
  });
});

describe('small CPU backbones', () => {
  it('2-D: stride 8, 64 channels, stated FLOPs and parameters', () => {
    const net = createSmallBackbone2d({ seed: 1 });
    expect(net.outputStride).toBe(8);
    expect(net.temporalStride).toBe(1);
    expect(net.outputChannels).toBe(64);
    expect(net.parameterCount()).toBe(60_512);
    expect(net.flops({ height: 112, width: 112 })).toBe(31_610_880);
    const y = tf.tidy(() => net.forward(tf.randomNormal([2, 112, 96, 3], 0, 1, 'float32', 3)));
    expect(y.shape).toEqual([2, 14, 12, 64]);
    y.dispose();
    net.dispose();
  });

  it('3-D: keeps frames, stride 8, 48 channels', () => {
    const net = createSmallBackbone3d({ seed: 1 });
    expect(net.layout).toBe('NTHWC');
    expect(net.outputStride).toBe(8);
    expect(net.temporalStride).toBe(1);
    expect(net.parameterCount()).toBe(83_512);
    const before = tf.memory().numTensors;
    const y = tf.tidy(() => net.forward(tf.randomNormal([1, 4, 32, 32, 3], 0, 1, 'float32', 3)));
    expect(y.shape).toEqual([1, 4, 4, 4, 48]);
    expect(net.outputSize({ frames: 4, height: 32, width: 32 })).toEqual({
      frames: 4,
      height: 4,
      width: 4,
      channels: 48,
    });
    y.dispose();
    expect(tf.memory().numTensors).toBe(before);
    net.dispose();
  });

  it('same seed gives the same weights; different seeds differ', () => {
    const a = createSmallBackbone2d({ seed: 5 });
    const b = createSmallBackbone2d({ seed: 5 });
    const c = createSmallBackbone2d({ seed: 6 });
    const wa = a.weights[0]!.variable.dataSync();
    expect(Array.from(b.weights[0]!.variable.dataSync())).toEqual(Array.from(wa));
    expect(Array.from(c.weights[0]!.variable.dataSync())).not.toEqual(Array.from(wa));
    for (const n of [a, b, c]) n.dispose();
  });

  it('is differentiable with respect to its trainable variables', () => {
    const net = createSmallBackbone2d({ seed: 2 });
    const x = tf.randomNormal([1, 32, 32, 3], 0, 1, 'float32', 9);
    const { value, grads } = tf.variableGrads(
      () => net.forward(x).square().mean() as tf.Scalar,
      net.trainableVariables as tf.Variable[],
    );
    expect(Object.keys(grads)).toHaveLength(8);
    for (const g of Object.values(grads))
      expect(Number.isFinite(g.abs().sum().dataSync()[0])).toBe(true);
    tf.dispose([value, x, ...Object.values(grads)]);
    net.dispose();
  });

  it('trains on wasm: the loss of a fixed regression target falls under Adam', () => {
    const net = createSmallBackbone3d({ seed: 3, widths: [4, 4, 8, 8] });
    const x = tf.randomNormal([2, 3, 16, 16, 3], 0, 1, 'float32', 11);
    const target = tf.randomNormal([2, 3, 2, 2, 8], 0.5, 0.1, 'float32', 12);
    const optimizer = tf.train.adam(0.02);
    const losses: number[] = [];
    for (let step = 0; step < 15; step++) {
      const loss = optimizer.minimize(
        () => tf.losses.meanSquaredError(target, net.forward(x)) as tf.Scalar,
        true,
        net.trainableVariables as tf.Variable[],
      ) as tf.Scalar;
      losses.push(loss.dataSync()[0] as number);
      loss.dispose();
    }
    expect(losses[14]!).toBeLessThan(0.5 * losses[0]!);
    tf.dispose([x, target]);
    optimizer.dispose();
    net.dispose();
  });

  it('rejects inputs of the wrong layout with the expected shape in the message', () => {
    const net = createSmallBackbone2d({ seed: 2 });
    const x = tf.zeros([1, 4, 16, 16, 3]);
    expect(() => net.forward(x)).toThrow(
      /small-2d: expects a NHWC tensor with 3 channels, got shape \[1, 4, 16, 16, 3\]/,
    );
    x.dispose();
    net.dispose();
  });
});
