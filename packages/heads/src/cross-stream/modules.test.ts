import { Trunk } from '@tubekit/backbones';
import { pairwiseIoU } from '@tubekit/geometry';
import { createRng, gradientCheck, initBackend, type Rng, roiAlign, tf } from '@tubekit/nn';
import { ActionnessClassifiers } from './actionness-classifiers';
import { BoxHead } from './box-head';
import { cooperateProposals } from './cooperate-proposals';
import { CrossStreamDetector, type CrossStreamDetectorOptions } from './cross-stream-detector';
import { FeaturePyramid } from './feature-pyramid';
import { pretrainingRois } from './pretraining-rois';
import { pyramidRoiAlign } from './pyramid-roi-align';
import { proposalsOf } from './scored-boxes';
import { stackFeatures } from './stack-features';

beforeAll(async () => {
  await initBackend({ backend: 'wasm', log: () => {} });
});

const S = 32;
const options = (featureCooperation: boolean, stages = 2): CrossStreamDetectorOptions => ({
  numClasses: 2,
  frameSize: S,
  trunkLevels: { channels: [4, 6], strides: [4, 8] },
  fpnChannels: 4,
  roiSize: 3,
  hidden: 8,
  stages,
  featureCooperation,
  rpnTopN: { train: 12, test: 8 },
  sampling: { rpnBatch: 32, headBatch: 16 },
  seed: 3,
});
const input = (seed: number, B = 2) => ({
  rgb: [
    tf.randomNormal([B, 8, 8, 4], 0, 1, 'float32', seed) as tf.Tensor4D,
    tf.randomNormal([B, 4, 4, 6], 0, 1, 'float32', seed + 1) as tf.Tensor4D,
  ],
  flow: [
    tf.randomNormal([B, 8, 8, 4], 0, 1, 'float32', seed + 2) as tf.Tensor4D,
    tf.randomNormal([B, 4, 4, 6], 0, 1, 'float32', seed + 3) as tf.Tensor4D,
  ],
});
const gt = [
  { boxes: Float64Array.from([4, 2, 14, 26]), labels: Int32Array.from([1]) },
  { boxes: Float64Array.from([12, 6, 28, 30, 0, 0, 8, 12]), labels: Int32Array.from([2, 1]) },
];

describe('FeaturePyramid (FPN, PCSC §3.3)', () => {
  it('gives d-channel maps at the input strides plus P6, with correct gradients', () => {
    const fpn = new FeaturePyramid({ inChannels: [2, 3], strides: [4, 8], channels: 2, seed: 1 });
    expect(fpn.strides).toEqual([4, 8, 16]);
    const c4 = tf.randomNormal([1, 4, 4, 2], 0, 1, 'float32', 1);
    const c8 = tf.randomNormal([1, 2, 2, 3], 0, 1, 'float32', 2);
    const before = tf.memory().numTensors;
    const shapes = tf.tidy(() =>
      fpn.forward([c4 as tf.Tensor4D, c8 as tf.Tensor4D]).map((l) => l.tensor.shape),
    );
    expect(shapes).toEqual([
      [1, 4, 4, 2],
      [1, 2, 2, 2],
      [1, 1, 1, 2],
    ]);
    expect(tf.memory().numTensors).toBe(before);
    const f = (a: tf.Tensor, b: tf.Tensor) =>
      tf.addN(
        fpn.forward([a as tf.Tensor4D, b as tf.Tensor4D]).map((l) => tf.sum(tf.square(l.tensor))),
      ) as tf.Scalar;
    expect(gradientCheck(f, [c4, c8], { samples: 8 }).maxError).toBeLessThan(2e-2);
    expect(
      () => new FeaturePyramid({ inChannels: [2, 3], strides: [4, 16], channels: 2, seed: 1 }),
    ).toThrow(/double/);
    tf.dispose([c4, c8]);
    fpn.dispose();
  });
});

describe('pyramidRoiAlign', () => {
  it('pools each box from its FPN level and keeps the boxes’ order', () => {
    const levels = [4, 8, 16].map((stride, i) => ({
      stride,
      tensor: tf.randomNormal([2, 32 / stride, 32 / stride, 3], 0, 1, 'float32', i) as tf.Tensor4D,
    }));
    // 32 px frame as canonical size: a 32 px box → level 4 (stride 16), 8 px → level 2 (stride 4)
    const boxes = Float64Array.from([0, 0, 32, 32, 4, 4, 12, 12]);
    const out = pyramidRoiAlign(levels, boxes, [1, 0], { outputSize: 2, canonicalSize: 32 });
    const big = roiAlign(levels[2]!.tensor, boxes.subarray(0, 4), [1], {
      outputSize: 2,
      spatialScale: 1 / 16,
      samplingRatio: 2,
    });
    const small = roiAlign(levels[0]!.tensor, boxes.subarray(4, 8), [0], {
      outputSize: 2,
      spatialScale: 1 / 4,
      samplingRatio: 2,
    });
    expect(Array.from(out.dataSync())).toEqual([...big.dataSync(), ...small.dataSync()]);
    tf.dispose([out, big, small, ...levels.map((l) => l.tensor)]);
  });
});

describe('BoxHead', () => {
  it('gives C + 1 logits and 4C deltas; every weight gets a gradient', () => {
    const head = new BoxHead({ channels: 2, roiSize: 2, hidden: 4, numClasses: 3, seed: 1 });
    const x = tf.randomNormal([5, 2, 2, 2], 0, 1, 'float32', 3) as tf.Tensor4D;
    const { value, grads } = tf.variableGrads(() =>
      tf.tidy(() => {
        const o = head.forward(x);
        expect(o.logits.shape).toEqual([5, 4]);
        expect(o.deltas.shape).toEqual([5, 3, 4]);
        return tf.add(tf.sum(tf.square(o.logits)), tf.sum(tf.square(o.deltas))) as tf.Scalar;
      }),
    );
    for (const w of head.weights)
      expect(tf.sum(tf.abs(grads[w.variable.name]!)).dataSync()[0]).toBeGreaterThan(0);
    tf.dispose([value, x, ...Object.values(grads)]);
    head.dispose();
  });
});

describe('stackFeatures', () => {
  const perFrame = (trunk: Trunk, frames: tf.Tensor4D) =>
    trunk.backbone(frames).levels.map((l) => l.tensor);

  it('averages the trunk levels over each key frame’s stack', () => {
    const trunk = new Trunk({ channels: 3, widths: [4, 4, 6], neckChannels: 4, seed: 1 });
    const frames = tf.randomUniform([4, 16, 16, 3], 0, 1, 'float32', 5) as tf.Tensor4D;
    const [out, full] = tf.tidy(() => {
      const o = stackFeatures(perFrame(trunk, frames), [
        [0, 1, 2],
        [2, 2, 2],
      ]);
      const f = trunk.backbone(frames).levels.map((l) => l.tensor);
      return [o.map((t) => tf.keep(t)), f.map((t) => tf.keep(t))];
    });
    expect(out.map((t) => t.shape)).toEqual([
      [2, 4, 4, 4],
      [2, 2, 2, 6],
    ]);
    const mean = tf.mean(tf.slice(full[0]!, 0, 3), 0);
    const repeated = tf.slice(full[0]!, 2, 1);
    expect(tf.max(tf.abs(tf.sub(tf.slice(out[0]!, 0, 1), mean))).dataSync()[0]).toBeLessThan(1e-5);
    expect(tf.max(tf.abs(tf.sub(tf.slice(out[0]!, 1, 1), repeated))).dataSync()[0]).toBeLessThan(
      1e-5,
    );
    expect(() => tf.tidy(() => stackFeatures(perFrame(trunk, frames), [[0, 9]]))).toThrow(
      /frame row 9/,
    );
    tf.dispose([...out, ...full, mean, repeated, frames]);
    trunk.dispose();
  });

  it('with segments, concatenates the means of consecutive parts in time order', () => {
    const trunk = new Trunk({ channels: 3, widths: [4, 4, 6], neckChannels: 4, seed: 1 });
    const frames = tf.randomUniform([6, 16, 16, 3], 0, 1, 'float32', 7) as tf.Tensor4D;
    tf.tidy(() => trunk.backbone(frames).levels.map((l) => l.tensor)); // warms the trunk up
    const before = tf.memory().numTensors;
    const [out, full] = tf.tidy(() => {
      const o = stackFeatures(perFrame(trunk, frames), [[5, 4, 3, 2, 1, 0]], 3);
      const f = trunk.backbone(frames).levels.map((l) => l.tensor);
      return [o.map((t) => tf.keep(t)), f.map((t) => tf.keep(t))];
    });
    expect(out.map((t) => t.shape)).toEqual([
      [1, 4, 4, 12],
      [1, 2, 2, 18],
    ]);
    // part 2 of the stride-8 level (channels 6…11) is the mean of rows 3 and 2; part 1 of the
    // stride-4 level (channels 0…3) the mean of rows 5 and 4
    const gap = (level: number, from: number, rows: number[]) =>
      tf.tidy(() => {
        const [, h, w, c] = full[level]!.shape;
        const part = tf.slice(out[level]!, [0, 0, 0, from], [1, h, w, c]);
        const mean = tf.mean(tf.gather(full[level]!, rows), 0, true);
        return tf.max(tf.abs(tf.sub(part, mean))).dataSync()[0]!;
      });
    expect(gap(1, 6, [3, 2])).toBeLessThan(1e-5);
    expect(gap(0, 0, [5, 4])).toBeLessThan(1e-5);
    expect(() => tf.tidy(() => stackFeatures(perFrame(trunk, frames), [[0, 1, 2, 3]], 3))).toThrow(
      /3 segments/,
    );
    tf.dispose([...out, ...full]);
    expect(tf.memory().numTensors).toBe(before);
    frames.dispose();
    trunk.dispose();
  });
});

describe('CrossStreamDetector (PCSC)', () => {
  it('sums every stage’s loss; every module gets a gradient; no tensor leaks', () => {
    const det = new CrossStreamDetector(options(true));
    const x = input(1);
    const before = tf.memory().numTensors;
    const rng = createRng(1);
    let stages: string[] = [];
    const { value, grads } = tf.variableGrads(() => {
      const r = det.run(x, gt, rng);
      stages = r.stages.map((s) => `${s.stage}/${s.stream}`);
      return r.loss!;
    }, det.trainableVariables);
    expect(stages).toEqual(['0/rgb', '0/flow', '1/rgb', '2/flow']);
    expect(Number.isFinite(value.dataSync()[0])).toBe(true);
    const silent = det.weights.filter(
      (w) => !(tf.tidy(() => tf.sum(tf.abs(grads[w.variable.name]!)).dataSync()[0]!) > 0),
    );
    expect(silent.map((w) => w.name)).toEqual([]);
    tf.dispose([value, ...Object.values(grads)]);
    expect(tf.memory().numTensors).toBe(before);
    tf.dispose([...x.rgb, ...x.flow]);
    det.dispose();
  });

  it.each<[string, { minScore?: number }]>([
    ['', {}],
    [' (no box passes the cooperation floor: later stages get no RoI)', { minScore: 2 }],
  ])(
    'trains on key frames without a GT box%s: a finite loss, and zero gradients where nothing is learned',
    (_, cooperation) => {
      const det = new CrossStreamDetector({ ...options(true), cooperation });
      const x = input(1);
      const none = { boxes: new Float64Array(0), labels: new Int32Array(0) };
      const before = tf.memory().numTensors;
      for (const [loss, weights] of [
        [(rng: Rng) => det.run(x, [none, none], rng).loss!, det.weights],
        [(rng: Rng) => det.pretrainingLoss(x, [none, none], rng), det.pretrainingWeights],
      ] as const) {
        const variables = weights.map((w) => w.variable);
        const { value, grads } = tf.variableGrads(() => loss(createRng(1)), variables);
        expect(Number.isFinite(value.dataSync()[0])).toBe(true);
        expect(variables.filter((v) => !grads[v.name]).map((v) => v.name)).toEqual([]);
        const size = (w: { variable: tf.Variable }) =>
          tf.tidy(() => tf.sum(tf.abs(grads[w.variable.name]!)).dataSync()[0]!);
        expect(weights.filter((w) => !Number.isFinite(size(w))).map((w) => w.name)).toEqual([]);
        // no positive RoI: the deltas join the loss at weight 0
        const deltas = weights.filter((w) => /reg\.(weight|bias)$/.test(w.name));
        expect(deltas.length).toBeGreaterThan(0);
        expect(deltas.map(size).every((g) => g === 0)).toBe(true);
        tf.dispose([value, ...Object.values(grads)]);
      }
      if (cooperation.minScore !== undefined) {
        const stages = det.detect(x);
        expect(stages.slice(2).every((s) => s.detections.every((d) => d.boxes.length === 0))).toBe(
          true,
        );
      }
      expect(tf.memory().numTensors).toBe(before);
      tf.dispose([...x.rgb, ...x.flow]);
      det.dispose();
    },
  );

  it('wires message passing Flow → RGB and proposal cooperation between the stages', () => {
    for (const featureCooperation of [true, false]) {
      const det = new CrossStreamDetector(options(featureCooperation, 1));
      const a = input(1);
      const b = { rgb: a.rgb, flow: input(9).flow };
      const ra = det.detect(a);
      const rb = det.detect(b);
      const rgb0 = (r: typeof ra) => Array.from(r[0]!.detections[0]!.probs);
      // stage-0 RGB sees flow only through image-level message passing (Eq. 1)
      if (featureCooperation) expect(rgb0(rb)).not.toEqual(rgb0(ra));
      else expect(rgb0(rb)).toEqual(rgb0(ra));
      // P^RGB_1 = B^RGB_0 ∪ B^Flow_0
      const P1 = cooperateProposals(
        proposalsOf(ra[0]!.detections[1]!),
        proposalsOf(ra[1]!.detections[1]!),
      );
      expect(Array.from(ra[2]!.proposals[1]!.boxes)).toEqual(Array.from(P1.boxes));
      tf.dispose([...a.rgb, ...a.flow, ...b.flow]);
      det.dispose();
    }
  });

  it('gives actionness features of 2d per box', () => {
    const det = new CrossStreamDetector(options(true));
    const x = input(2);
    const f = tf.tidy(() =>
      det.boxFeatures(x, Float64Array.from([0, 0, 16, 16, 4, 4, 30, 30]), [0, 1]),
    );
    expect(f.shape).toEqual([2, det.boxFeatureWidth]);
    tf.dispose([f, ...x.rgb, ...x.flow]);
    det.dispose();
  });
});

describe('head pretraining (pretrainingRois, pretrainingLoss, shareStageZeroHeads)', () => {
  it('labels jittered ground-truth copies by IoU ≥ 0.5 and places background boxes off the actors', () => {
    const frame = {
      boxes: Float64Array.from([10, 20, 40, 90, 60, 10, 90, 100]),
      labels: Int32Array.from([3, 1]),
    };
    const rois = pretrainingRois(frame, 112, createRng(4), { perBox: 40, background: 30 });
    expect(rois.labels.length).toBe(2 * 40 + 30);
    const ious = pairwiseIoU(rois.boxes, frame.boxes);
    let positives = 0;
    for (let i = 0; i < rois.labels.length; i++) {
      const best = ious[2 * i]! >= ious[2 * i + 1]! ? 0 : 1;
      const iou = ious[2 * i + best]!;
      if (iou >= 0.5) {
        positives++;
        expect([rois.labels[i], rois.matched[i]]).toEqual([frame.labels[best], best]);
      } else expect([rois.labels[i], rois.matched[i]]).toEqual([0, -1]);
      for (const v of rois.boxes.subarray(4 * i, 4 * i + 4)) {
        expect(v).toBeGreaterThanOrEqual(0);
        expect(v).toBeLessThanOrEqual(112);
      }
    }
    // most jittered copies stay positives (shift ≤ 0.25 of a side, scale ≤ 1.3×); background never is
    expect(positives).toBeGreaterThan(0.5 * 80);
    for (let i = 80; i < rois.labels.length; i++)
      expect(Math.max(ious[2 * i]!, ious[2 * i + 1]!)).toBeLessThan(0.3);
    // seeded: the same draws again
    expect(pretrainingRois(frame, 112, createRng(4), { perBox: 40, background: 30 })).toEqual(rois);
  });

  it('trains exactly the pyramids, image messages and stage-0 heads; no tensor leaks', () => {
    const det = new CrossStreamDetector(options(true));
    const x = input(5);
    const before = tf.memory().numTensors;
    const trained = new Set(det.pretrainingWeights.map((w) => w.variable.name));
    const { value, grads } = tf.variableGrads(
      () => det.pretrainingLoss(x, gt, createRng(2)),
      det.trainableVariables.filter((v) => trained.has(v.name)),
    );
    expect(Number.isFinite(value.dataSync()[0])).toBe(true);
    const silent = det.pretrainingWeights.filter(
      (w) => !(tf.tidy(() => tf.sum(tf.abs(grads[w.variable.name]!)).dataSync()[0]!) > 0),
    );
    expect(silent.map((w) => w.name)).toEqual([]);
    // neither RPN nor a later stage's head nor RoI-level message passing is part of it
    expect(det.pretrainingWeights.length).toBeLessThan(det.weights.length);
    tf.dispose([value, ...Object.values(grads)]);
    expect(tf.memory().numTensors).toBe(before);
    tf.dispose([...x.rgb, ...x.flow]);
    det.dispose();
  });

  it('with pretrainRefinementStages also trains every refinement stage’s head and RoI message (feature cooperation only)', () => {
    const plain = new CrossStreamDetector(options(true));
    const det = new CrossStreamDetector({ ...options(true), pretrainRefinementStages: true });
    const x = input(5);
    const before = tf.memory().numTensors;
    const names = (ws: readonly { variable: tf.Variable }[]) => ws.map((w) => w.variable.name);
    // everything but the RPNs: both pyramids, both message passings, every stage's head
    const expected = det.weights.filter((w) => !/rpn/i.test(w.variable.name));
    expect(expected.length).toBeLessThan(det.weights.length);
    expect(names(det.pretrainingWeights).sort()).toEqual(names(expected).sort());
    const { value, grads } = tf.variableGrads(
      () => det.pretrainingLoss(x, gt, createRng(2)),
      det.pretrainingWeights.map((w) => w.variable),
    );
    const silent = det.pretrainingWeights.filter(
      (w) => !(tf.tidy(() => tf.sum(tf.abs(grads[w.variable.name]!)).dataSync()[0]!) > 0),
    );
    expect(silent.map((w) => w.name)).toEqual([]);
    // the same initial weights (same seed) and RoIs: the stage-0 losses are the plain detector's,
    // and the refinement stages' losses come on top
    const base = tf.tidy(() => plain.pretrainingLoss(x, gt, createRng(2)).dataSync()[0]!);
    expect(value.dataSync()[0]!).toBeGreaterThan(base + 0.1);
    tf.dispose([value, ...Object.values(grads)]);
    expect(tf.memory().numTensors).toBe(before);
    // the pretrained refinement heads are kept, not overwritten by stage 0's
    const heads = () =>
      det.weights
        .filter((w) => w.variable.name.includes('box-head'))
        .map((w) => Array.from(w.variable.dataSync()));
    const pretrained = heads();
    det.shareStageZeroHeads();
    expect(heads()).toEqual(pretrained);
    // without feature cooperation there is no message, and the option changes nothing
    const noFc = new CrossStreamDetector({ ...options(false), pretrainRefinementStages: true });
    const noFcPlain = new CrossStreamDetector(options(false));
    expect(noFc.pretrainingWeights.map((w) => w.name)).toEqual(
      noFcPlain.pretrainingWeights.map((w) => w.name),
    );
    for (const d of [plain, det, noFc, noFcPlain]) d.dispose();
    tf.dispose([...x.rgb, ...x.flow]);
  });

  it('starts each later stage from its target stream’s stage-0 head', () => {
    const det = new CrossStreamDetector(options(false, 2));
    // heads in order: stage-0 RGB, stage-0 Flow, stage 1 (RGB), stage 2 (Flow); 8 weights each
    const heads = () => {
      const w = det.weights.filter((x) => x.variable.name.includes('box-head'));
      return [0, 1, 2, 3].map((h) =>
        w.slice(8 * h, 8 * h + 8).map((x) => Array.from(x.variable.dataSync())),
      );
    };
    const before = heads();
    expect(before[2]).not.toEqual(before[0]);
    det.shareStageZeroHeads();
    const after = heads();
    expect(after[0]).toEqual(before[0]);
    expect(after[1]).toEqual(before[1]);
    expect(after[2]).toEqual(before[0]);
    expect(after[3]).toEqual(before[1]);
    det.dispose();
  });
});

describe('ActionnessClassifiers (PCSC §3.4)', () => {
  it('scores each row with its class’s classifier; balanced BCE; gradients reach both', () => {
    const tr = new ActionnessClassifiers({ numClasses: 2, inChannels: 2, seed: 1 });
    tr.weights[0]!.variable.assign(tf.tensor2d([1, 0, 0, 2], [2, 2]));
    tr.weights[1]!.variable.assign(tf.tensor1d([0, -1]));
    const x = tf.tensor2d([1, 1, 1, 1, 0, 0], [3, 2]);
    const logits = tr.logits(x, [1, 2, 2]);
    expect(Array.from(logits.dataSync())).toEqual([1, 1, -1]);
    // labels 1, 0, 0: one positive, two negatives → positive weight 2
    const sp = (v: number) => Math.log(1 + Math.exp(v));
    const expected = (2 * sp(-1) + sp(1) + sp(-1)) / 3;
    const loss = tr.loss(x, [1, 2, 2], [1, 0, 0]);
    expect(loss.dataSync()[0]).toBeCloseTo(expected, 5);
    const { grads, value } = tf.variableGrads(() => tr.loss(x, [1, 2, 2], [1, 0, 0]));
    for (const w of tr.weights)
      expect(tf.sum(tf.abs(grads[w.variable.name]!)).dataSync()[0]).toBeGreaterThan(0);
    expect(() => tr.logits(x, [1, 3, 1])).toThrow(/class 3/);
    tf.dispose([x, logits, loss, value, ...Object.values(grads)]);
    tr.dispose();
  });
});
