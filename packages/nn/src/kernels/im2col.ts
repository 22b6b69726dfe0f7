import type * as tf from '@tensorflow/tfjs-core';
import type { WasmKernelScope } from './wasm-kernel-scope';

/** The geometry of one NHWC 2-D convolution that {@link im2colTransposed} unrolls. */
export interface ConvGeometry {
  batchSize: number;
  inHeight: number;
  inWidth: number;
  inChannels: number;
  outHeight: number;
  outWidth: number;
  filterHeight: number;
  filterWidth: number;
  strideHeight: number;
  strideWidth: number;
  dilationHeight: number;
  dilationWidth: number;
  padInfo: { top: number; left: number };
}

/**
 * The transposed im2col matrix of a convolution, `[KH·KW·Cin, B·OH·OW]`:
 * row (kh, kw, ci), column (b, oh, ow) holds x[b, oh·sh − top + kh·dh, ow·sw − left + kw·dw, ci]
 * (zero where that pixel is padding). Rows are ordered like an HWIO filter's first three axes, so
 * a convolution's weight gradient is this matrix times dY as `[B·OH·OW, Cout]` — one GEMM whose
 * result is already the `[KH, KW, Cin, Cout]` filter layout (Chellapilla et al., "High Performance
 * Convolutional Neural Networks for Document Processing", 2006).
 *
 * With `onesRow` the matrix gets one more row of ones, so the same GEMM also sums dY over all
 * pixels: the bias gradient as the product's last row.
 *
 * `xChannelsFirst` is the input as `[Cin, B, H, W]` (one native `Transpose` away from NHWC), so
 * each output row is filled by contiguous runs: one copy per (kh, kw, ci, b) at unit strides
 * with 'same'-width output, one per (kh, kw, ci, b, oh) at unit width stride, else element-wise.
 */
export function im2colTransposed(
  scope: WasmKernelScope,
  xChannelsFirst: tf.TensorInfo,
  g: ConvGeometry,
  onesRow = false,
): tf.TensorInfo {
  const { batchSize: B, inHeight: H, inWidth: W, inChannels: C } = g;
  const { outHeight: OH, outWidth: OW, filterHeight: KH, filterWidth: KW } = g;
  const { strideHeight: sh, strideWidth: sw, dilationHeight: dh, dilationWidth: dw } = g;
  const { top, left } = g.padInfo;
  const backend = scope.backend;
  const N = B * OH * OW;
  const cols = backend.makeOutput([KH * KW * C + (onesRow ? 1 : 0), N], 'float32');
  scope.track(cols);
  // Views after the allocation (allocating can grow, and so detach, the wasm heap). Copies use
  // copyWithin on one view of the whole heap: no subarray object per copied run.
  const outView = backend.typedArrayFromHeap(cols) as Float32Array;
  const xView = backend.typedArrayFromHeap(xChannelsFirst) as Float32Array;
  const heap = new Float32Array(outView.buffer);
  const outBase = outView.byteOffset >> 2;
  const xBase = xView.byteOffset >> 2;
  if (onesRow) heap.fill(1, outBase + KH * KW * C * N, outBase + (KH * KW * C + 1) * N);
  // Unit strides with OW = W: the rows of one (tap, channel, image) are one run in both arrays,
  // shifted by the tap; the few wrapped edge values are zeroed after the copy.
  const blockCopy = sh === 1 && sw === 1 && dh === 1 && OW === W;
  for (let kh = 0; kh < KH; kh++)
    for (let kw = 0; kw < KW; kw++) {
      // Output columns whose input column is inside the image: ow ∈ [ow0, ow1).
      const shiftW = kw * dw - left;
      const ow0 = Math.min(OW, Math.max(0, Math.ceil(-shiftW / sw)));
      const ow1 = Math.max(ow0, Math.min(OW, Math.floor((W - 1 - shiftW) / sw) + 1));
      // Output rows whose input row is inside the image: oh ∈ [oh0, oh1).
      const shiftH = kh * dh - top;
      const oh0 = Math.min(OH, Math.max(0, Math.ceil(-shiftH / sh)));
      const oh1 = Math.max(oh0, Math.min(OH, Math.floor((H - 1 - shiftH) / sh) + 1));
      for (let c = 0; c < C; c++) {
        const row = outBase + ((kh * KW + kw) * C + c) * N;
        for (let b = 0; b < B; b++) {
          const image = row + b * OH * OW;
          heap.fill(0, image, image + oh0 * OW);
          heap.fill(0, image + oh1 * OW, image + OH * OW);
          const srcImage = xBase + (c * B + b) * H * W;
          if (blockCopy) {
            if (oh1 === oh0) continue;
            const src = srcImage + (oh0 + shiftH) * W + shiftW;
            heap.copyWithin(image + oh0 * OW, src, src + (oh1 - oh0) * OW);
            // Edge columns by element stores: a fill() call per row costs more than the row.
            if (ow0 > 0 || ow1 < OW)
              for (let dst = image + oh0 * OW; dst < image + oh1 * OW; dst += OW) {
                for (let i = dst; i < dst + ow0; i++) heap[i] = 0;
                for (let i = dst + ow1; i < dst + OW; i++) heap[i] = 0;
              }
            continue;
          }
          for (let oh = oh0; oh < oh1; oh++) {
            const dst = image + oh * OW;
            for (let i = dst; i < dst + ow0; i++) heap[i] = 0;
            for (let i = dst + ow1; i < dst + OW; i++) heap[i] = 0;
            const src = srcImage + (oh * sh + shiftH) * W + shiftW;
            if (sw === 1) heap.copyWithin(dst + ow0, src + ow0, src + ow1);
            else for (let ow = ow0; ow < ow1; ow++) heap[dst + ow] = heap[src + ow * sw] as number;
          }
        }
      }
    }
  return cols;
}

/**
 * `a [M, K] · b [K, N]` on the wasm backend as a 1×1 XNNPACK convolution (measured faster than
 * tfjs-wasm's `BatchMatMul` for every weight-gradient shape of the issue-12 trunk, e.g. 24 against
 * 17 GFLOP/s for 144×75264×16).
 */
export function gemmWasm(
  scope: WasmKernelScope,
  a: tf.TensorInfo,
  b: tf.TensorInfo,
): tf.TensorInfo {
  const [M, K] = a.shape as [number, number];
  const N = b.shape[1] as number;
  return scope.reshape(
    scope.run(
      'Conv2D',
      { x: scope.reshape(a, [1, 1, M, K]), filter: scope.reshape(b, [1, 1, K, N]) },
      {
        strides: [1, 1],
        pad: 'valid',
        dataFormat: 'NHWC',
        dilations: [1, 1],
        dimRoundingMode: undefined,
      } as unknown as tf.NamedAttrMap,
    ),
    [M, N],
  );
}
