import {
  encodeOnnxModel,
  float32RawTensor,
  int64RawTensor,
  type OnnxNodeSpec,
  type RawTensor,
  tf,
} from '@tubekit/nn';

/** The strides of the backbone's levels (`Trunk.backbone`'s `levels`, finest first). */
export type TrunkLevelStride = 4 | 8;

/** The sizes a {@link trunkBackboneGraph} is built for (any number of sequences and frames). */
export interface TrunkBackboneGraphShape {
  /** Frame height and width (multiples of 8). */
  height: number;
  width: number;
  /** Input channels per frame. */
  channels: number;
  /** Widths of the stride-2, stride-4 and stride-8 stages. */
  widths: readonly [number, number, number];
}

/** One convolution of the backbone: its name, filter `[KH, KW, Cin, Cout]` (tfjs's layout) and stride. */
export interface TrunkBackboneConv {
  name: 'stem' | 'c4a' | 'c4b' | 'c8' | 't8';
  filterShape: [number, number, number, number];
  stride: 1 | 2;
}

type Five<T> = [T, T, T, T, T];

/**
 * The backbone's convolutions in order: the one description of its layers, from which `Trunk`
 * creates its weights and {@link trunkBackboneGraph} its graph.
 */
export function trunkBackboneConvs(
  shape: Pick<TrunkBackboneGraphShape, 'channels' | 'widths'>,
): Five<TrunkBackboneConv> {
  const [w2, w4, w8] = shape.widths;
  return [
    { name: 'stem', filterShape: [3, 3, 3 * shape.channels, w2], stride: 2 },
    { name: 'c4a', filterShape: [3, 3, w2, w4], stride: 2 },
    { name: 'c4b', filterShape: [3, 3, w4, w4], stride: 1 },
    { name: 'c8', filterShape: [3, 3, w4, w8], stride: 2 },
    { name: 't8', filterShape: [1, 1, 3 * w8, w8], stride: 1 },
  ];
}

const ints = (v: readonly number[]) => ({ ints: v });

/**
 * The trunk's backbone (`Trunk.backbone`) as one ONNX graph, for inference on onnxruntime: input
 * `x` `[S, T, H, W, C]` (S sequences of T frames, channels last, values in [0, 1]; S and T
 * symbolic), each convolution's filter `<name>.w` in tfjs's layout `[KH, KW, Cin, Cout]` and bias
 * `<name>.b`; one output `y<stride>` per entry of `strides`, in their order: `y4`
 * `[S·T, H/4, W/4, widths[1]]` (the stride-4 level) and `y8` `[S·T, H/8, W/8, widths[2]]`.
 *
 * Inside, the frames are centred and moved to channels-first once, each 3-tap temporal stack is a
 * `Slice` / `Concat` along the frame axis (replicated at each sequence's ends, as the trunk's), and
 * every convolution is onnxruntime's `Conv` + `Relu` with tfjs's 'same' padding
 * (`computeConv2DInfo`; asymmetric at stride 2), so the numbers are the trunk's up to float
 * rounding.
 */
export function trunkBackboneGraph(
  shape: TrunkBackboneGraphShape,
  strides: readonly TrunkLevelStride[] = [8],
): Uint8Array {
  const { height: H, width: W, channels: C } = shape;
  if (strides.length === 0 || new Set(strides).size !== strides.length)
    throw new RangeError(
      `trunkBackboneGraph: strides ${JSON.stringify(strides)}; expected distinct 4 and/or 8`,
    );
  const convs = trunkBackboneConvs(shape);
  const nodes: OnnxNodeSpec[] = [];
  const initializers: RawTensor[] = [
    float32RawTensor('half', [], Float32Array.of(0.5)),
    int64RawTensor('zero', [0]),
    int64RawTensor('one', [1]),
    int64RawTensor('minus_one', [-1]),
    int64RawTensor('end', [2n ** 63n - 1n]),
    int64RawTensor('frame_axis', [1]),
    int64RawTensor('two', [2]),
  ];
  const node = (opType: string, inputs: string[], output: string, attributes = {}) => {
    nodes.push({ opType, inputs, outputs: [output], attributes });
    return output;
  };
  const slice = (x: string, from: string, to: string, out: string) =>
    node('Slice', [x, from, to, 'frame_axis'], out);
  // frames t−1, t, t+1 on channels: [S, T, c, h, w] → [S, T, 3c, h, w]
  const taps = (x: string, out: string) => {
    const prev = node(
      'Concat',
      [slice(x, 'zero', 'one', `${out}.first`), slice(x, 'zero', 'minus_one', `${out}.head`)],
      `${out}.prev`,
      { axis: { int: 1 } },
    );
    const next = node(
      'Concat',
      [slice(x, 'one', 'end', `${out}.tail`), slice(x, 'minus_one', 'end', `${out}.last`)],
      `${out}.next`,
      { axis: { int: 1 } },
    );
    return node('Concat', [prev, x, next], out, { axis: { int: 2 } });
  };
  // [S, T, c, h, w] → [S·T, c, h, w]
  const flat = (x: string, c: number, h: number, w: number, out: string) => {
    initializers.push(int64RawTensor(`${out}.dims`, [-1, c, h, w]));
    return node('Reshape', [x, `${out}.dims`], out);
  };
  const conv = (x: string, c: TrunkBackboneConv, inShape: [number, number]) => {
    const [KH, KW, Cin, Cout] = c.filterShape;
    const info = tf.backend_util.computeConv2DInfo(
      [1, inShape[0], inShape[1], Cin],
      c.filterShape,
      c.stride,
      1,
      'same',
    );
    const p = info.padInfo;
    node('Transpose', [`${c.name}.w`], `${c.name}.oihw`, { perm: ints([3, 2, 0, 1]) });
    node('Conv', [x, `${c.name}.oihw`, `${c.name}.b`], `${c.name}.pre`, {
      kernel_shape: ints([KH, KW]),
      strides: ints([c.stride, c.stride]),
      pads: ints([p.top, p.left, p.bottom, p.right]),
    });
    return {
      out: node('Relu', [`${c.name}.pre`], c.name),
      size: [info.outHeight, info.outWidth] as [number, number],
      channels: Cout,
    };
  };
  const [stem, c4a, c4b, c8, t8] = convs;
  node('Sub', ['x', 'half'], 'centred');
  node('Transpose', ['centred'], 'x5', { perm: ints([0, 1, 4, 2, 3]) });
  node('Shape', ['x5'], 'x5.shape');
  node('Slice', ['x5.shape', 'zero', 'two', 'zero'], 'sequences');
  const s2 = conv(flat(taps('x5', 'x5.taps'), 3 * C, H, W, 'x.stack'), stem, [H, W]);
  const s4a = conv(s2.out, c4a, s2.size);
  const s4 = conv(s4a.out, c4b, s4a.size);
  const s8 = conv(s4.out, c8, s4.size);
  const [h8, w8] = s8.size;
  initializers.push(int64RawTensor('s8.tail', [s8.channels, h8, w8]));
  node('Concat', ['sequences', 's8.tail'], 's8.dims5', { axis: { int: 0 } });
  node('Reshape', [s8.out, 's8.dims5'], 's8.5');
  const temporal = conv(flat(taps('s8.5', 's8.taps'), 3 * s8.channels, h8, w8, 's8.stack'), t8, [
    h8,
    w8,
  ]);
  node('Add', [s8.out, temporal.out], 'level8');
  const levels = {
    4: { name: s4.out, size: s4.size, channels: s4.channels },
    8: { name: 'level8', size: s8.size, channels: s8.channels },
  };
  for (const stride of strides)
    node('Transpose', [levels[stride].name], `y${stride}`, { perm: ints([0, 2, 3, 1]) });
  return encodeOnnxModel({
    nodes,
    initializers,
    inputs: [
      { name: 'x', shape: ['sequences', 'frames', H, W, C] },
      ...convs.flatMap((c) => [
        { name: `${c.name}.w`, shape: c.filterShape },
        { name: `${c.name}.b`, shape: [c.filterShape[3]] },
      ]),
    ],
    outputs: strides.map((stride) => ({
      name: `y${stride}`,
      shape: ['sequence_frames', ...levels[stride].size, levels[stride].channels],
    })),
    opsetVersion: 17,
  });
}
