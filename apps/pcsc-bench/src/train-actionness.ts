import { ActionnessClassifiers, type CrossStreamDetector } from '@tubekit/heads/cross-stream';
import { createRng, tf } from '@tubekit/nn';
import type { BenchVideoSource } from './bench-data';
import { type ActionnessSamples, actionnessSamples, boxFeatureMatrix } from './evaluate';
import type { PcscProfile } from './profiles';
import type { StreamTrunks } from './video-features';

/**
 * How {@link trainActionness} picks its videos, in the PCSC model's cache key (`modelResultsPath`):
 * results cached when it took the first videos (all plain ones) are not read back as this.
 */
export const ACTIONNESS_VIDEO_CHOICE = 'spread over the training list';

/**
 * `count` videos spread evenly over `videos` (all of them when there are fewer): the bench's
 * training list runs variant by variant, so its first videos would all be plain ones.
 */
export function spreadVideos<T>(videos: readonly T[], count: number): T[] {
  const n = Math.min(count, videos.length);
  return Array.from({ length: n }, (_, i) => videos[Math.floor((i * videos.length) / n)]!);
}

/**
 * Trains PCSC's class-specific actionness classifiers (spec S9, §2) after the detector: samples are
 * the boxes of tubes linked on `actionness.videos` training videos spread over the training list
 * ({@link spreadVideos}: every variant's); Adam on the class-balanced BCE, full batch. Returns the
 * classifiers and the sample counts.
 */
export function trainActionness(
  profile: PcscProfile,
  det: CrossStreamDetector,
  trunks: StreamTrunks,
  train: readonly BenchVideoSource[],
  seed: number,
): { classifiers: ActionnessClassifiers; samples: number; positives: number } {
  const samples: ActionnessSamples = { features: [], classes: [], labels: [] };
  for (const video of spreadVideos(train, profile.actionness.videos))
    actionnessSamples(det, trunks, video.load(), profile.stacks, samples);
  const classifiers = new ActionnessClassifiers({
    numClasses: det.options.numClasses,
    inChannels: det.boxFeatureWidth,
    seed: createRng(seed).int(1 << 30),
  });
  const N = samples.labels.length;
  const positives = samples.labels.reduce((a, b) => a + b, 0);
  if (N > 0) {
    const x = boxFeatureMatrix(samples.features);
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
