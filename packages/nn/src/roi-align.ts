import * as tf from '@tensorflow/tfjs-core';

/** Options shared by {@link roiAlign} and {@link roiPool}. */
export interface RoiOptions {
  /** Output bins per side, `P` or `[Ph, Pw]`. */
  outputSize: number | [number, number];
  /** Feature-map cells per image pixel, e.g. 1/16 for a stride-16 backbone. */
  spatialScale: number;
}

/** Options of {@link roiAlign}. */
export interface RoiAlignOptions extends RoiOptions {
  /**
   * Sampling points per bin along each axis; `0` (default) = adaptive `ceil(roiSize / P)`, as in
   * Detectron's ROIAlign.
   */
  samplingRatio?: number;
  /**
   * `true` (default, detectron2 `aligned=True`): box corners are shifted by −0.5 cell so a box
   * edge at pixel x maps to feature coordinate x·scale − 0.5 (pixel centres). `false`: the
   * original Mask R-CNN behaviour (no shift, RoI size at least 1 cell).
   */
  aligned?: boolean;
}

/** Boxes for the RoI ops: `N×4` packed `[x1, y1, x2, y2]` rows in image pixels (continuous coordinates). */
export type RoiBoxes = Float32Array | Float64Array;

function sizes(o: RoiOptions): [number, number] {
  const [ph, pw] = typeof o.outputSize === 'number' ? [o.outputSize, o.outputSize] : o.outputSize;
  if (!(ph >= 1 && pw >= 1 && Number.isInteger(ph) && Number.isInteger(pw)))
    throw new Error(`RoI op: outputSize must be positive integers, got ${o.outputSize}`);
  return [ph, pw];
}

function checkInputs(
  op: string,
  features: tf.Tensor4D,
  boxes: RoiBoxes,
  frameIndex: ArrayLike<number>,
): number {
  if (features.rank !== 4)
    throw new Error(`${op}: features must be [F, H, W, C], got [${features.shape}]`);
  if (boxes.length % 4 !== 0)
    throw new Error(`${op}: boxes length ${boxes.length} is not a multiple of 4`);
  const n = boxes.length / 4;
  if (frameIndex.length !== n)
    throw new Error(
      `${op}: ${n} boxes but ${frameIndex.length} frame indices (one per box expected)`,
    );
  const F = features.shape[0];
  for (let i = 0; i < n; i++) {
    const f = frameIndex[i];
    if (!(Number.isInteger(f) && f >= 0 && f < F))
      throw new Error(
        `${op}: box ${i} has frame index ${f}, outside [0, ${F}) of the feature stack`,
      );
  }
  return n;
}

/**
 * Adds the averaged bilinear weights of one RoI along one axis to `out` (`P × size` row-major):
 * Detectron's ROIAlign sampling (bin `p` sampled at `grid` evenly spaced points, each point split
 * between its two neighbouring cells; points beyond [−1, size] contribute nothing, points in
 * [−1, 0] clamp to cell 0, points past the last cell clamp to it).
 */
function axisWeights(
  start: number,
  end: number,
  P: number,
  size: number,
  aligned: boolean,
  samplingRatio: number,
  out: Float32Array,
  offset: number,
): void {
  let len = end - start;
  if (!aligned) len = Math.max(len, 1);
  const bin = len / P;
  const grid = samplingRatio > 0 ? samplingRatio : Math.ceil(len / P);
  if (grid <= 0) return;
  for (let p = 0; p < P; p++) {
    const row = offset + p * size;
    for (let i = 0; i < grid; i++) {
      let v = start + p * bin + ((i + 0.5) * bin) / grid;
      if (v < -1 || v > size) continue;
      if (v <= 0) v = 0;
      let lo = Math.floor(v);
      let hi: number;
      if (lo >= size - 1) {
        lo = size - 1;
        hi = lo;
        v = lo;
      } else hi = lo + 1;
      const l = v - lo;
      out[row + lo] += (1 - l) / grid;
      out[row + hi] += l / grid;
    }
  }
}

/** Stable order of boxes by frame, with the [start, end) range of each frame in that order. */
function groupByFrame(frameIndex: ArrayLike<number>, n: number, F: number) {
  const counts = new Int32Array(F + 1);
  for (let i = 0; i < n; i++) counts[frameIndex[i] + 1]++;
  for (let f = 0; f < F; f++) counts[f + 1] += counts[f];
  const order = new Int32Array(n);
  const fill = counts.slice(0, F);
  let sorted = true;
  for (let i = 0; i < n; i++) {
    const k = fill[frameIndex[i]]++;
    order[k] = i;
    if (k !== i) sorted = false;
  }
  return { order, starts: counts, sorted };
}

/**
 * `A · X` for a constant interpolation matrix `A` (`[M, K]` or batched `[m, M, K]`) with a gradient
 * `Aᵀ · dY` from a transposed copy built in JavaScript: tfjs-wasm's transposed-operand GEMM (what
 * `tf.matMul`'s own gradient uses) is several times slower than a plain one.
 */
function constMatMul(
  a: Float32Array,
  shape: [number, number] | [number, number, number],
  x: tf.Tensor,
): tf.Tensor {
  const [batch, M, K] = shape.length === 2 ? [1, shape[0], shape[1]] : shape;
  const aT = new Float32Array(a.length);
  for (let b = 0; b < batch; b++)
    for (let i = 0; i < M; i++)
      for (let j = 0; j < K; j++) aT[b * M * K + j * M + i] = a[b * M * K + i * K + j];
  const tShape = shape.length === 2 ? [K, M] : [batch, K, M];
  const op = tf.customGrad(((xIn: tf.Tensor, save: tf.GradSaveFunc) => {
    save([]);
    return {
      value: tf.matMul(tf.tensor(a, shape), xIn),
      gradFunc: (dy: tf.Tensor) => tf.matMul(tf.tensor(aT, tShape), dy),
    };
  }) as unknown as Parameters<typeof tf.customGrad>[0]);
  return op(x) as tf.Tensor;
}

/**
 * RoIAlign (He et al., Mask R-CNN, ICCV 2017; sampling as Detectron/detectron2 `ROIAlign`) over a
 * stack of 2-D feature maps: each box `i` is pooled from frame `frameIndex[i]` of
 * `features [F, H, W, C]` into `[Ph, Pw, C]`; the result is `[N, Ph, Pw, C]` in box order.
 *
 * Bilinear sampling averaged over the sampling grid is separable, so each box's pooling is written
 * as two interpolation matrices, `out_i = A_y,i · F_f · A_x,iᵀ` (per channel), evaluated frame by
 * frame as matrix products (one GEMM per frame for the rows, a batched one per box for the columns). The output is differentiable with respect to `features`
 * (not the boxes, as in the reference), needs only kernels every backend has, and leaks no tensors.
 *
 * @example
 * ```ts
 * const feats = tf.randomNormal([2, 19, 25, 64]) as tf.Tensor4D;      // 2 frames, stride 16
 * const boxes = new Float32Array([10, 20, 120, 200,  40, 40, 90, 300]);
 * const pooled = roiAlign(feats, boxes, new Int32Array([0, 1]), { outputSize: 7, spatialScale: 1 / 16 });
 * // pooled.shape = [2, 7, 7, 64]
 * ```
 */
export function roiAlign(
  features: tf.Tensor4D,
  boxes: RoiBoxes,
  frameIndex: ArrayLike<number>,
  options: RoiAlignOptions,
): tf.Tensor4D {
  const n = checkInputs('roiAlign', features, boxes, frameIndex);
  const [Ph, Pw] = sizes(options);
  const [F, H, W, C] = features.shape;
  if (n === 0) return tf.zeros([0, Ph, Pw, C]);
  const aligned = options.aligned ?? true;
  const ratio = options.samplingRatio ?? 0;
  const scale = options.spatialScale;
  const shift = aligned ? 0.5 : 0;
  const { order, starts, sorted } = groupByFrame(frameIndex, n, F);
  const ay = new Float32Array(n * Ph * H);
  const ax = new Float32Array(n * Pw * W);
  for (let k = 0; k < n; k++) {
    const b = order[k] * 4;
    axisWeights(
      boxes[b + 1] * scale - shift,
      boxes[b + 3] * scale - shift,
      Ph,
      H,
      aligned,
      ratio,
      ay,
      k * Ph * H,
    );
    axisWeights(
      boxes[b] * scale - shift,
      boxes[b + 2] * scale - shift,
      Pw,
      W,
      aligned,
      ratio,
      ax,
      k * Pw * W,
    );
  }
  return tf.tidy(() => {
    // Frame by frame: tfjs-wasm's batched BatchMatMul is far slower than its 2-D (XNNPACK) GEMM.
    const rows = tf.reshape(features, [F * H, W * C]);
    // One split, not a slice per frame: a slice's gradient is the whole stack's shape (zero-padded),
    // and the tape keeps every such gradient until the backward pass ends — memory quadratic in
    // frames (1.6 GB for 120 frames of a 6 MB stack). The split's gradient is one concatenation.
    const frames = F === 1 ? [rows] : tf.split(rows, F, 0);
    const parts: tf.Tensor[] = [];
    for (let f = 0; f < F; f++) {
      const s0 = starts[f];
      const m = starts[f + 1] - s0;
      if (m === 0) continue;
      // y-contraction first: frame f is already [H, W·C], so one GEMM serves all its boxes.
      const frame = frames[f];
      const t = constMatMul(ay.subarray(s0 * Ph * H, (s0 + m) * Ph * H), [m * Ph, H], frame); // [m·Ph, W·C]
      const tT = tf.reshape(tf.transpose(tf.reshape(t, [m, Ph, W, C]), [0, 2, 1, 3]), [
        m,
        W,
        Ph * C,
      ]);
      const xw = constMatMul(ax.subarray(s0 * Pw * W, (s0 + m) * Pw * W), [m, Pw, W], tT);
      const out = tf.reshape(xw, [m, Pw, Ph, C]); // [m, px, py, C]
      parts.push(tf.transpose(out, [0, 2, 1, 3]));
    }
    const grouped = parts.length === 1 ? parts[0] : tf.concat(parts, 0);
    if (sorted) return grouped as tf.Tensor4D;
    const inverse = new Int32Array(n);
    for (let k = 0; k < n; k++) inverse[order[k]] = k;
    return tf.gather(grouped, tf.tensor1d(inverse, 'int32')) as tf.Tensor4D;
  });
}

/**
 * RoI max pooling (Girshick, Fast R-CNN, ICCV 2015; Caffe `ROIPoolingLayer` quantisation: box
 * corners rounded to cells, bins `[floor(p·h/P), ceil((p+1)·h/P))`, empty bins output 0) over a
 * stack of 2-D feature maps; `[N, Ph, Pw, C]` in box order. The arg-max cells are found on the
 * feature values (one download), then gathered, so the gradient flows to the winning cell of every
 * bin and channel (`UnsortedSegmentSum` on wasm, registered by tubekit).
 *
 * @example
 * ```ts
 * const pooled = roiPool(feats, boxes, new Int32Array([0, 1]), { outputSize: 7, spatialScale: 1 / 16 });
 * ```
 */
export function roiPool(
  features: tf.Tensor4D,
  boxes: RoiBoxes,
  frameIndex: ArrayLike<number>,
  options: RoiOptions,
): tf.Tensor4D {
  const n = checkInputs('roiPool', features, boxes, frameIndex);
  const [Ph, Pw] = sizes(options);
  const [, H, W, C] = features.shape;
  const values = features.dataSync();
  const empty = values.length; // index of an appended zero
  const idx = new Int32Array(n * Ph * Pw * C);
  const scale = options.spatialScale;
  for (let i = 0; i < n; i++) {
    const f = frameIndex[i];
    const x1 = Math.round(boxes[i * 4] * scale);
    const y1 = Math.round(boxes[i * 4 + 1] * scale);
    const x2 = Math.round(boxes[i * 4 + 2] * scale);
    const y2 = Math.round(boxes[i * 4 + 3] * scale);
    const binH = Math.max(y2 - y1 + 1, 1) / Ph;
    const binW = Math.max(x2 - x1 + 1, 1) / Pw;
    for (let py = 0; py < Ph; py++) {
      const hs = Math.min(Math.max(Math.floor(py * binH) + y1, 0), H);
      const he = Math.min(Math.max(Math.ceil((py + 1) * binH) + y1, 0), H);
      for (let px = 0; px < Pw; px++) {
        const ws = Math.min(Math.max(Math.floor(px * binW) + x1, 0), W);
        const we = Math.min(Math.max(Math.ceil((px + 1) * binW) + x1, 0), W);
        const o = ((i * Ph + py) * Pw + px) * C;
        for (let c = 0; c < C; c++) {
          let best = empty;
          let bestV = Number.NEGATIVE_INFINITY;
          for (let y = hs; y < he; y++)
            for (let x = ws; x < we; x++) {
              const j = ((f * H + y) * W + x) * C + c;
              if (values[j] > bestV) {
                bestV = values[j];
                best = j;
              }
            }
          idx[o + c] = best;
        }
      }
    }
  }
  return tf.tidy(() => {
    const flat = tf.concat([tf.reshape(features, [-1]), tf.zeros([1])]);
    return tf.reshape(tf.gather(flat, tf.tensor1d(idx, 'int32')), [n, Ph, Pw, C]) as tf.Tensor4D;
  });
}

/** Options of {@link tubeletRoi}. */
export interface TubeletRoiOptions extends RoiAlignOptions {
  /** `'align'` (default, {@link roiAlign}) or `'max'` ({@link roiPool}). */
  pool?: 'align' | 'max';
  /**
   * Which K-frame clip of the feature stack each tubelet belongs to (default: all in clip 0); the
   * stack then holds `clips·K` frames, clip `b` at frames `[b·K, (b+1)·K)`.
   */
  clipIndex?: ArrayLike<number>;
}

/**
 * Pools a K-frame tubelet (one box per frame, STEP's cuboid proposals / ACT's anchor cuboids)
 * from a K-frame feature stack: tubelet `n`'s box in frame `k` is pooled from frame
 * `clipIndex[n]·K + k` of `features [clips·K, H, W, C]`. Returns `[N, K, Ph, Pw, C]`.
 *
 * @example
 * ```ts
 * const feats = tf.randomNormal([6, 19, 25, 64]) as tf.Tensor4D;     // K = 6 frames
 * const tubelets = new Float32Array(2 * 6 * 4).fill(50);               // N = 2 tubelets × K × 4
 * for (let i = 2; i < tubelets.length; i += 4) { tubelets[i] = 150; tubelets[i + 1] = 150; }
 * const pooled = tubeletRoi(feats, tubelets, 6, { outputSize: 7, spatialScale: 1 / 16 }); // [2, 6, 7, 7, 64]
 * ```
 */
export function tubeletRoi(
  features: tf.Tensor4D,
  tubelets: RoiBoxes,
  K: number,
  options: TubeletRoiOptions,
): tf.Tensor5D {
  if (tubelets.length % (4 * K) !== 0)
    throw new Error(
      `tubeletRoi: tubelets length ${tubelets.length} is not a multiple of K·4 = ${4 * K}`,
    );
  const n = tubelets.length / (4 * K);
  if (options.clipIndex && options.clipIndex.length !== n)
    throw new Error(`tubeletRoi: ${n} tubelets but ${options.clipIndex.length} clip indices`);
  const frameIndex = new Int32Array(n * K);
  for (let i = 0; i < n; i++) {
    const clip = options.clipIndex ? options.clipIndex[i] : 0;
    for (let k = 0; k < K; k++) frameIndex[i * K + k] = clip * K + k;
  }
  const [Ph, Pw] = sizes(options);
  const C = features.shape[3];
  return tf.tidy(() => {
    const pooled =
      options.pool === 'max'
        ? roiPool(features, tubelets, frameIndex, options)
        : roiAlign(features, tubelets, frameIndex, options);
    return tf.reshape(pooled, [n, K, Ph, Pw, C]) as tf.Tensor5D;
  });
}
