import { Trunk } from '@tubekit/backbones';
import { defineBenchSuite } from '@tubekit/benchmarks';
import type { VideoAnnotation } from '@tubekit/datasets';
import {
  type CoarseToFineDetectOptions,
  CoarseToFineDetector,
} from '@tubekit/heads/coarse-to-fine';
import { detectVideo, ProgressiveDetector } from '@tubekit/heads/progressive';
import { createRng, initBackend, Trainer, tf, train } from '@tubekit/nn';
import { PROFILES as STEP_PROFILES } from '@tubekit/step-bench/profiles';
import { PROFILES } from '../src/profiles';

const quick = PROFILES.quick;
const stepQuick = STEP_PROFILES.quick;
const S = stepQuick.frameSize;
const L = 60;
const T = quick.clipLength;
// 6 anchors of the sizes k-means gives on the quick preset's actors (about 20–90 px tall)
const anchorSizes = [14, 30, 20, 44, 26, 58, 32, 72, 38, 86, 60, 60];

function detector(): CoarseToFineDetector {
  return new CoarseToFineDetector({
    numClasses: 8,
    trunk: new Trunk({ channels: 3, ...stepQuick.trunk, seed: 1 }),
    frameSize: S,
    clipLength: T,
    samples: quick.samples,
    order: 2,
    anchorSizes,
    tpnLengths: quick.tpnLengths.map((f) => f * T),
    hidden: quick.hidden,
    featurePool: quick.featurePool,
    seed: 1,
  });
}

const frames = () =>
  tf.tidy(() => tf.mul(tf.randomUniform([T, S, S, 3], 0, 1, 'float32', 3), 1) as tf.Tensor4D);

/** CFAD per-frame time as §4.3 counts it: runtime per video ÷ T (trunk, TPN, coarse, refine). */
async function cfadMsPerFrame(options: CoarseToFineDetectOptions): Promise<Record<string, number>> {
  await initBackend({ log: () => undefined });
  const det = detector();
  const x = frames();
  det.detect({ frames: x, nframes: L }, options); // warm-up
  const rounds = 3;
  const t = performance.now();
  for (let r = 0; r < rounds; r++) det.detect({ frames: x, nframes: L }, options);
  const ms = (performance.now() - t) / rounds;
  const params = det.headParameters();
  x.dispose();
  det.dispose();
  det.trunk.dispose();
  return { msPerFrame: ms / T, msPerVideo: ms, headParameters: params };
}

/** STEP on the same trunk and frame size, per frame of a video (clips every `testStride` frames). */
async function stepMsPerFrame(): Promise<Record<string, number>> {
  await initBackend({ log: () => undefined });
  const det = new ProgressiveDetector({
    numClasses: 8,
    trunk: new Trunk({ channels: 3, ...stepQuick.trunk, seed: 1 }),
    frameWidth: S,
    frameHeight: S,
    clipLength: 6,
    steps: 3,
    extension: 'anticipation',
    roiSize: stepQuick.roiSize,
    hidden: stepQuick.hidden,
    seed: 1,
  });
  const video: VideoAnnotation = { name: 'bench/v', nframes: L, width: S, height: S, tubes: [] };
  const frame = new Float32Array(S * S * 3).map((_, i) => (i % 97) / 97);
  const read = () => frame;
  detectVideo(det, video, read, { stride: stepQuick.testStride });
  const t = performance.now();
  detectVideo(det, video, read, { stride: stepQuick.testStride });
  const ms = performance.now() - t;
  det.dispose();
  det.trunk.dispose();
  return { msPerFrame: ms / L };
}

/** One CFAD training iteration of the quick profile (batch of `batchVideos` videos). */
async function trainIteration(): Promise<Record<string, number>> {
  await initBackend({ log: () => undefined });
  const det = detector();
  const boxes = Float64Array.from(
    { length: 40 * 4 },
    (_, i) => [20 + (i >> 2), 10, 60 + (i >> 2), 100][i % 4]!,
  );
  const trainer = new Trainer({
    parameters: det
      .trainableWeights()
      .map((w) => ({ name: w.variable.name, variable: w.variable })),
    optimizer: { kind: 'adam', learningRate: 1e-3 },
    seed: 1,
  });
  const iterations = 3;
  const r = await train(trainer, {
    steps: iterations,
    progress: false,
    loss: () => {
      let total: tf.Scalar = tf.scalar(0);
      for (let b = 0; b < quick.batchVideos; b++)
        total = tf.add(
          total,
          det.loss(
            { frames: frames(), nframes: L, tubes: [{ start: 11, label: 0, boxes }] },
            createRng(b),
          ).total,
        );
      return total;
    },
  });
  det.dispose();
  det.trunk.dispose();
  return { msPerIteration: r.wallMs / iterations };
}

/**
 * CFAD on the shared trunk, CPU, quick-profile sizes (112 px, T = 24, N = 8, k = 2): ms per
 * resampled frame without refinement and with the learned selector at α = 0.25 (σ = 0.8), STEP's
 * ms per frame on the same trunk beside it (Fig. 6), and a training iteration.
 */
export default defineBenchSuite({
  name: 'heads/coarse-to-fine: CFAD ms per frame',
  cases: [
    {
      kind: 'measure',
      name: 'CFAD, no refine',
      run: () => cfadMsPerFrame({ timestamps: { kind: 'none' } }),
    },
    {
      kind: 'measure',
      name: 'CFAD, refine α = 0.25, σ = 0.8',
      run: () => cfadMsPerFrame({ sigma: 0.8 }),
    },
    {
      kind: 'measure',
      name: 'CFAD, refine every sample (α = 0)',
      run: () => cfadMsPerFrame({ timestamps: { kind: 'learned', alpha: 0 } }),
    },
    {
      kind: 'measure',
      name: 'STEP, 3 steps, anticipation (same trunk)',
      run: () => stepMsPerFrame(),
    },
    { kind: 'measure', name: 'CFAD training iteration (quick)', run: () => trainIteration() },
  ],
});
