import * as tf from '@tensorflow/tfjs-core';

/**
 * Runs `fn` in a `tf.tidy` scope and returns the values of the tensor it builds, freeing every
 * tensor it made (the result included).
 *
 * Use it instead of `tf.tidy(() => t.dataSync())`: a typed array returned from a tidy is walked
 * element by element by tfjs's search for tensors to keep (a `Set` insert per value), which cost
 * 1–2 s for one video's stored backbone features at quick size, three times the backbone itself.
 *
 * @example
 * const probabilities = tidyValues(() => tf.sigmoid(logits)); // Float32Array
 */
export function tidyValues(fn: () => tf.Tensor): Float32Array | Int32Array | Uint8Array {
  const result = tf.tidy(fn);
  try {
    return result.dataSync() as Float32Array | Int32Array | Uint8Array;
  } finally {
    result.dispose();
  }
}
