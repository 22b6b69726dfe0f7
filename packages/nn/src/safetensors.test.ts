import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { float32RawTensor, int64RawTensor, rawTensorToFloat32 } from './raw-tensor';
import {
  encodeSafetensors,
  parseSafetensors,
  readSafetensors,
  writeSafetensors,
} from './safetensors';

describe('int64RawTensor', () => {
  it('holds the values as little-endian int64, bigints beyond 2^53 exactly', () => {
    const t = int64RawTensor('axes', [1, -1, 2n ** 63n - 1n]);
    expect(t).toMatchObject({ name: 'axes', shape: [3], dtype: 'int64' });
    const view = new DataView(t.bytes.buffer);
    expect([0, 8, 16].map((o) => view.getBigInt64(o, true))).toEqual([1n, -1n, 2n ** 63n - 1n]);
    expect(Array.from(rawTensorToFloat32(int64RawTensor('a', [3, -4])))).toEqual([3, -4]);
  });
});

describe('safetensors', () => {
  it('round-trips tensors, dtypes and metadata', async () => {
    const a = float32RawTensor('a.weight', [2, 3], new Float32Array([1, -2, 3.5, 4, 5, 6]));
    const half = {
      name: 'h',
      shape: [2],
      dtype: 'float16' as const,
      bytes: new Uint8Array([0x00, 0x3c, 0x00, 0xc0]),
    };
    const bytes = encodeSafetensors([a, half], { format: 'pt' });
    const headerLength = Number(new DataView(bytes.buffer).getBigUint64(0, true));
    expect(headerLength % 8).toBe(0);
    const dir = mkdtempSync(join(tmpdir(), 'st-'));
    try {
      const path = join(dir, 'w.safetensors');
      await writeSafetensors(path, [a, half], { format: 'pt' });
      expect(new Uint8Array(readFileSync(path))).toEqual(bytes);
      const file = await readSafetensors(path);
      expect(file.metadata).toEqual({ format: 'pt' });
      expect(file.tensors.map((t) => t.name)).toEqual(['a.weight', 'h']);
      expect(Array.from(rawTensorToFloat32(file.tensors[0]!))).toEqual([1, -2, 3.5, 4, 5, 6]);
      expect(Array.from(rawTensorToFloat32(file.tensors[1]!))).toEqual([1, -2]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('reads a file written by the reference implementation layout (hand-made bytes)', () => {
    // header exactly as huggingface/safetensors writes it for {"x": tensor([[1., 2.]])}
    const json = '{"x":{"dtype":"F32","shape":[1,2],"data_offsets":[0,8]}}';
    const header = new TextEncoder().encode(json);
    const bytes = new Uint8Array(8 + header.length + 8);
    const v = new DataView(bytes.buffer);
    v.setBigUint64(0, BigInt(header.length), true);
    bytes.set(header, 8);
    v.setFloat32(8 + header.length, 1, true);
    v.setFloat32(12 + header.length, 2, true);
    const { tensors } = parseSafetensors(bytes);
    expect(tensors[0]!.shape).toEqual([1, 2]);
    expect(Array.from(rawTensorToFloat32(tensors[0]!))).toEqual([1, 2]);
  });

  it('rejects corrupt headers with the tensor name', () => {
    const json = '{"x":{"dtype":"F32","shape":[3],"data_offsets":[0,8]}}';
    const header = new TextEncoder().encode(json);
    const bytes = new Uint8Array(8 + header.length + 8);
    new DataView(bytes.buffer).setBigUint64(0, BigInt(header.length), true);
    bytes.set(header, 8);
    expect(() => parseSafetensors(bytes, 'bad.safetensors')).toThrow(
      /bad.safetensors: tensor "x".*needs 12 bytes/,
    );
    expect(() => parseSafetensors(new Uint8Array(4), 'tiny')).toThrow(/too short/);
  });
});
