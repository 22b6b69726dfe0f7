import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { decodeCheckpoint, encodeCheckpoint } from './checkpoint-file';
import { conv3d } from './conv3d';
import { initBackend } from './init-backend';
import { softmaxCrossEntropy } from './losses';
import { learningRateAt } from './optimizer';
import type { Rng } from './random';
import { createRng } from './random';
import { roiAlign } from './roi-align';
import { type TrainableParameter, Trainer, train } from './trainer';

beforeAll(async () => {
  await initBackend({ backend: 'wasm', log: () => {} });
});

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'tubekit-nn-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

/** A tiny clip classifier exercising every filled kernel: conv3d → conv2d → depthwise → RoI align → linear. */
function tinyNet(seed: number) {
  const rng = createRng(seed);
  const init = (shape: number[], fanIn: number, name: string): TrainableParameter => ({
    name,
    variable: tf.variable(
      tf.tensor(
        Float32Array.from(
          { length: shape.reduce((a, b) => a * b, 1) },
          () => rng.normal() * Math.sqrt(2 / fanIn),
        ),
        shape,
      ),
      true,
    ),
  });
  const params = [
    init([3, 3, 3, 1, 4], 27, 'c3d'),
    init([3, 3, 4, 6], 36, 'c2d'),
    init([3, 3, 6, 1], 9, 'dw'),
    init([2 * 2 * 6, 2], 24, 'fc'),
  ];
  const [c3d, c2d, dw, fc] = params.map((p) => p.variable);
  const T = 2;
  const S = 12;
  const makeBatch = (r: Rng, n: number) => {
    const x = new Float32Array(n * T * S * S);
    const labels = new Int32Array(n);
    const boxes = new Float32Array(n * T * 4);
    const frames = new Int32Array(n * T);
    for (let i = 0; i < n; i++) {
      labels[i] = r.int(2);
      const x0 = 1 + r.int(5);
      const y0 = 1 + r.int(5);
      for (let t = 0; t < T; t++) {
        for (let y = 0; y < S; y++)
          for (let xx = 0; xx < S; xx++) {
            const inside = y >= y0 && y < y0 + 5 && xx >= x0 && xx < x0 + 5;
            x[((i * T + t) * S + y) * S + xx] =
              (inside ? (labels[i] ? 1 : -1) : 0) + 0.2 * r.normal();
          }
        boxes.set([x0, y0, x0 + 5, y0 + 5], (i * T + t) * 4);
        frames[i * T + t] = i * T + t;
      }
    }
    return { x, labels, boxes, frames, n };
  };
  const loss = (b: ReturnType<typeof makeBatch>) =>
    tf.tidy(() => {
      const clip = tf.tensor5d(b.x, [b.n, T, S, S, 1]);
      const h = tf.relu(conv3d(clip, c3d as tf.Tensor5D));
      const f = tf.relu(
        tf.conv2d(tf.reshape(h, [b.n * T, S, S, 4]) as tf.Tensor4D, c2d as tf.Tensor4D, 1, 'same'),
      );
      const g = tf.relu(tf.depthwiseConv2d(f, dw as tf.Tensor4D, 2, 'same')); // stride 2 → 6×6
      const pooled = roiAlign(g, b.boxes, b.frames, { outputSize: 2, spatialScale: 0.5 });
      const perTube = tf.mean(tf.reshape(pooled, [b.n, T, 24]), 1);
      return softmaxCrossEntropy(tf.matMul(perTube, fc) as tf.Tensor2D, b.labels) as tf.Scalar;
    });
  /** Samples `from…to−1` of a batch, as a batch of their own. */
  const part = (b: ReturnType<typeof makeBatch>, from: number, to: number) => ({
    x: b.x.slice(from * T * S * S, to * T * S * S),
    labels: b.labels.slice(from, to),
    boxes: b.boxes.slice(from * T * 4, to * T * 4),
    frames: b.frames.slice(0, (to - from) * T),
    n: to - from,
  });
  /** Micro-batches of `size` samples whose losses (means weighted by share) sum to the batch mean. */
  const microBatches = (b: ReturnType<typeof makeBatch>, size: number) =>
    Array.from({ length: Math.ceil(b.n / size) }, (_, i) => {
      const p = part(b, i * size, Math.min(b.n, (i + 1) * size));
      return () => tf.mul(loss(p), p.n / b.n) as tf.Scalar;
    });
  return { params, makeBatch, loss, microBatches };
}

describe('Trainer and train', () => {
  test('a tiny conv3d/conv2d/depthwise/RoI-align net trains on wasm: the loss falls, no tensors leak', async () => {
    const net = tinyNet(1);
    const trainer = new Trainer({
      parameters: net.params,
      optimizer: { kind: 'adam', learningRate: 0.02 },
      clipGradNorm: 5,
      seed: 2,
    });
    const first = await train(trainer, {
      steps: 3,
      loss: (_s, rng) => net.loss(net.makeBatch(rng, 8)),
      progress: false,
    });
    const tensors = tf.memory().numTensors;
    const rest = await train(trainer, {
      steps: 40,
      loss: (_s, rng) => net.loss(net.makeBatch(rng, 8)),
      progress: false,
    });
    expect(tf.memory().numTensors).toBe(tensors);
    const losses = [...first.losses, ...rest.losses];
    const mean = (a: number[]) => a.reduce((s, v) => s + v, 0) / a.length;
    expect(mean(losses.slice(-8))).toBeLessThan(0.5 * mean(losses.slice(0, 8)));
    trainer.dispose();
    tf.dispose(net.params.map((p) => p.variable));
  });

  test.each([
    ['one loss closure', false],
    ['micro-batches', true],
  ])(
    'resuming from a checkpoint reproduces the uninterrupted run exactly (weights, moments, step, rng): %s',
    async (_name, micro) => {
      const run = async (split: boolean) => {
        const net = tinyNet(5);
        const mk = () =>
          new Trainer({
            parameters: net.params,
            optimizer: { kind: 'sgd', learningRate: 0.05, momentum: 0.9 },
            schedule: { kind: 'step', milestones: [3], gamma: 0.5 },
            seed: 9,
          });
        const path = join(dir, split ? 'split.ckpt' : 'whole.ckpt');
        const lossOf = micro
          ? { microBatches: (_s: number, rng: Rng) => net.microBatches(net.makeBatch(rng, 4), 3) }
          : { loss: (_s: number, rng: Rng) => net.loss(net.makeBatch(rng, 4)) };
        let trainer = mk();
        if (split) {
          await train(trainer, {
            steps: 3,
            ...lossOf,
            checkpoint: { path, every: 2 },
            progress: false,
          });
          trainer.dispose();
          // scramble the weights: the checkpoint must restore them
          for (const p of net.params) p.variable.assign(tf.zerosLike(p.variable));
          trainer = mk();
        }
        const s = await train(trainer, {
          steps: 6,
          ...lossOf,
          checkpoint: { path, every: 2 },
          progress: false,
        });
        const out = net.params.map((p) => Array.from(p.variable.dataSync()));
        trainer.dispose();
        tf.dispose(net.params.map((p) => p.variable));
        return { out, s };
      };
      const whole = await run(false);
      const split = await run(true);
      expect(split.s.startStep).toBe(3);
      expect(split.s.steps).toBe(3);
      expect(split.out).toEqual(whole.out);
      expect(Array.from(split.s.losses)).toEqual(Array.from(whole.s.losses.slice(3)));
      expect(readdirSync(dir).sort()).toEqual(['split.ckpt', 'whole.ckpt']); // no temporary files left
    },
  );

  test('gradient accumulation: micro-batches give the update of the whole batch (Adam, schedule, clipping) and leak no tensors', async () => {
    const run = async (microSize: number | undefined) => {
      const net = tinyNet(3);
      const trainer = new Trainer({
        parameters: net.params,
        optimizer: { kind: 'adam', learningRate: 0.01 },
        schedule: { kind: 'step', milestones: [2], gamma: 0.5, warmupSteps: 1 },
        clipGradNorm: 0.5, // below the first steps' norms: the clipping acts on the summed gradient
        seed: 4,
      });
      const tensors = tf.memory().numTensors;
      const counts: number[] = [];
      const s = await train(trainer, {
        steps: 4,
        ...(microSize === undefined
          ? { loss: (_s: number, rng: Rng) => net.loss(net.makeBatch(rng, 7)) }
          : {
              microBatches: (_s: number, rng: Rng) =>
                net.microBatches(net.makeBatch(rng, 7), microSize),
            }),
        onStep: (r) => counts.push(r.gradNorm),
        progress: false,
      });
      const slots = net.params.length * 2; // Adam's m and v, created on the first step
      expect(tf.memory().numTensors).toBe(tensors + slots);
      const out = net.params.map((p) => Float32Array.from(p.variable.dataSync()));
      trainer.dispose();
      tf.dispose(net.params.map((p) => p.variable));
      return { out, losses: Array.from(s.losses), norms: counts };
    };
    const big = await run(undefined);
    const micro = await run(3); // parts of 3, 3 and 1 samples
    expect(big.norms[0]).toBeGreaterThan(0.5);
    micro.losses.forEach((l, i) => {
      expect(l).toBeCloseTo(big.losses[i], 5);
    });
    micro.norms.forEach((n, i) => {
      expect(n).toBeCloseTo(big.norms[i], 4);
    });
    micro.out.forEach((w, i) => {
      let diff = 0;
      for (let j = 0; j < w.length; j++) diff = Math.max(diff, Math.abs(w[j] - big.out[i][j]));
      expect(diff).toBeLessThan(1e-5);
    });
  });

  test('gradient accumulation frees each micro-batch before the next: only the gradient sums stay live', () => {
    const net = tinyNet(6);
    const trainer = new Trainer({
      parameters: net.params,
      optimizer: { kind: 'sgd', learningRate: 0.01 },
      seed: 1,
    });
    const live: number[] = [];
    const parts = net.microBatches(net.makeBatch(trainer.rng, 6), 2).map((f) => () => {
      live.push(tf.memory().numTensors);
      return f();
    });
    const before = tf.memory().numTensors;
    trainer.step(parts);
    expect(live).toEqual([before, before + net.params.length, before + net.params.length]);
    expect(tf.memory().numTensors).toBe(before);
    expect(() => trainer.step([])).toThrow('Trainer: a step needs at least one micro-batch');
    trainer.dispose();
    tf.dispose(net.params.map((p) => p.variable));
  });

  test('Adam and SGD follow the PyTorch update rules; clipping bounds the step', () => {
    const w = tf.variable(tf.tensor1d([1, -2]), true);
    const target = tf.tensor1d([0, 0]);
    const loss = () => tf.sum(tf.square(tf.sub(w, target))) as tf.Scalar; // grad 2w
    const adam = new Trainer({
      parameters: [{ name: 'w', variable: w }],
      optimizer: { kind: 'adam', learningRate: 0.1 },
      seed: 0,
    });
    adam.step(loss); // first Adam step moves each coordinate by lr·sign(g) (bias-corrected)
    const a = w.dataSync();
    expect(a[0]).toBeCloseTo(0.9, 5);
    expect(a[1]).toBeCloseTo(-1.9, 5);
    adam.dispose();
    w.assign(tf.tensor1d([1, -2]));
    const sgd = new Trainer({
      parameters: [{ name: 'w', variable: w }],
      optimizer: { kind: 'sgd', learningRate: 0.1, momentum: 0.5, weightDecay: 0.1 },
      seed: 0,
    });
    sgd.step(loss); // g = 2w + 0.1w = 2.1w; b = g; w ← w − 0.1·2.1w = 0.79w
    expect(Array.from(w.dataSync()).map((v) => Number(v.toFixed(5)))).toEqual([0.79, -1.58]);
    sgd.step(loss); // g = 2.1·0.79w0; b = 0.5·2.1w0 + g; w ← 0.79w0 − 0.1·b
    expect(w.dataSync()[0]).toBeCloseTo(0.79 - 0.1 * (0.5 * 2.1 + 2.1 * 0.79), 5);
    sgd.dispose();
    w.assign(tf.tensor1d([3, 4]));
    const clipped = new Trainer({
      parameters: [{ name: 'w', variable: w }],
      optimizer: { kind: 'sgd', learningRate: 1 },
      clipGradNorm: 1,
      seed: 0,
    });
    const r = clipped.step(loss);
    expect(r.gradNorm).toBeCloseTo(10, 4);
    expect(w.dataSync()[0]).toBeCloseTo(3 - 0.6, 4);
    expect(w.dataSync()[1]).toBeCloseTo(4 - 0.8, 4);
    clipped.dispose();
    tf.dispose([w, target]);
  });

  test('step-decay schedule with warm-up', () => {
    const s = {
      kind: 'step' as const,
      milestones: [10, 20],
      gamma: 0.1,
      warmupSteps: 4,
      warmupFactor: 0.25,
    };
    expect(learningRateAt(1, s, 0)).toBeCloseTo(0.25);
    expect(learningRateAt(1, s, 2)).toBeCloseTo(0.625);
    expect(learningRateAt(1, s, 5)).toBe(1);
    expect(learningRateAt(1, s, 10)).toBeCloseTo(0.1);
    expect(learningRateAt(1, s, 25)).toBeCloseTo(0.01);
  });

  test('a checkpoint that does not fit names what is missing, unexpected and mis-shaped', () => {
    const a = tf.variable(tf.zeros([2, 3]), true);
    const b = tf.variable(tf.zeros([4]), true);
    const t = new Trainer({
      parameters: [
        { name: 'a', variable: a },
        { name: 'b', variable: b },
      ],
      optimizer: { kind: 'sgd', learningRate: 1 },
      seed: 0,
    });
    const contents = t.checkpoint();
    contents.tensors = contents.tensors.filter((x) => x.name !== 'param/b');
    contents.tensors[0] = { name: 'param/a', shape: [3, 2], data: new Float32Array(6) };
    contents.tensors.push({ name: 'param/c', shape: [1], data: new Float32Array(1) });
    const roundTrip = decodeCheckpoint(encodeCheckpoint(contents));
    expect(() => t.restore(roundTrip, 'run.ckpt')).toThrow(
      'run.ckpt: does not match the trainer — missing: param/b; unexpected: param/c; mis-shaped: param/a [3,2] ≠ [2,3]',
    );
    t.dispose();
    tf.dispose([a, b]);
  });

  test('a parameter the loss does not reach: an error by default; with skip, it and its moments stay', () => {
    const a = tf.variable(tf.scalar(1), true);
    const b = tf.variable(tf.scalar(2), true);
    const make = (unusedParameters?: 'skip') =>
      new Trainer({
        parameters: [
          { name: 'a', variable: a },
          { name: 'b', variable: b },
        ],
        optimizer: { kind: 'adam', learningRate: 0.1 },
        seed: 0,
        unusedParameters,
      });
    const strict = make();
    expect(() => strict.step(() => tf.square(a) as tf.Scalar)).toThrow(
      'Trainer: parameter "b" received no gradient (is it used by the loss?)',
    );
    strict.dispose();
    const t = make('skip');
    const before = tf.memory().numTensors;
    t.step(() => tf.square(a) as tf.Scalar);
    expect(b.dataSync()[0]).toBe(2);
    expect(a.dataSync()[0]).toBeCloseTo(0.9, 6);
    // b's moments were never touched: its first moments are (1 − β)·g and (1 − β₂)·g², bias-corrected
    // at the trainer's step 2: b − lr · (0.1 / 0.19) / sqrt(0.001 / 0.001999)
    t.step(() => tf.add(tf.square(a), tf.square(b)) as tf.Scalar);
    expect(b.dataSync()[0]).toBeCloseTo(2 - (0.1 * (0.1 / 0.19)) / Math.sqrt(0.001 / 0.001999), 5);
    expect(tf.memory().numTensors).toBe(before + 4); // the two moments of a, then of b
    t.dispose();
    tf.dispose([a, b]);
  });

  test('the progress bar reports step counts, rate and ETA on the given stream', async () => {
    const w = tf.variable(tf.scalar(1), true);
    const lines: string[] = [];
    const stream = {
      isTTY: false,
      write: (s: string) => lines.push(s),
    } as unknown as NodeJS.WriteStream;
    const t = new Trainer({
      parameters: [{ name: 'w', variable: w }],
      optimizer: { kind: 'sgd', learningRate: 0.1 },
      seed: 0,
    });
    await train(t, {
      steps: 5,
      loss: () => tf.square(w) as tf.Scalar,
      progress: { label: 'fit', stream },
    });
    const last = lines[lines.length - 1];
    expect(last).toMatch(/^fit \[#+\] 5\/5 [0-9.]+s [0-9.]+ it\/s ETA 0:00 loss [0-9.]+ lr 0.100/);
    t.dispose();
    w.dispose();
  });
});
