import * as tf from '@tensorflow/tfjs-core';
import { fusedConv2d } from './fused-conv2d';

/** Padding of {@link conv3d}: tfjs's `'same'` / `'valid'` rules, or one symmetric amount for all three axes. */
export type Conv3dPad = 'same' | 'valid' | number;

/** Options of {@link conv3d}. */
export interface Conv3dOptions {
  /** Strides [depth, height, width] (or one number for all three); default 1. */
  strides?: number | [number, number, number];
  /** Padding; default `'same'`. */
  pad?: Conv3dPad;
  /** Temporal dilation (default 1); spatial dilation is not supported (tfjs has no gradient for it). */
  temporalDilation?: number;
  /** Per-output-channel bias `[Cout]`, added before the activation. */
  bias?: tf.Tensor1D;
  /**
   * `'relu'` applies max(0, ·) after the bias. On the purely temporal path bias and ReLU are fused
   * into the one convolution ({@link fusedConv2d}), so the backward pass has no separate bias-add and
   * ReLU-mask dispatches. Default `'linear'`.
   */
  activation?: 'linear' | 'relu';
}

const triple = (v: number | [number, number, number] | undefined): [number, number, number] =>
  v === undefined ? [1, 1, 1] : typeof v === 'number' ? [v, v, v] : v;

/**
 * 3-D convolution (NDHWC input `[B, D, H, W, Cin]`, filter `[KD, KH, KW, Cin, Cout]`, output
 * `[B, OD, OH, OW, Cout]`) computed as a sum of 2-D convolutions over the temporal kernel:
 * out[:, od] = Σ_kd conv2d(x[:, od·sd + kd·dd − front], W[kd]). Each 2-D convolution runs over all
 * B·OD selected frames at once, so the work goes to the backend's fast GEMM convolution (XNNPACK on
 * wasm) instead of tfjs-wasm's direct Conv3D loop. Numbers and padding rules are those of
 * `tf.conv3d` (`backend_util.computeConv3DInfo`). Frames are picked per tap with one `Slice` of
 * the temporally padded clip (one `GatherV2` when the temporal stride exceeds 1); the gradient is
 * autodiff through tubekit's wasm kernels (the 2-D convolution backprops; `Pad` / `UnsortedSegmentSum`
 * for the frame picking), so it trains on wasm and computes only what is needed.
 *
 * A purely temporal kernel (`KH = KW = 1`, spatial stride 1, e.g. a 1×1 layer over stacked t−1, t,
 * t+1) is one 2-D convolution over `[B, D, H·W, Cin]` with a `[KD, 1, Cin, Cout]` filter: one
 * dispatch forward and one per gradient, no frame copies.
 *
 * @example
 * ```ts
 * const x = tf.randomNormal([1, 8, 28, 28, 16]) as tf.Tensor5D;
 * const w = tf.randomNormal([3, 3, 3, 16, 32]) as tf.Tensor5D;
 * const y = conv3d(x, w, { strides: [1, 2, 2], pad: 'same' });   // [1, 8, 14, 14, 32]
 * ```
 */
export function conv3d(
  x: tf.Tensor5D,
  filter: tf.Tensor5D,
  options: Conv3dOptions = {},
): tf.Tensor5D {
  const strides = triple(options.strides);
  const dilations: [number, number, number] = [options.temporalDilation ?? 1, 1, 1];
  const pad = options.pad ?? 'same';
  if (x.rank !== 5 || filter.rank !== 5)
    throw new Error(
      `conv3d: expected x [B,D,H,W,C] and filter [KD,KH,KW,Cin,Cout], got [${x.shape}] and [${filter.shape}]`,
    );
  if (x.shape[4] !== filter.shape[3])
    throw new Error(
      `conv3d: x has ${x.shape[4]} channels but the filter expects ${filter.shape[3]}`,
    );
  const info = tf.backend_util.computeConv3DInfo(x.shape, filter.shape, strides, dilations, pad);
  const [B, D, H, W, Cin] = x.shape;
  const [KD, KH, KW, , Cout] = filter.shape;
  const { outDepth: OD, outHeight: OH, outWidth: OW, padInfo } = info;
  const sd = strides[0];
  const dd = dilations[0];
  const spatialPad: tf.backend_util.ExplicitPadding = [
    [0, 0],
    [padInfo.top, padInfo.bottom],
    [padInfo.left, padInfo.right],
    [0, 0],
  ];
  const stride2: [number, number] = [strides[1], strides[2]];
  // Frame of the unpadded clip that tap kd reads for output frame od (outside [0, D): padding).
  const frameOf = (kd: number, od: number) => kd * dd + od * sd - padInfo.front;
  const HWC = H * W * Cin;
  const FILTER = KH * KW * Cin * Cout;
  // The clip as [B, Dp, H·W·C] with the temporal zero padding, so every tap is one native GatherV2
  // along depth (tfjs-wasm's Slice reads the whole input back per call and its StridedSlice runs
  // element by element in JavaScript).
  const front = padInfo.front;
  let last = D - 1;
  for (let kd = 0; kd < KD; kd++) last = Math.max(last, frameOf(kd, OD - 1));
  const back = last - (D - 1);
  const padClip = (t: tf.Tensor5D): tf.Tensor3D => {
    const t3 = tf.reshape(t, [B, D, HWC]) as tf.Tensor3D;
    return front > 0 || back > 0
      ? tf.pad(t3, [
          [0, 0],
          [front, back],
          [0, 0],
        ])
      : t3;
  };
  if (KH === 1 && KW === 1 && strides[1] === 1 && strides[2] === 1 && dd === 1)
    return tf.tidy(() => {
      const y = fusedConv2d({
        x: tf.reshape(x, [B, D, H * W, Cin]) as tf.Tensor4D,
        filter: tf.reshape(filter, [KD, 1, Cin, Cout]) as tf.Tensor4D,
        strides: [sd, 1],
        pad: [
          [0, 0],
          [front, padInfo.back],
          [0, 0],
          [0, 0],
        ],
        bias: options.bias,
        activation: options.activation ?? 'linear',
      });
      return tf.reshape(y, [B, OD, OH, OW, Cout]) as tf.Tensor5D;
    });
  const tapFrames = (xp: tf.Tensor3D, kd: number): tf.Tensor4D => {
    const first = frameOf(kd, 0) + front;
    const frames =
      sd === 1
        ? tf.slice(xp, [0, first, 0], [B, OD, HWC])
        : tf.gather(
            xp,
            tf.tensor1d(
              Int32Array.from({ length: OD }, (_, od) => first + od * sd),
              'int32',
            ),
            1,
          );
    return tf.reshape(frames, [B * OD, H, W, Cin]);
  };
  const tapFilter = (w2: tf.Tensor2D, kd: number): tf.Tensor4D =>
    tf.reshape(tf.slice(w2, [kd, 0], [1, FILTER]), [KH, KW, Cin, Cout]);

  // Plain differentiable ops: tfjs then computes only the gradients a caller needs (no input
  // gradient for a first layer), through GatherV2's gradient (UnsortedSegmentSum) and the 2-D
  // convolution backprops (tubekit's fast wasm kernels).
  return tf.tidy(() => {
    const xp = padClip(x);
    const w2 = tf.reshape(filter, [KD, FILTER]) as tf.Tensor2D;
    const parts: tf.Tensor4D[] = [];
    for (let kd = 0; kd < KD; kd++)
      parts.push(tf.conv2d(tapFrames(xp, kd), tapFilter(w2, kd), stride2, spatialPad, 'NHWC'));
    let sum: tf.Tensor4D = parts.length === 1 ? (parts[0] as tf.Tensor4D) : tf.addN(parts);
    if (options.bias) sum = tf.add(sum, options.bias);
    if (options.activation === 'relu') sum = tf.relu(sum);
    return tf.reshape(sum, [B, OD, OH, OW, Cout]) as tf.Tensor5D;
  });
}
