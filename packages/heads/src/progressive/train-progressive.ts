import { type Rng, Trainer, tf, train } from '@tubekit/nn';
import type { ClipWindow } from './clip-window';
import type {
  DetectorInput,
  ProgressiveDetector,
  ProgressiveTrainingOptions,
} from './progressive-detector';

/** Options of {@link trainProgressive}. */
export interface TrainProgressiveOptions extends Omit<ProgressiveTrainingOptions, 'rng'> {
  /** Optimiser iterations (mini-batches). */
  iterations: number;
  /** Clips per mini-batch (STEP: 4). */
  batchClips: number;
  /** Adam learning rate; decays ×0.1 at 2/3 of the iterations (STEP: step decay). */
  learningRate: number;
  /** Seed of the trainer's generator (clip sampling, augmentation, proposal sampling). */
  seed: number;
  /** Draws one training clip window (from the trainer's seeded generator). */
  sampleClip: (rng: Rng) => ClipWindow;
  /**
   * What the windows' frames hold (default `'frames'`, pixels): `'backbone'` windows carry a
   * frozen backbone's stored stride-8 features, and each iteration runs only the neck and heads.
   */
  input?: DetectorInput;
  /**
   * Gradient accumulation: the most window frames (clips × window length) one micro-batch holds.
   * Each mini-batch of `batchClips` clips is split into micro-batches of
   * max(1, ⌊microBatchFrames / window length⌋) clips that run one after another, each freed before
   * the next (nn's `Trainer` sums their gradients into the one Adam step), so the peak memory is one
   * micro-batch's (default: the whole mini-batch at once). Each micro-batch's loss is normalised
   * over its own sampled proposals (Eq. 2–3) and weighted by its share of the clips, so the
   * iteration's loss is the clip-weighted mean of the micro-batches' losses: the same as the whole
   * batch's when every clip contributes the same number of samples.
   */
  microBatchFrames?: number;
  /** Called after each iteration with the loss. */
  onIteration?: (iteration: number, loss: number) => void;
  /**
   * Safetensors checkpoint (nn's `Trainer`: heads, neck, Adam state, step, generator), written
   * atomically every `every` iterations and at the end; an existing checkpoint is resumed from.
   */
  checkpoint?: { path: string; every: number };
  /** Progress bar label (default `train STEP`); `false` for silence. */
  progress?: string | false;
}

/** Training summary. */
export interface TrainProgressiveResult {
  iterations: number;
  /** Iteration the run resumed from (0 for a fresh run). */
  resumedFrom: number;
  /** Mean loss of the last 10% of this run's iterations. */
  finalLoss: number;
  wallMs: number;
}

/**
 * Trains a {@link ProgressiveDetector} end to end as in STEP §3.4 with nn's `Trainer` and `train`
 * loop: each mini-batch computes the trunk's per-frame features of its clip windows once (the
 * backbone as pretrained — or read from a frozen backbone's stored features with `input:
 * 'backbone'` — and the neck inside the gradient scope), runs the progression over all
 * steps, samples positives/negatives per step (hard-aware, increasing thresholds), sums the steps'
 * losses (Eq. 2–3, λ; γ for anticipation) and updates all heads and the shared neck jointly with
 * Adam (×0.1 at 2/3). With `microBatchFrames` the mini-batch runs as micro-batches whose gradients
 * are summed (K = 30 windows within the wasm heap). Deterministic for a seed; resumable from its
 * checkpoint; progress bar.
 *
 * @example
 * await trainProgressive(det, { iterations: 200, batchClips: 4, learningRate: 1e-3, seed: 1,
 *   iouThresholds: [0.5, 0.6, 0.7], positivesPerClip: 4, hardAware: true, sampleClip });
 */
export async function trainProgressive(
  detector: ProgressiveDetector,
  options: TrainProgressiveOptions,
): Promise<TrainProgressiveResult> {
  const trainer = new Trainer({
    parameters: detector.parameters(),
    optimizer: { kind: 'adam', learningRate: options.learningRate },
    schedule: { kind: 'step', milestones: [Math.round((options.iterations * 2) / 3)], gamma: 0.1 },
    clipGradNorm: 10,
    seed: options.seed,
  });
  const Tw = detector.windowLength;
  const input = options.input ?? 'frames';
  const [h, w, ch] = detector.inputShape(input);
  const budget = options.microBatchFrames;
  if (budget !== undefined && !(Number.isInteger(budget) && budget > 0))
    throw new Error(`trainProgressive: microBatchFrames must be a positive integer, got ${budget}`);
  const perPart = budget === undefined ? options.batchClips : Math.max(1, Math.floor(budget / Tw));
  try {
    const summary = await train(trainer, {
      steps: options.iterations,
      checkpoint: options.checkpoint,
      progress: options.progress === false ? false : { label: options.progress ?? 'train STEP' },
      onStep: (r) => options.onIteration?.(r.step, r.loss),
      microBatches: (_step, rng) => {
        const clips = Array.from({ length: options.batchClips }, () => options.sampleClip(rng));
        const parts: ClipWindow[][] = [];
        for (let i = 0; i < clips.length; i += perPart) parts.push(clips.slice(i, i + perPart));
        return parts.map((part) => () => {
          const data = new Float32Array(part.length * part[0].frames.length);
          part.forEach((c, i) => {
            data.set(c.frames, i * c.frames.length);
          });
          const x = tf.tensor4d(data, [part.length * Tw, h, w, ch]);
          const features = detector.neckFeatures(x, Tw, input);
          const rows = Int32Array.from({ length: part.length * Tw }, (_, i) => i);
          const loss = detector.loss(
            { features, rows },
            part.map((c) => c.gt),
            { ...options, rng },
          );
          return part.length === clips.length
            ? loss
            : (tf.mul(loss, part.length / clips.length) as tf.Scalar);
        });
      },
    });
    const tail = summary.losses.slice(-Math.max(1, Math.round(summary.losses.length / 10)));
    return {
      iterations: options.iterations,
      resumedFrom: summary.startStep,
      finalLoss: tail.length ? tail.reduce((a, b) => a + b, 0) / tail.length : Number.NaN,
      wallMs: summary.wallMs,
    };
  } finally {
    trainer.dispose();
  }
}
