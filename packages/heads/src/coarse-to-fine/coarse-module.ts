import {
  conv3d,
  createNamedWeight,
  createRng,
  heNormal,
  type NamedWeight,
  NonLocalBlock,
  pointwiseConv,
  type Rng,
  tf,
  variableScope,
} from '@tubekit/nn';

/** Options of a {@link CoarseModule} (load time). */
export interface CoarseModuleOptions {
  /** Channels of the sampled feature maps (the trunk's neck). */
  channels: number;
  /** Channels C' of each branch's 3-D conv head (spec: 512 GPU / 64 CPU). */
  hidden: number;
  /** Action classes C (scores are softmax over C + 1, background 0). */
  numClasses: number;
  /** Anchors per cell A (spec: the 6 k-means clusters). */
  anchors: number;
  /** Polynomial order k of Eq. 1 (θ is `(k+1) × 4` per anchor). */
  order: number;
  /** The Diff Block branch (§3.2, Fig. 2); `false` for Fig. 5's ablation. Default true. */
  diffBlock?: boolean;
  /** Subsample φ and g of the non-local blocks 2×2 (Non-local §3.3), to save CPU. Default true. */
  subsampleNonLocal?: boolean;
  seed: number;
}

/** Per-anchor outputs for `B` proposals; rows `(y·W + x)·A + a` match geometry's `gridAnchors`. */
export interface CoarseOutput {
  /** `[B, H·W·A, C+1]` class logits. */
  logits: tf.Tensor3D;
  /** `[B, H·W·A, k+1, 4]` polynomial coefficients θ over R-CNN deltas (Eq. 1). */
  theta: tf.Tensor4D;
}

interface Branch {
  nonLocal: NonLocalBlock;
  convs: { w: NamedWeight; b: NamedWeight }[];
}

/**
 * CFAD's Coarse Module (Li et al. ECCV 2020, §3.2, Fig. 2): from the `N` feature maps sampled in a
 * proposal, a **plain branch** (non-local block → 3-D conv head) and a **Diff Block** branch over
 * the frame differences `D_i = F_{i+1} − F_i` (its own non-local block and 3-D conv head), fused by
 * summation and temporal average pooling into one 2-D map, then a 1×1 convolution that predicts,
 * for every anchor of every cell, C + 1 class logits and the `(k+1) × 4` polynomial θ of a whole
 * tube (Eq. 1: `Â(t) = θᵀ[1, t, …, t^k]`, in the R-CNN delta space of the anchor).
 *
 * Spec choices (S5): the branches have lengths N and N − 1, so each is temporally averaged, then
 * the two are summed; embedded-Gaussian non-local blocks (inner C/2); each 3-D conv head is two
 * 3×3×3 convolutions + ReLU of C' channels; θ is class-agnostic. θ's outputs start near 0 (the
 * anchor box), class outputs near uniform (N(0, 0.01²) as Faster R-CNN's heads).
 *
 * @example
 * ```ts
 * const coarse = new CoarseModule({ channels: 64, hidden: 64, numClasses: 8, anchors: 6, order: 2, seed: 1 });
 * const { logits, theta } = coarse.forward(F); // F [B, 16, 14, 14, 64] → [B, 1176, 9], [B, 1176, 3, 4]
 * ```
 */
export class CoarseModule {
  readonly options: Required<CoarseModuleOptions>;
  readonly weights: NamedWeight[];
  private readonly plain: Branch;
  private readonly diff?: Branch;
  private readonly head: { w: NamedWeight; b: NamedWeight };

  constructor(options: CoarseModuleOptions) {
    this.options = { diffBlock: true, subsampleNonLocal: true, ...options };
    const { channels: C, hidden: H, numClasses, anchors: A, order: k, seed } = this.options;
    for (const [name, v, min] of [
      ['channels', C, 1],
      ['hidden', H, 1],
      ['numClasses', numClasses, 1],
      ['anchors', A, 1],
      ['order', k, 0],
    ] as const)
      if (!(Number.isInteger(v) && v >= min))
        throw new RangeError(`CoarseModule: ${name} = ${v}; expected an integer ≥ ${min}`);
    const rng = createRng(seed);
    const scope = variableScope('cfad-coarse');
    this.plain = this.branch(scope, 'plain', rng);
    if (this.options.diffBlock) this.diff = this.branch(scope, 'diff', rng);
    const out = A * (numClasses + 1 + 4 * (k + 1));
    this.head = {
      w: createNamedWeight(
        scope,
        'head.weight',
        [1, 1, H, out],
        Float32Array.from({ length: H * out }, () => 0.01 * rng.normal()),
        { kind: 'conv' },
      ),
      b: createNamedWeight(scope, 'head.bias', [out], new Float32Array(out), { kind: 'vector' }),
    };
    const branchWeights = (b: Branch | undefined) =>
      b ? [...b.nonLocal.weights, ...b.convs.flatMap((c) => [c.w, c.b])] : [];
    this.weights = [
      ...branchWeights(this.plain),
      ...branchWeights(this.diff),
      this.head.w,
      this.head.b,
    ];
  }

  private branch(scope: string, name: string, rng: Rng): Branch {
    const { channels: C, hidden: H } = this.options;
    const nonLocal = new NonLocalBlock({
      channels: C,
      dims: 3,
      subsample: this.options.subsampleNonLocal,
      seed: rng.int(2 ** 31),
    });
    const convs = [C, H].map((cin, i) => ({
      w: createNamedWeight(
        scope,
        `${name}.conv${i}.weight`,
        [3, 3, 3, cin, H],
        heNormal(27 * cin * H, 27 * cin, rng),
        {
          kind: 'conv',
        },
      ),
      b: createNamedWeight(scope, `${name}.conv${i}.bias`, [H], new Float32Array(H), {
        kind: 'vector',
      }),
    }));
    return { nonLocal, convs };
  }

  /** Non-local block → 3-D conv head → temporal average: `[B, L, H, W, C]` → `[B, H, W, C']`. */
  private applyBranch(b: Branch, x: tf.Tensor5D): tf.Tensor4D {
    let y = b.nonLocal.forward(x) as tf.Tensor5D;
    for (const c of b.convs)
      y = conv3d(y, c.w.variable as tf.Tensor5D, {
        pad: 'same',
        bias: c.b.variable as tf.Tensor1D,
        activation: 'relu',
      });
    return tf.mean(y, 1) as tf.Tensor4D;
  }

  /**
   * Class logits and θ of every anchor for `B` proposals' sampled maps `[B, N, H, W, C]` (N ≥ 2).
   * Differentiable; call inside `tf.tidy` or a gradient.
   */
  forward(features: tf.Tensor5D): CoarseOutput {
    const [B, N, H, W, C] = features.shape;
    if (C !== this.options.channels || N < 2)
      throw new Error(
        `CoarseModule: expects [B, N ≥ 2, H, W, ${this.options.channels}], got [${features.shape.join(', ')}]`,
      );
    const { numClasses, anchors: A, order: k } = this.options;
    return tf.tidy(() => {
      let fused = this.applyBranch(this.plain, features);
      if (this.diff) {
        const later = tf.slice(features, [0, 1], [B, N - 1]);
        const earlier = tf.slice(features, [0, 0], [B, N - 1]);
        fused = tf.add(fused, this.applyBranch(this.diff, tf.sub(later, earlier) as tf.Tensor5D));
      }
      const out = tf.reshape(pointwiseConv(fused, this.head.w.variable, this.head.b.variable), [
        B,
        H * W * A,
        numClasses + 1 + 4 * (k + 1),
      ]);
      const logits = tf.slice(out, [0, 0, 0], [B, H * W * A, numClasses + 1]) as tf.Tensor3D;
      const theta = tf.reshape(tf.slice(out, [0, 0, numClasses + 1], [B, H * W * A, 4 * (k + 1)]), [
        B,
        H * W * A,
        k + 1,
        4,
      ]) as tf.Tensor4D;
      return { logits, theta };
    });
  }

  /** Disposes the weights. */
  dispose(): void {
    for (const w of this.weights) w.variable.dispose();
  }
}
