import * as tf from '@tensorflow/tfjs';
import { replaceWasmKernel, type WasmKernelArgs, WasmKernelScope } from './wasm-kernel-scope';

let tfjsKernel: tf.KernelFunc | undefined;

/**
 * A faster `Conv2DBackpropInput` for the wasm backend. tfjs-backend-wasm 4.22 computes it with a
 * direct loop (~10× slower than its XNNPACK forward convolution); here dX is a forward `Conv2D` of
 * the zero-interleaved (stride) and zero-padded gradient dY with the spatially flipped,
 * in/out-transposed filter: dX[ih] = Σ_kh dŶ[ih + top − kh] · W[kh]ᵀ, where dŶ has dY[oh] at
 * oh·stride. Falls back to tfjs's own kernel for NCHW and for padding larger than the filter.
 */
export function conv2dBackpropInputWasm(args: WasmKernelArgs): tf.TensorInfo {
  const { inputs, backend, attrs } = args;
  const { dy, filter } = inputs as { dy: tf.TensorInfo; filter: tf.TensorInfo };
  const a = attrs as unknown as tf.Conv2DBackpropInputAttrs;
  const info = tf.backend_util.computeConv2DInfo(
    a.inputShape,
    filter.shape as [number, number, number, number],
    a.strides,
    1,
    a.pad,
    a.dimRoundingMode,
    false,
    'channelsLast',
  );
  const {
    batchSize: B,
    inHeight: H,
    inWidth: W,
    inChannels: Ci,
    outHeight: OH,
    outWidth: OW,
    outChannels: Co,
  } = info;
  const { filterHeight: KH, filterWidth: KW, strideHeight: sh, strideWidth: sw, padInfo } = info;
  const padTop = KH - 1 - padInfo.top;
  const padLeft = KW - 1 - padInfo.left;
  if (a.dataFormat === 'NCHW' || padTop < 0 || padLeft < 0) {
    if (!tfjsKernel)
      throw new Error('@tubekit/nn Conv2DBackpropInput (wasm): tfjs kernel unavailable');
    return tfjsKernel(args as unknown as Parameters<tf.KernelFunc>[0]) as tf.TensorInfo;
  }
  const scope = new WasmKernelScope(backend);
  try {
    // Zero-interleave for the stride: [B, OH, OW, Co] → [B, OH·sh, OW·sw, Co] with dY at (oh·sh, ow·sw).
    let spread = dy;
    // Two rank-3 pads (columns, then rows): tfjs-wasm pads rank ≤ 4 natively.
    if (sw > 1) {
      const cols = scope.run(
        'PadV2',
        { x: scope.reshape(spread, [B * OH * OW, 1, Co]) },
        {
          paddings: [
            [0, 0],
            [0, sw - 1],
            [0, 0],
          ],
          constantValue: 0,
        },
      );
      spread = scope.reshape(cols, [B, OH, OW * sw, Co]);
    }
    if (sh > 1) {
      const rows = scope.run(
        'PadV2',
        { x: scope.reshape(spread, [B * OH, 1, OW * sw * Co]) },
        {
          paddings: [
            [0, 0],
            [0, sh - 1],
            [0, 0],
          ],
          constantValue: 0,
        },
      );
      spread = scope.reshape(rows, [B, OH * sh, OW * sw, Co]);
    }
    // Pad to length H + KH − 1 (crop surplus trailing rows, which only ever hold interleaved zeros
    // or rows no input pixel reads).
    const lenH = spread.shape[1];
    const lenW = spread.shape[2];
    const keepH = Math.min(lenH, H + KH - 1 - padTop);
    const keepW = Math.min(lenW, W + KW - 1 - padLeft);
    if (keepH < lenH || keepW < lenW)
      spread = scope.run(
        'Slice',
        { x: spread },
        { begin: [0, 0, 0, 0], size: [B, keepH, keepW, Co] },
      );
    const padded = scope.run(
      'PadV2',
      { x: spread },
      {
        paddings: [
          [0, 0],
          [padTop, H + KH - 1 - padTop - keepH],
          [padLeft, W + KW - 1 - padLeft - keepW],
          [0, 0],
        ],
        constantValue: 0,
      },
    );
    const flipped = scope.run('Reverse', { x: filter }, { dims: [0, 1] });
    const wT = scope.run('Transpose', { x: flipped }, { perm: [0, 1, 3, 2] });
    const out = scope.run('Conv2D', { x: padded, filter: wT }, {
      strides: [1, 1],
      pad: 'valid',
      dataFormat: 'NHWC',
      dilations: [1, 1],
      dimRoundingMode: undefined,
    } as unknown as tf.NamedAttrMap);
    if (out.shape[1] !== H || out.shape[2] !== W || out.shape[3] !== Ci)
      throw new Error(
        `@tubekit/nn Conv2DBackpropInput (wasm): internal shape [${out.shape}] ≠ input [${a.inputShape}]`,
      );
    scope.dispose(out);
    return out;
  } catch (e) {
    scope.dispose();
    throw e;
  }
}

/** tfjs-wasm's own `Conv2DBackpropInput` kernel function, kept as the fallback (for benchmarks). */
export function tfjsConv2dBackpropInputWasm(): tf.KernelFunc | undefined {
  return tfjsKernel;
}

/**
 * Replaces tfjs-wasm's `Conv2DBackpropInput` with {@link conv2dBackpropInputWasm} (keeping the
 * original as its fallback). Idempotent.
 */
export function registerConv2dBackpropInputWasm(): boolean {
  const { replaced, original } = replaceWasmKernel('Conv2DBackpropInput', conv2dBackpropInputWasm);
  if (replaced) tfjsKernel = original;
  return replaced;
}
