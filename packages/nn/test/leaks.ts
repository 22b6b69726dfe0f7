import * as tf from '@tensorflow/tfjs-core';

/**
 * Runs `step` once to warm up, then `runs` more times, and expects the engine's tensors and the
 * backend's data ids to stay where they were after the first run: nothing leaked per step.
 */
export function expectNoLeaks(step: () => unknown, runs = 3): void {
  step();
  const backend = tf.backend() as unknown as { numDataIds(): number };
  const ids = backend.numDataIds();
  const tensors = tf.memory().numTensors;
  for (let i = 0; i < runs; i++) step();
  expect(backend.numDataIds()).toBe(ids);
  expect(tf.memory().numTensors).toBe(tensors);
}
