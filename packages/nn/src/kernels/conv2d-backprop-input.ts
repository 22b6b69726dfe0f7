import * as tf from '@tensorflow/tfjs-core';
import {
  heapKernel,
  replaceWasmKernel,
  type WasmKernelArgs,
  WasmKernelScope,
} from './wasm-kernel-scope';

let tfjsKernel: tf.KernelFunc | undefined;

/** Per spatial axis: the sub-pixel (phase) decomposition of a transposed convolution. */
interface PhaseAxis {
  /** Taps per phase: ⌈K / s⌉. */
  taps: number;
  /** First phase-grid index computed: ⌊pad / s⌋. */
  first: number;
  /** Zero rows before dY (taps − 1 − first) and after it. */
  before: number;
  after: number;
  /** Offset of input pixel 0 in the depth-to-space output: pad − first·s. */
  crop: number;
}

function phaseAxis(k: number, s: number, pad: number, inLen: number, outLen: number): PhaseAxis {
  const taps = Math.ceil(k / s);
  const first = Math.floor(pad / s);
  const crop = pad - first * s;
  const need = Math.ceil((crop + inLen) / s); // phase-grid rows the input needs
  return { taps, first, before: taps - 1 - first, after: Math.max(0, need - outLen + first), crop };
}

/**
 * A faster `Conv2DBackpropInput` for the wasm backend. tfjs-backend-wasm 4.22 computes it with a
 * direct loop (~10× slower than its XNNPACK forward convolution). Here dX is computed by the
 * sub-pixel decomposition of the transposed convolution (Shi et al., "Real-Time Single Image and
 * Video Super-Resolution Using an Efficient Sub-Pixel Convolutional Neural Network", CVPR 2016):
 * input pixel ih with ih + top = q·s + r receives Σ_j dY[q − j] · W[j·s + r]ᵀ, so all s² phases r
 * are one forward XNNPACK `Conv2D` over dY (⌈K/s⌉² taps, s²·Cin output channels, phase filters
 * gathered from the flipped, transposed W), then depth-to-space (one `Transpose`) and a crop. At stride 1 that is
 * the plain convolution of dY with the flipped filter; at stride 2 it computes 16/9 of the needed
 * products where zero-interleaving dY computed 4×. Falls back to tfjs's own kernel for NCHW,
 * unequal strides and padding larger than the filter.
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
  const { batchSize: B, inHeight: H, inWidth: W, inChannels: Ci } = info;
  const { outHeight: OH, outWidth: OW, outChannels: Co } = info;
  const { filterHeight: KH, filterWidth: KW, strideHeight: s, padInfo } = info;
  if (
    a.dataFormat === 'NCHW' ||
    info.strideWidth !== s ||
    padInfo.top > KH - 1 ||
    padInfo.left > KW - 1
  ) {
    if (!tfjsKernel)
      throw new Error('@tubekit/nn Conv2DBackpropInput (wasm): tfjs kernel unavailable');
    return tfjsKernel(args as unknown as Parameters<tf.KernelFunc>[0]) as tf.TensorInfo;
  }
  const ph = phaseAxis(KH, s, padInfo.top, H, OH);
  const pw = phaseAxis(KW, s, padInfo.left, W, OW);
  const phases = s * s;
  const scope = new WasmKernelScope(backend);
  try {
    // F[jh, jw, co, (rh·s + rw)·Ci + ci] = W[(Jh−1−jh)·s + rh, (Jw−1−jw)·s + rw, ci, co] (0 past K).
    const phaseFilter = scope.track(
      heapKernel(backend, [filter], [ph.taps, pw.taps, Co, phases * Ci], 'float32', ([w], f) => {
        for (let jh = 0; jh < ph.taps; jh++)
          for (let rh = 0; rh < s; rh++) {
            const kh = (ph.taps - 1 - jh) * s + rh;
            if (kh >= KH) continue;
            for (let jw = 0; jw < pw.taps; jw++)
              for (let rw = 0; rw < s; rw++) {
                const kw = (pw.taps - 1 - jw) * s + rw;
                if (kw >= KW) continue;
                const src = (kh * KW + kw) * Ci * Co;
                const dst = (jh * pw.taps + jw) * Co * phases * Ci + (rh * s + rw) * Ci;
                for (let ci = 0; ci < Ci; ci++)
                  for (let co = 0; co < Co; co++)
                    f[dst + co * phases * Ci + ci] = w[src + ci * Co + co] as number;
              }
          }
      }),
    );
    let z = scope.run('Conv2D', { x: dy, filter: phaseFilter }, {
      strides: [1, 1],
      pad: [
        [0, 0],
        [ph.before, ph.after],
        [pw.before, pw.after],
        [0, 0],
      ],
      dataFormat: 'NHWC',
      dilations: [1, 1],
      dimRoundingMode: undefined,
    } as unknown as tf.NamedAttrMap);
    if (s > 1) {
      // Depth-to-space as one rank-4 Transpose (tfjs-wasm's DepthToSpace is an element loop in
      // JavaScript, measured 77 ms for this trunk's conv3): [B·L, M, s, s·Ci] → [B·L, s, M, s·Ci].
      const [, L, M] = z.shape as [number, number, number, number];
      const t = scope.run(
        'Transpose',
        { x: scope.reshape(z, [B * L, M, s, s * Ci]) },
        { perm: [0, 2, 1, 3] },
      );
      z = scope.reshape(t, [B, L * s, M * s, Ci]);
    }
    const out =
      z.shape[1] === H && z.shape[2] === W
        ? z
        : scope.run('Slice', { x: z }, { begin: [0, ph.crop, pw.crop, 0], size: [B, H, W, Ci] });
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
