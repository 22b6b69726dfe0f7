import * as tf from '@tensorflow/tfjs-core';
import {
  type BoxDeltaOptions,
  boxNMS,
  clipBoxes,
  decodeBoxDeltas,
  type ImageSize,
} from '@tubekit/geometry';

/**
 * Per-anchor proposal scores from {@link RpnHead} logits `[B, N, K]` → `[B, N]`: the sigmoid of a
 * single objectness logit; with `K ≥ 2` softmax classes, `1 − p(background)` or, for a
 * class-specific RPN, the probability of `scoreClass` (CFAD §3.3, spec: "a proposal's score = its
 * probability for the tube's class").
 *
 * @example
 * ```ts
 * const scores = rpnScores(rpn.forward(x).logits, 3); // [B, N], probability of class 3
 * ```
 */
export function rpnScores(logits: tf.Tensor3D, scoreClass?: number): tf.Tensor2D {
  const K = logits.shape[2];
  if (
    scoreClass !== undefined &&
    !(Number.isInteger(scoreClass) && scoreClass >= 1 && scoreClass < K)
  )
    throw new Error(`rpnScores: scoreClass = ${scoreClass}; expected an integer in [1, ${K - 1}]`);
  return tf.tidy(() => {
    if (K === 1) return tf.squeeze(tf.sigmoid(logits), [2]) as tf.Tensor2D;
    const p = tf.softmax(logits);
    const k = scoreClass ?? 0;
    const pk = tf.squeeze(tf.slice(p, [0, 0, k], [-1, -1, 1]), [2]) as tf.Tensor2D;
    return (scoreClass === undefined ? tf.sub(1, pk) : pk) as tf.Tensor2D;
  });
}

/** Options of {@link rpnProposals}. */
export interface RpnProposalOptions {
  /** The image the boxes are clipped to. */
  image: ImageSize;
  /** Keep this many highest-scoring anchors before NMS. Default: all. */
  preNmsTopK?: number;
  /** Return at most this many proposals. Default: all that survive NMS. */
  postNmsTopK?: number;
  /** NMS IoU threshold. Default 0.7 (Faster R-CNN §3.3; CFAD and PCSC specs). */
  nmsThreshold?: number;
  /** Drop proposals narrower or shorter than this after clipping (pixels). Default 0 (keep all). */
  minSize?: number;
  /**
   * Delta codec options, as given to {@link rpnTargets}. `maxLogRatio` defaults to `log(1000/16)`
   * (detectron2's clamp) so an untrained head cannot overflow `exp`.
   */
  deltas?: BoxDeltaOptions;
}

/** Proposals of one image, by descending score. */
export interface RpnProposals {
  /** `P × 4` boxes `[x1, y1, x2, y2]`, clipped to the image. */
  boxes: Float64Array;
  /** `P` scores. */
  scores: Float64Array;
  /** `P` anchor indices the proposals came from. */
  anchors: Int32Array;
}

/**
 * Region proposals of one image (Faster R-CNN §3.3): the `preNmsTopK` best anchors by score,
 * decoded with geometry's R-CNN codec (`decodeBoxDeltas`), clipped to the image (`clipBoxes`),
 * optionally filtered by `minSize`, then `boxNMS` and the `postNmsTopK` best. Ties by lower anchor
 * index. Pure typed-array code: read the head's outputs with `dataSync` first.
 *
 * @param scores - `N` anchor scores ({@link rpnScores} of one image).
 * @param deltas - `N × 4` deltas of that image.
 * @param anchors - `N × 4` anchors, in the head's row order (`gridAnchors`).
 * @example
 * ```ts
 * const s = rpnScores(out.logits).dataSync(), d = out.deltas.dataSync();
 * const p = rpnProposals(s, d, anchors, { image: { width: 112, height: 112 }, postNmsTopK: 100 });
 * ```
 */
export function rpnProposals(
  scores: ArrayLike<number>,
  deltas: ArrayLike<number>,
  anchors: ArrayLike<number>,
  options: RpnProposalOptions,
): RpnProposals {
  const N = scores.length;
  if (deltas.length !== 4 * N || anchors.length !== 4 * N)
    throw new Error(
      `rpnProposals: ${N} scores, ${deltas.length / 4} delta rows and ${anchors.length / 4} anchors; expected equal`,
    );
  for (let i = 0; i < N; i++)
    if (Number.isNaN(scores[i]))
      throw new Error(`rpnProposals: score ${i} is NaN; expected a number`);
  const order = new Int32Array(N);
  for (let i = 0; i < N; i++) order[i] = i;
  order.sort((a, b) => scores[b]! - scores[a]! || a - b);
  const pre = order.subarray(0, Math.min(N, options.preNmsTopK ?? N));
  const m = pre.length;
  const d = new Float64Array(4 * m);
  const a = new Float64Array(4 * m);
  for (let r = 0; r < m; r++)
    for (let c = 0; c < 4; c++) {
      d[4 * r + c] = deltas[4 * pre[r]! + c]!;
      a[4 * r + c] = anchors[4 * pre[r]! + c]!;
    }
  const codec = { maxLogRatio: Math.log(1000 / 16), ...options.deltas };
  const boxes = clipBoxes(decodeBoxDeltas(d, a, codec, d), options.image, {}, d) as Float64Array;
  const minSize = options.minSize ?? 0;
  const keepRows: number[] = [];
  for (let r = 0; r < m; r++)
    if (
      boxes[4 * r + 2]! - boxes[4 * r]! >= minSize &&
      boxes[4 * r + 3]! - boxes[4 * r + 1]! >= minSize
    )
      keepRows.push(r);
  const kb = new Float64Array(4 * keepRows.length);
  const ks = new Float64Array(keepRows.length);
  keepRows.forEach((r, j) => {
    kb.set(boxes.subarray(4 * r, 4 * r + 4), 4 * j);
    ks[j] = scores[pre[r]!]!;
  });
  const nms = boxNMS(kb, ks, {
    iouThreshold: options.nmsThreshold ?? 0.7,
    topK: options.postNmsTopK,
  });
  const P = nms.keep.length;
  const out: RpnProposals = {
    boxes: new Float64Array(4 * P),
    scores: Float64Array.from(nms.scores),
    anchors: new Int32Array(P),
  };
  for (let j = 0; j < P; j++) {
    const k = nms.keep[j]!;
    out.boxes.set(kb.subarray(4 * k, 4 * k + 4), 4 * j);
    out.anchors[j] = pre[keepRows[k]!]!;
  }
  return out;
}
