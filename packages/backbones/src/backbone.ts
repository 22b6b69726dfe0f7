import type { NamedWeight, tf } from '@tubekit/nn';

export type { NamedWeight };

/**
 * Tensor layouts of backbone inputs and outputs (channels last, as tfjs convolutions expect):
 * - `'NHWC'`: 2-D backbones, `[batch, height, width, channels]` — one frame per batch item.
 * - `'NTHWC'`: 3-D backbones, `[batch, frames, height, width, channels]` — one clip per item.
 */
export type BackboneLayout = 'NHWC' | 'NTHWC';

/** Size of one input sample (a frame, or a clip of `frames` frames), in pixels. */
export interface InputSize {
  readonly height: number;
  readonly width: number;
  /** Clip length for 3-D backbones (ignored by 2-D ones; default 1). */
  readonly frames?: number;
}

/** Size of one output feature map. `frames` is 1 for 2-D backbones. */
export interface FeatureMapSize {
  readonly frames: number;
  readonly height: number;
  readonly width: number;
  readonly channels: number;
}

/**
 * What every feature extractor reports and does, whether it runs on tfjs (trainable
 * {@link Backbone}s) or on onnxruntime (`OnnxFeatureExtractor`, frozen, inference only).
 * Load-time choices (architecture, endpoint, weights, threads) are the factory's options;
 * call-time choices are the method arguments.
 */
export interface FeatureExtractor {
  /** Human-readable identifier, e.g. `vgg16-conv5_3` or `i3d-Mixed_4f`. */
  readonly name: string;
  /** Layout of input and output tensors. */
  readonly layout: BackboneLayout;
  /** Channels the input must have (3 for RGB, 2 for stacked x/y optical flow, …). */
  readonly inputChannels: number;
  /** Channels of the output feature map. */
  readonly outputChannels: number;
  /**
   * Spatial stride: input pixels per output cell (e.g. 16 for VGG16 conv5_3). With `'same'`
   * padding an input of H pixels gives ⌈H / stride⌉ rows; see {@link FeatureExtractor.outputSize}
   * for the exact size.
   */
  readonly outputStride: number;
  /** Temporal stride: input frames per output frame (1 for 2-D backbones; 4 for I3D Mixed_4f). */
  readonly temporalStride: number;
  /** Exact output feature-map size for one input sample. */
  outputSize(input: InputSize): FeatureMapSize;
  /**
   * Floating-point operations of one forward pass of one sample: 2 × the multiply-accumulates
   * of its convolutions (bias, batch-norm, ReLU, pooling and concatenation are not counted — the
   * usual convention of FLOP tables such as torchvision's, which count MACs; divide by 2 for MACs).
   */
  flops(input: InputSize): number;
  /**
   * Runs the extractor on a batch and resolves to the feature map (layout {@link layout}).
   * The input tensor is not disposed; the caller owns the result.
   */
  extract(x: tf.Tensor): Promise<tf.Tensor>;
  /** Releases weights / sessions. The extractor must not be used afterwards. */
  dispose(): void;
}

/**
 * A trainable tfjs backbone: a convolutional network mapping clips or frames to a feature map.
 *
 * @example
 * ```ts
 * import { initBackend, tf } from '@tubekit/nn';
 * import { createSmallBackbone2d } from '@tubekit/backbones';
 * await initBackend();
 * const net = createSmallBackbone2d({ seed: 1 });
 * const y = tf.tidy(() => net.forward(tf.zeros([2, 112, 112, 3])));  // [2, 14, 14, 64]
 * ```
 */
export interface Backbone extends FeatureExtractor {
  /**
   * Synchronous forward pass, differentiable with respect to the input and the trainable
   * weights (call it inside `tf.tidy` / `tf.variableGrads`). Input `[N, H, W, C]` (2-D) or
   * `[N, T, H, W, C]` (3-D).
   */
  forward(x: tf.Tensor): tf.Tensor;
  /**
   * Forward pass returning several intermediate feature maps by stage name (e.g. I3D's
   * `Conv3d_2c_3x3`, `Mixed_3c`, `Mixed_4f` for an FPN as in PCSC). Stops at the deepest one
   * requested; unknown names raise an error listing the valid ones.
   */
  forwardEndpoints<K extends string>(x: tf.Tensor, endpoints: readonly K[]): Record<K, tf.Tensor>;
  /** Names of the stages, in order; each is a valid endpoint. */
  readonly endpoints: readonly string[];
  /** Every weight, in a stable order. */
  readonly weights: readonly NamedWeight[];
  /** The trainable variables (for an optimizer's `varList`). */
  readonly trainableVariables: readonly tf.Variable[];
  /** Number of trainable parameters (what PyTorch's `parameters()` counts). */
  parameterCount(): number;
  /**
   * The network with its current weights as ONNX model bytes (opset 13, channels-first input
   * `x` and output `y`), e.g. to run frozen in `createOnnxFeatureExtractor` on onnxruntime.
   */
  toOnnx(): Uint8Array;
}
