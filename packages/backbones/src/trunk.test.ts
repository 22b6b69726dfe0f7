import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  createRng,
  gradientCheck,
  initBackend,
  type Rng,
  readCheckpoint,
  roiAlign,
  tf,
} from '@tubekit/nn';
import { type PretrainClip, pretrainTrunk } from './pretrain-trunk';
import { Trunk } from './trunk';

const S = 16; // frame side (two stride-8 cells)

function frames(T: number, seed: number, ch = 3): tf.Tensor4D {
  const rng = createRng(seed);
  return tf.tensor4d(
    Float32Array.from({ length: T * S * S * ch }, () => rng.next()),
    [T, S, S, ch],
  );
}

/** A bright actor on a dark background, moving right (class 1) or left (class 0). */
function clip(rng: Rng): PretrainClip {
  const T = 3;
  const label = rng.int(2);
  const x0 = 4 + rng.next() * 2;
  const boxes = new Float64Array(T * 4);
  const frames = new Float32Array(T * S * S * 3);
  for (let t = 0; t < T; t++) {
    const x = x0 + (label ? 2 : -2) * t;
    boxes.set([x, 2, x + 6, 14], t * 4);
    for (let i = 0; i < S; i++)
      for (let j = 0; j < S; j++) {
        const inside = j >= x && j < x + 6 && i >= 2 && i < 14;
        for (let c = 0; c < 3; c++)
          frames[((t * S + i) * S + j) * 3 + c] = inside ? 0.9 : 0.2 * rng.next();
      }
  }
  return { frames, actors: [{ boxes, acting: Uint8Array.from([1, 1, 1]), label }] };
}

const tiny = { channels: 3, widths: [4, 4, 4] as const, neckChannels: 4 };

describe('Trunk', () => {
  beforeAll(async () => {
    await initBackend({ backend: 'cpu', log: () => {} });
  });

  it('gives stride-4 and stride-8 levels and a stride-8 neck, one row per frame', () => {
    const trunk = new Trunk({ ...tiny, seed: 1 });
    const x = frames(4, 1);
    const shapes = tf.tidy(() => {
      const f = trunk.backbone(x, 2);
      return [...f.levels.map((l) => [l.stride, ...l.tensor.shape]), trunk.neck(f, 2).shape];
    });
    expect(shapes).toEqual([
      [4, 4, 4, 4, 4],
      [8, 4, 2, 2, 4],
      [4, 2, 2, 4],
    ]);
    x.dispose();
    trunk.dispose();
  });

  it('computes features once per frame: a frame depends only on the 3 frames on each side', () => {
    const trunk = new Trunk({ ...tiny, seed: 2 });
    const x = frames(8, 3);
    const [whole, part, far] = tf.tidy(() => {
      const row = (t: tf.Tensor4D, f: number) =>
        Array.from(tf.slice(trunk.neck(trunk.backbone(t)), f, 1).dataSync());
      // frame 3 of frames 0…6 sees frames 0…6 exactly as in the 8-frame sequence; frame 4 does not
      return [row(x, 3), row(tf.slice(x, 0, 7), 3), [row(x, 4), row(tf.slice(x, 0, 7), 4)]];
    });
    expect(part).toEqual(whole);
    expect(far[0]).not.toEqual(far[1]);
    x.dispose();
    trunk.dispose();
  });

  it('keeps sequences apart: a batch of two sequences equals each sequence alone', () => {
    const trunk = new Trunk({ ...tiny, seed: 4 });
    const a = frames(3, 5);
    const b = frames(3, 6);
    const [joint, alone] = tf.tidy(() => {
      const both = tf.concat([a, b], 0);
      const j = trunk.neck(trunk.backbone(both, 3), 3);
      const s = tf.concat([trunk.neck(trunk.backbone(a)), trunk.neck(trunk.backbone(b))], 0);
      return [j.dataSync(), s.dataSync()];
    });
    expect(joint.length).toBe(alone.length);
    for (let i = 0; i < joint.length; i++) expect(joint[i]).toBeCloseTo(alone[i], 5);
    a.dispose();
    b.dispose();
    trunk.dispose();
  });

  it('is deterministic for a seed and differs across seeds', () => {
    const w = (seed: number) => {
      const t = new Trunk({ ...tiny, seed });
      const v = t.weights().map((x) => Array.from(x.variable.dataSync()));
      t.dispose();
      return v;
    };
    expect(w(7)).toEqual(w(7));
    expect(w(7)).not.toEqual(w(8));
  });

  it('has analytic gradients matching finite differences through backbone, neck and RoIAlign', () => {
    const trunk = new Trunk({ ...tiny, seed: 9 });
    const x = frames(3, 10);
    const boxes = new Float32Array([1, 2, 13, 15, 3, 0, 9, 8]);
    const f = (input: tf.Tensor) =>
      tf.tidy(() => {
        const neck = trunk.neck(trunk.backbone(input as tf.Tensor4D));
        const r = roiAlign(neck, boxes, [0, 2], { outputSize: 2, spatialScale: 1 / 8 });
        return tf.sum(tf.square(r)) as tf.Scalar;
      });
    const { maxError } = gradientCheck(f, [x], { epsilon: 1e-2, samples: 16 });
    expect(maxError).toBeLessThan(2e-2);
    // Weights: tfjs's variable gradients against central differences on a few entries of each.
    const { grads } = tf.variableGrads(() => f(x));
    for (const w of [trunk.weights()[0], trunk.weights()[6]]) {
      const g = grads[w.variable.name].dataSync();
      const v = w.variable.dataSync().slice();
      for (const i of [0, 7, 19]) {
        const at = (d: number) => {
          const p = v.slice();
          p[i] += d;
          w.variable.assign(tf.tensor(p, w.variable.shape));
          return f(x).dataSync()[0];
        };
        const numeric = (at(1e-2) - at(-1e-2)) / 2e-2;
        w.variable.assign(tf.tensor(v, w.variable.shape));
        expect(Math.abs(g[i] - numeric) / Math.max(1, Math.abs(numeric))).toBeLessThan(2e-2);
      }
    }
    tf.dispose(Object.values(grads));
    x.dispose();
    trunk.dispose();
  });

  it('leaks no tensors in a forward pass inside tidy', () => {
    const trunk = new Trunk({ ...tiny, seed: 11 });
    const x = frames(3, 12);
    const before = tf.memory().numTensors;
    tf.tidy(() => {
      trunk.neck(trunk.backbone(x));
    });
    expect(tf.memory().numTensors).toBe(before);
    x.dispose();
    trunk.dispose();
  });
});

describe('pretrainTrunk', () => {
  let dir: string;
  beforeAll(async () => {
    await initBackend({ log: () => {} });
    dir = mkdtempSync(join(tmpdir(), 'trunk-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  const run = async (seed: number, iterations: number, path?: string, stopAt?: number) => {
    const trunk = new Trunk({ ...tiny, seed });
    let drawn = 0;
    const summary = await pretrainTrunk(trunk, {
      numClasses: 2,
      clipLength: 3,
      frameWidth: S,
      cropSize: 16,
      frameHeight: S,
      iterations,
      batchClips: 2,
      learningRate: 1e-2,
      seed,
      sampleClip: (rng) => {
        // 2 clips per step: an interruption during step `stopAt`
        if (stopAt !== undefined && drawn++ === 2 * stopAt) throw new Error('interrupted');
        return clip(rng);
      },
      checkpoint: path ? { path, every: 2 } : undefined,
      progress: false,
    });
    const weights = trunk.weights().map((w) => Array.from(w.variable.dataSync()));
    return { trunk, summary, weights };
  };

  it('leaks no tensors, lowers the loss, and its checkpoint loads into a trunk', async () => {
    const before = tf.memory().numTensors;
    const path = join(dir, 'a.safetensors');
    const a = await run(3, 12, path);
    const first = (a.summary.losses[0] + a.summary.losses[1]) / 2;
    const last = (a.summary.losses[10] + a.summary.losses[11]) / 2;
    expect(last).toBeLessThan(first);
    expect(tf.memory().numTensors).toBe(before + a.trunk.weights().length);
    const fresh = new Trunk({ ...tiny, seed: 99 });
    fresh.load(await readCheckpoint(path), path);
    expect(fresh.weights().map((w) => Array.from(w.variable.dataSync()))).toEqual(a.weights);
    fresh.dispose();
    a.trunk.dispose();
  });

  it('is deterministic: a run resumed from its checkpoint ends with the weights of an uninterrupted one', async () => {
    const path = join(dir, 'b.safetensors');
    await expect(run(5, 8, path, 5)).rejects.toThrow('interrupted');
    const resumed = await run(5, 8, path);
    expect(resumed.summary.startStep).toBe(4);
    const straight = await run(5, 8);
    expect(resumed.weights).toEqual(straight.weights);
    resumed.trunk.dispose();
    straight.trunk.dispose();
  });

  it('runs actorness on the first clips only and reports held-out recognition without leaking', async () => {
    const rng = createRng(21);
    const heldOut = [clip(rng), clip(rng), clip(rng), clip(rng)];
    heldOut[3].actors[0].acting.fill(0); // an idle actor: the chance level is 1/4
    const reports: Array<[number, number, number, number, number[][]]> = [];
    const trunk = new Trunk({ ...tiny, seed: 4 });
    const before = tf.memory().numTensors;
    const options = {
      numClasses: 2,
      clipLength: 3,
      frameWidth: S,
      frameHeight: S,
      cropSize: 16,
      iterations: 4,
      batchClips: 3,
      actornessClips: 1,
      learningRate: 1e-2,
      seed: 4,
      sampleClip: clip,
      progress: false as const,
    };
    await pretrainTrunk(trunk, {
      ...options,
      heldOut: {
        clips: heldOut,
        every: 2,
        onAccuracy: (i, r) => reports.push([i, r.accuracy, r.idle, r.actors, r.confusion]),
      },
    });
    expect(reports.map((r) => [r[0], r[2], r[3]])).toEqual([
      [1, 0.25, 4],
      [3, 0.25, 4],
    ]);
    for (const [, accuracy, , , confusion] of reports) {
      // rows: true idle + 2 classes; the diagonal is what accuracy counts
      const truth = heldOut.flatMap((c) => c.actors.map((a) => (a.acting[0] ? a.label + 1 : 0)));
      expect(confusion.map((row) => row.reduce((a, b) => a + b, 0))).toEqual(
        [0, 1, 2].map((l) => truth.filter((t) => t === l).length),
      );
      expect(confusion[0][0] + confusion[1][1] + confusion[2][2]).toBe(accuracy * 4);
    }
    expect(tf.memory().numTensors).toBe(before);
    await expect(pretrainTrunk(trunk, { ...options, actornessClips: 4 })).rejects.toThrow(
      'pretrainTrunk: actornessClips must be an integer from 1 to batchClips (3), got 4',
    );
    trunk.dispose();
  });

  it('recognises each actor as its recognitionLabel when it has one, not as its label', async () => {
    // the same clips three ways: classes named by recognitionLabel, the same classes as plain
    // labels, and the plain labels alone; only the first two may train the same weights
    const relabel = (how: 'recognition' | 'label' | 'none') => (rng: Rng) => {
      const c = clip(rng);
      for (const a of c.actors) {
        if (how === 'recognition') a.recognitionLabel = 1 - a.label;
        if (how === 'label') a.label = 1 - a.label;
      }
      return c;
    };
    const weights = async (how: 'recognition' | 'label' | 'none') => {
      const trunk = new Trunk({ ...tiny, seed: 6 });
      await pretrainTrunk(trunk, {
        numClasses: 2,
        clipLength: 3,
        frameWidth: S,
        frameHeight: S,
        cropSize: 16,
        iterations: 2,
        batchClips: 2,
        learningRate: 1e-2,
        seed: 6,
        sampleClip: relabel(how),
        progress: false,
      });
      const w = trunk.weights().map((v) => Array.from(v.variable.dataSync()));
      trunk.dispose();
      return w;
    };
    const recognition = await weights('recognition');
    expect(recognition).toEqual(await weights('label'));
    expect(recognition).not.toEqual(await weights('none'));
  });

  it('loads a trunk of fewer input channels onto chosen channels: it computes what that trunk computes on them', () => {
    const flow = new Trunk({ ...tiny, seed: 3 });
    const contents = {
      tensors: flow.weights().map((w) => ({
        name: `param/trunk/${w.name}`,
        shape: w.variable.shape,
        data: w.variable.dataSync() as Float32Array,
      })),
      metadata: {},
    };
    const early = new Trunk({ ...tiny, channels: 6, seed: 4 });
    early.load(contents, 'flow.safetensors', { inputChannels: [3, 4, 5] });
    const flowFrames = frames(4, 5);
    const rgbFrames = frames(4, 6);
    const [expected, actual] = tf.tidy(() => {
      const both = tf.concat([rgbFrames, flowFrames], 3) as tf.Tensor4D;
      return [
        flow.neck(flow.backbone(flowFrames, 2), 2).dataSync(),
        early.neck(early.backbone(both, 2), 2).dataSync(),
      ];
    });
    expect(Array.from(actual)).toEqual(Array.from(expected));
    const stem = early.backboneWeights()[0].variable;
    const [kh, kw, cin, cout] = stem.shape;
    const w = stem.dataSync();
    for (let k = 0; k < kh * kw; k++)
      for (let c = 0; c < cin; c++)
        if (c % 6 < 3) for (let o = 0; o < cout; o++) expect(w[(k * cin + c) * cout + o]).toBe(0);
    expect(() => early.load(contents, 'flow.safetensors', { inputChannels: [3, 4] })).toThrow(
      'flow.safetensors: "param/trunk/backbone/stem.weight" has shape [3,3,9,4], a trunk of 2 input channels has [3,3,6,4]',
    );
    expect(() => early.load(contents, 'flow.safetensors', { inputChannels: [3, 3, 6] })).toThrow(
      'Trunk.load: inputChannels must be distinct channels in 0…5, got [3,3,6]',
    );
    for (const t of [flowFrames, rgbFrames]) t.dispose();
    flow.dispose();
    early.dispose();
  });

  it('names the checkpoint and the tensor when a trunk weight is missing', () => {
    const trunk = new Trunk({ ...tiny, seed: 1 });
    expect(() => trunk.load({ tensors: [], metadata: {} }, 'x.safetensors')).toThrow(
      'x.safetensors: has no tensor "param/trunk/backbone/stem.weight"',
    );
    trunk.dispose();
  });
});
