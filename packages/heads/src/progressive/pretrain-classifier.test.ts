import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Trunk } from '@tubekit/backbones';
import { boxIoUAt } from '@tubekit/geometry';
import { createRng, initBackend, readCheckpoint, tf } from '@tubekit/nn';
import {
  classifierTubelets,
  pretrainClassifier,
  REGRESSION_TUBELETS_PER_CLIP,
  regressionTubelets,
  TUBELETS_PER_CLIP,
} from './pretrain-classifier';
import { ProgressiveDetector } from './progressive-detector';

beforeAll(async () => {
  await initBackend({ log: () => undefined });
});

const K = 4;
const S = 24;

const detector = (options: { steps: number; sceneContext?: boolean; seed?: number }) =>
  new ProgressiveDetector({
    numClasses: 2,
    trunk: new Trunk({ channels: 3, widths: [4, 4, 4], neckChannels: 4, seed: 2 }),
    frameWidth: S,
    frameHeight: S,
    clipLength: K,
    steps: options.steps,
    extension: 'none',
    hidden: 16,
    sceneContext: options.sceneContext ?? true,
    seed: options.seed ?? 9,
  });

/** A box held still over the K frames. */
const still = (box: number[]) => Float64Array.from({ length: K * 4 }, (_, i) => box[i % 4]);

/**
 * Toy clips: one actor, acting (class 1 or 2: a bright or a dark square) or idle (a grey one),
 * on a noisy background.
 */
const toyClip = (rng: ReturnType<typeof createRng>) => {
  const target = rng.int(3);
  const frames = new Float32Array(K * S * S * 3).map(() => 0.4 + 0.2 * rng.next());
  const x = 2 + rng.int(10);
  const y = 2 + rng.int(10);
  const value = [0.5, 1, 0][target];
  for (let t = 0; t < K; t++)
    for (let r = y; r < y + 10; r++)
      for (let c = x; c < x + 10; c++)
        for (let k = 0; k < 3; k++) frames[((t * S + r) * S + c) * 3 + k] = value;
  return { frames, actors: [{ boxes: still([x, y, x + 10, y + 10]), target }] };
};

describe('classifierTubelets', () => {
  const actor = { boxes: still([4, 2, 12, 20]), target: 2 };
  const idle = { boxes: still([14, 4, 22, 22]), target: 0 };

  it('draws two jittered copies of an acting actor, another actor as it is, and a background box', () => {
    const boxes = new Float32Array(TUBELETS_PER_CLIP * K * 4);
    const targets = new Int32Array(TUBELETS_PER_CLIP).fill(-1);
    const clip = { frames: new Float32Array(0), actors: [idle, actor] };
    classifierTubelets(clip, K, { width: S, height: S }, createRng(3), boxes, targets, 0);
    expect(Array.from(targets)).toEqual([2, 2, 0, 0]);
    for (const n of [0, 1])
      for (let t = 0; t < K; t++)
        expect(boxIoUAt(boxes, n * K + t, actor.boxes, t)).toBeGreaterThanOrEqual(0.6);
    expect(Array.from(boxes.subarray(2 * K * 4, 3 * K * 4))).toEqual(Array.from(idle.boxes));
    for (const a of [actor, idle]) {
      let sum = 0;
      for (let t = 0; t < K; t++) sum += boxIoUAt(boxes, 3 * K + t, a.boxes, t);
      expect(sum / K).toBeLessThan(0.3);
    }
  });

  it('writes at the given tubelet and falls back to background boxes without actors', () => {
    const boxes = new Float32Array(2 * TUBELETS_PER_CLIP * K * 4);
    const targets = new Int32Array(2 * TUBELETS_PER_CLIP).fill(-1);
    const clip = { frames: new Float32Array(0), actors: [] };
    classifierTubelets(clip, K, { width: S, height: S }, createRng(1), boxes, targets, 4);
    expect(Array.from(targets)).toEqual([-1, -1, -1, -1, 0, 0, 0, 0]);
    for (let n = 4; n < 8; n++) {
      const [x1, y1, x2, y2] = boxes.subarray(n * K * 4, n * K * 4 + 4);
      expect(x1).toBeGreaterThanOrEqual(0);
      expect(y1).toBeGreaterThanOrEqual(0);
      expect(x2).toBeLessThanOrEqual(S);
      expect(y2).toBeLessThanOrEqual(S);
      expect(x2 - x1).toBeGreaterThan(0);
    }
  });
});

describe('regressionTubelets', () => {
  const actor = { boxes: still([4, 2, 12, 20]), target: 2 };
  const idle = { boxes: still([14, 4, 22, 22]), target: 0 };
  const mean = (boxes: Float32Array, n: number, gt: Float64Array) => {
    let sum = 0;
    for (let t = 0; t < K; t++) sum += boxIoUAt(boxes, n * K + t, gt, t);
    return sum / K;
  };

  it('places tubelets loosely on the acting actor (mean IoU 0.3–1) and writes its boxes beside them', () => {
    const clip = { frames: new Float32Array(0), actors: [idle, actor] };
    const rng = createRng(4);
    const ious: number[] = [];
    for (let draw = 0; draw < 50; draw++) {
      const boxes = new Float32Array((1 + REGRESSION_TUBELETS_PER_CLIP) * K * 4);
      const actorBoxes = new Float32Array(boxes.length);
      const target = regressionTubelets(
        clip,
        K,
        { width: S, height: S },
        rng,
        boxes,
        actorBoxes,
        1,
      );
      expect(target).toBe(2);
      expect(Array.from(boxes.subarray(0, K * 4))).toEqual(new Array(K * 4).fill(0));
      for (let n = 1; n <= REGRESSION_TUBELETS_PER_CLIP; n++) {
        expect(Array.from(actorBoxes.subarray(n * K * 4, (n + 1) * K * 4))).toEqual(
          Array.from(actor.boxes),
        );
        ious.push(mean(boxes, n, actor.boxes));
      }
    }
    expect(Math.min(...ious)).toBeGreaterThanOrEqual(0.3);
    // loose, not jittered: most are far from the ±10% copies of the classifier
    expect(ious.filter((v) => v < 0.67).length).toBeGreaterThan(ious.length / 3);
  });

  it('writes nothing and returns 0 when no actor acts', () => {
    const boxes = new Float32Array(REGRESSION_TUBELETS_PER_CLIP * K * 4);
    const actorBoxes = new Float32Array(boxes.length);
    const clip = { frames: new Float32Array(0), actors: [idle] };
    expect(
      regressionTubelets(clip, K, { width: S, height: S }, createRng(1), boxes, actorBoxes, 0),
    ).toBe(0);
    expect(boxes.every((v) => v === 0) && actorBoxes.every((v) => v === 0)).toBe(true);
  });
});

describe('pretrainClassifier', () => {
  /** 60 iterations on the toy clips. */
  const toyTraining = {
    iterations: 60,
    batchClips: 4,
    learningRate: 1e-2,
    seed: 5,
    sampleClip: toyClip,
    progress: false as const,
  };

  it('learns the toy classes, trains only the global branch, is deterministic and leaks no tensors', async () => {
    const before = tf.memory().numTensors;
    const run = async () => {
      const det = detector({ steps: 1 });
      const frozen = [
        ...det.trunk.neckWeights().map((w) => w.variable),
        ...det.heads[0].variables().slice(det.heads[0].classifierVariables().length),
      ].map((v) => v.dataSync().slice());
      const losses: number[] = [];
      await pretrainClassifier(det, {
        ...toyTraining,
        onIteration: (_i, loss) => losses.push(loss),
      });
      const after = [
        ...det.trunk.neckWeights().map((w) => w.variable),
        ...det.heads[0].variables().slice(det.heads[0].classifierVariables().length),
      ].map((v) => v.dataSync().slice());
      after.forEach((a, i) => {
        expect(Array.from(a)).toEqual(Array.from(frozen[i]));
      });
      const weights = det.heads[0].classifierVariables().map((v) => Array.from(v.dataSync()));
      det.dispose();
      det.trunk.dispose();
      return { losses, weights };
    };
    const a = await run();
    const mean = (x: number[]) => x.reduce((s, v) => s + v, 0) / x.length;
    expect(mean(a.losses.slice(-10))).toBeLessThan(0.7 * mean(a.losses.slice(0, 10)));
    const b = await run();
    expect(b.weights).toEqual(a.weights);
    expect(tf.memory().numTensors).toBe(before);
  });

  it('every step of a detector starts from the checkpoint; a head without scene context drops its scene rows', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'classifier-'));
    try {
      const path = join(dir, 'classifier.safetensors');
      const source = detector({ steps: 1 });
      await pretrainClassifier(source, {
        iterations: 2,
        batchClips: 2,
        learningRate: 1e-2,
        seed: 5,
        sampleClip: toyClip,
        progress: false,
        checkpoint: { path, every: 2 },
      });
      const trained = source.heads[0].classifierVariables().map((v) => v.dataSync().slice());
      const contents = await readCheckpoint(path);
      const target = detector({ steps: 3, seed: 77 });
      target.loadClassifier(contents, path);
      for (const head of target.heads)
        head.classifierVariables().forEach((v, i) => {
          expect(Array.from(v.dataSync())).toEqual(Array.from(trained[i]));
        });
      // the first temporal layer: [3 · (128 regional ⊕ 128 scene), 96] → [3 · 128, 96]
      const plain = detector({ steps: 2, sceneContext: false, seed: 77 });
      plain.loadClassifier(contents, path);
      const w = plain.heads[1].classifierVariables()[2];
      expect(w.shape).toEqual([3 * 128, 96]);
      const full = trained[2];
      const got = w.dataSync();
      for (const [tap, row] of [
        [0, 0],
        [1, 127],
        [2, 5],
      ])
        for (const col of [0, 95])
          expect(got[(tap * 128 + row) * 96 + col]).toBe(full[(tap * 256 + row) * 96 + col]);
      for (const d of [source, target, plain]) {
        d.dispose();
        d.trunk.dispose();
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('with box regression trains the local branch too, deterministically; every step loads it', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'classifier-'));
    const before = tf.memory().numTensors;
    try {
      const run = async (path: string) => {
        const det = detector({ steps: 1 });
        const neck = det.trunk.neckWeights().map((w) => w.variable.dataSync().slice());
        const local0 = det.heads[0].localVariables().map((v) => v.dataSync().slice());
        const losses: number[] = [];
        await pretrainClassifier(det, {
          ...toyTraining,
          boxRegression: true,
          checkpoint: { path, every: 60 },
          onIteration: (_i, loss) => losses.push(loss),
        });
        det.trunk.neckWeights().forEach((w, i) => {
          expect(Array.from(w.variable.dataSync())).toEqual(Array.from(neck[i]));
        });
        const local = det.heads[0].localVariables().map((v) => Array.from(v.dataSync()));
        local.forEach((v, i) => {
          expect(v).not.toEqual(Array.from(local0[i]));
        });
        det.dispose();
        det.trunk.dispose();
        return { losses, local };
      };
      const a = await run(join(dir, 'a.safetensors'));
      const avg = (x: number[]) => x.reduce((s, v) => s + v, 0) / x.length;
      // cross-entropy + smooth-ℓ1 (a 3 × 3 neck map leaves the toy's boxes hard to regress)
      expect(avg(a.losses.slice(-10))).toBeLessThan(0.9 * avg(a.losses.slice(0, 10)));
      const b = await run(join(dir, 'b.safetensors'));
      expect(b.local).toEqual(a.local);
      const contents = await readCheckpoint(join(dir, 'a.safetensors'));
      expect(contents.tensors.filter((t) => t.name.startsWith('param/local/')).length).toBe(4);
      const target = detector({ steps: 3, seed: 77 });
      target.loadClassifier(contents, 'a.safetensors');
      for (const head of target.heads)
        head.localVariables().forEach((v, i) => {
          expect(Array.from(v.dataSync())).toEqual(a.local[i]);
        });
      // a classifier-only checkpoint leaves the local branches as initialised
      const plain = detector({ steps: 2, seed: 77 });
      const initial = plain.heads[1].localVariables().map((v) => Array.from(v.dataSync()));
      plain.loadClassifier(
        {
          tensors: contents.tensors.filter((t) => !t.name.startsWith('param/local/')),
          metadata: {},
        },
        'classifier-only',
      );
      expect(plain.heads[1].localVariables().map((v) => Array.from(v.dataSync()))).toEqual(initial);
      for (const d of [target, plain]) {
        d.dispose();
        d.trunk.dispose();
      }
      expect(tf.memory().numTensors).toBe(before);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('refuses iterations or clips per batch that are not positive integers', async () => {
    const det = detector({ steps: 1 });
    const base = { learningRate: 1e-2, seed: 1, sampleClip: toyClip, progress: false as const };
    await expect(
      pretrainClassifier(det, { ...base, iterations: 0, batchClips: 2 }),
    ).rejects.toThrow('pretrainClassifier: iterations must be a positive integer, got 0');
    await expect(
      pretrainClassifier(det, { ...base, iterations: 2, batchClips: 1.5 }),
    ).rejects.toThrow('pretrainClassifier: batchClips must be a positive integer, got 1.5');
    det.dispose();
    det.trunk.dispose();
  });

  it('names the file and the tensor a checkpoint lacks or mis-shapes', () => {
    const det = detector({ steps: 1 });
    expect(() => det.loadClassifier({ tensors: [], metadata: {} }, 'c.safetensors')).toThrow(
      'c.safetensors: has no tensor "param/classifier/0"',
    );
    const tensors = det.heads[0].classifierVariables().map((v, i) => ({
      name: `param/classifier/${i}`,
      shape: i === 0 ? [7, 7] : [...v.shape],
      data: new Float32Array(i === 0 ? 49 : v.size),
    }));
    expect(() => det.loadClassifier({ tensors, metadata: {} }, 'c.safetensors')).toThrow(
      /c\.safetensors: TwoBranchHead\.setClassifier: tensor 0 has shape \[7,7\], the head expects \[\d+,128\]/,
    );
    const global = det.heads[0].classifierVariables().map((v, i) => ({
      name: `param/classifier/${i}`,
      shape: [...v.shape],
      data: new Float32Array(v.size),
    }));
    const local = { name: 'param/local/0', shape: [3], data: new Float32Array(3) };
    expect(() =>
      det.loadClassifier({ tensors: [...global, local], metadata: {} }, 'c.safetensors'),
    ).toThrow('c.safetensors: has no tensor "param/local/1"');
    const locals = det.heads[0].localVariables().map((v, i) => ({
      name: `param/local/${i}`,
      shape: i === 1 ? [5] : [...v.shape],
      data: new Float32Array(i === 1 ? 5 : v.size),
    }));
    expect(() =>
      det.loadClassifier({ tensors: [...global, ...locals], metadata: {} }, 'c.safetensors'),
    ).toThrow(
      /c\.safetensors: TwoBranchHead\.setLocal: tensor 1 has shape \[5\], the head expects \[16\]/,
    );
    det.dispose();
    det.trunk.dispose();
  });
});
