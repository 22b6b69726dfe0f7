import * as tf from '@tensorflow/tfjs-core';
import { expectClose } from '../test/expect-close';
import { expectNoLeaks } from '../test/leaks';
import { randomTensor } from '../test/random-tensor';
import { gradientCheck } from './grad-check';
import { initBackend } from './init-backend';
import { roiAlign, roiPool, tubeletRoi } from './roi-align';

beforeAll(async () => {
  await initBackend({ backend: 'wasm', log: () => {} });
});

/**
 * detectron2 ROIAlign, written sample by sample (not separably) as an independent reference: the
 * weight of every feature cell of the stack `[F, H, W]` in each of box `box`'s `P × P` bins
 * (`[P·P, F·H·W]`, the same for every channel), from frame `f`.
 */
function referenceWeights(
  [F, H, W]: number[],
  box: number[],
  f: number,
  P: number,
  scale: number,
  ratio: number,
  aligned: boolean,
): Float64Array {
  const off = aligned ? 0.5 : 0;
  const x1 = box[0] * scale - off;
  const y1 = box[1] * scale - off;
  let rw = box[2] * scale - off - x1;
  let rh = box[3] * scale - off - y1;
  if (!aligned) {
    rw = Math.max(rw, 1);
    rh = Math.max(rh, 1);
  }
  const bh = rh / P;
  const bw = rw / P;
  const gh = ratio > 0 ? ratio : Math.ceil(rh / P);
  const gw = ratio > 0 ? ratio : Math.ceil(rw / P);
  const count = Math.max(gh * gw, 1);
  const cells = F * H * W;
  const out = new Float64Array(P * P * cells);
  for (let py = 0; py < P; py++)
    for (let px = 0; px < P; px++) {
      const add = (y: number, x: number, w: number) => {
        out[(py * P + px) * cells + (f * H + y) * W + x] += w / count;
      };
      for (let iy = 0; iy < gh; iy++)
        for (let ix = 0; ix < gw; ix++) {
          let y = y1 + py * bh + ((iy + 0.5) * bh) / gh;
          let x = x1 + px * bw + ((ix + 0.5) * bw) / gw;
          if (y < -1 || y > H || x < -1 || x > W) continue;
          if (y <= 0) y = 0;
          if (x <= 0) x = 0;
          let yl = Math.floor(y);
          let xl = Math.floor(x);
          let yh: number;
          let xh: number;
          if (yl >= H - 1) {
            yh = yl = H - 1;
            y = yl;
          } else yh = yl + 1;
          if (xl >= W - 1) {
            xh = xl = W - 1;
            x = xl;
          } else xh = xl + 1;
          const ly = y - yl;
          const lx = x - xl;
          add(yl, xl, (1 - ly) * (1 - lx));
          add(yl, xh, (1 - ly) * lx);
          add(yh, xl, ly * (1 - lx));
          add(yh, xh, ly * lx);
        }
    }
  return out;
}

/** {@link referenceWeights} applied to `feat [F, H, W, C]`: box `box`'s `[P, P, C]` bins. */
function referenceRoiAlign(
  feat: Float32Array,
  shape: number[],
  box: number[],
  f: number,
  P: number,
  scale: number,
  ratio: number,
  aligned: boolean,
): Float64Array {
  const [F, H, W, C] = shape;
  const cells = F * H * W;
  const weights = referenceWeights(shape, box, f, P, scale, ratio, aligned);
  const out = new Float64Array(P * P * C);
  for (let j = 0; j < P * P; j++)
    for (let k = 0; k < cells; k++) {
      const w = weights[j * cells + k];
      if (w !== 0) for (let c = 0; c < C; c++) out[j * C + c] += w * feat[k * C + c];
    }
  return out;
}

describe('roiAlign', () => {
  const shape: [number, number, number, number] = [3, 9, 11, 4];
  const boxes = new Float32Array([
    8, 12, 60, 70, /**/ 0, 0, 176, 144, /**/ -20, 30, 40, 200, /**/ 100, 50, 103, 52, /**/ 150, 130,
    190, 160, /**/ 33.3, 7.7, 90.1, 99.9,
  ]);
  const frames = new Int32Array([2, 0, 1, 0, 2, 1]);
  for (const [ratio, aligned] of [
    [0, true],
    [2, true],
    [0, false],
    [1, false],
  ] as [number, boolean][]) {
    test(`matches a per-sample detectron2 reference (samplingRatio ${ratio}, aligned ${aligned}), unsorted frames`, () => {
      const feats = randomTensor<tf.Rank.R4>(shape, 1);
      const out = roiAlign(feats, boxes, frames, {
        outputSize: 3,
        spatialScale: 1 / 16,
        samplingRatio: ratio,
        aligned,
      });
      expect(out.shape).toEqual([6, 3, 3, 4]);
      const got = out.dataSync();
      const fv = feats.dataSync() as Float32Array;
      for (let i = 0; i < 6; i++) {
        const ref = referenceRoiAlign(
          fv,
          shape,
          Array.from(boxes.subarray(i * 4, i * 4 + 4)),
          frames[i],
          3,
          1 / 16,
          ratio,
          aligned,
        );
        for (let j = 0; j < ref.length; j++) expect(got[i * ref.length + j]).toBeCloseTo(ref[j], 4);
      }
      tf.dispose([feats, out]);
    });
  }

  test('reproduces a linear ramp exactly at bin centres (aligned: pixel x maps to x·scale − 0.5)', () => {
    const H = 6;
    const W = 10;
    const ramp = tf.tensor4d(
      Float32Array.from({ length: H * W }, (_, k) => k % W),
      [1, H, W, 1],
    );
    // scale 1, box x from 2 to 8: 2 bins of width 3 centred at 3.5 − 0.5 = 3 and 6.5 − 0.5 = 6.
    const out = roiAlign(ramp, new Float64Array([2, 1, 8, 5]), [0], {
      outputSize: [1, 2],
      spatialScale: 1,
      samplingRatio: 2,
    });
    expect(Array.from(out.dataSync())).toEqual([3, 6]);
    tf.dispose([ramp, out]);
  });

  test('gradient w.r.t. features passes a numeric check on wasm', () => {
    const feats = randomTensor<tf.Rank.R4>([2, 5, 6, 2], 2);
    const b = new Float32Array([4, 4, 40, 30, 10, 2, 50, 60, 0, 0, 20, 20]);
    const loss = (f: tf.Tensor) =>
      roiAlign(f as tf.Tensor4D, b, [1, 0, 1], { outputSize: 2, spatialScale: 1 / 8 })
        .square()
        .sum() as tf.Scalar;
    expect(gradientCheck(loss, [feats], { samples: 20 }).maxError).toBeLessThan(2e-2);
    feats.dispose();
  });

  test('zero boxes give an empty batch; bad frame indices and lengths are named', () => {
    const feats = randomTensor<tf.Rank.R4>([2, 4, 4, 3], 3);
    const e = roiAlign(feats, new Float32Array(0), [], { outputSize: 7, spatialScale: 1 });
    expect(e.shape).toEqual([0, 7, 7, 3]);
    expect(() =>
      roiAlign(feats, new Float32Array(4), [2], { outputSize: 2, spatialScale: 1 }),
    ).toThrow(/box 0 has frame index 2, outside \[0, 2\)/);
    expect(() =>
      roiAlign(feats, new Float32Array(8), [0], { outputSize: 2, spatialScale: 1 }),
    ).toThrow(/2 boxes but 1 frame indices/);
    tf.dispose([feats, e]);
  });

  test('leaks no tensors or backend data in forward/backward steps', () => {
    const feats = randomTensor<tf.Rank.R4>([2, 6, 6, 5], 4);
    const b = new Float32Array([0, 0, 40, 40, 8, 8, 30, 50]);
    expectNoLeaks(() =>
      tf.tidy(() =>
        tf
          .grad(
            (f: tf.Tensor) =>
              roiAlign(f as tf.Tensor4D, b, [1, 0], {
                outputSize: 2,
                spatialScale: 1 / 8,
              }).sum() as tf.Scalar,
          )(feats)
          .sum()
          .dataSync(),
      ),
    );
    feats.dispose();
  });

  // Odd channel counts (the kernel's f32x4 lanes and its scalar tail), several frames, boxes
  // over and beyond every edge, one wholly outside, one a cell wide.
  for (const c of [
    { C: 1, F: 2, H: 5, W: 7, P: 2, ratio: 0, aligned: true },
    { C: 3, F: 3, H: 7, W: 9, P: 3, ratio: 2, aligned: true },
    { C: 5, F: 3, H: 6, W: 5, P: 3, ratio: 0, aligned: false },
    { C: 64, F: 2, H: 7, W: 7, P: 7, ratio: 0, aligned: true },
  ]) {
    test(`C = ${c.C}, ${c.F} frames ${c.H}×${c.W}, ${c.P}×${c.P} bins: forward and gradient equal the reference's matrix product on cpu; numeric gradient check on wasm`, async () => {
      const { C, F, H, W, P } = c;
      const [w, h] = [W * 8, H * 8];
      const edge = [
        [0, 0, w, h],
        [-30, -20, 20, 25],
        [w - 12, h - 10, w + 25, h + 30],
        [w - 3, 2, w - 1, 6],
        [9.3, 5.1, 33.7, 27.9],
        [w + 20, 4, w + 60, 30],
        [-5, h - 6, w + 5, h + 2],
      ];
      const boxes = new Float32Array(edge.flat());
      const n = edge.length;
      const frames = Int32Array.from({ length: n }, (_, i) => F - 1 - (i % F));
      const options = {
        outputSize: P,
        spatialScale: 1 / 8,
        samplingRatio: c.ratio,
        aligned: c.aligned,
      };
      const cells = F * H * W;
      const matrix = new Float32Array(n * P * P * cells);
      edge.forEach((box, i) => {
        matrix.set(
          referenceWeights([F, H, W], box, frames[i], P, 1 / 8, c.ratio, c.aligned),
          i * P * P * cells,
        );
      });
      const feats = randomTensor<tf.Rank.R4>([F, H, W, C], C);
      const weight = randomTensor<tf.Rank.R4>([n, P, P, C], C + 1);
      const lossOf = (pool: (f: tf.Tensor4D) => tf.Tensor) => (f: tf.Tensor) =>
        pool(f as tf.Tensor4D)
          .mul(weight)
          .sum() as tf.Scalar;
      const reference = (f: tf.Tensor4D) =>
        tf.reshape(tf.matMul(tf.tensor2d(matrix, [n * P * P, cells]), tf.reshape(f, [cells, C])), [
          n,
          P,
          P,
          C,
        ]);
      const ours = (f: tf.Tensor4D) => roiAlign(f, boxes, frames, options);
      const run = (pool: (f: tf.Tensor4D) => tf.Tensor) =>
        tf.tidy(() =>
          [pool(feats), tf.grad(lossOf(pool))(feats)].map((t) => Float32Array.from(t.dataSync())),
        );
      await initBackend({ backend: 'cpu', log: () => {} });
      const expected = run(reference);
      await initBackend({ backend: 'wasm', log: () => {} });
      expectClose(run(ours), expected);
      const squared = (f: tf.Tensor) =>
        ours(f as tf.Tensor4D)
          .square()
          .sum() as tf.Scalar;
      // A quadratic loss: central differences are exact at any step, so a large one keeps the
      // float32 rounding of a sum over thousands of bins out of the comparison.
      const check = gradientCheck(squared, [feats], { samples: 12, epsilon: 0.25 });
      expect(check.maxError).toBeLessThan(2e-2);
      tf.dispose([feats, weight]);
    });
  }

  test('the backward pass holds memory linear in frames (a K = 30 batch stays small)', async () => {
    const peak = async (F: number) => {
      const feats = tf.variable(randomTensor<tf.Rank.R4>([F, 6, 6, 4], 5));
      const n = 2 * F;
      const boxes = new Float32Array(n * 4).map((_, i) => [4, 4, 30, 40][i % 4]);
      const frames = Int32Array.from({ length: n }, (_, i) => i >> 1);
      const before = tf.memory().numBytes;
      const { peakBytes } = await tf.profile(() => {
        const { value, grads } = tf.variableGrads(
          () => roiAlign(feats, boxes, frames, { outputSize: 2, spatialScale: 1 / 8 }).sum(),
          [feats],
        );
        tf.dispose([value, ...Object.values(grads)]);
      });
      feats.dispose();
      return peakBytes - before;
    };
    const small = await peak(8);
    const large = await peak(32);
    // 4× the frames: about 4× the memory (a gradient of the whole stack per frame would be 16×)
    expect(large / small).toBeLessThan(6);
  });
});

describe('roiPool', () => {
  test('takes the max of each quantised bin (Caffe rules), 0 for empty bins, gradient to the arg-max', () => {
    // 1 frame 4×4, one channel, values 0..15; box covering cells 0..3 → 2×2 bins of 2×2 cells.
    const feats = tf.tensor4d(
      Float32Array.from({ length: 16 }, (_, k) => k),
      [1, 4, 4, 1],
    );
    const out = roiPool(feats, new Float32Array([0, 0, 3, 3, 100, 100, 120, 120]), [0, 0], {
      outputSize: 2,
      spatialScale: 1,
    });
    expect(Array.from(out.dataSync())).toEqual([5, 7, 13, 15, 0, 0, 0, 0]);
    const g = tf.grad(
      (f: tf.Tensor) =>
        roiPool(f as tf.Tensor4D, new Float32Array([0, 0, 3, 3]), [0], {
          outputSize: 2,
          spatialScale: 1,
        }).sum() as tf.Scalar,
    )(feats);
    const gv = Array.from(g.dataSync());
    expect(gv.filter((v) => v === 1).length).toBe(4);
    for (const k of [5, 7, 13, 15]) expect(gv[k]).toBe(1);
    tf.dispose([feats, out, g]);
  });
});

describe('tubeletRoi', () => {
  test('pools box k of each tubelet from frame clip·K + k', () => {
    const K = 3;
    const feats = randomTensor<tf.Rank.R4>([2 * K, 5, 5, 2], 5);
    const tubelets = new Float32Array([
      0,
      0,
      40,
      40,
      8,
      8,
      30,
      30,
      16,
      0,
      40,
      24, // clip 1
      4,
      4,
      20,
      36,
      0,
      0,
      10,
      10,
      12,
      12,
      39,
      39, // clip 0
    ]);
    const clipIndex = [1, 0];
    const out = tubeletRoi(feats, tubelets, K, { outputSize: 2, spatialScale: 1 / 8, clipIndex });
    expect(out.shape).toEqual([2, K, 2, 2, 2]);
    const frames = new Int32Array([3, 4, 5, 0, 1, 2]);
    const direct = roiAlign(feats, tubelets, frames, { outputSize: 2, spatialScale: 1 / 8 });
    expect(Array.from(out.dataSync())).toEqual(Array.from(direct.dataSync()));
    const maxed = tubeletRoi(feats, tubelets, K, {
      outputSize: 2,
      spatialScale: 1 / 8,
      clipIndex,
      pool: 'max',
    });
    expect(maxed.shape).toEqual([2, K, 2, 2, 2]);
    expect(() =>
      tubeletRoi(feats, new Float32Array(10), K, { outputSize: 2, spatialScale: 1 }),
    ).toThrow(/multiple of K·4 = 12/);
    tf.dispose([feats, out, direct, maxed]);
  });
});
