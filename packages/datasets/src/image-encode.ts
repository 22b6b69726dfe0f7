import { loadSharp } from './load-sharp';

/** Image formats tubekit writes frames as. */
export type FrameImageFormat = 'png' | 'jpeg';

/**
 * Quantises an H×W×3 float image in [0, 1] to 8-bit RGB (round to nearest, values outside
 * [0, 1] saturate).
 *
 * @example
 * const bytes = quantizeRgb(rgb); // Uint8Array of the same length
 */
export function quantizeRgb(rgb: Float32Array, out?: Uint8Array): Uint8Array {
  const bytes = out ?? new Uint8Array(rgb.length);
  for (let i = 0; i < rgb.length; i++) {
    const v = Math.round((rgb[i] as number) * 255);
    bytes[i] = v < 0 ? 0 : Math.min(v, 255);
  }
  return bytes;
}

/**
 * Encodes an H×W×3 float image in [0, 1] as PNG (lossless, what flow images need) or JPEG
 * (quality 90 by default, the usual choice for RGB frame folders) with sharp.
 *
 * @example
 * await writeFileAtomic('frames/walk_0000/00001.png', await encodeFrameImage(rgb, 112, 112, 'png'));
 */
export async function encodeFrameImage(
  rgb: Float32Array,
  width: number,
  height: number,
  format: FrameImageFormat,
  options: { quality?: number } = {},
): Promise<Buffer> {
  if (rgb.length !== width * height * 3)
    throw new RangeError(`encodeFrameImage: ${rgb.length} values, expected ${width}×${height}×3`);
  const image = (await loadSharp())(quantizeRgb(rgb), { raw: { width, height, channels: 3 } });
  return format === 'png'
    ? image.png({ compressionLevel: 6 }).toBuffer()
    : image.jpeg({ quality: options.quality ?? 90 }).toBuffer();
}
