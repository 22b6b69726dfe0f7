import { BackboneFeatureBank, Trunk } from '@tubekit/backbones';
import { defineBenchSuite } from '@tubekit/benchmarks';
import type { VideoAnnotation } from '@tubekit/datasets';
import {
  clipWindow,
  detectVideo,
  ProgressiveDetector,
  type ProgressiveDetectorOptions,
  STEP_GRID_11,
  STEP_GRID_34,
  trainProgressive,
} from '@tubekit/heads/progressive';
import { initBackend, tf } from '@tubekit/nn';
import { type Convolutions, selectConvolutions } from '../src/convolutions';
import { PROFILES } from '../src/profiles';

const S = 112;
const quick = PROFILES.quick;
const video: VideoAnnotation = { name: 'bench/v', nframes: 60, width: S, height: S, tubes: [] };
function frameReader(channels: number) {
  const frame = new Float32Array(S * S * channels);
  for (let i = 0; i < frame.length; i++) frame[i] = (i % 97) / 97;
  return () => frame;
}

function detector(options: Partial<ProgressiveDetectorOptions>, channels = 3) {
  return new ProgressiveDetector({
    numClasses: 8,
    trunk: new Trunk({ channels, ...quick.trunk, seed: 1 }),
    frameWidth: S,
    frameHeight: S,
    clipLength: 6,
    steps: 3,
    extension: 'none',
    roiSize: quick.roiSize,
    hidden: quick.hidden,
    seed: 1,
    ...options,
  });
}

async function fps(
  options: Partial<ProgressiveDetectorOptions>,
  channels = 3,
): Promise<Record<string, number>> {
  await initBackend({ log: () => undefined });
  const det = detector(options, channels);
  const read = frameReader(channels);
  detectVideo(det, video, read); // warm-up
  const t = performance.now();
  const rounds = 3;
  let liveMiB = 0;
  for (let r = 0; r < rounds; r++)
    detectVideo(det, video, read, {
      stride: quick.testStride,
      onSteps: () => {
        liveMiB = Math.max(liveMiB, tf.memory().numBytes / 2 ** 20);
      },
    });
  const seconds = (performance.now() - t) / 1000;
  det.dispose();
  det.trunk.dispose();
  return {
    fps: (rounds * video.nframes) / seconds,
    msPerClip: (1000 * seconds) / (rounds * (video.nframes / quick.testStride)),
    liveMiB,
  };
}

/**
 * One STEP training iteration (quick profile: 4 clips, trunk at 112 px, neck + heads updated, in
 * micro-batches within the profile's frame budget), on frames (backbone run per window) or on
 * stored backbone features (`frozenBackbone`), with the convolutions on wasm or onnxruntime
 * (`selectConvolutions`).
 */
async function trainIteration(
  options: Partial<ProgressiveDetectorOptions>,
  input: 'frames' | 'backbone' = 'frames',
  convolutions: Convolutions = 'wasm',
) {
  await initBackend({ log: () => undefined });
  await selectConvolutions(convolutions);
  const det = detector(options);
  const pixels = frameReader(3);
  const bank = new BackboneFeatureBank(det.trunk);
  if (input === 'backbone') {
    const all = new Float32Array(video.nframes * S * S * 3);
    for (let f = 1; f <= video.nframes; f++) all.set(pixels(), (f - 1) * S * S * 3);
    bank.add(video.name, all, video.nframes, S, S);
  }
  const read =
    input === 'frames' ? pixels : (_: unknown, f: number) => bank.read(video.name, f - 1);
  const [h, w, ch] = det.inputShape(input);
  const gtVideo: VideoAnnotation = {
    ...video,
    tubes: [
      {
        label: 0,
        start: 1,
        boxes: new Float64Array(60 * 4).map((_, i) => [20, 10, 60, 100][i % 4]),
      },
    ],
  };
  const iterations = 4;
  const r = await trainProgressive(det, {
    iterations,
    batchClips: quick.batchClips,
    microBatchFrames: quick.microBatchFrames,
    learningRate: 1e-3,
    seed: 1,
    iouThresholds: [0.3, 0.4, 0.5],
    positivesPerClip: quick.positivesPerClip,
    hardAware: true,
    progress: false,
    input,
    sampleClip: (rng) =>
      clipWindow(gtVideo, read, {
        start: 13 + rng.int(30),
        clipLength: 6,
        windowLength: det.windowLength,
        frameWidth: S,
        frameHeight: S,
        channels: 3,
        valuesPerFrame: h * w * ch,
      }),
  });
  det.dispose();
  det.trunk.dispose();
  await selectConvolutions('wasm');
  return { msPerIteration: r.wallMs / iterations };
}

/**
 * STEP on the trunk, CPU (112 px frames, 8 classes, quick-profile trunk and heads): inference fps
 * on clips every `testStride` frames (with the live tfjs memory while a batch of 8 windows runs:
 * the K = 30 cases show that per-frame features shared by overlapping windows stay small), and a
 * training iteration.
 */
export default defineBenchSuite({
  name: 'heads/progressive: STEP inference fps',
  cases: [
    { kind: 'measure', name: '1 step, 11 proposals, RGB', run: () => fps({ steps: 1 }) },
    { kind: 'measure', name: '3 steps, 11 proposals, RGB', run: () => fps({}) },
    {
      kind: 'measure',
      name: '3 steps, 11 proposals, extrapolation 6→18→30',
      run: () => fps({ extension: 'extrapolation' }),
    },
    {
      kind: 'measure',
      name: '3 steps, 11 proposals, anticipation 6→18→30',
      run: () => fps({ extension: 'anticipation' }),
    },
    {
      kind: 'measure',
      name: '3 steps, 11 proposals, early fusion (6 ch) + anticipation',
      run: () => fps({ extension: 'anticipation' }, 6),
    },
    { kind: 'measure', name: '3 steps, 34 proposals, RGB', run: () => fps({ grid: STEP_GRID_34 }) },
    {
      kind: 'measure',
      name: '3 steps, 11 proposals, no scene context',
      run: () => fps({ sceneContext: false, grid: STEP_GRID_11 }),
    },
    { kind: 'measure', name: 'training iteration, 3 steps, K = 6', run: () => trainIteration({}) },
    {
      kind: 'measure',
      name: 'training iteration, 3 steps, K = 6, stored backbone features',
      run: () => trainIteration({}, 'backbone'),
    },
    {
      kind: 'measure',
      name: 'training iteration, 3 steps, anticipation 6→18→30',
      run: () => trainIteration({ extension: 'anticipation' }),
    },
    {
      kind: 'measure',
      name: 'training iteration, 3 steps, anticipation 6→18→30, stored backbone features',
      run: () => trainIteration({ extension: 'anticipation' }, 'backbone'),
    },
    {
      kind: 'measure',
      name: 'training iteration, 3 steps, K = 6, stored backbone features, onnxruntime convolutions',
      run: () => trainIteration({}, 'backbone', 'onnxruntime'),
    },
    {
      kind: 'measure',
      name: 'training iteration, 3 steps, anticipation 6→18→30, stored backbone features, onnxruntime convolutions',
      run: () => trainIteration({ extension: 'anticipation' }, 'backbone', 'onnxruntime'),
    },
  ],
});
