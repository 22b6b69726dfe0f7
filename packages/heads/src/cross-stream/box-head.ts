import {
  createNamedWeight,
  createRng,
  heNormal,
  type NamedWeight,
  tf,
  variableScope,
} from '@tubekit/nn';

/** Load-time options of a {@link BoxHead}. */
export interface BoxHeadOptions {
  /** Channels of the RoI features. */
  channels: number;
  /** RoI side P (spec S5: 7). */
  roiSize: number;
  /** Width of the two fully connected layers (spec S5: 1024 on GPU, 128 on CPU). */
  hidden: number;
  /** Foreground classes C. */
  numClasses: number;
  /** Seed of the initialisation. */
  seed: number;
}

/** Outputs of a {@link BoxHead} on N RoIs. */
export interface BoxHeadOutput {
  /** `[N, C + 1]` class logits, background at 0. */
  logits: tf.Tensor2D;
  /** `[N, C, 4]` class-specific box deltas relative to the RoI. */
  deltas: tf.Tensor3D;
}

interface Fc {
  w: NamedWeight;
  b: NamedWeight;
}

/**
 * The detection head `G(·)` of PCSC's stages (§3.1 "a standard one … for region classification and
 * regression"; spec S5, Fast R-CNN's 2-fc head): flattened RoI features → fc + ReLU → fc + ReLU →
 * C + 1 class logits and 4C class-specific deltas. Hidden layers He-normal, outputs N(0, 0.01²)
 * (scores) and N(0, 0.001²) (deltas), zero biases (Faster R-CNN's initialisation).
 *
 * @example
 * ```ts
 * const head = new BoxHead({ channels: 64, roiSize: 7, hidden: 128, numClasses: 4, seed: 1 });
 * const { logits, deltas } = head.forward(rois); // rois [N, 7, 7, 64]
 * ```
 */
export class BoxHead {
  readonly options: BoxHeadOptions;
  readonly weights: readonly NamedWeight[];
  private readonly fc1: Fc;
  private readonly fc2: Fc;
  private readonly cls: Fc;
  private readonly reg: Fc;

  constructor(options: BoxHeadOptions) {
    this.options = options;
    const { channels, roiSize, hidden, numClasses: C, seed } = options;
    for (const [k, v] of Object.entries({ channels, roiSize, hidden, numClasses: C }))
      if (!(Number.isInteger(v) && v >= 1))
        throw new RangeError(`BoxHead: ${k} = ${v}; expected an integer ≥ 1`);
    const scope = variableScope('box-head');
    const rng = createRng(seed);
    const fc = (name: string, cin: number, cout: number, std?: number): Fc => {
      const w =
        std === undefined
          ? heNormal(cin * cout, cin, rng)
          : Float32Array.from({ length: cin * cout }, () => std * rng.normal());
      return {
        w: createNamedWeight(scope, `${name}.weight`, [cin, cout], w, { kind: 'conv' }),
        b: createNamedWeight(scope, `${name}.bias`, [cout], new Float32Array(cout), {
          kind: 'vector',
        }),
      };
    };
    this.fc1 = fc('fc1', roiSize * roiSize * channels, hidden);
    this.fc2 = fc('fc2', hidden, hidden);
    this.cls = fc('cls', hidden, C + 1, 0.01);
    this.reg = fc('reg', hidden, 4 * C, 0.001);
    this.weights = [this.fc1, this.fc2, this.cls, this.reg].flatMap((l) => [l.w, l.b]);
  }

  /** Class logits and deltas of RoI features `[N, P, P, channels]`. Call inside `tf.tidy`. */
  forward(rois: tf.Tensor4D): BoxHeadOutput {
    const { channels, roiSize: P, numClasses: C } = this.options;
    if (rois.shape[1] !== P || rois.shape[2] !== P || rois.shape[3] !== channels)
      throw new RangeError(`BoxHead: expects [N, ${P}, ${P}, ${channels}], got [${rois.shape}]`);
    const N = rois.shape[0];
    const dense = (x: tf.Tensor2D, l: Fc) =>
      tf.add(tf.matMul(x, l.w.variable as tf.Tensor2D), l.b.variable) as tf.Tensor2D;
    const h1 = tf.relu(dense(tf.reshape(rois, [N, P * P * channels]), this.fc1)) as tf.Tensor2D;
    const h2 = tf.relu(dense(h1, this.fc2)) as tf.Tensor2D;
    return {
      logits: dense(h2, this.cls),
      deltas: tf.reshape(dense(h2, this.reg), [N, C, 4]) as tf.Tensor3D,
    };
  }

  /** Disposes the weights. */
  dispose(): void {
    for (const w of this.weights) w.variable.dispose();
  }
}
