import { readFile } from 'node:fs/promises';
import type { RawTensor } from '@tubekit/nn';
import { parseSafetensors, writeSafetensors } from '@tubekit/nn';
import { parseOnnxTensors } from './onnx-model';
import {
  type ExportWeightsOptions,
  exportWeights,
  type HasWeights,
  type ImportWeightsOptions,
  type ImportWeightsReport,
  importWeights,
} from './weight-io';

/** The two weight-file formats tubekit reads. */
export type WeightFileFormat = 'safetensors' | 'onnx';

/**
 * Which format some bytes are, by content, not by file extension: a safetensors file starts with
 * an 8-byte little-endian header length followed by `{`; anything else is parsed as ONNX.
 */
export function detectWeightFormat(bytes: Uint8Array): WeightFileFormat {
  if (bytes.length >= 9 && bytes[8] === 0x7b) {
    const n = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength).getBigUint64(0, true);
    if (n > 0n && n <= BigInt(bytes.length - 8)) return 'safetensors';
  }
  return 'onnx';
}

/**
 * Reads every tensor of a `.safetensors` file or of an `.onnx` model's initializers / Constant
 * nodes (format detected from the content).
 *
 * @example
 * ```ts
 * const tensors = await readWeightFile('weights/rgb_imagenet.safetensors');
 * ```
 */
export async function readWeightFile(path: string): Promise<RawTensor[]> {
  const buffer = await readFile(path);
  const bytes = new Uint8Array(buffer.buffer, buffer.byteOffset, buffer.byteLength);
  return detectWeightFormat(bytes) === 'safetensors'
    ? parseSafetensors(bytes, path).tensors
    : parseOnnxTensors(bytes, path);
}

/**
 * Reads a weight file and assigns it to a model with {@link importWeights} (errors name the file).
 *
 * @example
 * ```ts
 * const i3d = createI3D({ seed: 0, init: 'zeros' });
 * await loadWeights(i3d, 'rgb_imagenet.safetensors', { layout: 'channels-first', allowUnexpected: true });
 * ```
 */
export async function loadWeights(
  model: HasWeights,
  path: string,
  options: Omit<ImportWeightsOptions, 'source'>,
): Promise<ImportWeightsReport> {
  return importWeights(model, await readWeightFile(path), { ...options, source: path });
}

/**
 * Writes a model's weights to a `.safetensors` file atomically (`__metadata__` records the layout).
 *
 * @example
 * ```ts
 * await saveWeights(net, 'out/small-2d.safetensors', { layout: 'channels-first' });
 * ```
 */
export async function saveWeights(
  model: HasWeights,
  path: string,
  options: ExportWeightsOptions,
): Promise<void> {
  await writeSafetensors(path, exportWeights(model, options), {
    format: options.layout === 'channels-first' ? 'pt' : 'tf',
    layout: options.layout,
    producer: 'tubekit',
  });
}
