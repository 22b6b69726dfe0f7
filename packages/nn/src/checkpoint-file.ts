import { readFile } from 'node:fs/promises';
import { writeFileAtomic } from '@tubekit/report';

/** One array of a checkpoint. */
export interface CheckpointTensor {
  name: string;
  shape: number[];
  data: Float32Array | Int32Array;
}

/** A checkpoint's contents: named arrays plus a string→string metadata map. */
export interface CheckpointContents {
  tensors: CheckpointTensor[];
  metadata: Record<string, string>;
}

/**
 * Encodes a checkpoint in the safetensors layout (8-byte little-endian header length, JSON header
 * `{name: {dtype, shape, data_offsets}, __metadata__}`, then the raw little-endian data), so
 * `safetensors.torch.load_file` can read the weights of a tubekit run. Only F32 and I32 arrays.
 */
export function encodeCheckpoint(contents: CheckpointContents): Uint8Array {
  const header: Record<string, unknown> = { __metadata__: contents.metadata };
  let offset = 0;
  const seen = new Set<string>();
  for (const t of contents.tensors) {
    if (seen.has(t.name)) throw new Error(`checkpoint: duplicate tensor name "${t.name}"`);
    seen.add(t.name);
    const size = t.shape.reduce((a, b) => a * b, 1);
    if (size !== t.data.length)
      throw new Error(
        `checkpoint: tensor "${t.name}" has ${t.data.length} values for shape [${t.shape}]`,
      );
    header[t.name] = {
      dtype: t.data instanceof Int32Array ? 'I32' : 'F32',
      shape: t.shape,
      data_offsets: [offset, offset + t.data.byteLength],
    };
    offset += t.data.byteLength;
  }
  let json = JSON.stringify(header);
  json += ' '.repeat((8 - ((json.length + 8) % 8)) % 8);
  const headerBytes = new TextEncoder().encode(json);
  const out = new Uint8Array(8 + headerBytes.length + offset);
  new DataView(out.buffer).setBigUint64(0, BigInt(headerBytes.length), true);
  out.set(headerBytes, 8);
  let at = 8 + headerBytes.length;
  for (const t of contents.tensors) {
    out.set(new Uint8Array(t.data.buffer, t.data.byteOffset, t.data.byteLength), at);
    at += t.data.byteLength;
  }
  return out;
}

/** Decodes {@link encodeCheckpoint}'s bytes; `source` names the file in errors. */
export function decodeCheckpoint(bytes: Uint8Array, source = 'checkpoint'): CheckpointContents {
  if (bytes.length < 8)
    throw new Error(`${source}: ${bytes.length} bytes, too short for a checkpoint`);
  const n = Number(
    new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength).getBigUint64(0, true),
  );
  if (8 + n > bytes.length)
    throw new Error(`${source}: header length ${n} exceeds the file size ${bytes.length}`);
  let header: Record<
    string,
    { dtype: string; shape: number[]; data_offsets: [number, number] } | Record<string, string>
  >;
  try {
    header = JSON.parse(new TextDecoder().decode(bytes.subarray(8, 8 + n)));
  } catch (e) {
    throw new Error(`${source}: header is not JSON (${(e as Error).message})`);
  }
  const dataStart = 8 + n;
  const tensors: CheckpointTensor[] = [];
  for (const [name, entry] of Object.entries(header)) {
    if (name === '__metadata__') continue;
    const { dtype, shape, data_offsets } = entry as {
      dtype: string;
      shape: number[];
      data_offsets: [number, number];
    };
    const [b, e] = data_offsets;
    const size = shape.reduce((a, c) => a * c, 1);
    if (dtype !== 'F32' && dtype !== 'I32')
      throw new Error(`${source}: tensor "${name}" has dtype ${dtype}; expected F32 or I32`);
    if (e - b !== size * 4 || dataStart + e > bytes.length)
      throw new Error(
        `${source}: tensor "${name}" bytes [${b}, ${e}) do not hold shape [${shape}] inside the file`,
      );
    const copy = bytes.slice(dataStart + b, dataStart + e);
    tensors.push({
      name,
      shape,
      data: dtype === 'I32' ? new Int32Array(copy.buffer) : new Float32Array(copy.buffer),
    });
  }
  return { tensors, metadata: (header.__metadata__ as Record<string, string>) ?? {} };
}

/** Writes a checkpoint atomically (temporary file + rename: a crash never leaves a torn checkpoint). */
export async function writeCheckpoint(path: string, contents: CheckpointContents): Promise<void> {
  await writeFileAtomic(path, encodeCheckpoint(contents));
}

/** Reads a checkpoint written by {@link writeCheckpoint}. */
export async function readCheckpoint(path: string): Promise<CheckpointContents> {
  return decodeCheckpoint(new Uint8Array(await readFile(path)), path);
}
