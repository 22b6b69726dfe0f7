import type * as tf from '@tensorflow/tfjs-core';
import { encodeOnnxModel, type OnnxNodeSpec } from './onnx-model-encode';
import { int64RawTensor, type RawTensor } from './raw-tensor';

/*
 * ONNX graphs for one 2-D convolution's forward pass and its two gradients, on tfjs's layouts:
 * x [B, H, W, Cin] and y [B, OH, OW, Cout] (NHWC), filters [KH, KW, Cin, Cout]. Layout changes
 * happen inside the graphs (onnxruntime's Transpose), never in JavaScript. Geometry (output size,
 * padding, possibly asymmetric as tfjs's 'same') comes from tfjs's `computeConv2DInfo`, so the
 * numbers are tfjs's. Dilation 1. All shapes are fixed: one model (and session) per geometry.
 */

const ints = (v: readonly number[]) => ({ ints: v });

/** A 1×1 convolution with stride 1 and no padding: a matrix product over the pixels. */
export function isPointwise(c: tf.backend_util.Conv2DInfo): boolean {
  const p = c.padInfo;
  return (
    c.filterHeight === 1 &&
    c.filterWidth === 1 &&
    c.strideHeight === 1 &&
    c.strideWidth === 1 &&
    p.top + p.bottom + p.left + p.right === 0
  );
}

const pixels = (c: tf.backend_util.Conv2DInfo) => c.batchSize * c.outHeight * c.outWidth;
const inShape = (c: tf.backend_util.Conv2DInfo) => [
  c.batchSize,
  c.inHeight,
  c.inWidth,
  c.inChannels,
];
const outShape = (c: tf.backend_util.Conv2DInfo) => [
  c.batchSize,
  c.outHeight,
  c.outWidth,
  c.outChannels,
];
const filterShape = (c: tf.backend_util.Conv2DInfo) => [
  c.filterHeight,
  c.filterWidth,
  c.inChannels,
  c.outChannels,
];
/** ONNX `pads` of a 2-D Conv / ConvTranspose: [top, left, bottom, right]. */
const onnxPads = (c: tf.backend_util.Conv2DInfo) => [
  c.padInfo.top,
  c.padInfo.left,
  c.padInfo.bottom,
  c.padInfo.right,
];

/**
 * y = act(conv(x, W) + b). Pointwise: one Gemm over [B·H·W, Cin] × [Cin, Cout] (no transposes);
 * otherwise ONNX `Conv` (MLAS) between Transposes NHWC → NCHW → NHWC, with the filter transposed
 * to [Cout, Cin, KH, KW]. Inputs `x`, `w`, `b` (when `bias`); output `y`.
 */
export function convForwardModel(
  c: tf.backend_util.Conv2DInfo,
  options: { bias: boolean; relu: boolean },
): Uint8Array {
  const nodes: OnnxNodeSpec[] = [];
  const initializers: RawTensor[] = [];
  const act = options.relu ? 'pre' : 'y';
  if (isPointwise(c)) {
    initializers.push(
      int64RawTensor('x_rows', [pixels(c), c.inChannels]),
      int64RawTensor('w_rows', [c.inChannels, c.outChannels]),
      int64RawTensor('y_shape', outShape(c)),
    );
    nodes.push(
      { opType: 'Reshape', inputs: ['x', 'x_rows'], outputs: ['x2'] },
      { opType: 'Reshape', inputs: ['w', 'w_rows'], outputs: ['w2'] },
      options.bias
        ? { opType: 'Gemm', inputs: ['x2', 'w2', 'b'], outputs: ['y2'] }
        : { opType: 'MatMul', inputs: ['x2', 'w2'], outputs: ['y2'] },
      { opType: 'Reshape', inputs: ['y2', 'y_shape'], outputs: [act] },
    );
  } else {
    nodes.push(
      {
        opType: 'Transpose',
        inputs: ['x'],
        outputs: ['xc'],
        attributes: { perm: ints([0, 3, 1, 2]) },
      },
      {
        opType: 'Transpose',
        inputs: ['w'],
        outputs: ['wc'],
        attributes: { perm: ints([3, 2, 0, 1]) },
      },
      {
        opType: 'Conv',
        inputs: options.bias ? ['xc', 'wc', 'b'] : ['xc', 'wc'],
        outputs: ['yc'],
        attributes: {
          kernel_shape: ints([c.filterHeight, c.filterWidth]),
          strides: ints([c.strideHeight, c.strideWidth]),
          pads: ints(onnxPads(c)),
        },
      },
      {
        opType: 'Transpose',
        inputs: ['yc'],
        outputs: [act],
        attributes: { perm: ints([0, 2, 3, 1]) },
      },
    );
  }
  if (options.relu) nodes.push({ opType: 'Relu', inputs: ['pre'], outputs: ['y'] });
  return encodeOnnxModel({
    nodes,
    initializers,
    inputs: [
      { name: 'x', shape: inShape(c) },
      { name: 'w', shape: filterShape(c) },
      ...(options.bias ? [{ name: 'b', shape: [c.outChannels] }] : []),
    ],
    outputs: [{ name: 'y', shape: outShape(c) }],
    opsetVersion: 17,
  });
}

/**
 * dX = Σ over output pixels of dY · Wᵀ placed back at the input pixels each output read: the
 * transposed convolution. Pointwise: one Gemm [B·H·W, Cout] × [Cin, Cout]ᵀ; otherwise ONNX
 * `ConvTranspose` (NCHW, filter [Cout, Cin, KH, KW] = tfjs's filter transposed (3, 2, 0, 1)), with
 * `output_padding` restoring the input rows/columns that no output reads (stride > 1, 'valid').
 * Inputs `dy`, `w`; output `dx`.
 */
export function convInputGradModel(c: tf.backend_util.Conv2DInfo): Uint8Array {
  const nodes: OnnxNodeSpec[] = [];
  const initializers: RawTensor[] = [];
  if (isPointwise(c)) {
    initializers.push(
      int64RawTensor('dy_rows', [pixels(c), c.outChannels]),
      int64RawTensor('w_rows', [c.inChannels, c.outChannels]),
      int64RawTensor('dx_shape', inShape(c)),
    );
    nodes.push(
      { opType: 'Reshape', inputs: ['dy', 'dy_rows'], outputs: ['dy2'] },
      { opType: 'Reshape', inputs: ['w', 'w_rows'], outputs: ['w2'] },
      {
        opType: 'Gemm',
        inputs: ['dy2', 'w2'],
        outputs: ['dx2'],
        attributes: { transB: { int: 1 } },
      },
      { opType: 'Reshape', inputs: ['dx2', 'dx_shape'], outputs: ['dx'] },
    );
  } else {
    const p = c.padInfo;
    const extra = (
      size: number,
      out: number,
      k: number,
      s: number,
      before: number,
      after: number,
    ) => size - ((out - 1) * s + k - before - after);
    nodes.push(
      {
        opType: 'Transpose',
        inputs: ['dy'],
        outputs: ['dyc'],
        attributes: { perm: ints([0, 3, 1, 2]) },
      },
      {
        opType: 'Transpose',
        inputs: ['w'],
        outputs: ['wc'],
        attributes: { perm: ints([3, 2, 0, 1]) },
      },
      {
        opType: 'ConvTranspose',
        inputs: ['dyc', 'wc'],
        outputs: ['dxc'],
        attributes: {
          kernel_shape: ints([c.filterHeight, c.filterWidth]),
          strides: ints([c.strideHeight, c.strideWidth]),
          pads: ints(onnxPads(c)),
          output_padding: ints([
            extra(c.inHeight, c.outHeight, c.filterHeight, c.strideHeight, p.top, p.bottom),
            extra(c.inWidth, c.outWidth, c.filterWidth, c.strideWidth, p.left, p.right),
          ]),
        },
      },
      {
        opType: 'Transpose',
        inputs: ['dxc'],
        outputs: ['dx'],
        attributes: { perm: ints([0, 2, 3, 1]) },
      },
    );
  }
  return encodeOnnxModel({
    nodes,
    initializers,
    inputs: [
      { name: 'dy', shape: outShape(c) },
      { name: 'w', shape: filterShape(c) },
    ],
    outputs: [{ name: 'dx', shape: inShape(c) }],
    opsetVersion: 17,
  });
}

/**
 * dW and db in one output `dwb` [KH·KW·Cin + 1, Cout]: rows (kh, kw, ci) hold
 * dW[kh,kw,ci,:] = Σ_{b,oh,ow} X_pad[b, kh + oh·sh, kw + ow·sw, ci] · dY[b,oh,ow,:], the last row
 * db = Σ_{b,oh,ow} dY[b,oh,ow,:] (the layout of tubekit's wasm `TubekitConv2DBackpropFilterBias`).
 *
 * Pointwise: inputs `x` and `dy_in` as they are, one Gemm [B·H·W, Cin]ᵀ × [B·H·W, Cout].
 * Otherwise the {@link PhaseGrid} layout (`conv-phase-grid.ts`) of `grid.length` positions:
 * inputs `tap0` … `tap{KH·KW−1}`, each tap's window `[Cin, length]` (views of one array, fed
 * without a copy), and `dy` on the grid `[length, Cout]`; one `MatMul` per tap and
 * db = `ReduceSum(dy)` (zero off the output pixels). The former graph, x channels-first and padded
 * in the graph, then one strided `Slice` per tap times dY, spent as long copying the taps as
 * multiplying them (issue-12 trunk, 3×3 16→16: 14 ms of `Slice`, 16 ms of `MatMul`); one GEMM
 * over the concatenated taps, or a `Conv` with dY as its filter, measured slower still.
 */
export function convFilterBiasGradModel(
  c: tf.backend_util.Conv2DInfo,
  grid: { length: number },
): Uint8Array {
  const pointwise = isPointwise(c);
  const names = Array.from(
    { length: pointwise ? 1 : c.filterHeight * c.filterWidth },
    (_, t) => `tap${t}`,
  );
  const nodes: OnnxNodeSpec[] = pointwise
    ? [
        { opType: 'Reshape', inputs: ['x', 'x_rows'], outputs: ['x2'] },
        { opType: 'Reshape', inputs: ['dy_in', 'dy_rows'], outputs: ['dy'] },
        {
          opType: 'Gemm',
          inputs: ['x2', 'dy'],
          outputs: ['dw_tap0'],
          attributes: { transA: { int: 1 } },
        },
      ]
    : names.map((t) => ({ opType: 'MatMul', inputs: [t, 'dy'], outputs: [`dw_${t}`] }));
  nodes.push(
    {
      opType: 'ReduceSum',
      inputs: ['dy', 'axis0'],
      outputs: ['db'],
      attributes: { keepdims: { int: 1 } },
    },
    {
      opType: 'Concat',
      inputs: [...names.map((t) => `dw_${t}`), 'db'],
      outputs: ['dwb'],
      attributes: { axis: { int: 0 } },
    },
  );
  return encodeOnnxModel({
    nodes,
    initializers: [
      int64RawTensor('axis0', [0]),
      ...(pointwise
        ? [
            int64RawTensor('x_rows', [pixels(c), c.inChannels]),
            int64RawTensor('dy_rows', [pixels(c), c.outChannels]),
          ]
        : []),
    ],
    inputs: pointwise
      ? [
          { name: 'x', shape: inShape(c) },
          { name: 'dy_in', shape: outShape(c) },
        ]
      : [
          ...names.map((name) => ({ name, shape: [c.inChannels, grid.length] })),
          { name: 'dy', shape: [grid.length, c.outChannels] },
        ],
    outputs: [{ name: 'dwb', shape: [names.length * c.inChannels + 1, c.outChannels] }],
    opsetVersion: 17,
  });
}
