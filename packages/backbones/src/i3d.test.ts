import { initBackend, tf } from '@tubekit/nn';
import { createI3D, deepmindI3dNameMap, I3D_ENDPOINTS } from './i3d';

beforeAll(async () => {
  await initBackend({ backend: 'wasm', log: () => {} });
});

/**
 * Expected parameter counts derived by hand from the published architecture (Carreira &
 * Zisserman 2017 Fig. 3; widths from DeepMind kinetics-i3d `i3d.py`), written out here
 * independently of the implementation: conv kernels without bias + batch-norm γ and β.
 */
function unit(cin: number, cout: number, k: number): number {
  return cin * cout * k ** 3 + 2 * cout;
}
function mixed(cin: number, [a, b1, b2, c1, c2, d]: number[]): number {
  return (
    unit(cin, a, 1) +
    unit(cin, b1, 1) +
    unit(b1, b2, 3) +
    unit(cin, c1, 1) +
    unit(c1, c2, 3) +
    unit(cin, d, 1)
  );
}
const STEM = unit(3, 64, 7) + unit(64, 64, 1) + unit(64, 192, 3);
const TO_4F =
  STEM +
  mixed(192, [64, 96, 128, 16, 32, 32]) +
  mixed(256, [128, 128, 192, 32, 96, 64]) +
  mixed(480, [192, 96, 208, 16, 48, 64]) +
  mixed(512, [160, 112, 224, 24, 64, 64]) +
  mixed(512, [128, 128, 256, 24, 64, 64]) +
  mixed(512, [112, 144, 288, 32, 64, 64]) +
  mixed(528, [256, 160, 320, 32, 128, 128]);
const MIXED_5 =
  mixed(832, [256, 160, 320, 32, 128, 128]) + mixed(832, [384, 192, 384, 48, 128, 128]);

describe('I3D', () => {
  it('matches the published parameter counts', () => {
    expect(TO_4F).toBe(7_528_256);
    expect(TO_4F + MIXED_5).toBe(12_287_264);
    // pytorch-i3d InceptionI3d(400) reports 12,697,264 parameters = ours + the 1×1×1 logits conv (1024·400 + 400)
    expect(TO_4F + MIXED_5 + 1024 * 400 + 400).toBe(12_697_264);
    const trunk = createI3D({ seed: 0, init: 'zeros' });
    const head = createI3D({
      seed: 0,
      init: 'zeros',
      firstEndpoint: 'Mixed_5b',
      finalEndpoint: 'Mixed_5c',
    });
    try {
      expect(trunk.parameterCount()).toBe(TO_4F);
      expect(head.parameterCount()).toBe(MIXED_5);
      expect(trunk.outputChannels).toBe(832);
      expect(trunk.outputStride).toBe(16);
      expect(trunk.temporalStride).toBe(4);
      expect(head.inputChannels).toBe(832);
      expect(head.outputChannels).toBe(1024);
      expect(trunk.outputSize({ frames: 12, height: 400, width: 400 })).toEqual({
        frames: 3,
        height: 25,
        width: 25,
        channels: 832,
      });
      expect(
        trunk.weights.find((w) => w.name === 'Mixed_4f.b1b.conv3d.weight')?.variable.shape,
      ).toEqual([3, 3, 3, 160, 320]);
      expect(
        trunk.weights.filter((w) => !w.trainable).every((w) => /running_(mean|var)$/.test(w.name)),
      ).toBe(true);
      expect(trunk.endpoints).toEqual(I3D_ENDPOINTS.slice(0, 13));
    } finally {
      trunk.dispose();
      head.dispose();
    }
  });

  it('DeepMind-style batch norm without γ has fewer parameters', () => {
    const net = createI3D({
      seed: 0,
      init: 'zeros',
      finalEndpoint: 'Conv3d_2c_3x3',
      batchNormScale: false,
    });
    expect(net.parameterCount()).toBe(STEM - (64 + 64 + 192));
    net.dispose();
  });

  it('runs Mixed_4f and the Mixed_5b/5c head on wasm with the right shapes, no leaks', () => {
    const trunk = createI3D({ seed: 0, init: 'zeros' });
    const head = createI3D({
      seed: 0,
      init: 'zeros',
      firstEndpoint: 'Mixed_5b',
      finalEndpoint: 'Mixed_5c',
    });
    const before = tf.memory().numTensors;
    const x = tf.ones([1, 8, 32, 32, 3]);
    const ends = trunk.forwardEndpoints(x, ['Conv3d_2c_3x3', 'Mixed_3c', 'Mixed_4f']);
    expect(ends.Conv3d_2c_3x3.shape).toEqual([1, 4, 8, 8, 192]);
    expect(ends.Mixed_3c.shape).toEqual([1, 4, 4, 4, 480]);
    expect(ends.Mixed_4f.shape).toEqual([1, 2, 2, 2, 832]);
    const y = head.forward(ends.Mixed_4f);
    expect(y.shape).toEqual([1, 2, 2, 2, 1024]);
    expect(() => trunk.forwardEndpoints(x, ['Mixed_9z'])).toThrow(
      /unknown endpoint "Mixed_9z"; valid: Conv3d_1a_7x7/,
    );
    tf.dispose([x, y, ...Object.values(ends)]);
    expect(tf.memory().numTensors).toBe(before);
    trunk.dispose();
    head.dispose();
  });

  it('trains through pooling and frozen batch norm on wasm (gradients for γ, β and kernels only)', () => {
    const net = createI3D({ seed: 1, finalEndpoint: 'Conv3d_2b_1x1' });
    expect(net.trainableVariables).toHaveLength(6);
    const x = tf.randomNormal([1, 4, 16, 16, 3], 0, 1, 'float32', 8);
    const { value, grads } = tf.variableGrads(
      () => net.forward(x).square().mean() as tf.Scalar,
      net.trainableVariables as tf.Variable[],
    );
    expect(Object.keys(grads)).toHaveLength(6);
    for (const g of Object.values(grads))
      expect(Number.isFinite(g.abs().sum().dataSync()[0])).toBe(true);
    expect(grads[net.trainableVariables[0]!.name]!.abs().sum().dataSync()[0]).toBeGreaterThan(0);
    tf.dispose([x, value, ...Object.values(grads)]);
    net.dispose();
  });

  it('counts FLOPs per clip', () => {
    const net = createI3D({ seed: 0, init: 'zeros', finalEndpoint: 'Conv3d_1a_7x7' });
    // 64-frame 224² clip → 32×112×112×64 outputs × 7³×3 MACs × 2
    expect(net.flops({ frames: 64, height: 224, width: 224 })).toBe(
      2 * 32 * 112 * 112 * 64 * 343 * 3,
    );
    net.dispose();
  });

  it('maps DeepMind kinetics-i3d checkpoint names onto every weight of a γ-free I3D', () => {
    const net = createI3D({
      seed: 0,
      init: 'zeros',
      finalEndpoint: 'Mixed_5c',
      batchNormScale: false,
    });
    const ours = new Set(net.weights.map((w) => w.name));
    // every DeepMind variable name, generated from i3d.py's naming scheme
    const dm: string[] = [];
    const leaves = [
      'conv_3d/w',
      'batch_norm/beta',
      'batch_norm/moving_mean',
      'batch_norm/moving_variance',
    ];
    for (const stem of ['Conv3d_1a_7x7', 'Conv3d_2b_1x1', 'Conv3d_2c_3x3'])
      for (const l of leaves) dm.push(`RGB/inception_i3d/${stem}/${l}`);
    for (const m of I3D_ENDPOINTS.filter((e) => e.startsWith('Mixed_'))) {
      const b2b = m === 'Mixed_5b' ? 'Branch_2/Conv3d_0a_3x3' : 'Branch_2/Conv3d_0b_3x3';
      for (const unit of [
        'Branch_0/Conv3d_0a_1x1',
        'Branch_1/Conv3d_0a_1x1',
        'Branch_1/Conv3d_0b_3x3',
        'Branch_2/Conv3d_0a_1x1',
        b2b,
        'Branch_3/Conv3d_0b_1x1',
      ])
        for (const l of leaves) dm.push(`RGB/inception_i3d/${m}/${unit}/${l}:0`);
    }
    const mapped = dm.map(deepmindI3dNameMap);
    expect(mapped.every((n) => n !== undefined && ours.has(n))).toBe(true);
    expect(new Set(mapped).size).toBe(ours.size);
    expect(deepmindI3dNameMap('Flow/inception_i3d/Mixed_4f/Branch_1/Conv3d_0b_3x3/conv_3d/w')).toBe(
      'Mixed_4f.b1b.conv3d.weight',
    );
    expect(deepmindI3dNameMap('RGB/inception_i3d/Logits/Conv3d_0c_1x1/conv_3d/w')).toBeUndefined();
    net.dispose();
  });
});
