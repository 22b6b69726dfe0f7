import { ActionnessClassifiers, type CrossStreamDetector } from '@tubekit/heads/cross-stream';
import { createRng, tf } from '@tubekit/nn';
import type { BenchVideoSource } from './bench-data';
import { type ActionnessSamples, actionnessSamples } from './evaluate';
import type { PcscProfile } from './profiles';
import type { StreamTrunks } from './video-features';

/**
 * Trains PCSC's class-specific actionness classifiers (spec S9, §2) after the detector: samples are
 * the boxes of tubes linked on the profile's first `actionness.videos` training videos; Adam on
 * the class-balanced BCE, full batch. Returns the classifiers and the sample counts.
 */
export function trainActionness(
  profile: PcscProfile,
  det: CrossStreamDetector,
  trunks: StreamTrunks,
  train: readonly BenchVideoSource[],
  seed: number,
): { classifiers: ActionnessClassifiers; samples: number; positives: number } {
  const samples: ActionnessSamples = { features: [], classes: [], labels: [] };
  for (const video of train.slice(0, profile.actionness.videos))
    actionnessSamples(det, trunks, video.load(), profile.stack, samples);
  const classifiers = new ActionnessClassifiers({
    numClasses: det.options.numClasses,
    inChannels: det.boxFeatureWidth,
    seed: createRng(seed).int(1 << 30),
  });
  const N = samples.labels.length;
  const positives = samples.labels.reduce((a, b) => a + b, 0);
  if (N > 0) {
    const D = det.boxFeatureWidth;
    const flat = new Float32Array(N * D);
    for (const [i, f] of samples.features.entries()) flat.set(f, i * D);
    const x = tf.tensor2d(flat, [N, D]);
    const optimizer = tf.train.adam(profile.actionness.learningRate);
    for (let i = 0; i < profile.actionness.iterations; i++)
      optimizer.minimize(() => classifiers.loss(x, samples.classes, samples.labels), false, [
        ...classifiers.weights.map((w) => w.variable),
      ]);
    optimizer.dispose();
    x.dispose();
  }
  return { classifiers, samples: N, positives };
}
