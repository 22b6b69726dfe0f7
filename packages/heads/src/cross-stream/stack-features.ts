import type { Trunk } from '@tubekit/backbones';
import { tf } from '@tubekit/nn';

/**
 * Key-frame bottom-up maps from a trunk (PCSC spec S1–S2, *our choice* for the 3-D → 2-D reduction:
 * the temporal average of each level over the key-centred stack). The trunk runs once over a
 * contiguous frame sequence (`Trunk.backbone` of @tubekit/backbones: features of a frame depend
 * on it and its neighbours), then each key frame's level is the mean of its stack's frames.
 *
 * @param trunk - the stream's pretrained trunk.
 * @param frames - `[T, H, W, channels]` consecutive frames of one video (values in [0, 1]).
 * @param stacks - per key frame, the 0-based rows of `frames` of its stack (e.g.
 *   `keyCentredFrames(key, T, k)` minus 1); all stacks have one length.
 * @returns per trunk level (finest first) `[K, h, w, c]`. Call inside `tf.tidy`.
 * @example
 * ```ts
 * const levels = stackFeatures(trunk, frames, [keyCentredFrames(5, T, 6).map((f) => f - 1)]);
 * ```
 */
export function stackFeatures(
  trunk: Trunk,
  frames: tf.Tensor4D,
  stacks: readonly ArrayLike<number>[],
): tf.Tensor4D[] {
  const K = stacks.length;
  const k = K > 0 ? stacks[0]!.length : 0;
  if (K === 0 || k === 0) throw new RangeError('stackFeatures: no key frames or empty stacks');
  const rows = new Int32Array(K * k);
  stacks.forEach((s, i) => {
    if (s.length !== k)
      throw new RangeError(`stackFeatures: stack ${i} has ${s.length} frames; expected ${k}`);
    for (let j = 0; j < k; j++) {
      const r = s[j]!;
      if (!(Number.isInteger(r) && r >= 0 && r < frames.shape[0]))
        throw new RangeError(
          `stackFeatures: stack ${i} names frame row ${r} of ${frames.shape[0]}`,
        );
      rows[i * k + j] = r;
    }
  });
  const { levels } = trunk.backbone(frames);
  return levels.map(({ tensor }) => {
    const [, h, w, c] = tensor.shape;
    return tf.mean(tf.reshape(tf.gather(tensor, rows), [K, k, h, w, c]), 1) as tf.Tensor4D;
  });
}
