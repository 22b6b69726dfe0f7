import { Trainer, tf, train } from '@tubekit/nn';
import type { ClipWindow } from './clip-window';
import type { ProgressiveDetector, ProgressiveTrainingOptions } from './progressive-detector';

/** Options of {@link trainProgressive}. */
export interface TrainProgressiveOptions extends Omit<ProgressiveTrainingOptions, 'rng'> {
  /** Optimiser iterations (mini-batches). */
  iterations: number;
  /** Clips per mini-batch (STEP: 4). */
  batchClips: number;
  /** Adam learning rate; decays ×0.1 at 2/3 of the iterations (STEP: step decay). */
  learningRate: number;
  /**
   * Training seed: clip sampling and proposal sampling draw from the trainer's one seeded stream
   * (`Trainer.rng` of `@tubekit/nn`, saved in the checkpoint, so a resumed run draws the same clips).
   */
  seed: number;
  /** Draws one training clip window (all windows of a batch must share the detector's window length). */
  sampleClip: (rand: () => number) => ClipWindow;
  /** Called after each iteration with the loss. */
  onIteration?: (iteration: number, loss: number) => void;
  /**
   * Checkpoint file — `@tubekit/nn`'s safetensors checkpoint (`writeCheckpoint`: weights as
   * `param/head/<i>`, Adam moments, step, generator state), written atomically every `every`
   * iterations and at the end; an existing checkpoint is resumed from exactly.
   */
  checkpoint?: { path: string; every: number };
}

/** Training summary. */
export interface TrainProgressiveResult {
  iterations: number;
  /** Iteration the run resumed from (0 for a fresh run). */
  resumedFrom: number;
  /** Mean loss of the last 10% of the iterations run by this call (NaN when it ran none). */
  finalLoss: number;
  wallMs: number;
}

/**
 * Trains a {@link ProgressiveDetector} end to end as in STEP §3.4: each mini-batch runs the
 * progression over all steps, samples positives/negatives per step (hard-aware, increasing
 * thresholds), sums the steps' losses (Eq. 2–3, λ; γ for anticipation) and updates all heads
 * jointly with Adam — through `@tubekit/nn`'s `Trainer`/`train` (Adam, step decay ×0.1 at 2/3 of
 * the iterations, atomic safetensors checkpoints). Deterministic for a seed; resumes exactly.
 *
 * @example
 * await trainProgressive(det, { iterations: 200, batchClips: 4, learningRate: 1e-3, seed: 1,
 *   iouThresholds: [0.5, 0.6, 0.7], positivesPerClip: 4, hardAware: true, sampleClip });
 */
export async function trainProgressive(
  detector: ProgressiveDetector,
  options: TrainProgressiveOptions,
): Promise<TrainProgressiveResult> {
  const t0 = Date.now();
  const trainer = new Trainer({
    parameters: detector.variables().map((variable, i) => ({ name: `head/${i}`, variable })),
    optimizer: { kind: 'adam', learningRate: options.learningRate },
    // Step decay ×0.1 at 2/3 of the run (STEP: step decay).
    schedule: { kind: 'step', milestones: [Math.round((options.iterations * 2) / 3)], gamma: 0.1 },
    seed: options.seed,
  });
  const o = detector.options;
  const Tw = detector.windowLength;
  try {
    const summary = await train(trainer, {
      steps: options.iterations,
      progress: false,
      checkpoint: options.checkpoint
        ? { path: options.checkpoint.path, every: options.checkpoint.every }
        : undefined,
      onStep: (r) => options.onIteration?.(r.step, r.loss),
      loss: (_step, rng) => {
        const clips = Array.from({ length: options.batchClips }, () =>
          options.sampleClip(rng.next),
        );
        const data = new Float32Array(clips.length * clips[0].frames.length);
        clips.forEach((c, i) => {
          data.set(c.frames, i * c.frames.length);
        });
        const windows = tf.tensor4d(data, [
          clips.length * Tw,
          o.frameHeight,
          o.frameWidth,
          o.channels,
        ]);
        return detector.loss(
          windows,
          clips.map((c) => c.gt),
          { ...options, rng },
        );
      },
    });
    const tail = summary.losses.subarray(
      Math.max(0, summary.losses.length - Math.max(1, Math.round(options.iterations / 10))),
    );
    return {
      iterations: options.iterations,
      resumedFrom: summary.startStep,
      finalLoss: tail.length ? tail.reduce((a, b) => a + b, 0) / tail.length : Number.NaN,
      wallMs: Date.now() - t0,
    };
  } finally {
    trainer.dispose();
  }
}
