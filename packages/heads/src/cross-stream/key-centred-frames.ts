/**
 * The frames of the `k`-frame stack centred on a key frame (PCSC, Su et al. CVPR 2019, §3.5: "k
 * neighbouring frames with the key frame in the middle", following ACT; spec S1 and pitfall 9):
 * frames `key − ⌊(k−1)/2⌋ … key + ⌈(k−1)/2⌉`, clamped to `[1, nframes]` so the video's first and
 * last frames repeat at its ends (ACT's padding). For even `k` one more frame follows the key frame
 * than precedes it: `k = 6` gives `key−2 … key+3`.
 *
 * @param key - 1-based key frame.
 * @param nframes - frames of the video.
 * @param k - stack length ≥ 1.
 * @returns `k` 1-based frame numbers.
 * @example
 * ```ts
 * keyCentredFrames(1, 10, 5); // [1, 1, 1, 2, 3]
 * keyCentredFrames(5, 10, 4); // [4, 5, 6, 7]
 * ```
 */
export function keyCentredFrames(key: number, nframes: number, k: number): Int32Array {
  if (!(Number.isInteger(nframes) && nframes >= 1))
    throw new RangeError(`keyCentredFrames: nframes = ${nframes}; expected an integer ≥ 1`);
  if (!(Number.isInteger(key) && key >= 1 && key <= nframes))
    throw new RangeError(`keyCentredFrames: key frame ${key} is outside [1, ${nframes}]`);
  if (!(Number.isInteger(k) && k >= 1))
    throw new RangeError(`keyCentredFrames: k = ${k}; expected an integer ≥ 1`);
  const first = key - Math.floor((k - 1) / 2);
  const out = new Int32Array(k);
  for (let i = 0; i < k; i++) out[i] = Math.min(nframes, Math.max(1, first + i));
  return out;
}
