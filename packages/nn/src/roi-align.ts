import * as tf from '@tensorflow/tfjs-core';
import { type SparseRows, sumTaps, type TapGeometry } from './roi-taps';

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

/**
 * The nonzero entries of each row of `rows` (`count` rows of `size`): `index`/`weight` hold them
 * row after row, row r's in `[start[r], start[r + 1])`.
 */
function sparseRows(rows: Float32Array, count: number, size: number): SparseRows {
  const start = new Int32Array(count + 1);
  let nonzero = 0;
  for (let k = 0; k < rows.length; k++) if (rows[k] !== 0) nonzero++;
  const index = new Int32Array(nonzero);
  const weight = new Float32Array(nonzero);
  let at = 0;
  for (let r = 0; r < count; r++) {
    start[r] = at;
    for (let j = 0; j < size; j++) {
      const v = rows[r * size + j]!;
      if (v === 0) continue;
      index[at] = j;
      weight[at++] = v;
    }
  }
  start[count] = at;
  return { start, index, weight };
}

/**
 * RoIAlign (He et al., Mask R-CNN, ICCV 2017; sampling as Detectron/detectron2 `ROIAlign`) over a
 * stack of 2-D feature maps: each box `i` is pooled from frame `frameIndex[i]` of
 * `features [F, H, W, C]` into `[Ph, Pw, C]`; the result is `[N, Ph, Pw, C]` in box order.
 *
 * Bilinear sampling averaged over the sampling grid is separable, so each box's pooling is two
 * interpolation matrices, `out_i = A_y,i · F_f · A_x,iᵀ` (per channel), whose rows have only a
 * few nonzero weights: the pooling sums those taps directly, box by box (one download of the
 * features, one upload of the result), and its gradient scatters the same weights back, both in
 * a WebAssembly SIMD kernel ({@link sumTaps}; in JavaScript they took about 27 % of STEP's
 * training iteration). (Matrix products per frame, as before, took 1 872 small GEMM dispatches,
 * a split and a reordering gather per STEP training iteration.) The output is differentiable
 * with respect to `features` (not the boxes, as in the reference), runs on every backend, and
 * leaks no tensors.
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
  const ay = new Float32Array(n * Ph * H);
  const ax = new Float32Array(n * Pw * W);
  for (let i = 0; i < n; i++) {
    const b = i * 4;
    axisWeights(
      boxes[b + 1] * scale - shift,
      boxes[b + 3] * scale - shift,
      Ph,
      H,
      aligned,
      ratio,
      ay,
      i * Ph * H,
    );
    axisWeights(
      boxes[b] * scale - shift,
      boxes[b + 2] * scale - shift,
      Pw,
      W,
      aligned,
      ratio,
      ax,
      i * Pw * W,
    );
  }
  // Each bin reads a few rows and columns: the weights as sparse rows, and the pooling as sums
  // over them, in box order (no grouping by frame, no reordering). Its gradient scatters the same
  // weights back; neither keeps the features.
  const ys = sparseRows(ay, n * Ph, H);
  const xs = sparseRows(ax, n * Pw, W);
  const frames = Int32Array.from({ length: n }, (_, i) => frameIndex[i]!);
  const geometry: TapGeometry = { n, H, W, C, Ph, Pw, frames, ys, xs };
  const pool = tf.customGrad(((x: tf.Tensor4D, save: tf.GradSaveFunc) => {
    save([]);
    const out = sumTaps(geometry, x.dataSync() as Float32Array, n * Ph * Pw * C, false);
    return {
      value: tf.tensor4d(out, [n, Ph, Pw, C]),
      gradFunc: (dy: tf.Tensor) => {
        const dx = sumTaps(geometry, dy.dataSync() as Float32Array, F * H * W * C, true);
        return tf.tensor4d(dx, [F, H, W, C]);
      },
    };
  }) as unknown as Parameters<typeof tf.customGrad>[0]);
  return pool(features) as tf.Tensor4D;
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
