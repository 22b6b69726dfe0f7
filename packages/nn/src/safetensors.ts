import { readFile } from 'node:fs/promises';
import { writeFileAtomic } from '@tubekit/report';
import { dtypeByteSize, type RawTensor, shapeSize, type WeightDtype } from './raw-tensor';

/** safetensors dtype codes ↔ {@link WeightDtype}. */
const CODES: Record<string, WeightDtype> = {
  F32: 'float32',
  F64: 'float64',
  F16: 'float16',
  BF16: 'bfloat16',
  I8: 'int8',
  U8: 'uint8',
  I16: 'int16',
  U16: 'uint16',
  I32: 'int32',
  U32: 'uint32',
  I64: 'int64',
  U64: 'uint64',
  BOOL: 'bool',
};

function dtypeCode(dtype: WeightDtype): string {
  for (const [code, d] of Object.entries(CODES)) if (d === dtype) return code;
  throw new Error(`safetensors: no code for dtype ${dtype}`);
}

/** The contents of a safetensors file. */
export interface SafetensorsFile {
  /** Tensors in file order (by data offset). Their `bytes` are views into the file buffer. */
  readonly tensors: RawTensor[];
  /** The optional `__metadata__` string map. */
  readonly metadata: Record<string, string>;
}

/**
 * Parses safetensors bytes: an 8-byte little-endian header length N, N bytes of JSON
 * `{ name: { dtype, shape, data_offsets: [begin, end] }, __metadata__?: {...} }`, then the data
 * section (offsets relative to its start). Format: https://github.com/huggingface/safetensors.
 * Every entry is checked (known dtype, byte length = product(shape) × dtype size, inside the
 * data section, no overlaps).
 *
 * @param source label used in error messages (a file path)
 * @example
 * const { tensors } = parseSafetensors(await readFile('i3d.safetensors'));
 */
export function parseSafetensors(bytes: Uint8Array, source = 'safetensors'): SafetensorsFile {
  if (bytes.length < 8) throw new Error(`${source}: ${bytes.length} bytes, too short for a header`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const headerLength = Number(view.getBigUint64(0, true));
  if (8 + headerLength > bytes.length) {
    throw new Error(
      `${source}: header length ${headerLength} exceeds the file size ${bytes.length}`,
    );
  }
  let header: Record<string, unknown>;
  try {
    header = JSON.parse(new TextDecoder().decode(bytes.subarray(8, 8 + headerLength)));
  } catch (error) {
    throw new Error(`${source}: header is not valid JSON (${(error as Error).message})`);
  }
  if (header === null || typeof header !== 'object' || Array.isArray(header)) {
    throw new Error(`${source}: header is not a JSON object`);
  }
  const data = bytes.subarray(8 + headerLength);
  const metadata: Record<string, string> = {};
  const tensors: (RawTensor & { begin: number })[] = [];
  for (const [name, entry] of Object.entries(header)) {
    if (name === '__metadata__') {
      for (const [k, v] of Object.entries(entry as Record<string, unknown>)) {
        if (typeof v !== 'string') throw new Error(`${source}: __metadata__.${k} is not a string`);
        metadata[k] = v;
      }
      continue;
    }
    const e = entry as { dtype?: unknown; shape?: unknown; data_offsets?: unknown };
    const dtype = typeof e.dtype === 'string' ? CODES[e.dtype] : undefined;
    if (!dtype) throw new Error(`${source}: tensor "${name}" has unknown dtype ${String(e.dtype)}`);
    if (
      !Array.isArray(e.shape) ||
      !e.shape.every((d) => Number.isInteger(d) && (d as number) >= 0)
    ) {
      throw new Error(
        `${source}: tensor "${name}" has an invalid shape ${JSON.stringify(e.shape)}`,
      );
    }
    const offsets = e.data_offsets;
    if (
      !Array.isArray(offsets) ||
      offsets.length !== 2 ||
      !offsets.every((o) => Number.isInteger(o) && (o as number) >= 0)
    ) {
      throw new Error(`${source}: tensor "${name}" has invalid data_offsets`);
    }
    const [begin, end] = offsets as [number, number];
    const shape = e.shape as number[];
    const expected = shapeSize(shape) * dtypeByteSize(dtype);
    if (end - begin !== expected || end > data.length) {
      throw new Error(
        `${source}: tensor "${name}" spans bytes [${begin}, ${end}) of a ${data.length}-byte data section; shape [${shape.join(', ')}] of ${dtype} needs ${expected} bytes`,
      );
    }
    tensors.push({ name, shape, dtype, bytes: data.subarray(begin, end), begin });
  }
  tensors.sort((a, b) => a.begin - b.begin);
  for (let i = 1; i < tensors.length; i++) {
    const prev = tensors[i - 1] as RawTensor & { begin: number };
    const cur = tensors[i] as RawTensor & { begin: number };
    if (prev.begin + prev.bytes.length > cur.begin) {
      throw new Error(`${source}: tensors "${prev.name}" and "${cur.name}" overlap`);
    }
  }
  return {
    tensors: tensors.map(({ name, shape, dtype, bytes: b }) => ({ name, shape, dtype, bytes: b })),
    metadata,
  };
}

/**
 * Encodes tensors as safetensors bytes (header padded with spaces to an 8-byte boundary, tensors
 * laid out in the given order). Names must be unique.
 *
 * @example
 * const bytes = encodeSafetensors([float32RawTensor('w', [2], new Float32Array([1, 2]))]);
 */
export function encodeSafetensors(
  tensors: readonly RawTensor[],
  metadata: Record<string, string> = {},
): Uint8Array {
  const header: Record<string, unknown> = {};
  if (Object.keys(metadata).length > 0) header.__metadata__ = metadata;
  let offset = 0;
  for (const t of tensors) {
    if (t.name === '__metadata__' || Object.hasOwn(header, t.name)) {
      throw new Error(`safetensors: duplicate or reserved tensor name "${t.name}"`);
    }
    const size = shapeSize(t.shape) * dtypeByteSize(t.dtype);
    if (t.bytes.length !== size) {
      throw new Error(
        `safetensors: tensor "${t.name}" has ${t.bytes.length} bytes, expected ${size}`,
      );
    }
    header[t.name] = {
      dtype: dtypeCode(t.dtype),
      shape: [...t.shape],
      data_offsets: [offset, offset + size],
    };
    offset += size;
  }
  let json = JSON.stringify(header);
  const encoder = new TextEncoder();
  let headerBytes = encoder.encode(json);
  const pad = (8 - (headerBytes.length % 8)) % 8;
  if (pad > 0) {
    json += ' '.repeat(pad);
    headerBytes = encoder.encode(json);
  }
  const out = new Uint8Array(8 + headerBytes.length + offset);
  new DataView(out.buffer).setBigUint64(0, BigInt(headerBytes.length), true);
  out.set(headerBytes, 8);
  let at = 8 + headerBytes.length;
  for (const t of tensors) {
    out.set(t.bytes, at);
    at += t.bytes.length;
  }
  return out;
}

/**
 * Reads and parses a `.safetensors` file.
 *
 * @example
 * const { tensors } = await readSafetensors('weights/vgg16.safetensors');
 */
export async function readSafetensors(path: string): Promise<SafetensorsFile> {
  const bytes = await readFile(path);
  return parseSafetensors(new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength), path);
}

/**
 * Writes tensors to a `.safetensors` file atomically.
 *
 * @example
 * await writeSafetensors('out/small.safetensors', exportWeights(backbone));
 */
export async function writeSafetensors(
  path: string,
  tensors: readonly RawTensor[],
  metadata: Record<string, string> = {},
): Promise<void> {
  await writeFileAtomic(path, encodeSafetensors(tensors, metadata));
}
