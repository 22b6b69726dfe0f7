import * as tf from '@tensorflow/tfjs-core';
import { gradientCheck } from '../grad-check';
import { initBackend } from '../init-backend';
import { RpnHead } from './rpn-head';

beforeAll(async () => {
  await initBackend({ backend: 'wasm', log: () => {} });
});

describe('RpnHead (Faster R-CNN §3.1)', () => {
  test('rows are (y·W + x)·A + a, channels anchor-major', () => {
    const rpn = new RpnHead({ inChannels: 1, convLayers: 0, anchors: 2, scoreClasses: 2, seed: 0 });
    const w = Object.fromEntries(rpn.weights.map((x) => [x.name, x.variable]));
    // logits of anchor a, class k = (1 + a·2 + k)·v ; deltas of anchor a, coord c = 10a + c
    w['cls.weight']!.assign(tf.tensor([1, 2, 3, 4], [1, 1, 1, 4]));
    w['reg.weight']!.assign(tf.zeros([1, 1, 1, 8]));
    w['reg.bias']!.assign(tf.tensor([0, 1, 2, 3, 10, 11, 12, 13]));
    const x = tf.tensor([0, 1, 2, 3, 4, 5], [1, 2, 3, 1]) as tf.Tensor4D; // v = y·3 + x
    const before = tf.memory().numTensors;
    const { logits, deltas } = rpn.forward(x);
    expect(logits.shape).toEqual([1, 12, 2]);
    expect(deltas.shape).toEqual([1, 12, 4]);
    const l = logits.arraySync()[0]!;
    // cell (x = 2, y = 1): v = 5, row (1·3 + 2)·2 + 1 = 11 → anchor 1: [3·5, 4·5]
    expect(l[11]).toEqual([15, 20]);
    expect(l[10]).toEqual([5, 10]);
    expect(deltas.arraySync()[0]![7]).toEqual([10, 11, 12, 13]);
    tf.dispose([logits, deltas]);
    expect(tf.memory().numTensors).toBe(before);
    tf.dispose(x);
    rpn.dispose();
  });

  test('weights, shapes, gradients and bad input', () => {
    const rpn = new RpnHead({
      inChannels: 3,
      hiddenChannels: 4,
      convLayers: 2,
      anchors: 3,
      seed: 1,
    });
    expect(rpn.weights.map((w) => `${w.name}:${w.variable.shape.join('x')}`)).toEqual([
      'conv0.weight:3x3x3x4',
      'conv0.bias:4',
      'conv1.weight:3x3x4x4',
      'conv1.bias:4',
      'cls.weight:1x1x4x3',
      'cls.bias:3',
      'reg.weight:1x1x4x12',
      'reg.bias:12',
    ]);
    const x = tf.randomNormal([2, 3, 4, 3], 0, 1, 'float32', 3) as tf.Tensor4D;
    const { logits, deltas } = rpn.forward(x);
    expect(logits.shape).toEqual([2, 36, 1]);
    expect(deltas.shape).toEqual([2, 36, 4]);
    const { maxError } = gradientCheck(
      (a) =>
        tf.tidy(() => {
          const o = rpn.forward(a as tf.Tensor4D);
          return tf.add(
            tf.sum(tf.square(o.logits)),
            tf.sum(tf.mul(o.deltas, o.deltas)),
          ) as tf.Scalar;
        }),
      [x],
      { samples: 8 },
    );
    expect(maxError).toBeLessThan(5e-2);
    expect(() => rpn.forward(tf.zeros([1, 2, 2, 5]) as tf.Tensor4D)).toThrow(
      'RpnHead: expects [B, H, W, 3], got [1, 2, 2, 5]',
    );
    expect(() => new RpnHead({ inChannels: 3, anchors: 0, seed: 0 })).toThrow(
      'RpnHead: anchors = 0; expected an integer ≥ 1',
    );
    tf.dispose([x, logits, deltas]);
    rpn.dispose();
  });
});
