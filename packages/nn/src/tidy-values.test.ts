import { initBackend, tf } from './index';
import { tidyValues } from './tidy-values';

describe('tidyValues', () => {
  beforeAll(async () => {
    await initBackend({ backend: 'cpu', log: () => {} });
  });

  it('returns the values of the tensor built in the scope and frees every tensor', () => {
    const x = tf.tensor1d([1, -2, 3]);
    const before = tf.memory().numTensors;
    const values = tidyValues(() => tf.relu(tf.mul(x, 2)));
    expect(Array.from(values)).toEqual([2, 0, 6]);
    expect(tf.memory().numTensors).toBe(before);
    expect(Array.from(tidyValues(() => tf.argMax(tf.tensor2d([[0, 5, 1]]), 1)))).toEqual([1]);
    expect(tf.memory().numTensors).toBe(before);
    x.dispose();
  });

  it('frees the scope when the function throws', () => {
    const before = tf.memory().numTensors;
    expect(() =>
      tidyValues(() => {
        tf.ones([4]);
        throw new Error('boom');
      }),
    ).toThrow('boom');
    expect(tf.memory().numTensors).toBe(before);
  });
});
