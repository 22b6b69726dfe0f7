import { ProtoWriter } from './protobuf-wire';
import type { RawTensor, WeightDtype } from './raw-tensor';

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

/** ONNX `TensorProto.DataType` codes ↔ {@link WeightDtype}. */
const ONNX_TYPES: ReadonlyArray<readonly [number, WeightDtype]> = [
  [1, 'float32'],
  [2, 'uint8'],
  [3, 'int8'],
  [4, 'uint16'],
  [5, 'int16'],
  [6, 'int32'],
  [7, 'int64'],
  [9, 'bool'],
  [10, 'float16'],
  [11, 'float64'],
  [12, 'uint32'],
  [13, 'uint64'],
  [16, 'bfloat16'],
];

/** The {@link WeightDtype} of an ONNX `TensorProto.DataType` code (`undefined` if unsupported). */
export function dtypeOfOnnx(code: number): WeightDtype | undefined {
  for (const [c, d] of ONNX_TYPES) if (c === code) return d;
  return undefined;
}

/** The ONNX `TensorProto.DataType` code of a {@link WeightDtype}. */
export function onnxOfDtype(dtype: WeightDtype): number {
  for (const [c, d] of ONNX_TYPES) if (d === dtype) return c;
  throw new Error(`onnx: no data type code for ${dtype}`);
}

/** A node attribute value for {@link encodeOnnxModel}; the key says its ONNX attribute type. */
export type OnnxAttribute =
  | { readonly int: number }
  | { readonly ints: readonly number[] }
  | { readonly float: number }
  | { readonly floats: readonly number[] }
  | { readonly string: string };

/** One node of a graph to encode. */
export interface OnnxNodeSpec {
  readonly opType: string;
  readonly inputs: readonly string[];
  readonly outputs: readonly string[];
  readonly name?: string;
  readonly attributes?: Readonly<Record<string, OnnxAttribute>>;
}

/** A graph input or output: a float tensor with fixed sizes or named symbolic dimensions. */
export interface OnnxValueSpec {
  readonly name: string;
  readonly shape: readonly (number | string)[];
  /** Element type, default `float32`. */
  readonly dtype?: WeightDtype;
}

/** What {@link encodeOnnxModel} writes: a single-graph model in the default `ai.onnx` domain. */
export interface OnnxModelSpec {
  readonly nodes: readonly OnnxNodeSpec[];
  readonly initializers: readonly RawTensor[];
  readonly inputs: readonly OnnxValueSpec[];
  readonly outputs: readonly OnnxValueSpec[];
  /** Opset of the default domain (default 13). */
  readonly opsetVersion?: number;
  /** Graph name (default `tubekit`). */
  readonly graphName?: string;
}

function encodeTensor(t: RawTensor): ProtoWriter {
  const w = new ProtoWriter();
  if (t.shape.length > 0) w.packedVarints(1, t.shape);
  w.varint(2, onnxOfDtype(t.dtype));
  w.string(8, t.name);
  w.bytes(9, t.bytes);
  return w;
}

function encodeValueInfo(v: OnnxValueSpec): ProtoWriter {
  const shape = new ProtoWriter();
  for (const d of v.shape) {
    const dim = new ProtoWriter();
    if (typeof d === 'number') dim.varint(1, d);
    else dim.string(2, d);
    shape.message(1, dim);
  }
  const tensorType = new ProtoWriter()
    .varint(1, onnxOfDtype(v.dtype ?? 'float32'))
    .message(2, shape);
  const type = new ProtoWriter().message(1, tensorType);
  return new ProtoWriter().string(1, v.name).message(2, type);
}

function encodeAttribute(name: string, a: OnnxAttribute): ProtoWriter {
  const w = new ProtoWriter().string(1, name);
  if ('int' in a) w.varint(3, a.int).varint(20, 2);
  else if ('ints' in a) {
    for (const x of a.ints) w.varint(8, x);
    w.varint(20, 7);
  } else if ('float' in a) w.float32(2, a.float).varint(20, 1);
  else if ('floats' in a) {
    for (const x of a.floats) w.float32(7, x);
    w.varint(20, 6);
  } else w.string(4, a.string).varint(20, 3);
  return w;
}

/**
 * Encodes a small ONNX model (IR version 8) — enough to write test models, to export weights as
 * initializers, or to wrap a graph for onnxruntime. Tensors are written as `raw_data`.
 *
 * @example
 * const bytes = encodeOnnxModel({
 *   nodes: [{ opType: 'Relu', inputs: ['x'], outputs: ['y'] }],
 *   initializers: [],
 *   inputs: [{ name: 'x', shape: ['N', 4] }],
 *   outputs: [{ name: 'y', shape: ['N', 4] }],
 * });
 */
export function encodeOnnxModel(spec: OnnxModelSpec): Uint8Array {
  const graph = new ProtoWriter();
  for (const n of spec.nodes) {
    const node = new ProtoWriter();
    for (const i of n.inputs) node.string(1, i);
    for (const o of n.outputs) node.string(2, o);
    if (n.name) node.string(3, n.name);
    node.string(4, n.opType);
    for (const [k, a] of Object.entries(n.attributes ?? {})) node.message(5, encodeAttribute(k, a));
    graph.message(1, node);
  }
  graph.string(2, spec.graphName ?? 'tubekit');
  for (const t of spec.initializers) graph.message(5, encodeTensor(t));
  for (const v of spec.inputs) graph.message(11, encodeValueInfo(v));
  for (const v of spec.outputs) graph.message(12, encodeValueInfo(v));
  const opset = new ProtoWriter().string(1, '').varint(2, spec.opsetVersion ?? 13);
  return new ProtoWriter()
    .varint(1, 8)
    .string(2, 'tubekit')
    .message(7, graph)
    .message(8, opset)
    .finish();
}
