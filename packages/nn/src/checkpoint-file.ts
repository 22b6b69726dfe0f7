import { readFile } from 'node:fs/promises';
import { writeFileAtomic } from '@tubekit/report';
import { type RawTensor, rawTensorToFloat32, shapeSize } from './raw-tensor';
import { encodeSafetensors, parseSafetensors } from './safetensors';

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

function toRawTensor(t: CheckpointTensor): RawTensor {
  if (shapeSize(t.shape) !== t.data.length) {
    throw new Error(
      `checkpoint: tensor "${t.name}" has ${t.data.length} values for shape [${t.shape}]`,
    );
  }
  const bytes = new Uint8Array(t.data.buffer, t.data.byteOffset, t.data.byteLength).slice();
  return {
    name: t.name,
    shape: t.shape,
    dtype: t.data instanceof Int32Array ? 'int32' : 'float32',
    bytes,
  };
}

/**
 * Encodes a checkpoint as a safetensors file ({@link encodeSafetensors}: F32 weights and optimizer
 * slots, I32 counters, the run's state in `__metadata__`), so `safetensors.torch.load_file` can
 * read the weights of a tubekit run.
 */
export function encodeCheckpoint(contents: CheckpointContents): Uint8Array {
  return encodeSafetensors(contents.tensors.map(toRawTensor), contents.metadata);
}

/** Decodes {@link encodeCheckpoint}'s bytes; `source` names the file in errors. */
export function decodeCheckpoint(bytes: Uint8Array, source = 'checkpoint'): CheckpointContents {
  const file = parseSafetensors(bytes, source);
  const tensors = file.tensors.map((t): CheckpointTensor => {
    if (t.dtype !== 'float32' && t.dtype !== 'int32') {
      throw new Error(
        `${source}: tensor "${t.name}" has dtype ${t.dtype}; expected float32 or int32`,
      );
    }
    const data =
      t.dtype === 'int32' ? new Int32Array(t.bytes.slice().buffer) : rawTensorToFloat32(t);
    return { name: t.name, shape: [...t.shape], data };
  });
  return { tensors, metadata: { ...file.metadata } };
}

/** Writes a checkpoint atomically (temporary file + rename: a crash never leaves a torn checkpoint). */
export async function writeCheckpoint(path: string, contents: CheckpointContents): Promise<void> {
  await writeFileAtomic(path, encodeCheckpoint(contents));
}

/** Reads a checkpoint written by {@link writeCheckpoint}. */
export async function readCheckpoint(path: string): Promise<CheckpointContents> {
  return decodeCheckpoint(new Uint8Array(await readFile(path)), path);
}
