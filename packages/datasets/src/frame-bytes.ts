/**
 * 8-bit frames: values in [0, 1] stored as `round(255 · v)` (clamped), ¼ the memory of floats,
 * like the JPEG/PNG frames of the real datasets.
 */

/**
 * Writes `n` values of `data` (pixel intensities, clamped to [0, 1]) to `bytes` at `offset` as
 * `Math.round(255 · clamp(v))`. The store goes through a `Uint8ClampedArray` view, whose
 * conversion (clamp to [0, 255], round half to even) gives the same byte for every float32 v:
 * 255 · v is exact in double precision, and the only tie k + ½ it can reach in [0, 255] is 127.5
 * (v = ½), where both roundings give 128.
 *
 * @example
 * const bytes = new Uint8Array(3);
 * quantizeFrame(bytes, 0, new Float32Array([0, 0.5, 1.2]), 3); // bytes = [0, 128, 255]
 */
export function quantizeFrame(
  bytes: Uint8Array,
  offset: number,
  data: Float32Array,
  n: number,
): void {
  if (offset < 0 || offset + n > bytes.length || n > data.length)
    throw new RangeError(
      `quantizeFrame: ${n} values at ${offset} do not fit ${bytes.length} bytes / ${data.length} values`,
    );
  const clamped = new Uint8ClampedArray(bytes.buffer, bytes.byteOffset + offset, n);
  for (let i = 0; i < n; i++) clamped[i] = 255 * (data[i] as number);
}
