import { initBackend, tf } from '@tubekit/nn';
import { sampleFeatures, sampleTimes } from './sample-features';

beforeAll(async () => {
  await initBackend({ backend: 'wasm', log: () => {} });
});

describe('CFAD feature sampling (§3.1, spec S4)', () => {
  test('sample times are uniform over the span, endpoints included', () => {
    expect(Array.from(sampleTimes(11, 15, 5))).toEqual([11, 12, 13, 14, 15]);
    expect(Array.from(sampleTimes(0, 1, 3))).toEqual([0, 0.5, 1]);
    expect(() => sampleTimes(0, 1, 1)).toThrow(/N = 1/);
    expect(() => sampleTimes(2, 1, 3)).toThrow(/reversed/);
  });

  test('rows interpolate the two nearest frames and clamp at the ends; gradient splits by weight', () => {
    // frame t holds the value 10·t everywhere
    const x = tf.tidy(() =>
      tf.mul(tf.reshape(tf.range(0, 4), [4, 1, 1, 1]), tf.ones([4, 2, 2, 3]).mul(10)),
    );
    const before = tf.memory().numTensors;
    const y = sampleFeatures(x as tf.Tensor4D, [0, 2.25, 3, 5, -1]);
    expect(y.shape).toEqual([5, 2, 2, 3]);
    const v = y.dataSync();
    expect([v[0], v[12], v[24], v[36], v[48]].map((a) => Math.round(a! * 1e4) / 1e4)).toEqual([
      0, 22.5, 30, 30, 0,
    ]);
    y.dispose();
    expect(tf.memory().numTensors).toBe(before);
    const g = tf.grad((f: tf.Tensor) => tf.sum(sampleFeatures(f as tf.Tensor4D, [2.25])))(x);
    const per = Array.from(g.dataSync()).filter((_, i) => i % 12 === 0);
    expect(per.map((a) => Math.round(a * 100) / 100)).toEqual([0, 0, 0.75, 0.25]);
    tf.dispose([x, g]);
  });

  test('bad positions throw', () => {
    const x = tf.zeros([2, 1, 1, 1]) as tf.Tensor4D;
    expect(() => sampleFeatures(x, [Number.NaN])).toThrow(/position 0/);
    x.dispose();
  });
});
