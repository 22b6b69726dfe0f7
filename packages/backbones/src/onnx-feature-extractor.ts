import { createRequire } from 'node:module';
import { tf } from '@tubekit/nn';
import type * as Ort from 'onnxruntime-node';
import type {
  Backbone,
  BackboneLayout,
  FeatureExtractor,
  FeatureMapSize,
  InputSize,
} from './backbone';

// `require` anchored at this file in both the CJS and the ESM build (and under jest).
const localRequire = createRequire(typeof __filename === 'string' ? __filename : import.meta.url);

let ortModule: typeof Ort | undefined;

/** Loads the optional peer dependency onnxruntime-node, with an actionable error when absent. */
function loadOrt(): typeof Ort {
  if (ortModule) return ortModule;
  try {
    ortModule = localRequire('onnxruntime-node') as typeof Ort;
  } catch (error) {
    throw new Error(
      `createOnnxFeatureExtractor needs onnxruntime-node, an optional peer dependency of @tubekit/backbones: install it with \`npm install onnxruntime-node\` (${(error as Error).message.split('\n')[0]})`,
    );
  }
  return ortModule;
}

/** Options of {@link createOnnxFeatureExtractor} (load time). */
export interface OnnxFeatureExtractorOptions {
  /** Layout of the tensors passed to / returned by `extract` (`NHWC` frames or `NTHWC` clips). */
  readonly layout: BackboneLayout;
  /** Channels of the input (3 for RGB). */
  readonly inputChannels: number;
  /**
   * Layout the ONNX model itself expects and produces: `'channels-first'` (`NCHW` / `NCTHW`,
   * PyTorch exports and `Backbone.toOnnx()`; default) or `'channels-last'`.
   */
  readonly modelLayout?: 'channels-first' | 'channels-last';
  /** onnxruntime intra-op threads (default 1; the machines here have 2 cores shared by many jobs). */
  readonly threads?: number;
  /** Name in reports (default `onnx`). */
  readonly name?: string;
  /** Model input / output to use (default: the first of each). */
  readonly inputName?: string;
  readonly outputName?: string;
  /**
   * Input size of the probe run made at load time to learn the output channels and the strides
   * (default 64×64, 8 frames for `NTHWC`). Use a size divisible by the model's strides.
   */
  readonly probe?: InputSize;
  /** FLOPs of one sample, when known (an external model's graph is not analysed). */
  readonly flops?: (input: InputSize) => number;
}

/**
 * A frozen feature extractor running an ONNX model on onnxruntime-node's CPU provider
 * (inference only, no gradients). It implements the same {@link FeatureExtractor} interface as
 * the tfjs backbones; `run` skips tfjs entirely.
 */
export class OnnxFeatureExtractor implements FeatureExtractor {
  readonly name: string;
  readonly layout: BackboneLayout;
  readonly inputChannels: number;
  readonly outputChannels: number;
  readonly outputStride: number;
  readonly temporalStride: number;
  private readonly session: Ort.InferenceSession;
  private readonly ort: typeof Ort;
  private readonly channelsFirst: boolean;
  private readonly inputName: string;
  private readonly outputName: string;
  private readonly flopsFn?: (input: InputSize) => number;
  private disposed = false;

  /** Use {@link createOnnxFeatureExtractor}. */
  constructor(
    ort: typeof Ort,
    session: Ort.InferenceSession,
    options: OnnxFeatureExtractorOptions,
    probe: { input: FeatureMapSize; output: FeatureMapSize },
  ) {
    this.ort = ort;
    this.session = session;
    this.name = options.name ?? 'onnx';
    this.layout = options.layout;
    this.inputChannels = options.inputChannels;
    this.channelsFirst = (options.modelLayout ?? 'channels-first') === 'channels-first';
    this.inputName = options.inputName ?? (session.inputNames[0] as string);
    this.outputName = options.outputName ?? (session.outputNames[0] as string);
    this.flopsFn = options.flops;
    this.outputChannels = probe.output.channels;
    this.outputStride = Math.round(probe.input.height / probe.output.height);
    this.temporalStride =
      this.layout === 'NTHWC' ? Math.round(probe.input.frames / probe.output.frames) : 1;
  }

  /** Output size assuming SAME padding (exact for `Backbone.toOnnx()` exports and TF-style models). */
  outputSize(input: InputSize): FeatureMapSize {
    return {
      frames: this.layout === 'NTHWC' ? Math.ceil((input.frames ?? 1) / this.temporalStride) : 1,
      height: Math.ceil(input.height / this.outputStride),
      width: Math.ceil(input.width / this.outputStride),
      channels: this.outputChannels,
    };
  }

  flops(input: InputSize): number {
    if (!this.flopsFn) {
      throw new Error(
        `${this.name}: FLOPs are unknown for an external ONNX model; pass options.flops at load time`,
      );
    }
    return this.flopsFn(input);
  }

  /**
   * Runs the model on channels-last data (`[N, H, W, C]` or `[N, T, H, W, C]`, row-major) and
   * resolves to the channels-last output — no tfjs involved.
   */
  async run(
    data: Float32Array,
    shape: readonly number[],
  ): Promise<{ data: Float32Array; shape: number[] }> {
    if (this.disposed) throw new Error(`${this.name}: used after dispose()`);
    const rank = this.layout === 'NHWC' ? 4 : 5;
    if (shape.length !== rank || shape[rank - 1] !== this.inputChannels) {
      throw new Error(
        `${this.name}: expects ${this.layout} data with ${this.inputChannels} channels, got shape [${shape.join(', ')}]`,
      );
    }
    const [input, inShape] = this.channelsFirst ? toChannelsFirst(data, shape) : [data, [...shape]];
    const feeds = { [this.inputName]: new this.ort.Tensor('float32', input, inShape) };
    const results = await this.session.run(feeds, [this.outputName]);
    const out = results[this.outputName] as Ort.Tensor;
    const outData = out.data as Float32Array;
    const outShape = out.dims.map(Number);
    const converted = this.channelsFirst
      ? toChannelsLast(outData, outShape)
      : ([outData, outShape] as const);
    out.dispose();
    return { data: converted[0], shape: [...converted[1]] };
  }

  async extract(x: tf.Tensor): Promise<tf.Tensor> {
    const data = (await x.data()) as Float32Array;
    const { data: out, shape } = await this.run(data, x.shape);
    return tf.tensor(out, shape);
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    void this.session.release();
  }
}

/** `[N, S…, C]` → `[N, C, S…]`. */
function toChannelsFirst(data: Float32Array, shape: readonly number[]): [Float32Array, number[]] {
  const n = shape[0] as number;
  const c = shape[shape.length - 1] as number;
  const s = data.length / (n * c);
  const out = new Float32Array(data.length);
  for (let b = 0; b < n; b++) {
    const base = b * s * c;
    for (let i = 0; i < s; i++) {
      const src = base + i * c;
      for (let k = 0; k < c; k++) out[base + k * s + i] = data[src + k] as number;
    }
  }
  return [out, [n, c, ...shape.slice(1, -1)]];
}

/** `[N, C, S…]` → `[N, S…, C]`. */
function toChannelsLast(data: Float32Array, shape: readonly number[]): [Float32Array, number[]] {
  const n = shape[0] as number;
  const c = shape[1] as number;
  const s = data.length / (n * c);
  const out = new Float32Array(data.length);
  for (let b = 0; b < n; b++) {
    const base = b * s * c;
    for (let k = 0; k < c; k++) {
      const src = base + k * s;
      for (let i = 0; i < s; i++) out[base + i * c + k] = data[src + i] as number;
    }
  }
  return [out, [n, ...shape.slice(2), c]];
}

/**
 * Opens an ONNX model (file path or bytes) on onnxruntime-node's CPU execution provider and
 * returns a frozen {@link OnnxFeatureExtractor}. A probe run at load time learns the output
 * channels and strides. onnxruntime-node is an optional peer dependency, loaded only here.
 *
 * @example
 * ```ts
 * const extractor = await createOnnxFeatureExtractor('i3d_rgb_mixed4f.onnx', {
 *   layout: 'NTHWC', inputChannels: 3, threads: 2, probe: { frames: 16, height: 224, width: 224 },
 * });
 * const { data, shape } = await extractor.run(clip, [1, 16, 224, 224, 3]);
 * extractor.dispose();
 * ```
 */
export async function createOnnxFeatureExtractor(
  model: string | Uint8Array,
  options: OnnxFeatureExtractorOptions,
): Promise<OnnxFeatureExtractor> {
  const ort = loadOrt();
  const sessionOptions: Ort.InferenceSession.SessionOptions = {
    executionProviders: ['cpu'],
    intraOpNumThreads: options.threads ?? 1,
    interOpNumThreads: 1,
    graphOptimizationLevel: 'all',
  };
  const label = typeof model === 'string' ? model : 'ONNX bytes';
  let session: Ort.InferenceSession;
  try {
    session =
      typeof model === 'string'
        ? await ort.InferenceSession.create(model, sessionOptions)
        : await ort.InferenceSession.create(model, sessionOptions);
  } catch (error) {
    throw new Error(`${label}: onnxruntime cannot load the model: ${(error as Error).message}`);
  }
  for (const [what, name, list] of [
    ['input', options.inputName, session.inputNames],
    ['output', options.outputName, session.outputNames],
  ] as const) {
    if (name !== undefined && !list.includes(name)) {
      await session.release();
      throw new Error(`${label}: no ${what} named "${name}"; the model has ${list.join(', ')}`);
    }
  }
  const probeSize = options.probe ?? { height: 64, width: 64, frames: 8 };
  const frames = options.layout === 'NTHWC' ? (probeSize.frames ?? 8) : 1;
  const input: FeatureMapSize = {
    frames,
    height: probeSize.height,
    width: probeSize.width,
    channels: options.inputChannels,
  };
  const shape =
    options.layout === 'NTHWC'
      ? [1, frames, input.height, input.width, input.channels]
      : [1, input.height, input.width, input.channels];
  const provisional = new OnnxFeatureExtractor(ort, session, options, {
    input,
    output: { ...input, channels: 1 },
  });
  let out: { shape: number[] };
  try {
    out = await provisional.run(new Float32Array(shape.reduce((a, b) => a * b, 1)), shape);
  } catch (error) {
    await session.release();
    throw new Error(
      `${label}: probe run on [${shape.join(', ')}] failed: ${(error as Error).message}`,
    );
  }
  const s = out.shape;
  const output: FeatureMapSize =
    options.layout === 'NTHWC'
      ? {
          frames: s[1] as number,
          height: s[2] as number,
          width: s[3] as number,
          channels: s[4] as number,
        }
      : { frames: 1, height: s[1] as number, width: s[2] as number, channels: s[3] as number };
  return new OnnxFeatureExtractor(ort, session, options, { input, output });
}

/**
 * Runs a tfjs {@link Backbone} frozen on onnxruntime (via `backbone.toOnnx()`), keeping its
 * name, layout and FLOPs — typically several times faster than tfjs-wasm for feature extraction.
 *
 * @example
 * ```ts
 * const fast = await onnxExtractorFromBackbone(createSmallBackbone2d({ seed: 1 }), { threads: 2 });
 * ```
 */
export async function onnxExtractorFromBackbone(
  backbone: Backbone,
  options: { readonly threads?: number; readonly probe?: InputSize } = {},
): Promise<OnnxFeatureExtractor> {
  return createOnnxFeatureExtractor(backbone.toOnnx(), {
    layout: backbone.layout,
    inputChannels: backbone.inputChannels,
    modelLayout: 'channels-first',
    threads: options.threads,
    name: `${backbone.name}@onnxruntime`,
    probe: options.probe,
    flops: (input) => backbone.flops(input),
  });
}
