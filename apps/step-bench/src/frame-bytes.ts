/**
 * Frames kept in memory at 8 bits per value (values in [0, 1], ¼ the memory of floats): the
 * storage of both {@link FrameCache} (SynthTubes) and `DatasetFrames` (tier 3).
 */

/** Writes `n` values of `data` (clamped to [0, 1] — they are pixel intensities) at `offset`. */
export function quantizeFrame(bytes: Uint8Array, offset: number, data: Float32Array, n: number) {
  for (let i = 0; i < n; i++)
    bytes[offset + i] = Math.round(Math.min(Math.max(data[i], 0), 1) * 255);
}

/** Reads `n` values at `offset` back as floats in [0, 1]. */
export function dequantizeFrame(bytes: Uint8Array, offset: number, n: number): Float32Array {
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) out[i] = bytes[offset + i] / 255;
  return out;
}
