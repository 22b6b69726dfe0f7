import { tf } from '@tubekit/nn';

/**
 * Key-frame bottom-up maps from a trunk (PCSC spec S1–S2, *our choice* for the 3-D → 2-D reduction:
 * the temporal average of each level over the key-centred stack, or over each of its `segments`
 * consecutive equal parts, concatenated in time order along the channels). The trunk runs once
 * over a contiguous frame sequence (`Trunk.backbone` of @tubekit/backbones, or `frozenLevels` for a
 * frozen trunk: features of a frame depend on it and its neighbours), then each key frame's level
 * is the mean of its stack's frames (`segments` 1), or the `segments` means of its parts, first
 * part first (`c · segments` channels: the order of what happens within the stack survives the
 * reduction).
 *
 * @param levels - the trunk's levels over `T` consecutive frames of one video, finest first, each
 *   `[T, h, w, c]`.
 * @param stacks - per key frame, the 0-based frame rows of its stack (e.g.
 *   `keyCentredFrames(key, T, k)` minus 1); all stacks have one length.
 * @param segments - equal consecutive parts of each stack averaged separately (default 1; must
 *   divide the stack length).
 * @returns per trunk level (finest first) `[K, h, w, c · segments]`. Call inside `tf.tidy`.
 * @example
 * ```ts
 * const perFrame = trunk.backbone(frames).levels.map((l) => l.tensor);
 * const keyLevels = stackFeatures(perFrame, [keyCentredFrames(5, T, 6).map((f) => f - 1)]);
 * ```
 */
export function stackFeatures(
  levels: readonly tf.Tensor4D[],
  stacks: readonly ArrayLike<number>[],
  segments = 1,
): tf.Tensor4D[] {
  const K = stacks.length;
  const k = K > 0 ? stacks[0]!.length : 0;
  if (K === 0 || k === 0) throw new RangeError('stackFeatures: no key frames or empty stacks');
  const T = levels[0]?.shape[0] ?? 0;
  if (levels.some((l) => l.shape[0] !== T))
    throw new RangeError(
      `stackFeatures: levels of ${levels.map((l) => l.shape[0]).join(', ')} frames; expected one count`,
    );
  if (!(Number.isInteger(segments) && segments >= 1 && k % segments === 0))
    throw new RangeError(
      `stackFeatures: ${segments} segments; expected a positive integer dividing the stack length ${k}`,
    );
  const rows = new Int32Array(K * k);
  stacks.forEach((s, i) => {
    if (s.length !== k)
      throw new RangeError(`stackFeatures: stack ${i} has ${s.length} frames; expected ${k}`);
    for (let j = 0; j < k; j++) {
      const r = s[j]!;
      if (!(Number.isInteger(r) && r >= 0 && r < T))
        throw new RangeError(`stackFeatures: stack ${i} names frame row ${r} of ${T}`);
      rows[i * k + j] = r;
    }
  });
  return levels.map((tensor) => {
    const [, h, w, c] = tensor.shape;
    const parts = tf.mean(
      tf.reshape(tf.gather(tensor, rows), [K, segments, k / segments, h, w, c]),
      2,
    );
    // [K, segments, h, w, c] → [K, h, w, segments · c], the first part's channels first (one
    // part needs no reordering)
    const ordered = segments === 1 ? parts : tf.transpose(parts, [0, 2, 3, 1, 4]);
    return tf.reshape(ordered, [K, h, w, segments * c]) as tf.Tensor4D;
  });
}
