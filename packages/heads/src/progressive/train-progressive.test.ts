import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BackboneFeatureBank, Trunk } from '@tubekit/backbones';
import { initBackend, type Rng, tf } from '@tubekit/nn';
import { toyVideos } from '../../test/toy-videos';
import { clipWindow } from './clip-window';
import { ProgressiveDetector } from './progressive-detector';
import { trainProgressive } from './train-progressive';

beforeAll(async () => {
  await initBackend({ log: () => undefined });
});

describe('trainProgressive checkpoints', () => {
  it('an interrupted run resumes from its checkpoint, ends with the same weights, and leaks no tensors', async () => {
    const tensorsBefore = tf.memory().numTensors;
    const dir = mkdtempSync(join(tmpdir(), 'step-ckpt-'));
    const { videos, read } = toyVideos(4, 2, 24, 16);
    const make = () =>
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
    for (const d of [straight, second]) {
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
