/** Optional parts of {@link resizeBilinear}. */
export interface ResizeOptions {
  /** Source window `[x1, y1, x2, y2]` in continuous source pixels to resample (a crop); default the whole image. */
  region?: readonly [number, number, number, number];
  /** Mirror the output horizontally. */
  flip?: boolean;
  /** Where to write (length dstWidth·dstHeight·channels); default a new array. */
  out?: Float32Array;
}

/**
 * Bilinear resize of an interleaved H×W×C float image with half-pixel centres — the convention of
 * OpenCV `INTER_LINEAR`, PIL and `tf.image.resize(…, 'bilinear')` (`half_pixel_centers`): output
 * pixel x samples input position x1 + (x + 0.5)·(x2 − x1)/dw − 0.5, clamped at the borders.
 * Optionally crops a region and mirrors the result in the same pass. Not antialiased (large
 * downscales alias, as in those libraries).
 *
 * @example
 * const small = resizeBilinear(rgb, 112, 112, 3, 56, 56);
 * const cropped = resizeBilinear(rgb, 112, 112, 3, 64, 64, { region: [10, 10, 90, 90], flip: true });
 */
export function resizeBilinear(
  src: Float32Array,
  srcWidth: number,
  srcHeight: number,
  channels: number,
  dstWidth: number,
  dstHeight: number,
  options: ResizeOptions = {},
): Float32Array {
  const { out, flip = false } = options;
  const [rx1, ry1, rx2, ry2] = options.region ?? [0, 0, srcWidth, srcHeight];
  if (!(rx2 > rx1 && ry2 > ry1))
    throw new RangeError(`resizeBilinear: region [${rx1}, ${ry1}, ${rx2}, ${ry2}] is empty`);
  if (src.length !== srcWidth * srcHeight * channels)
    throw new RangeError(
      `resizeBilinear: source has ${src.length} values, expected ${srcWidth}×${srcHeight}×${channels}`,
    );
  if (!(Number.isInteger(dstWidth) && Number.isInteger(dstHeight) && dstWidth > 0 && dstHeight > 0))
    throw new RangeError(
      `resizeBilinear: target size ${dstWidth}×${dstHeight} must be positive integers`,
    );
  const dst = out ?? new Float32Array(dstWidth * dstHeight * channels);
  if (dst.length !== dstWidth * dstHeight * channels)
    throw new RangeError(
      `resizeBilinear: out has ${dst.length} values, expected ${dstWidth}×${dstHeight}×${channels}`,
    );
  if (!flip && !options.region && dstWidth === srcWidth && dstHeight === srcHeight) {
    dst.set(src);
    return dst;
  }
  const sx = (rx2 - rx1) / dstWidth;
  const sy = (ry2 - ry1) / dstHeight;
  for (let y = 0; y < dstHeight; y++) {
    let fy = ry1 + (y + 0.5) * sy - 0.5;
    if (fy < 0) fy = 0;
    let y0 = Math.floor(fy);
    if (y0 > srcHeight - 1) y0 = srcHeight - 1;
    const y1 = y0 + 1 < srcHeight ? y0 + 1 : y0;
    const wy = Math.min(fy - y0, 1);
    for (let x = 0; x < dstWidth; x++) {
      let fx = rx1 + ((flip ? dstWidth - 1 - x : x) + 0.5) * sx - 0.5;
      if (fx < 0) fx = 0;
      let x0 = Math.floor(fx);
      if (x0 > srcWidth - 1) x0 = srcWidth - 1;
      const x1 = x0 + 1 < srcWidth ? x0 + 1 : x0;
      const wx = Math.min(fx - x0, 1);
      const o00 = (y0 * srcWidth + x0) * channels;
      const o10 = (y0 * srcWidth + x1) * channels;
      const o01 = (y1 * srcWidth + x0) * channels;
      const o11 = (y1 * srcWidth + x1) * channels;
      const o = (y * dstWidth + x) * channels;
      for (let c = 0; c < channels; c++) {
        const top =
          (src[o00 + c] as number) + wx * ((src[o10 + c] as number) - (src[o00 + c] as number));
        const bottom =
          (src[o01 + c] as number) + wx * ((src[o11 + c] as number) - (src[o01 + c] as number));
        dst[o + c] = top + wy * (bottom - top);
      }
    }
  }
  return dst;
}
