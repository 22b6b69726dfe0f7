import {
  createNamedWeight,
  createRng,
  heNormal,
  type NamedWeight,
  pointwiseConv,
  tf,
  variableScope,
} from '@tubekit/nn';

/** Load-time options of a {@link FeaturePyramid}. */
export interface FeaturePyramidOptions {
  /** Channels of the bottom-up maps `C_l`, finest first. */
  inChannels: readonly number[];
  /** Their strides (each twice the previous), finest first. */
  strides: readonly number[];
  /** Channels `d` of every output map (spec S2: 256 on GPU, 64 on CPU). */
  channels: number;
  /**
   * Extra coarser levels, each a stride-2 subsampling of the previous coarsest output (FPN's P6,
   * Lin et al. §4.1). Default 1: the trunk's two levels (strides 4, 8) give three (4, 8, 16).
   */
  extraLevels?: number;
  /** Seed of the He-normal initialisation. */
  seed: number;
}

/** One level of a pyramid: `[B, H/stride, W/stride, d]`. */
export interface PyramidLevel {
  stride: number;
  tensor: tf.Tensor4D;
}

interface Conv {
  w: NamedWeight;
  b: NamedWeight;
}

/**
 * A feature pyramid network over a trunk's bottom-up levels (Lin et al., "Feature Pyramid Networks
 * for Object Detection", CVPR 2017, §3; PCSC §3.3, spec S2): a 1 × 1 lateral convolution of each
 * `C_l` to `d` channels, a top-down pathway adding the coarser merged map upsampled ×2 (nearest),
 * and a 3 × 3 smoothing convolution, giving `U_l`; plus `extraLevels` stride-2 subsamplings of the
 * coarsest `U` (P6). No activation, as in FPN.
 *
 * @example
 * ```ts
 * const fpn = new FeaturePyramid({ inChannels: [32, 64], strides: [4, 8], channels: 64, seed: 1 });
 * const U = fpn.forward([c4, c8]); // strides 4, 8, 16, 64 channels each
 * ```
 */
export class FeaturePyramid {
  readonly options: Required<FeaturePyramidOptions>;
  readonly weights: readonly NamedWeight[];
  private readonly lateral: Conv[];
  private readonly smooth: Conv[];

  constructor(options: FeaturePyramidOptions) {
    this.options = { extraLevels: 1, ...options };
    const { inChannels, strides, channels: d, extraLevels } = this.options;
    if (inChannels.length === 0 || inChannels.length !== strides.length)
      throw new RangeError(
        `FeaturePyramid: ${inChannels.length} input channel counts for ${strides.length} strides; expected equal, ≥ 1`,
      );
    for (let l = 1; l < strides.length; l++)
      if (strides[l] !== 2 * strides[l - 1]!)
        throw new RangeError(`FeaturePyramid: strides [${strides}] must double level to level`);
    if (!(Number.isInteger(d) && d >= 1 && Number.isInteger(extraLevels) && extraLevels >= 0))
      throw new RangeError(
        `FeaturePyramid: channels ${d}, extraLevels ${extraLevels}; expected integers ≥ 1, ≥ 0`,
      );
    const scope = variableScope('fpn');
    const rng = createRng(options.seed);
    const conv = (name: string, k: number, cin: number): Conv => ({
      w: createNamedWeight(
        scope,
        `${name}.weight`,
        [k, k, cin, d],
        heNormal(k * k * cin * d, k * k * cin, rng),
        {
          kind: 'conv',
        },
      ),
      b: createNamedWeight(scope, `${name}.bias`, [d], new Float32Array(d), { kind: 'vector' }),
    });
    this.lateral = inChannels.map((c, l) => conv(`lateral${l}`, 1, c));
    this.smooth = inChannels.map((_, l) => conv(`smooth${l}`, 3, d));
    this.weights = [...this.lateral, ...this.smooth].flatMap((c) => [c.w, c.b]);
  }

  /** The output strides, finest first. */
  get strides(): number[] {
    const s = [...this.options.strides];
    for (let e = 0; e < this.options.extraLevels; e++) s.push(2 * s[s.length - 1]!);
    return s;
  }

  /** `U_l` of bottom-up maps `C_l` (finest first, `[B, h_l, w_l, c_l]`). Call inside `tf.tidy`. */
  forward(bottomUp: readonly tf.Tensor4D[]): PyramidLevel[] {
    const { inChannels, strides } = this.options;
    if (bottomUp.length !== inChannels.length)
      throw new RangeError(
        `FeaturePyramid: ${bottomUp.length} maps; expected ${inChannels.length}`,
      );
    bottomUp.forEach((c, l) => {
      if (c.shape[3] !== inChannels[l])
        throw new RangeError(
          `FeaturePyramid: level ${l} has ${c.shape[3]} channels; expected ${inChannels[l]}`,
        );
    });
    const merged: tf.Tensor4D[] = new Array(bottomUp.length);
    for (let l = bottomUp.length - 1; l >= 0; l--) {
      const lat = pointwiseConv(
        bottomUp[l]!,
        this.lateral[l]!.w.variable,
        this.lateral[l]!.b.variable,
      ) as tf.Tensor4D;
      const coarser = merged[l + 1];
      merged[l] = coarser
        ? tf.add(lat, tf.image.resizeNearestNeighbor(coarser, [lat.shape[1], lat.shape[2]]))
        : lat;
    }
    const out: PyramidLevel[] = merged.map((m, l) => ({
      stride: strides[l]!,
      tensor: tf.add(
        tf.conv2d(m, this.smooth[l]!.w.variable as tf.Tensor4D, 1, 'same'),
        this.smooth[l]!.b.variable,
      ) as tf.Tensor4D,
    }));
    for (let e = 0; e < this.options.extraLevels; e++) {
      const top = out[out.length - 1]!;
      const [, h, w] = top.tensor.shape;
      // FPN's P6: max pooling with a 1 × 1 window and stride 2, i.e. every other cell (gathered:
      // tfjs has no gradient for strided slices; max pooling failed the gradient check in this chain)
      const even = (n: number) => Int32Array.from({ length: Math.ceil(n / 2) }, (_, i) => 2 * i);
      out.push({
        stride: 2 * top.stride,
        tensor: tf.gather(tf.gather(top.tensor, even(h), 1), even(w), 2) as tf.Tensor4D,
      });
    }
    return out;
  }

  /** Disposes the weights. */
  dispose(): void {
    for (const w of this.weights) w.variable.dispose();
  }
}
