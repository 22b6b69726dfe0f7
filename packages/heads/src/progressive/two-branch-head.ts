import { tf } from '@tubekit/nn';
import { gaussian, mulberry32 } from './seeded-random';

/** Load-time options of one step's {@link TwoBranchHead} (STEP §3.2, Fig. 3 left). */
export interface TwoBranchHeadOptions {
  /** Action classes C (the classifier has C + 1 outputs, index 0 = background). */
  numClasses: number;
  /** Channels of the RoI-pooled regional features (3 RGB, 3 flow, 6 early fusion, or a backbone's). */
  channels: number;
  /** Side R of the R × R RoI-pooled regional feature. */
  roiSize: number;
  /** Width of the global feature and of the local feature (default 64). */
  hidden?: number;
  /** Scene context (§3.5): RoI of the whole frame concatenated to the regional features in the global branch. */
  sceneContext: boolean;
  /** Adds the anticipation regressors f₋₁, f₊₁ of Eq. 5. */
  anticipation: boolean;
  /** Seed of the weight initialisation. */
  seed: number;
}

/** Outputs of one forward pass over N tubelets of T frames. */
export interface TwoBranchOutput {
  /** `[N, C+1]` classification logits (global branch). */
  logits: tf.Tensor2D;
  /** `[N, T, C, 4]` class-specific normalised box deltas (local branch), relative to the input boxes. */
  deltas: tf.Tensor4D;
  /** `[N, T, C, 4]` residuals f₋₁(x), f₊₁(x) of Eq. 5 (only with `anticipation`). */
  anticipatePrev?: tf.Tensor4D;
  anticipateNext?: tf.Tensor4D;
}

type Conv = { w: tf.Variable; b: tf.Variable };

/**
 * One step's two-branch network of STEP (Yang et al., CVPR 2019, §3.2): RoI-pooled regional
 * features `[N, T, R, R, ch]` feed (a) a **global branch** — spatio-temporal convolutions and
 * adaptive max pooling over time, then a fully connected layer — whose global feature predicts C + 1 class
 * scores, and (b) a **local branch** that concatenates the global feature with each frame's own
 * regional feature and regresses class-specific per-frame box deltas. With scene context the
 * global branch also sees the RoI of the whole frame (channel concatenation).
 *
 * CPU-size deviation: the paper's three 3-D convolutions (on VGG16 features) become a per-frame
 * fully connected region encoder followed by two 3-tap temporal layers (a factorised
 * spatio-temporal stack), because on tfjs-wasm dense layers train ~10× faster than 3-D or 2-D
 * convolutions (whose filter gradients have no fast kernel); regions are small (R × R).
 *
 * Weights are tfjs variables initialised from a seeded PRNG (He normal); `dispose()` frees them.
 *
 * @example
 * const head = new TwoBranchHead({ numClasses: 4, channels: 3, roiSize: 8, sceneContext: true,
 *   anticipation: false, seed: 1 });
 * const out = head.apply(regions, scene); // regions [N,T,8,8,3]
 */
export class TwoBranchHead {
  readonly options: Required<TwoBranchHeadOptions>;
  private readonly g: Conv[];
  private readonly gt: Conv[];
  private readonly l: Conv[];
  private readonly gfc: Conv;
  private readonly cls: Conv;
  private readonly lfc: Conv;
  private readonly reg: Conv;
  private readonly antPrev?: Conv;
  private readonly antNext?: Conv;

  constructor(options: TwoBranchHeadOptions) {
    this.options = { hidden: 64, ...options };
    const {
      numClasses: C,
      channels,
      roiSize: R,
      hidden: H,
      sceneContext,
      anticipation,
      seed,
    } = this.options;
    const rand = mulberry32(seed);
    const he = (shape: number[], fanIn: number, scale = 1): tf.Variable => {
      const size = shape.reduce((a, b) => a * b, 1);
      const data = new Float32Array(size);
      const sd = scale * Math.sqrt(2 / fanIn);
      for (let i = 0; i < size; i++) data[i] = gaussian(rand) * sd;
      return tf.variable(tf.tensor(data, shape));
    };
    const layer = (shape: number[], scale = 1): Conv => {
      const fanIn = shape.slice(0, -1).reduce((a, b) => a * b, 1);
      const out = shape[shape.length - 1];
      return { w: he(shape, fanIn, scale), b: tf.variable(tf.zeros([out])) };
    };
    const gin = sceneContext ? 2 * channels : channels;
    const area = R * R;
    // Global branch: a per-frame region encoder, then two 3-tap temporal layers (spatio-temporal
    // modelling of the whole tubelet), temporal max pooling and a fully connected layer.
    this.g = [layer([area * gin, 128])];
    this.gt = [layer([3 * 128, 96]), layer([3 * 96, 96])];
    this.l = [layer([area * channels, 64])];
    this.gfc = layer([96, H]);
    this.cls = layer([H, C + 1], 0.1);
    this.lfc = layer([64 + H, H]);
    this.reg = layer([H, 4 * C], 0.1);
    if (anticipation) {
      this.antPrev = layer([H, 4 * C], 0.05);
      this.antNext = layer([H, 4 * C], 0.05);
    }
  }

  /** All trainable variables (for the optimiser and checkpoints), in a fixed order. */
  variables(): tf.Variable[] {
    const list = [...this.g, ...this.gt, ...this.l, this.gfc, this.cls, this.lfc, this.reg];
    if (this.antPrev && this.antNext) list.push(this.antPrev, this.antNext);
    return list.flatMap((c) => [c.w, c.b]);
  }

  /**
   * Forward pass. `regions` is `[N, T, R, R, channels]`; `scene` (required with scene context) is
   * the whole-frame RoI `[N, T, R, R, channels]`. Call inside `tf.tidy` or dispose the outputs.
   */
  apply(regions: tf.Tensor5D, scene?: tf.Tensor5D): TwoBranchOutput {
    const { numClasses: C, sceneContext, hidden: H } = this.options;
    const [N, T] = regions.shape;
    if (sceneContext && !scene)
      throw new Error('TwoBranchHead.apply: scene context needs the scene RoI');
    const dense = (x: tf.Tensor2D, c: Conv) =>
      tf.add(tf.matMul(x, c.w as tf.Tensor2D), c.b) as tf.Tensor2D;
    // 3-tap temporal layer: [x(t−1), x(t), x(t+1)] → dense, zero-padded at the tubelet's ends.
    const temporal = (x: tf.Tensor3D, c: Conv) => {
      const F = x.shape[2];
      const p = tf.pad(x, [
        [0, 0],
        [1, 1],
        [0, 0],
      ]);
      const taps = tf.concat(
        [tf.slice(p, [0, 0, 0], [N, T, F]), x, tf.slice(p, [0, 2, 0], [N, T, F])],
        2,
      );
      return tf.reshape(tf.relu(dense(tf.reshape(taps, [N * T, 3 * F]) as tf.Tensor2D, c)), [
        N,
        T,
        -1,
      ]) as tf.Tensor3D;
    };
    // Global branch: spatio-temporal modelling of the whole tubelet, temporal max pooling, FC.
    const gin = sceneContext ? tf.concat([regions, scene as tf.Tensor5D], 4) : regions;
    const frames = tf.relu(dense(tf.reshape(gin, [N * T, -1]) as tf.Tensor2D, this.g[0]));
    let gtime = tf.reshape(frames, [N, T, -1]) as tf.Tensor3D;
    gtime = temporal(gtime, this.gt[0]);
    gtime = temporal(gtime, this.gt[1]);
    const pooled = tf.max(gtime, 1) as tf.Tensor2D; // adaptive max pooling over time → [N, 96]
    const global = tf.relu(dense(pooled, this.gfc)) as tf.Tensor2D;
    const logits = dense(global, this.cls);
    // Local branch: per-frame regional feature ⊕ global feature → per-frame class-specific deltas.
    const local = tf.relu(dense(tf.reshape(regions, [N * T, -1]) as tf.Tensor2D, this.l[0]));
    const tiled = tf.reshape(tf.tile(tf.reshape(global, [N, 1, H]), [1, T, 1]), [N * T, H]);
    const joint = tf.concat([local, tiled], 1) as tf.Tensor2D;
    const x = tf.relu(dense(joint, this.lfc)) as tf.Tensor2D;
    const shape: [number, number, number, number] = [N, T, C, 4];
    const out: TwoBranchOutput = { logits, deltas: tf.reshape(dense(x, this.reg), shape) };
    if (this.antPrev && this.antNext) {
      out.anticipatePrev = tf.reshape(dense(x, this.antPrev), shape);
      out.anticipateNext = tf.reshape(dense(x, this.antNext), shape);
    }
    return out;
  }

  /** Frees the weights. */
  dispose(): void {
    for (const v of this.variables()) v.dispose();
  }
}
