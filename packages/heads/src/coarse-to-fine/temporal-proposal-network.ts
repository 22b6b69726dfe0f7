import {
  decodeSpanDeltas,
  encodeSpanDeltas,
  pairwiseSpanIoU,
  spanAnchors,
  spanNMS,
} from '@tubekit/geometry';
import {
  assignProposals,
  createNamedWeight,
  createRng,
  heNormal,
  type NamedWeight,
  type Rng,
  sampleProposals,
  smoothL1,
  softmaxCrossEntropy,
  tf,
  variableScope,
} from '@tubekit/nn';

/** Options of a {@link TemporalProposalNetwork} (load time). */
export interface TemporalProposalOptions {
  /** Channels of the per-frame features (the trunk's neck). */
  channels: number;
  /** Hidden channels of the 3-tap temporal convolution (default `channels`). */
  hidden?: number;
  /**
   * Anchor lengths in feature rows (frames of the resampled clip). The spec's {1, 2, 4, 8, 12}
   * cells of I3D's 8-frame stride are {8, 16, 32, 64, 96} frames of a 96-frame clip; pass the
   * same fractions of T for a shorter clip.
   */
  lengths: readonly number[];
  /** Seed of the initialisation. */
  seed: number;
}

/** Per-anchor outputs of the TPN over one clip; rows `c·A + a` match `spanAnchors`. */
export interface TemporalProposalOutput {
  /** `[T·A, 2]` background / action logits. */
  logits: tf.Tensor2D;
  /** `[T·A, 2]` span deltas `[dc, dl]` (R-C3D codec, `encodeSpanDeltas`). */
  deltas: tf.Tensor2D;
}

/** Options of {@link TemporalProposalNetwork.loss}. */
export interface TemporalProposalLossOptions {
  /** Positive at tIoU ≥ this (and each GT's best anchor). Default 0.7 (spec S3). */
  positiveIoU?: number;
  /** Negative below this; in between ignored. Default 0.3. */
  negativeIoU?: number;
  /** Anchors drawn per clip, half positives at most. Default 64. */
  batchSize?: number;
  rng: Rng;
}

/** Options of {@link TemporalProposalNetwork.proposals}. */
export interface TemporalProposalSelectOptions {
  /** Temporal NMS threshold (spec S3: 0.7). */
  nmsThreshold?: number;
  /** Proposals kept (spec S3: top 5). */
  topK?: number;
}

interface Conv1d {
  w: NamedWeight;
  b: NamedWeight;
}

/**
 * CFAD's temporal proposal network (Li et al. ECCV 2020, §3.1: "similar to [36]", R-C3D; every
 * layer choice is the spec's, S3): the per-frame features `[T, H, W, C]` are max-pooled spatially
 * to `[T, C]`, a 3-tap 1-D convolution + ReLU, then a 1×1 convolution gives, for each of the `A`
 * anchor lengths at every row (geometry's `spanAnchors`, centred on the row), 2 action/background
 * logits and 2 span deltas. Loss: softmax CE + smooth-L1 on the sampled anchors (tIoU ≥ 0.7
 * positive or best per GT, < 0.3 negative: nn's `assignProposals` with its ignore band);
 * proposals: decoded, clipped to the clip, temporal NMS 0.7 (geometry's `spanNMS`), top 5.
 *
 * Spans are in feature-row units: row `j` is the `j`-th frame of the resampled clip, a span
 * `[a, b]` covers rows a…b (continuous, `'voc'` span IoU).
 *
 * @example
 * ```ts
 * const tpn = new TemporalProposalNetwork({ channels: 64, lengths: [4, 8, 16, 24, 32], seed: 1 });
 * const out = tpn.forward(neck);                // neck [32, 14, 14, 64]
 * const spans = tpn.proposals(out, 32).spans;   // ≤ 5 × 2 row spans
 * ```
 */
export class TemporalProposalNetwork {
  readonly options: Required<TemporalProposalOptions>;
  readonly weights: NamedWeight[];
  private readonly conv: Conv1d;
  private readonly out: Conv1d;

  constructor(options: TemporalProposalOptions) {
    this.options = { hidden: options.channels, ...options };
    const { channels: C, hidden: H, lengths, seed } = this.options;
    if (lengths.length === 0 || lengths.some((l) => !(l > 0)))
      throw new RangeError(`TemporalProposalNetwork: lengths [${lengths}] must be > 0`);
    const rng = createRng(seed);
    const scope = variableScope('cfad-tpn');
    const A = lengths.length;
    const small = (n: number) => Float32Array.from({ length: n }, () => 0.01 * rng.normal());
    const layer = (name: string, shape: [number, number, number], w: Float32Array): Conv1d => ({
      w: createNamedWeight(scope, `${name}.weight`, shape, w, { kind: 'conv' }),
      b: createNamedWeight(scope, `${name}.bias`, [shape[2]], new Float32Array(shape[2]), {
        kind: 'vector',
      }),
    });
    this.conv = layer('conv', [3, C, H], heNormal(3 * C * H, 3 * C, rng));
    this.out = layer('out', [1, H, 4 * A], small(H * 4 * A));
    this.weights = [this.conv.w, this.conv.b, this.out.w, this.out.b];
  }

  /** Anchor spans of a clip of `T` rows: `(T·A) × 2`, row `c·A + a`. */
  anchors(T: number): Float64Array {
    return spanAnchors({ cells: T, lengths: this.options.lengths, stride: 1, centreOffset: 0 });
  }

  /** Logits and deltas of every anchor. Differentiable; call inside `tf.tidy` or a gradient. */
  forward(features: tf.Tensor4D): TemporalProposalOutput {
    const [T, , , C] = features.shape;
    if (C !== this.options.channels)
      throw new Error(
        `TemporalProposalNetwork: features have ${C} channels, expected ${this.options.channels}`,
      );
    const A = this.options.lengths.length;
    return tf.tidy(() => {
      const pooled = tf.reshape(tf.max(features, [1, 2]), [1, T, C]) as tf.Tensor3D;
      const h = tf.relu(
        tf.add(
          tf.conv1d(pooled, this.conv.w.variable as tf.Tensor3D, 1, 'same'),
          this.conv.b.variable,
        ),
      ) as tf.Tensor3D;
      const o = tf.reshape(
        tf.add(tf.conv1d(h, this.out.w.variable as tf.Tensor3D, 1, 'same'), this.out.b.variable),
        [T * A, 4],
      );
      const logits = tf.slice(o, [0, 0], [T * A, 2]) as tf.Tensor2D;
      const deltas = tf.slice(o, [0, 2], [T * A, 2]) as tf.Tensor2D;
      return { logits, deltas };
    });
  }

  /**
   * The TPN loss of one clip against its ground-truth spans (`G × 2` rows): mean CE over the
   * sampled anchors plus smooth-L1 of the positives' deltas, normalised by the sampled count.
   * Returns a scalar; leaks no tensors.
   */
  loss(
    output: TemporalProposalOutput,
    gtSpans: Float64Array,
    options: TemporalProposalLossOptions,
  ): tf.Scalar {
    const n = output.logits.shape[0];
    const anchors = this.anchors(n / this.options.lengths.length);
    const G = gtSpans.length / 2;
    const ious = pairwiseSpanIoU(anchors, gtSpans);
    const a = assignProposals(ious, { proposals: n, groundTruths: G }, options.positiveIoU ?? 0.7, {
      negativeBelow: options.negativeIoU ?? 0.3,
      positiveAtThreshold: true,
    });
    const { positives, negatives } = sampleProposals(a.positive, {
      batchSize: options.batchSize ?? 64,
      weights: 'uniform',
      rng: options.rng,
      ignored: a.ignored,
    });
    const rows = Int32Array.from([...positives, ...negatives]);
    const labels = Int32Array.from(rows, (_, i) => (i < positives.length ? 1 : 0));
    return tf.tidy(() => {
      const idx = tf.tensor1d(rows, 'int32');
      const cls = softmaxCrossEntropy(tf.gather(output.logits, idx) as tf.Tensor2D, labels);
      if (positives.length === 0) return cls as tf.Scalar;
      const targetSpans = new Float64Array(2 * positives.length);
      const posAnchors = new Float64Array(2 * positives.length);
      positives.forEach((p, i) => {
        const g = a.assignedGt[p]!;
        targetSpans.set(gtSpans.subarray(2 * g, 2 * g + 2), 2 * i);
        posAnchors.set(anchors.subarray(2 * p, 2 * p + 2), 2 * i);
      });
      const t = encodeSpanDeltas(targetSpans, posAnchors);
      const reg = smoothL1(
        tf.gather(output.deltas, tf.tensor1d(positives, 'int32')),
        tf.tensor2d(Float32Array.from(t), [positives.length, 2]),
        { reduction: 'sum' },
      );
      return tf.add(cls, tf.div(reg, rows.length)) as tf.Scalar;
    });
  }

  /**
   * Class-agnostic proposals of a clip of `T` rows: action probabilities, decoded spans clipped to
   * `[0, T − 1]`, temporal NMS and the top `topK` (spec S3: 0.7, 5).
   */
  proposals(
    output: TemporalProposalOutput,
    T: number,
    options: TemporalProposalSelectOptions = {},
  ): { spans: Float64Array; scores: Float64Array } {
    const prob = tf.tidy(() => tf.slice(tf.softmax(output.logits), [0, 1], [-1, 1]));
    const scores = prob.dataSync();
    prob.dispose();
    const deltas = output.deltas.dataSync();
    const decoded = decodeSpanDeltas(deltas, this.anchors(T), { clip: { start: 0, end: T - 1 } });
    const valid: number[] = [];
    for (let i = 0; i < scores.length; i++)
      if (decoded[2 * i + 1]! > decoded[2 * i]!) valid.push(i);
    const vs = new Float64Array(valid.length * 2);
    const vScores = Float64Array.from(valid, (i) => scores[i]!);
    valid.forEach((i, j) => {
      vs.set(decoded.subarray(2 * i, 2 * i + 2), 2 * j);
    });
    const { keep } = spanNMS(vs, vScores, {
      iouThreshold: options.nmsThreshold ?? 0.7,
      topK: options.topK ?? 5,
    });
    const spans = new Float64Array(2 * keep.length);
    keep.forEach((k, j) => {
      spans.set(vs.subarray(2 * k, 2 * k + 2), 2 * j);
    });
    return { spans, scores: Float64Array.from(keep, (k) => vScores[k]!) };
  }

  /** Disposes the weights. */
  dispose(): void {
    for (const w of this.weights) w.variable.dispose();
  }
}
