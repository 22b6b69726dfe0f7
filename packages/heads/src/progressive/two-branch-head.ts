import { createRandom } from '@tubekit/geometry';
import { tf } from '@tubekit/nn';
import { gaussian } from './gaussian';

/** Load-time options of one step's {@link TwoBranchHead} (STEP §3.2, Fig. 3 left). */
export interface TwoBranchHeadOptions {
  /** Action classes C (the classifier has C + 1 outputs, index 0 = background). */
  numClasses: number;
  /** Channels of the RoI-aligned regional features (the trunk neck's). */
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

/** Width of the region encoder's per-frame feature. */
const ENC_FEATURE = 128;

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

type Layer = { w: tf.Variable; b: tf.Variable };

/**
 * One step's two-branch network of STEP (Yang et al., CVPR 2019, §3.2): RoI-aligned regional
 * features of the shared trunk `[N, T, R, R, ch]` feed (a) a **global branch** — temporal layers
 * and adaptive max pooling over time, then a fully connected layer — whose global feature predicts
 * C + 1 class scores, and (b) a **local branch** that concatenates the global feature with each
 * frame's own regional feature and regresses class-specific per-frame box deltas. With scene
 * context the global branch also sees the RoI of the whole frame (feature concatenation).
 *
 * CPU-size deviation: the paper's three 3-D convolutions on VGG16's conv5 RoIs are a per-frame
 * fully connected region encoder (shared by the regions and the scene RoI) followed by two 3-tap
 * temporal layers; the spatio-temporal features come from the trunk (`@tubekit/backbones`
 * `Trunk`), whose neck every step fine-tunes jointly.
 *
 * Weights are tfjs variables initialised from a seeded PRNG (He normal); `dispose()` frees them.
 *
 * @example
 * const head = new TwoBranchHead({ numClasses: 4, channels: 64, roiSize: 5, sceneContext: true,
 *   anticipation: false, seed: 1 });
 * const out = head.apply(regions, scene); // regions [N,T,5,5,64]
 */
export class TwoBranchHead {
  readonly options: Required<TwoBranchHeadOptions>;
  private readonly encoder: Layer[];
  private readonly gt: Layer[];
  private readonly gfc: Layer;
  private readonly cls: Layer;
  private readonly lfc: Layer;
  private readonly reg: Layer;
  private readonly antPrev?: Layer;
  private readonly antNext?: Layer;

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
    const rand = createRandom(seed).next;
    const he = (shape: number[], fanIn: number, scale = 1): tf.Variable => {
      const size = shape.reduce((a, b) => a * b, 1);
      const data = new Float32Array(size);
      const sd = scale * Math.sqrt(2 / fanIn);
      for (let i = 0; i < size; i++) data[i] = gaussian(rand) * sd;
      return tf.tidy(() => tf.variable(tf.tensor(data, shape)));
    };
    const layer = (shape: number[], scale = 1): Layer => {
      const fanIn = shape.slice(0, -1).reduce((a, b) => a * b, 1);
      const out = shape[shape.length - 1];
      return { w: he(shape, fanIn, scale), b: tf.tidy(() => tf.variable(tf.zeros([out]))) };
    };
    // Region encoder: one fully connected layer per frame (shared by regions and scene).
    this.encoder = [layer([R * R * channels, ENC_FEATURE])];
    // Global branch: two 3-tap temporal layers over the per-frame features (regional ⊕ scene),
    // temporal max pooling, a fully connected layer and the classifier.
    const gin = sceneContext ? 2 * ENC_FEATURE : ENC_FEATURE;
    this.gt = [layer([3 * gin, 96]), layer([3 * 96, 96])];
    this.gfc = layer([96, H]);
    this.cls = layer([H, C + 1], 0.1);
    this.lfc = layer([ENC_FEATURE + H, H]);
    this.reg = layer([H, 4 * C], 0.1);
    if (anticipation) {
      this.antPrev = layer([H, 4 * C], 0.05);
      this.antNext = layer([H, 4 * C], 0.05);
    }
  }

  /** All trainable variables (for the optimiser and checkpoints), in a fixed order. */
  variables(): tf.Variable[] {
    const list = [...this.encoder, ...this.gt, this.gfc, this.cls, this.lfc, this.reg];
    if (this.antPrev && this.antNext) list.push(this.antPrev, this.antNext);
    return list.flatMap((c) => [c.w, c.b]);
  }

  /**
   * The global branch's weights, in a fixed order: region encoder, both temporal layers, global
   * fully connected layer, classifier (weight, bias each). What {@link pretrainClassifier} trains.
   */
  classifierVariables(): tf.Variable[] {
    return [...this.encoder, ...this.gt, this.gfc, this.cls].flatMap((c) => [c.w, c.b]);
  }

  /**
   * The local branch's weights, in a fixed order: its fully connected layer and the
   * class-specific box regressor (weight, bias each); not the anticipation regressors. What
   * {@link pretrainClassifier} trains with `boxRegression`.
   */
  localVariables(): tf.Variable[] {
    return [this.lfc, this.reg].flatMap((c) => [c.w, c.b]);
  }

  /**
   * Sets the global branch from pretrained values, in {@link classifierVariables}' order. A head
   * without scene context takes a with-scene head's first temporal layer without its scene rows
   * (each tap's input is the regional feature, then the scene feature). Throws naming the
   * mismatch when the shapes do not fit.
   */
  setClassifier(values: readonly tf.Tensor[]): void {
    this.assign('setClassifier', this.classifierVariables(), values, (value, i) => {
      // the first temporal layer's weight: [3 · (region ⊕ scene), 96] → [3 · region, 96]
      if (i === 2 && !this.options.sceneContext && value.shape[0] === 6 * ENC_FEATURE) {
        const taps = tf.reshape(value, [3, 2 * ENC_FEATURE, value.shape[1] as number]);
        return tf.reshape(tf.slice(taps, [0, 0, 0], [3, ENC_FEATURE, -1]), [3 * ENC_FEATURE, -1]);
      }
      return value;
    });
  }

  /** Sets the local branch from pretrained values, in {@link localVariables}' order. */
  setLocal(values: readonly tf.Tensor[]): void {
    this.assign('setLocal', this.localVariables(), values, (value) => value);
  }

  private assign(
    what: string,
    targets: tf.Variable[],
    values: readonly tf.Tensor[],
    adapt: (value: tf.Tensor, i: number) => tf.Tensor,
  ): void {
    if (values.length !== targets.length)
      throw new Error(
        `TwoBranchHead.${what}: ${values.length} tensors, expected ${targets.length}`,
      );
    tf.tidy(() => {
      targets.forEach((v, i) => {
        const value = adapt(values[i], i);
        if (!tf.util.arraysEqual(value.shape, v.shape))
          throw new Error(
            `TwoBranchHead.${what}: tensor ${i} has shape [${value.shape}], the head expects [${v.shape}]`,
          );
        v.assign(value);
      });
    });
  }

  /**
   * Forward pass. `regions` is `[N, T, R, R, channels]`; `scene` (required with scene context) is
   * the whole-frame RoI of each of the `N / M` clips, `[N / M, T, R, R, channels]`, shared by the
   * clip's `M` consecutive tubelets. Call inside `tf.tidy` or dispose the outputs.
   */
  apply(regions: tf.Tensor5D, scene?: tf.Tensor5D): TwoBranchOutput {
    const { numClasses: C, sceneContext, hidden: H } = this.options;
    const [N, T, R, , ch] = regions.shape;
    if (sceneContext && !scene)
      throw new Error('TwoBranchHead.apply: scene context needs the scene RoI');
    const dense = (x: tf.Tensor2D, c: Layer) =>
      tf.add(tf.matMul(x, c.w as tf.Tensor2D), c.b) as tf.Tensor2D;
    // Per-frame region encoder: [n, T, R, R, ch] → [n·T, ENC_FEATURE].
    const encode = (x: tf.Tensor5D) =>
      tf.relu(dense(tf.reshape(x, [x.shape[0] * T, R * R * ch]) as tf.Tensor2D, this.encoder[0]));
    // 3-tap temporal layer: [x(t−1), x(t), x(t+1)] → dense, zero-padded at the tubelet's ends.
    const temporal = (x: tf.Tensor3D, c: Layer) => {
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
    const local = encode(regions); // [N·T, F]
    let perFrame = tf.reshape(local, [N, T, ENC_FEATURE]) as tf.Tensor3D;
    if (sceneContext) {
      const clips = (scene as tf.Tensor5D).shape[0];
      if (N % clips !== 0)
        throw new Error(
          `TwoBranchHead.apply: ${N} tubelets are not a multiple of the ${clips} scene clips`,
        );
      const encoded = tf.reshape(encode(scene as tf.Tensor5D), [clips, 1, T, ENC_FEATURE]);
      const tiled = tf.reshape(tf.tile(encoded, [1, N / clips, 1, 1]), [N, T, ENC_FEATURE]);
      perFrame = tf.concat([perFrame, tiled], 2) as tf.Tensor3D;
    }
    // Global branch: spatio-temporal modelling of the whole tubelet, temporal max pooling, FC.
    let gtime = temporal(perFrame, this.gt[0]);
    gtime = temporal(gtime, this.gt[1]);
    const pooled = tf.max(gtime, 1) as tf.Tensor2D; // adaptive max pooling over time → [N, 96]
    const global = tf.relu(dense(pooled, this.gfc)) as tf.Tensor2D;
    const logits = dense(global, this.cls);
    // Local branch: per-frame regional feature ⊕ global feature → per-frame class-specific deltas.
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
