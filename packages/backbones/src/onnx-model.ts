import { readFile } from 'node:fs/promises';
import {
  dtypeByteSize,
  dtypeOfOnnx,
  ProtoReader,
  type RawTensor,
  shapeSize,
  type WireField,
} from '@tubekit/nn';

// The writer half (`encodeOnnxModel`) lives in @tubekit/nn, which builds small ONNX graphs for
// onnxruntime itself (see its `useOnnxConvolutions`); it is re-exported here unchanged.
export type {
  OnnxAttribute,
  OnnxModelSpec,
  OnnxNodeSpec,
  OnnxValueSpec,
} from '@tubekit/nn';
export { encodeOnnxModel } from '@tubekit/nn';

/*
 * Field numbers from onnx/onnx.proto (IR version 3+ and later; unchanged since):
 *   ModelProto:  ir_version=1 producer_name=2 producer_version=3 domain=4 model_version=5
 *                doc_string=6 graph=7 opset_import=8
 *   OperatorSetIdProto: domain=1 version=2
 *   GraphProto:  node=1 name=2 initializer=5 doc_string=10 input=11 output=12 value_info=13
 *   NodeProto:   input=1 output=2 name=3 op_type=4 attribute=5 doc_string=6 domain=7
 *   AttributeProto: name=1 f=2 i=3 s=4 t=5 g=6 floats=7 ints=8 strings=9 type=20
 *   TensorProto: dims=1 data_type=2 segment=3 float_data=4 int32_data=5 string_data=6
 *                int64_data=7 name=8 raw_data=9 double_data=10 uint64_data=11 doc_string=12
 *                external_data=13 data_location=14
 *   ValueInfoProto: name=1 type=2 · TypeProto: tensor_type=1 · TypeProto.Tensor: elem_type=1
 *                shape=2 · TensorShapeProto: dim=1 · Dimension: dim_value=1 dim_param=2
 */

/** A tensor found in an ONNX model, with where it came from. */
export interface OnnxTensor extends RawTensor {
  /** `initializer` (GraphProto.initializer) or `constant` (a `Constant` node's `value`). */
  readonly origin: 'initializer' | 'constant';
}

/** Decodes one TensorProto into raw little-endian bytes. */
function decodeTensor(r: ProtoReader, source: string, fallbackName: string): RawTensor {
  const dims: number[] = [];
  let dataType = 0;
  let name = fallbackName;
  let raw: Uint8Array | undefined;
  const floats: number[] = [];
  const int32s: number[] = [];
  const int64s: number[] = [];
  const doubles: number[] = [];
  let external = false;
  const floatField = (f: WireField) => {
    if (f.wireType === 5) floats.push(r.float32(f));
    else {
      const p = r.payload(f);
      const v = new DataView(p.buffer, p.byteOffset, p.byteLength);
      for (let i = 0; i + 4 <= p.length; i += 4) floats.push(v.getFloat32(i, true));
    }
  };
  const doubleField = (f: WireField) => {
    if (f.wireType === 1) doubles.push(r.float64(f));
    else {
      const p = r.payload(f);
      const v = new DataView(p.buffer, p.byteOffset, p.byteLength);
      for (let i = 0; i + 8 <= p.length; i += 8) doubles.push(v.getFloat64(i, true));
    }
  };
  for (let f = r.next(); f; f = r.next()) {
    switch (f.field) {
      case 1:
        r.varints(f, dims);
        break;
      case 2:
        dataType = f.varint;
        break;
      case 4:
        floatField(f);
        break;
      case 5:
        r.varints(f, int32s);
        break;
      case 7:
        r.varints(f, int64s);
        break;
      case 8:
        name = r.string(f);
        break;
      case 9:
        raw = r.payload(f);
        break;
      case 10:
        doubleField(f);
        break;
      case 14:
        external = f.varint === 1;
        break;
      default:
        break;
    }
  }
  if (external) {
    throw new Error(
      `${source}: tensor "${name}" stores its data in an external file; re-export the model with all tensors embedded (onnx.save(..., save_as_external_data=False))`,
    );
  }
  const dtype = dtypeOfOnnx(dataType);
  if (!dtype)
    throw new Error(`${source}: tensor "${name}" has unsupported ONNX data_type ${dataType}`);
  const n = shapeSize(dims);
  const size = dtypeByteSize(dtype);
  let bytes: Uint8Array;
  if (raw) {
    bytes = raw;
  } else {
    bytes = new Uint8Array(n * size);
    const v = new DataView(bytes.buffer);
    const check = (have: number, field: string) => {
      if (have !== n) {
        throw new Error(
          `${source}: tensor "${name}" has ${have} values in ${field} for shape [${dims.join(', ')}] (${n} expected)`,
        );
      }
    };
    switch (dtype) {
      case 'float32':
        check(floats.length, 'float_data');
        for (let i = 0; i < n; i++) v.setFloat32(i * 4, floats[i] as number, true);
        break;
      case 'float64':
        check(doubles.length, 'double_data');
        for (let i = 0; i < n; i++) v.setFloat64(i * 8, doubles[i] as number, true);
        break;
      case 'int64':
        check(int64s.length, 'int64_data');
        for (let i = 0; i < n; i++) v.setBigInt64(i * 8, BigInt(int64s[i] as number), true);
        break;
      case 'uint64':
      case 'uint32':
        throw new Error(
          `${source}: tensor "${name}" of ${dtype} without raw_data is not supported`,
        );
      default:
        // int32_data carries int32, int16, int8, uint16, uint8, bool, float16 and bfloat16 bits
        check(int32s.length, 'int32_data');
        for (let i = 0; i < n; i++) {
          const x = int32s[i] as number;
          if (size === 4) v.setInt32(i * 4, x, true);
          else if (size === 2) v.setUint16(i * 2, x & 0xffff, true);
          else v.setUint8(i, x & 0xff);
        }
    }
  }
  if (bytes.length !== n * size) {
    throw new Error(
      `${source}: tensor "${name}" has ${bytes.length} bytes of raw_data for shape [${dims.join(', ')}] of ${dtype} (${n * size} expected)`,
    );
  }
  return { name, shape: dims, dtype, bytes };
}

/**
 * Reads every weight tensor of an ONNX model: `GraphProto.initializer` entries and the `value`
 * tensors of `Constant` nodes (named by the node's output), by walking the protobuf wire format
 * directly (ModelProto → GraphProto → TensorProto: dims, data_type, raw_data or the typed
 * `*_data` fields). Tensors stored as external data raise an error naming the tensor.
 *
 * @param source label used in error messages (a file path)
 * @example
 * const tensors = parseOnnxTensors(new Uint8Array(await readFile('i3d_rgb.onnx')));
 */
export function parseOnnxTensors(bytes: Uint8Array, source = 'onnx'): OnnxTensor[] {
  const model = new ProtoReader(bytes, 0, bytes.length, `${source} ModelProto`);
  const out: OnnxTensor[] = [];
  let sawGraph = false;
  for (let f = model.next(); f; f = model.next()) {
    if (f.field !== 7 || f.wireType !== 2) continue;
    sawGraph = true;
    const graph = model.sub(f, `${source} GraphProto`);
    for (let g = graph.next(); g; g = graph.next()) {
      if (g.wireType !== 2) continue;
      if (g.field === 5) {
        const t = decodeTensor(graph.sub(g, `${source} TensorProto`), source, '');
        out.push({ ...t, origin: 'initializer' });
      } else if (g.field === 1) {
        const node = graph.sub(g, `${source} NodeProto`);
        let opType = '';
        const outputs: string[] = [];
        const attrs: WireField[] = [];
        for (let n = node.next(); n; n = node.next()) {
          if (n.field === 4) opType = node.string(n);
          else if (n.field === 2) outputs.push(node.string(n));
          else if (n.field === 5) attrs.push(n);
        }
        if (opType !== 'Constant') continue;
        for (const a of attrs) {
          const attr = node.sub(a, `${source} AttributeProto`);
          let attrName = '';
          let tensorField: WireField | undefined;
          for (let x = attr.next(); x; x = attr.next()) {
            if (x.field === 1) attrName = attr.string(x);
            else if (x.field === 5) tensorField = x;
          }
          if (attrName === 'value' && tensorField) {
            const name = outputs[0] ?? '';
            const t = decodeTensor(attr.sub(tensorField, `${source} TensorProto`), source, name);
            out.push({ ...t, name, origin: 'constant' });
          }
        }
      }
    }
  }
  if (!sawGraph) throw new Error(`${source}: no GraphProto (field 7) — is this an ONNX model?`);
  return out;
}

/**
 * Reads an `.onnx` file's weight tensors (see {@link parseOnnxTensors}).
 *
 * @example
 * const tensors = await readOnnxTensors('weights/i3d_rgb.onnx');
 */
export async function readOnnxTensors(path: string): Promise<OnnxTensor[]> {
  const bytes = await readFile(path);
  return parseOnnxTensors(new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength), path);
}
