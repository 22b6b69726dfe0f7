import { Trunk } from '@tubekit/backbones';
import { createRng, initBackend, tf } from '@tubekit/nn';
import { toyVideos } from '../../test/toy-videos';
import { clipWindow } from './clip-window';
import { detectVideo } from './detect-video';
import { ProgressiveDetector } from './progressive-detector';
import { trainProgressive } from './train-progressive';

beforeAll(async () => {
  await initBackend({ log: () => undefined });
});

function makeDetector(extension: 'none' | 'extrapolation' | 'anticipation', steps = 2) {
  return new ProgressiveDetector({
    numClasses: 2,
    trunk: new Trunk({ channels: 3, widths: [4, 8, 8], neckChannels: 8, seed: 3 }),
    frameWidth: 32,
    frameHeight: 32,
    clipLength: 4,
    steps,
    extension,
    hidden: 32,
    seed: 3,
  });
}

/** The window of frames 8… of a toy video for `det` (K = 4, 32 px). */
function toyClip(
  det: ProgressiveDetector,
  video: Parameters<typeof clipWindow>[0],
  read: Parameters<typeof clipWindow>[1],
) {
  return clipWindow(video, read, {
    start: 8,
    clipLength: 4,
    windowLength: det.windowLength,
    frameWidth: 32,
    frameHeight: 32,
    channels: 3,
  });
}

describe('ProgressiveDetector', () => {
  it('runs Algorithm 1 with temporal extension 4 → 12 and leaks no tensors', () => {
    for (const ext of ['extrapolation', 'anticipation'] as const) {
      const det = makeDetector(ext);
      const before = tf.memory().numTensors;
      const frames = tf.randomUniform([det.windowLength + 3, 32, 32, 3], 0, 1, 'float32', 1);
      const features = det.neckFeatures(frames as tf.Tensor4D);
      // two overlapping windows of one 15-frame sequence, sharing its per-frame features
      const rows = Int32Array.from({ length: 2 * det.windowLength }, (_, i) =>
        i < det.windowLength ? i : i - det.windowLength + 3,
      );
      const steps = det.run({ features, rows });
      tf.dispose([frames, features]);
      expect(steps.map((s) => s.length)).toEqual([4, 12]);
      expect(steps[1].boxes.length).toBe(2 * 11 * 12 * 4);
      expect(steps[1].probs.length).toBe(2 * 11 * 3);
      expect(tf.memory().numTensors).toBe(before);
      det.dispose();
      det.trunk.dispose();
    }
  });

  it('weights the anticipation loss by γ: the loss is linear in γ and grows with it', () => {
    const { videos, read } = toyVideos(2, 1);
    const det = makeDetector('anticipation');
    const clip = toyClip(det, videos[0]!, read);
    const before = tf.memory().numTensors;
    const lossAt = (gamma: number | undefined) =>
      tf.tidy(() => {
        const x = tf.tensor4d(clip.frames, [det.windowLength, 32, 32, 3]);
        const features = det.neckFeatures(x);
        const rows = Int32Array.from({ length: det.windowLength }, (_, i) => i);
        const options = { iouThresholds: [0.3, 0.5], positivesPerClip: 2, hardAware: true };
        return det
          .loss({ features, rows }, [clip.gt], { ...options, gamma, rng: createRng(7) })
          .dataSync()[0]!;
      });
    const [l0, lHalf, l1, lDefault] = [0, 0.5, 1, undefined].map(lossAt);
    expect(l1).toBeGreaterThan(l0);
    expect(lHalf).toBeCloseTo((l0 + l1) / 2, 4);
    expect(lDefault).toBeCloseTo(l1, 5); // γ defaults to 1
    expect(tf.memory().numTensors).toBe(before);
    det.dispose();
    det.trunk.dispose();
  });

  it('fits a toy clip: the loss falls and detections are well-formed', async () => {
    // One clip, seen every iteration: a light check that the gradients of every step's loss
    // reach the weights (the sampled toy task needs many more iterations to show a trend).
    const { videos, read } = toyVideos(2, 1);
    const det = makeDetector('anticipation');
    const clip = toyClip(det, videos[0]!, read);
    const losses: number[] = [];
    await trainProgressive(det, {
      iterations: 12,
      batchClips: 1,
      learningRate: 3e-3,
      seed: 5,
      iouThresholds: [0.3, 0.5],
      positivesPerClip: 2,
      hardAware: true,
      progress: false,
      sampleClip: () => clip,
      onIteration: (_, l) => losses.push(l),
    });
    const head = losses.slice(0, 3).reduce((a, b) => a + b) / 3;
    const tail = losses.slice(-3).reduce((a, b) => a + b) / 3;
    expect(tail).toBeLessThan(0.8 * head);
    const tubelets = detectVideo(det, videos[0], read);
    expect(tubelets.length).toBeGreaterThan(0);
    for (const t of tubelets) {
      expect(t.boxes.length).toBe(16);
      expect(t.score).toBeGreaterThanOrEqual(0.01);
    }
    det.dispose();
    det.trunk.dispose();
  });
});
