import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BackboneFeatureBank, Trunk } from '@tubekit/backbones';
import { initBackend, type Rng, readCheckpoint, tf } from '@tubekit/nn';
import { toyVideos } from '../../test/toy-videos';
import { clipWindow } from './clip-window';
import { ProgressiveDetector } from './progressive-detector';
import { trainProgressive } from './train-progressive';

beforeAll(async () => {
  await initBackend({ log: () => undefined });
});

/** The two-step toy detector (24 px frames, K = 4) the training tests share. */
const toyDetector = () =>
  new ProgressiveDetector({
    numClasses: 2,
    trunk: new Trunk({ channels: 3, widths: [4, 4, 4], neckChannels: 4, seed: 2 }),
    frameWidth: 24,
    frameHeight: 24,
    clipLength: 4,
    steps: 2,
    extension: 'extrapolation',
    hidden: 16,
    seed: 9,
  });

describe('trainProgressive checkpoints', () => {
  it('an interrupted run resumes from its checkpoint, ends with the same weights, and leaks no tensors', async () => {
    const tensorsBefore = tf.memory().numTensors;
    const dir = mkdtempSync(join(tmpdir(), 'step-ckpt-'));
    const { videos, read } = toyVideos(4, 2, 24, 16);
    const make = toyDetector;
    const options = (det: ProgressiveDetector, iterations: number, path?: string) => ({
      iterations,
      batchClips: 1,
      learningRate: 1e-3,
      seed: 4,
      iouThresholds: [0.3, 0.5],
      positivesPerClip: 1,
      hardAware: true,
      progress: false as const,
      sampleClip: (rng: Rng) =>
        clipWindow(videos[rng.int(videos.length)], read, {
          start: 5 + rng.int(4),
          clipLength: 4,
          windowLength: det.windowLength,
          frameWidth: 24,
          frameHeight: 24,
          channels: 3,
        }),
      checkpoint: path ? { path, every: 2 } : undefined,
    });
    const straight = make();
    await trainProgressive(straight, options(straight, 4));
    const path = join(dir, 'a.ckpt');
    const first = make();
    // A crash during the 3rd iteration: the checkpoint written after iteration 2 survives.
    await expect(
      trainProgressive(first, {
        ...options(first, 4, path),
        onIteration: (it) => {
          if (it === 2) throw new Error('interrupted');
        },
      }),
    ).rejects.toThrow('interrupted');
    first.dispose();
    first.trunk.dispose();
    const second = make();
    const r = await trainProgressive(second, options(second, 4, path));
    expect(r.resumedFrom).toBe(2);
    // nn's Trainer restores weights, Adam moments, step and generator exactly: same seed, same
    // weights (heads and the fine-tuned neck), bit for bit.
    const a = straight.variables().map((v) => Array.from(v.dataSync()));
    const b = second.variables().map((v) => Array.from(v.dataSync()));
    expect(b).toEqual(a);
    // the last checkpoint holds the trained detector: loadParameters sets a fresh one to it
    const contents = await readCheckpoint(path);
    const loaded = make();
    expect(loaded.variables().map((v) => Array.from(v.dataSync()))).not.toEqual(a);
    loaded.loadParameters(contents, path);
    expect(loaded.variables().map((v) => Array.from(v.dataSync()))).toEqual(a);
    const other = new ProgressiveDetector({ ...loaded.options, steps: 3, trunk: loaded.trunk });
    expect(() => other.loadParameters(contents, path)).toThrow(
      `${path}: not this detector's checkpoint (missing "param/step3/0"`,
    );
    other.dispose();
    for (const d of [straight, second, loaded]) {
      d.dispose();
      d.trunk.dispose();
    }
    // building, training, resuming (optimizer slots restored) and disposing leave nothing behind
    expect(tf.memory().numTensors).toBe(tensorsBefore);
    rmSync(dir, { recursive: true, force: true });
  });
});

describe('trainProgressive from stored backbone features', () => {
  it("'backbone' windows from a BackboneFeatureBank give the loss of pixel windows (within quantisation)", async () => {
    const { videos, read } = toyVideos(2, 2, 24, 16);
    const trunk = new Trunk({ channels: 3, widths: [4, 4, 4], neckChannels: 4, seed: 2 });
    const bank = new BackboneFeatureBank(trunk);
    // the window's frames 7…10 as one sequence (as the pixel window's trunk pass sees them)
    const frames = new Float32Array(4 * 24 * 24 * 3);
    for (let f = 7; f <= 10; f++) frames.set(read(videos[0], f), (f - 7) * 24 * 24 * 3);
    bank.add('window', frames, 4, 24, 24);
    const fromBank = (_: unknown, f: number) => bank.read('window', f - 7);
    const finalLoss = async (input: 'frames' | 'backbone') => {
      const det = new ProgressiveDetector({
        numClasses: 2,
        trunk,
        frameWidth: 24,
        frameHeight: 24,
        clipLength: 4,
        steps: 2,
        extension: 'none',
        hidden: 16,
        seed: 9,
      });
      const [h, w, ch] = det.inputShape(input);
      const losses: number[] = [];
      await trainProgressive(det, {
        iterations: 1,
        batchClips: 1,
        learningRate: 0,
        seed: 4,
        iouThresholds: [0.3, 0.5],
        positivesPerClip: 1,
        hardAware: true,
        progress: false,
        input,
        onIteration: (_, loss) => losses.push(loss),
        sampleClip: () =>
          clipWindow(videos[0], input === 'frames' ? read : fromBank, {
            start: 7,
            clipLength: 4,
            windowLength: det.windowLength,
            frameWidth: 24,
            frameHeight: 24,
            channels: 3,
            valuesPerFrame: h * w * ch,
          }),
      });
      det.dispose();
      return losses[0];
    };
    const a = await finalLoss('frames');
    const b = await finalLoss('backbone');
    expect(Number.isFinite(a)).toBe(true);
    expect(Math.abs(a - b)).toBeLessThan(0.05 * Math.abs(a));
    trunk.dispose();
  });
});

describe('trainProgressive with gradient accumulation', () => {
  it('a frame budget runs each mini-batch as micro-batches of whole clips; a budget that holds the batch changes nothing', async () => {
    const tensorsBefore = tf.memory().numTensors;
    const { videos, read } = toyVideos(4, 2, 24, 16);
    const run = async (microBatchFrames?: number) => {
      const det = toyDetector();
      const Tw = det.windowLength;
      const neck = jest.spyOn(det, 'neckFeatures');
      const losses: number[] = [];
      await trainProgressive(det, {
        iterations: 2,
        batchClips: 3,
        learningRate: 1e-3,
        seed: 4,
        iouThresholds: [0.3, 0.5],
        positivesPerClip: 1,
        hardAware: true,
        progress: false,
        microBatchFrames: microBatchFrames === undefined ? undefined : microBatchFrames * Tw,
        onIteration: (_, loss) => losses.push(loss),
        sampleClip: (rng: Rng) =>
          clipWindow(videos[rng.int(videos.length)], read, {
            start: 5 + rng.int(4),
            clipLength: 4,
            windowLength: Tw,
            frameWidth: 24,
            frameHeight: 24,
            channels: 3,
          }),
      });
      const framesPerPass = neck.mock.calls.map(([x]) => x.shape[0] / Tw);
      const weights = det.variables().map((v) => Array.from(v.dataSync()));
      det.dispose();
      det.trunk.dispose();
      return { framesPerPass, weights, losses };
    };
    const whole = await run();
    const held = await run(3.5); // room for 3 windows: one pass per mini-batch, as without a budget
    const split = await run(2.5); // 2 windows per micro-batch: 2 + 1 clips per mini-batch
    expect(whole.framesPerPass).toEqual([3, 3]);
    expect(held.framesPerPass).toEqual([3, 3]);
    expect(held.weights).toEqual(whole.weights);
    expect(split.framesPerPass).toEqual([2, 1, 2, 1]);
    // The first iteration sees the same clips from the same weights: the clip-weighted mean of
    // the micro-batches' losses is near the batch's (only the drawn proposals and the
    // per-micro-batch normalisation differ).
    expect(Math.abs(split.losses[0] - whole.losses[0])).toBeLessThan(0.01 * whole.losses[0]);
    expect(tf.memory().numTensors).toBe(tensorsBefore);
  });

  it('rejects a frame budget that is not a positive integer', async () => {
    const det = new ProgressiveDetector({
      numClasses: 2,
      trunk: new Trunk({ channels: 3, widths: [4, 4, 4], neckChannels: 4, seed: 2 }),
      frameWidth: 24,
      frameHeight: 24,
      clipLength: 4,
      steps: 1,
      extension: 'none',
      hidden: 16,
      seed: 9,
    });
    await expect(
      trainProgressive(det, {
        iterations: 1,
        batchClips: 2,
        learningRate: 1e-3,
        seed: 4,
        iouThresholds: [0.3],
        positivesPerClip: 1,
        hardAware: true,
        progress: false,
        microBatchFrames: 0,
        sampleClip: () => {
          throw new Error('not reached');
        },
      }),
    ).rejects.toThrow('trainProgressive: microBatchFrames must be a positive integer, got 0');
    det.dispose();
    det.trunk.dispose();
  });
});
