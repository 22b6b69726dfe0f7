import { float32RawTensor, ProtoWriter, rawTensorToFloat32 } from '@tubekit/nn';
import { encodeOnnxModel, parseOnnxTensors } from './onnx-model';

describe('ONNX initializers', () => {
  it('round-trips initializers through encodeOnnxModel', () => {
    const w = float32RawTensor('conv.weight', [2, 1, 1, 1], new Float32Array([0.5, -1.25]));
    const b = float32RawTensor('conv.bias', [2], new Float32Array([3, 4]));
    const bytes = encodeOnnxModel({
      nodes: [
        {
          opType: 'Conv',
          inputs: ['x', 'conv.weight', 'conv.bias'],
          outputs: ['y'],
          attributes: { kernel_shape: { ints: [1, 1] } },
        },
      ],
      initializers: [w, b],
      inputs: [{ name: 'x', shape: ['N', 1, 4, 4] }],
      outputs: [{ name: 'y', shape: ['N', 2, 4, 4] }],
    });
    const tensors = parseOnnxTensors(bytes);
    expect(tensors.map((t) => [t.name, t.shape, t.origin])).toEqual([
      ['conv.weight', [2, 1, 1, 1], 'initializer'],
      ['conv.bias', [2], 'initializer'],
    ]);
    expect(Array.from(rawTensorToFloat32(tensors[0]!))).toEqual([0.5, -1.25]);
  });

  it('decodes float_data / int64_data tensors and Constant nodes (hand-encoded protobuf)', () => {
    // TensorProto with unpacked float_data (fixed32 per element) and dims as separate varints
    const t1 = new ProtoWriter()
      .varint(1, 3)
      .varint(2, 1)
      .float32(4, 1.5)
      .float32(4, 2.5)
      .float32(4, -3)
      .string(8, 'fd');
    const t2 = new ProtoWriter()
      .packedVarints(1, [2])
      .varint(2, 7)
      .packedVarints(7, [5, -2])
      .string(8, 'ints');
    const constTensor = new ProtoWriter().packedVarints(1, [1]).varint(2, 1).float32(4, 9);
    const attr = new ProtoWriter().string(1, 'value').message(5, constTensor).varint(20, 4);
    const node = new ProtoWriter().string(2, 'const_out').string(4, 'Constant').message(5, attr);
    const graph = new ProtoWriter().message(1, node).message(5, t1).message(5, t2);
    const model = new ProtoWriter().varint(1, 7).message(7, graph).finish();
    const tensors = parseOnnxTensors(model, 'hand.onnx');
    const byName = Object.fromEntries(tensors.map((t) => [t.name, t]));
    expect(Array.from(rawTensorToFloat32(byName.fd!))).toEqual([1.5, 2.5, -3]);
    expect(Array.from(rawTensorToFloat32(byName.ints!))).toEqual([5, -2]);
    expect(byName.const_out!.origin).toBe('constant');
    expect(Array.from(rawTensorToFloat32(byName.const_out!))).toEqual([9]);
  });

  it('names the tensor when data is inconsistent or external', () => {
    const bad = new ProtoWriter()
      .packedVarints(1, [4])
      .varint(2, 1)
      .float32(4, 1)
      .string(8, 'short');
    const model = new ProtoWriter().message(7, new ProtoWriter().message(5, bad)).finish();
    expect(() => parseOnnxTensors(model, 'm.onnx')).toThrow(
      /m.onnx: tensor "short" has 1 values in float_data/,
    );
    const ext = new ProtoWriter().packedVarints(1, [1]).varint(2, 1).string(8, 'big').varint(14, 1);
    const model2 = new ProtoWriter().message(7, new ProtoWriter().message(5, ext)).finish();
    expect(() => parseOnnxTensors(model2, 'm.onnx')).toThrow(
      /"big" stores its data in an external file/,
    );
    expect(() => parseOnnxTensors(new Uint8Array([8, 1]), 'x.onnx')).toThrow(/no GraphProto/);
  });
});
