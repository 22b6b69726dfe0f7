/**
 * Element types that weight files (ONNX initializers, safetensors) carry. Names follow
 * safetensors' lower-cased spelling of numpy dtypes.
 */
export type WeightDtype =
  | 'float32'
  | 'float64'
  | 'float16'
  | 'bfloat16'
  | 'int8'
  | 'uint8'
  | 'int16'
  | 'uint16'
  | 'int32'
  | 'uint32'
  | 'int64'
  | 'uint64'
  | 'bool';

/** Bytes per element of each {@link WeightDtype}. */
export function dtypeByteSize(dtype: WeightDtype): number {
  switch (dtype) {
    case 'float64':
    case 'int64':
    case 'uint64':
      return 8;
    case 'float32':
    case 'int32':
    case 'uint32':
      return 4;
    case 'float16':
    case 'bfloat16':
    case 'int16':
    case 'uint16':
      return 2;
    case 'int8':
    case 'uint8':
    case 'bool':
      return 1;
  }
}

/**
 * A named tensor as stored in a weight file: its shape, element type and little-endian bytes.
 * Shapes are in the file's own layout (PyTorch/ONNX convolution weights are `[out, in, kT?, kH,
 * kW]`; tubekit's tfjs layers use `[kT?, kH, kW, in, out]` — see `importWeights`).
 */
export interface RawTensor {
  readonly name: string;
  readonly shape: readonly number[];
  readonly dtype: WeightDtype;
  /** Row-major (C-order) little-endian element bytes; length = product(shape) × byte size. */
  readonly bytes: Uint8Array;
}

/** Number of elements of a shape (1 for a scalar `[]`). */
export function shapeSize(shape: readonly number[]): number {
  let n = 1;
  for (const d of shape) n *= d;
  return n;
}

/** Decodes one IEEE-754 binary16 value from its 16 bits. */
function halfToFloat(h: number): number {
  const sign = h & 0x8000 ? -1 : 1;
  const exp = (h >> 10) & 0x1f;
  const frac = h & 0x3ff;
  if (exp === 0) return sign * 2 ** -14 * (frac / 1024);
  if (exp === 31) return frac ? Number.NaN : sign * Number.POSITIVE_INFINITY;
  return sign * 2 ** (exp - 15) * (1 + frac / 1024);
}

/**
 * Converts a raw tensor's elements to a new `Float32Array` (float16, bfloat16 and float64 are
 * converted exactly or rounded to nearest float32; integers are converted by value, so int64
 * beyond 2^24 lose precision as in any float32 cast).
 *
 * @example
 * const w = rawTensorToFloat32({ name: 'w', shape: [2], dtype: 'float32', bytes });
 */
export function rawTensorToFloat32(t: RawTensor): Float32Array {
  const n = shapeSize(t.shape);
  const expected = n * dtypeByteSize(t.dtype);
  if (t.bytes.length !== expected) {
    throw new Error(
      `tensor "${t.name}": ${t.bytes.length} bytes for shape [${t.shape.join(', ')}] of ${t.dtype}; expected ${expected}`,
    );
  }
  const view = new DataView(t.bytes.buffer, t.bytes.byteOffset, t.bytes.byteLength);
  const out = new Float32Array(n);
  switch (t.dtype) {
    case 'float32':
      for (let i = 0; i < n; i++) out[i] = view.getFloat32(i * 4, true);
      break;
    case 'float64':
      for (let i = 0; i < n; i++) out[i] = view.getFloat64(i * 8, true);
      break;
    case 'float16':
      for (let i = 0; i < n; i++) out[i] = halfToFloat(view.getUint16(i * 2, true));
      break;
    case 'bfloat16': {
      const scratch = new DataView(new ArrayBuffer(4));
      for (let i = 0; i < n; i++) {
        scratch.setUint32(0, view.getUint16(i * 2, true) << 16);
        out[i] = scratch.getFloat32(0);
      }
      break;
    }
    case 'int8':
      for (let i = 0; i < n; i++) out[i] = view.getInt8(i);
      break;
    case 'uint8':
    case 'bool':
      for (let i = 0; i < n; i++) out[i] = view.getUint8(i);
      break;
    case 'int16':
      for (let i = 0; i < n; i++) out[i] = view.getInt16(i * 2, true);
      break;
    case 'uint16':
      for (let i = 0; i < n; i++) out[i] = view.getUint16(i * 2, true);
      break;
    case 'int32':
      for (let i = 0; i < n; i++) out[i] = view.getInt32(i * 4, true);
      break;
    case 'uint32':
      for (let i = 0; i < n; i++) out[i] = view.getUint32(i * 4, true);
      break;
    case 'int64':
      for (let i = 0; i < n; i++) out[i] = Number(view.getBigInt64(i * 8, true));
      break;
    case 'uint64':
      for (let i = 0; i < n; i++) out[i] = Number(view.getBigUint64(i * 8, true));
      break;
  }
  return out;
}

/**
 * Wraps float32 values as a {@link RawTensor} (little-endian bytes, copied).
 *
 * @example
 * const t = float32RawTensor('conv1.weight', [16, 3, 3, 3], values);
 */
export function float32RawTensor(
  name: string,
  shape: readonly number[],
  values: Float32Array,
): RawTensor {
  if (values.length !== shapeSize(shape)) {
    throw new Error(
      `tensor "${name}": ${values.length} values for shape [${shape.join(', ')}] (${shapeSize(shape)} expected)`,
    );
  }
  const bytes = new Uint8Array(values.length * 4);
  const view = new DataView(bytes.buffer);
  for (let i = 0; i < values.length; i++) view.setFloat32(i * 4, values[i] as number, true);
  return { name, shape: [...shape], dtype: 'float32', bytes };
}

/**
 * A 1-D int64 {@link RawTensor} of `values` (little-endian bytes): ONNX's shape, axis and index
 * operands (`Reshape`, `Slice`, `ReduceSum`).
 *
 * @example
 * const axes = int64RawTensor('axes', [1]);
 * const end = int64RawTensor('end', [2n ** 63n - 1n]); // Slice to the end
 */
export function int64RawTensor(name: string, values: readonly (number | bigint)[]): RawTensor {
  return {
    name,
    shape: [values.length],
    dtype: 'int64',
    bytes: new Uint8Array(new BigInt64Array(values.map(BigInt)).buffer),
  };
}
