import * as tf from '@tensorflow/tfjs-core';
import { type PhaseGrid, phaseGrid, writeGridOutput } from './conv-phase-grid';
import { setConvKernelProvider } from './fused-conv2d';
import { setMatMulProvider } from './kernels/batch-matmul-transposed';
import {
  convFilterBiasGradModel,
  convForwardModel,
  convInputGradModel,
  isPointwise,
} from './ort-conv-graphs';
import { onnxMatMul } from './ort-matmul';
import { type OrtBridgeInput, type OrtBridgeOutput, OrtSyncBridge } from './ort-sync-bridge';

/** Options of {@link useOnnxConvolutions}. */
export interface OnnxConvolutionsOptions {
  /** onnxruntime intra-op threads (default 1: the tfjs-wasm default on the shared 2-core machines). */
  threads?: number;
  /**
   * The forward pass and input gradient of convolutions doing fewer forward multiply-adds per
   * float that crosses the bridge (input and output maps: out pixels·KH·KW·Cin·Cout / (in
   * pixels·Cin + out pixels·Cout)) stay on the tfjs backend, where moving the maps would cost more
   * than the faster GEMM saves. Default 40: of the issue-12 trunk's layers, the 3×3 16→16 (72), the
   * 3×3 s2 16→64 (72) and the 3×3 64→64 (288) measured faster on onnxruntime, the 3-channel first
   * layer (15), the temporal 3×1 16→16 (24) and the 1×1 64→32 (21) slower. 0 sends every
   * convolution's forward pass and input gradient to onnxruntime.
   */
  minMacsPerFloat?: number;
  /**
   * The same threshold for the filter and bias gradients alone. Default 0: every weight gradient
   * goes to onnxruntime, where each tap is one GEMM over a window of the phase-grid layout
   * (`conv-phase-grid.ts`), with no im2col copy; on the issue-12 trunk that measured faster than
   * the tfjs-wasm kernel for all six layers, the 3-channel first layer included.
   */
  weightGradMinMacsPerFloat?: number;
  /**
   * Also run dense layers' products on onnxruntime: every `BatchMatMul` of batch 1 on the wasm
   * backend (`tf.matMul` of two matrices, plain or transposed: a dense layer's forward pass and both
   * gradients) doing at least {@link denseMinMacsPerFloat} multiply-adds per float copied, as one
   * ONNX `Gemm` (`ort-matmul.ts`). Default `false`.
   */
  denseLayers?: boolean;
  /**
   * The threshold of {@link denseLayers}: M·K·N / (M·K + K·N + M·N). Default 40. Measured here
   * (load 2.5, the forward product and both gradient products, alternating): STEP's head encoder
   * [1320, 1600] · [1600, 128] (109) 127–130 ms on wasm, 54–60 ms on onnxruntime; [1320, 192] ·
   * [192, 64] (46) 9.7–10.6 vs 4.6–6.5 ms; [1320, 64] · [64, 48] (27) 2.4–5.8 vs 1.7–9.1 ms;
   * [44, 96] · [96, 64] (21) 0.5–1.3 vs 1.3–1.7 ms.
   */
  denseMinMacsPerFloat?: number;
}

/** The defaults of {@link OnnxConvolutionsOptions}' thresholds. */
export const ONNX_CONVOLUTION_DEFAULTS: Readonly<
  Required<Pick<OnnxConvolutionsOptions, 'minMacsPerFloat' | 'weightGradMinMacsPerFloat'>>
> = { minMacsPerFloat: 40, weightGradMinMacsPerFloat: 0 };

/** The default of {@link OnnxConvolutionsOptions.denseMinMacsPerFloat}. */
export const ONNX_DENSE_MIN_MACS_PER_FLOAT = 40;

/** What {@link useOnnxConvolutions} started. */
export interface OnnxConvolutionsInfo {
  /** onnxruntime-node's version. */
  version: string;
  threads: number;
}

const KERNELS = {
  forward: 'TubekitOrtConv2D',
  inputGrad: 'TubekitOrtConv2DBackpropInput',
  filterBiasGrad: 'TubekitOrtConv2DBackpropFilterBias',
} as const;
const BACKENDS = ['cpu', 'wasm'] as const;

interface Provider {
  bridge: OrtSyncBridge;
  /** Session id per graph kind and geometry. */
  sessions: Map<string, number>;
  threads: number;
}

let active: Provider | undefined;

type Heap = { typedArrayFromHeap(t: tf.TensorInfo): tf.TypedArray };
type HeapOutput = Heap & { makeOutput(shape: number[], dtype: tf.DataType): tf.TensorInfo };

/** A float32 tensor's values without a copy: a view of the wasm heap, or the cpu backend's array. */
function valuesOf(backend: tf.KernelBackend, t: tf.TensorInfo): Float32Array {
  if (t.dtype !== 'float32')
    throw new Error(`@tubekit/nn onnxruntime convolutions: float32 only, got ${t.dtype}`);
  const heap = backend as unknown as Partial<Heap>;
  return (
    heap.typedArrayFromHeap ? heap.typedArrayFromHeap(t) : backend.readSync(t.dataId)
  ) as Float32Array;
}

/** A new backend tensor holding a copy of `values`. */
function outputOf(backend: tf.KernelBackend, shape: number[], values: Float32Array): tf.TensorInfo {
  const heap = backend as unknown as Partial<HeapOutput>;
  if (heap.makeOutput && heap.typedArrayFromHeap) {
    const out = heap.makeOutput(shape, 'float32');
    heap.typedArrayFromHeap(out).set(values);
    return out;
  }
  const cpu = backend as unknown as {
    makeTensorInfo(shape: number[], dtype: tf.DataType, values: Float32Array): tf.TensorInfo;
  };
  return cpu.makeTensorInfo(shape, 'float32', values.slice());
}

/** A graph input read from a backend tensor (copied once, into the buffer sent to the worker). */
function tensorFeed(backend: tf.KernelBackend, name: string, t: tf.TensorInfo): OrtBridgeInput {
  return { name, shape: t.shape, write: (target) => target.set(valuesOf(backend, t)) };
}

/** The session key of graph `kind` for convolution geometry `conv`. */
const convKey = (kind: string, conv: tf.backend_util.Conv2DInfo) =>
  `${kind} ${conv.inShape} ${conv.filterHeight}x${conv.filterWidth} ${conv.outChannels} s${conv.strideHeight},${conv.strideWidth} p${Object.values(conv.padInfo)}`;

/**
 * Runs a whole ONNX graph synchronously on the onnxruntime worker that {@link useOnnxConvolutions}
 * started, and returns each output's values (new arrays). Its session is created from `model()`
 * on the first call with `key` and kept until {@link stopOnnxConvolutions}: `key` must name the
 * graph and every shape it fixes. For inference that needs no gradient, a network runs as one
 * call instead of one per layer, and its layout changes and element-wise steps run in
 * onnxruntime too (e.g. `Trunk.frozenBackbone` of @tubekit/backbones).
 *
 * @throws when onnxruntime convolutions are not started
 * @example
 * ```ts
 * await useOnnxConvolutions();
 * const [y] = runOnnxGraph('double 2', () => encodeOnnxModel(spec), [{ name: 'x', shape: [2], write: (t) => t.set([1, 2]) }], [{ name: 'y', shape: [2] }]);
 * ```
 */
export function runOnnxGraph(
  key: string,
  model: () => Uint8Array,
  inputs: OrtBridgeInput[],
  outputs: OrtBridgeOutput[],
): Float32Array[] {
  return runSession(`graph ${key}`, model, inputs, outputs);
}

/** Runs the session under `key`, created from `model()` on first use, then cached. */
function runSession(
  key: string,
  model: () => Uint8Array,
  inputs: OrtBridgeInput[],
  outputs: OrtBridgeOutput[],
): Float32Array[] {
  if (!active)
    throw new Error('@tubekit/nn: onnxruntime convolutions are not started (useOnnxConvolutions)');
  let id = active.sessions.get(key);
  if (id === undefined) {
    id = active.bridge.createSession(model());
    active.sessions.set(key, id);
  }
  return active.bridge.run(id, inputs, outputs);
}

/**
 * Runs the graph under session key `key` on `feeds` ({@link runSession}); returns its one output
 * as a new backend tensor of `outShape`.
 */
function runGraph(
  backend: tf.KernelBackend,
  key: string,
  model: () => Uint8Array,
  feeds: OrtBridgeInput[],
  output: { name: string; shape: number[] },
): tf.TensorInfo {
  const [values] = runSession(key, model, feeds, [output]);
  return outputOf(backend, output.shape, values as Float32Array);
}

/**
 * The phase planes of the {@link PhaseGrid} layout as one tensor `[sh, sw, Cin, B, rows, cols]`,
 * made from x `[B, H, W, Cin]` by the backend's own kernels: x channels-first by a 2-D
 * `Transpose`, zero-padded (`PadV2`) or cropped (`Slice`) to rows·sh × cols·sw, then, when
 * strided, the column phases split off by a 2-D `Transpose` and the row phases by a rank-3 one
 * (tfjs-wasm's fast cases: its `StridedSlice` and rank-5 `Transpose` measured 20–50× slower).
 * When the column phases are whole groups of sw pixels of x (left padding and width multiples of
 * sw, e.g. 'same' at stride 2 on an even width), the channel transpose splits them too, one copy
 * fewer (issue-12 trunk: 3×3 s2 3→16 dW 17.7 → 14.3 ms, 3×3 s2 16→64 20.0 → 17.5 ms).
 * `run` runs a backend kernel and keeps its output for disposal.
 */
function phaseGridPlanes(
  c: tf.backend_util.Conv2DInfo,
  grid: PhaseGrid,
  x: tf.TensorInfo,
  run: (name: string, inputs: tf.NamedTensorInfoMap, attrs: object) => tf.TensorInfo,
): tf.TensorInfo {
  const { batchSize: B, inHeight: H, inWidth: W, inChannels: C } = c;
  const { strideHeight: sh, strideWidth: sw } = c;
  const { top, left } = c.padInfo;
  const { rows, cols } = grid;
  const pad = (t: tf.TensorInfo, paddings: [number, number][]) =>
    paddings.some(([p, q]) => p + q > 0)
      ? run('PadV2', { x: t }, { paddings, constantValue: 0 })
      : t;
  // The padded input covers rows·sh × cols·sw from (−top, −left); rows and columns past that
  // (possible when strided) are read by no tap.
  const keepH = Math.min(H, rows * sh - top);
  const keepW = Math.min(W, cols * sw - left);
  let planes: tf.TensorInfo;
  if (sw > 1 && left % sw === 0 && keepW === W && W % sw === 0) {
    // The column phases are whole pixel groups of x: one 2-D transpose of [B·H·W/sw, sw·C] makes
    // x channels-first and splits them, [sw·C·B, H, W/sw]; each phase is then padded alike.
    planes = run(
      'Transpose',
      { x: run('Reshape', { x }, { shape: [(B * H * W) / sw, sw * C] }) },
      { perm: [1, 0] },
    );
    planes = run('Reshape', { x: planes }, { shape: [sw * C * B, H, W / sw] });
    if (keepH < H)
      planes = run('Slice', { x: planes }, { begin: [0, 0, 0], size: [sw * C * B, keepH, W / sw] });
    planes = pad(planes, [
      [0, 0],
      [top, rows * sh - top - keepH],
      [left / sw, cols - left / sw - W / sw],
    ]);
  } else {
    const xT = run(
      'Transpose',
      { x: run('Reshape', { x }, { shape: [B * H * W, C] }) },
      { perm: [1, 0] },
    );
    planes = run('Reshape', { x: xT }, { shape: [C * B, H, W] });
    if (keepH < H || keepW < W)
      planes = run('Slice', { x: planes }, { begin: [0, 0, 0], size: [C * B, keepH, keepW] });
    planes = pad(planes, [
      [0, 0],
      [top, rows * sh - top - keepH],
      [left, cols * sw - left - keepW],
    ]);
    if (sw > 1)
      planes = run(
        'Transpose',
        { x: run('Reshape', { x: planes }, { shape: [C * B * rows * sh * cols, sw] }) },
        { perm: [1, 0] },
      );
  }
  if (sh > 1)
    planes = run(
      'Transpose',
      { x: run('Reshape', { x: planes }, { shape: [sw * C * B * rows, sh, cols] }) },
      { perm: [1, 0, 2] },
    );
  return planes;
}

/**
 * Runs kernel `name` of the backend on backend tensors, as backends build kernels on kernels (no
 * engine, no tape); the caller disposes the output.
 */
function runBackendKernel(
  backend: tf.KernelBackend,
  backendName: string,
  name: string,
  inputs: tf.NamedTensorInfoMap,
  attrs: object,
): tf.TensorInfo {
  const kernel = tf.getKernel(name, backendName);
  if (!kernel) throw new Error(`@tubekit/nn: the ${backendName} backend has no ${name} kernel`);
  return kernel.kernelFunc({ inputs, backend, attrs: attrs as tf.NamedAttrMap }) as tf.TensorInfo;
}

type Pad = 'same' | 'valid' | number | tf.backend_util.ExplicitPadding;

const conv2dInfo = (
  xShape: number[],
  filterShape: number[],
  strides: [number, number] | number,
  pad: Pad,
) =>
  tf.backend_util.computeConv2DInfo(
    xShape as [number, number, number, number],
    filterShape as [number, number, number, number],
    strides,
    1,
    pad,
    undefined,
    false,
    'channelsLast',
  );

/** Forward multiply-adds per float of the input and output maps (what the bridge copies). */
export function macsPerFloat(conv: tf.backend_util.Conv2DInfo): number {
  const outPixels = conv.batchSize * conv.outHeight * conv.outWidth;
  const macs =
    outPixels * conv.filterHeight * conv.filterWidth * conv.inChannels * conv.outChannels;
  const floats =
    conv.batchSize * conv.inHeight * conv.inWidth * conv.inChannels + outPixels * conv.outChannels;
  return macs / floats;
}

interface ForwardAttrs {
  strides: [number, number];
  pad: Pad;
  activation: 'linear' | 'relu';
  hasBias: boolean;
}

function kernelConfigs(backendName: string): tf.KernelConfig[] {
  return [
    {
      kernelName: KERNELS.forward,
      backendName,
      kernelFunc: ({ inputs, backend: b, attrs }) => {
        const backend = b as tf.KernelBackend;
        const { x, filter, bias } = inputs as Record<string, tf.TensorInfo>;
        const a = attrs as unknown as ForwardAttrs;
        const conv = conv2dInfo(x.shape, filter.shape, a.strides, a.pad);
        const relu = a.activation === 'relu';
        return runGraph(
          backend,
          convKey(`forward bias=${a.hasBias} relu=${relu}`, conv),
          () => convForwardModel(conv, { bias: a.hasBias, relu }),
          [
            tensorFeed(backend, 'x', x),
            tensorFeed(backend, 'w', filter),
            ...(a.hasBias ? [tensorFeed(backend, 'b', bias as tf.TensorInfo)] : []),
          ],
          { name: 'y', shape: conv.outShape },
        );
      },
    },
    {
      kernelName: KERNELS.inputGrad,
      backendName,
      kernelFunc: ({ inputs, backend: b, attrs }) => {
        const backend = b as tf.KernelBackend;
        const { dy, filter } = inputs as Record<string, tf.TensorInfo>;
        const a = attrs as unknown as tf.Conv2DBackpropInputAttrs;
        const conv = conv2dInfo(a.inputShape, filter.shape, a.strides, a.pad);
        return runGraph(
          backend,
          convKey('input-grad', conv),
          () => convInputGradModel(conv),
          [tensorFeed(backend, 'dy', dy), tensorFeed(backend, 'w', filter)],
          { name: 'dx', shape: conv.inShape },
        );
      },
    },
    {
      kernelName: KERNELS.filterBiasGrad,
      backendName,
      kernelFunc: ({ inputs, backend: b, attrs }) => {
        const backend = b as tf.KernelBackend;
        const { x, dy } = inputs as Record<string, tf.TensorInfo>;
        const a = attrs as unknown as tf.Conv2DBackpropFilterAttrs;
        const conv = conv2dInfo(x.shape, a.filterShape, a.strides, a.pad);
        const rows = conv.filterHeight * conv.filterWidth * conv.inChannels + 1;
        const grid = phaseGrid(conv);
        const model = () => convFilterBiasGradModel(conv, grid);
        const output = { name: 'dwb', shape: [rows, conv.outChannels] };
        if (isPointwise(conv))
          return runGraph(
            backend,
            convKey('filter-bias-grad', conv),
            model,
            [tensorFeed(backend, 'x', x), tensorFeed(backend, 'dy_in', dy)],
            output,
          );
        const made: tf.TensorInfo[] = [];
        const run = (name: string, inputs: tf.NamedTensorInfoMap, attrs: object) => {
          const out = runBackendKernel(backend, backendName, name, inputs, attrs);
          made.push(out);
          return out;
        };
        try {
          const planes = phaseGridPlanes(conv, grid, x, run);
          const window = [conv.inChannels, grid.length];
          return runGraph(
            backend,
            convKey('filter-bias-grad', conv),
            model,
            [
              {
                name: 'tap0',
                shape: window,
                length: grid.floats,
                aliases: grid.tapOffsets
                  .slice(1)
                  .map((offset, t) => ({ name: `tap${t + 1}`, shape: window, offset })),
                write: (target) => {
                  const values = valuesOf(backend, planes);
                  target.set(values);
                  target.fill(0, values.length);
                },
              },
              {
                name: 'dy',
                shape: [grid.length, conv.outChannels],
                write: (target) => writeGridOutput(valuesOf(backend, dy), conv, grid, target),
              },
            ],
            output,
          );
        } finally {
          for (const t of made) backend.disposeData(t.dataId);
        }
      },
    },
  ];
}

/**
 * Opt-in: runs {@link fusedConv2d}'s convolutions — forward, input gradient, filter and bias
 * gradients — on onnxruntime-node's CPU kernels (MLAS, native SIMD with FMA: AVX2 / AVX-512)
 * instead of the tfjs backend's (XNNPACK on wasm: 4-lane SIMD, no FMA). The layout changes
 * (NHWC ↔ NCHW) run inside the ONNX graphs; one session per graph and shape, created on first
 * use. onnxruntime's `run` is asynchronous and tfjs kernels are not, so the sessions live in a
 * worker thread called synchronously (`OrtSyncBridge`: transferred buffers + `Atomics.wait`),
 * which costs one copy of each input and output and ~0.1 ms per call.
 *
 * With `denseLayers`, dense layers' matrix products on the wasm backend go to onnxruntime too
 * (one `Gemm` each; `ort-matmul.ts`).
 *
 * Works on the `cpu` and `wasm` backends; other backends keep their own kernels. Nothing changes
 * until this is called; {@link stopOnnxConvolutions} switches back. onnxruntime-node is an optional
 * peer dependency: without it this rejects with an install hint.
 *
 * @example
 * ```ts
 * await initBackend({ backend: 'wasm' });
 * await useOnnxConvolutions({ threads: 1 });
 * const y = fusedConv2d({ x, filter: w, strides: 2, pad: 'same', bias: b, activation: 'relu' });
 * ```
 */
export async function useOnnxConvolutions(
  options: OnnxConvolutionsOptions = {},
): Promise<OnnxConvolutionsInfo> {
  const threads = Math.max(1, Math.floor(options.threads ?? 1));
  if (active && active.threads !== threads) await stopOnnxConvolutions();
  if (!active) {
    const bridge = await OrtSyncBridge.start({ threads });
    active = { bridge, sessions: new Map(), threads };
  }
  for (const backendName of BACKENDS)
    for (const config of kernelConfigs(backendName))
      if (!tf.getKernel(config.kernelName, backendName)) tf.registerKernel(config);
  const minMacsPerFloat = options.minMacsPerFloat ?? ONNX_CONVOLUTION_DEFAULTS.minMacsPerFloat;
  const weightGradMinMacsPerFloat =
    options.weightGradMinMacsPerFloat ?? ONNX_CONVOLUTION_DEFAULTS.weightGradMinMacsPerFloat;
  const denseMin = options.denseMinMacsPerFloat ?? ONNX_DENSE_MIN_MACS_PER_FLOAT;
  setMatMulProvider(
    options.denseLayers === true
      ? (args) =>
          onnxMatMul(
            args,
            denseMin,
            (t) => valuesOf(args.backend as unknown as tf.KernelBackend, t),
            (key, model, feeds, output) =>
              runGraph(args.backend as unknown as tf.KernelBackend, key, model, feeds, output),
          )
      : undefined,
  );
  setConvKernelProvider({
    ...KERNELS,
    handles: (conv, op) =>
      macsPerFloat(conv) >=
        (op === 'filterBiasGrad' ? weightGradMinMacsPerFloat : minMacsPerFloat) &&
      conv.dilationHeight === 1 &&
      conv.dilationWidth === 1 &&
      BACKENDS.includes(tf.getBackend() as 'cpu'),
  });
  return { version: active.bridge.version, threads };
}

/**
 * Undoes {@link useOnnxConvolutions}: fusedConv2d runs on the backend's kernels again, and the
 * worker and its sessions are closed — unless `keepWorker`, which keeps them for a later
 * `useOnnxConvolutions` with the same threads (to switch back and forth, e.g. in a benchmark).
 */
export async function stopOnnxConvolutions(options: { keepWorker?: boolean } = {}): Promise<void> {
  setConvKernelProvider(undefined);
  setMatMulProvider(undefined);
  if (options.keepWorker) return;
  const was = active;
  active = undefined;
  await was?.bridge.close();
}
