/**
 * Frames kept in memory at 8 bits per value (values in [0, 1], ¼ the memory of floats): the
 * storage of both {@link FrameCache} (SynthTubes) and `DatasetFrames` (tier 3).
 */

/** Writes `n` values (clamped to [0, 1]) as `round(255 v)`: datasets' `quantizeFrame`. */
export { quantizeFrame } from '@tubekit/datasets';

/** Reads `n` values at `offset` back as floats in [0, 1]. */
export function dequantizeFrame(bytes: Uint8Array, offset: number, n: number): Float32Array {
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) out[i] = bytes[offset + i] / 255;
  return out;
}
