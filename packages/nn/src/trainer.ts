import { existsSync } from 'node:fs';
import * as tf from '@tensorflow/tfjs-core';
import { createProgress, type ProgressBar } from '@tubekit/report';
import { type CheckpointContents, readCheckpoint, writeCheckpoint } from './checkpoint-file';
import {
  applyUpdate,
  type LrSchedule,
  learningRateAt,
  type OptimizerConfig,
  optimizerSlots,
} from './optimizer';
import { createRng, type Rng, restoreRng } from './random';

/**
 * A named variable to train or checkpoint. Every `NamedWeight` of `@tubekit/backbones` fits;
 * `trainable: false` (batch-norm running statistics) is saved but never updated.
 */
export interface TrainableParameter {
  readonly name: string;
  readonly variable: tf.Variable;
  readonly trainable?: boolean;
}

/** Options of {@link Trainer}. */
export interface TrainerOptions {
  /** What to train and checkpoint; names must be unique. */
  parameters: readonly TrainableParameter[];
  optimizer: OptimizerConfig;
  /** Learning-rate schedule over steps (default constant). */
  schedule?: LrSchedule;
  /** Clip the global L2 norm of all gradients to this value (default: no clipping). */
  clipGradNorm?: number;
  /** Seed of {@link Trainer.rng} (batch sampling, augmentation); its state is checkpointed. */
  seed: number;
  /**
   * A trainable parameter that a step's loss does not reach: `'error'` (default) stops with an
   * error naming it; `'skip'` leaves it and its optimizer state unchanged for that step, as
   * PyTorch's optimizers skip a parameter whose gradient is `None` (for losses that use a
   * varying part of the model, e.g. RoIs pooled from whichever pyramid levels their sizes pick).
   */
  unusedParameters?: 'error' | 'skip';
}

/**
 * The loss of one {@link Trainer.step}: one closure, or micro-batch closures (gradient
 * accumulation). Micro-batch closures run one after another, each in its own gradient scope whose
 * tensors are freed before the next runs, so only the parameters' summed gradients stay live
 * between them and the peak memory is one micro-batch's. The step's loss and gradient are the
 * sums over the closures, so a step equals the one-closure step on the whole batch when the parts
 * add up to its loss: for a batch loss that is a mean over B samples, let the closure of a part of
 * b samples return that part's mean times b / B.
 */
export type StepLoss = (() => tf.Scalar) | readonly (() => tf.Scalar)[];

/** What one {@link Trainer.step} did. */
export interface StepResult {
  /** 0-based index of the step just taken. */
  step: number;
  /** The step's loss (summed over its micro-batches). */
  loss: number;
  /** Global gradient L2 norm before clipping. */
  gradNorm: number;
  learningRate: number;
}

/**
 * Owns an optimisation: parameters, optimizer state, schedule, step counter and a seeded
 * generator, and saves/restores all of them in one atomic checkpoint so a run resumes exactly
 * (same weights, moments, step and random stream).
 *
 * @example
 * ```ts
 * const w = tf.variable(tf.zeros([3]), true, 'w');
 * const trainer = new Trainer({ parameters: [{ name: 'w', variable: w }], optimizer: { kind: 'adam', learningRate: 0.1 }, seed: 1 });
 * const target = tf.tensor1d([1, 2, 3]);
 * for (let i = 0; i < 100; i++) trainer.step(() => tf.sum(tf.square(tf.sub(w, target))) as tf.Scalar);
 * ```
 */
export class Trainer {
  /** Seeded generator for everything random in the training loop (its state is checkpointed). */
  rng: Rng;
  private stepCount = 0;
  private readonly slots = new Map<string, Record<string, tf.Variable>>();
  private readonly trainable: TrainableParameter[];

  constructor(readonly options: TrainerOptions) {
    const names = new Set<string>();
    for (const p of options.parameters) {
      if (names.has(p.name)) throw new Error(`Trainer: parameter name "${p.name}" appears twice`);
      names.add(p.name);
    }
    this.trainable = options.parameters.filter((p) => p.trainable !== false);
    if (this.trainable.length === 0) throw new Error('Trainer: no trainable parameters');
    this.rng = createRng(options.seed);
  }

  /** Steps taken so far (the next step's 0-based index). */
  get steps(): number {
    return this.stepCount;
  }

  /** The learning rate the next step will use. */
  learningRate(): number {
    return learningRateAt(
      this.options.optimizer.learningRate,
      this.options.schedule,
      this.stepCount,
    );
  }

  private slotsOf(p: TrainableParameter): Record<string, tf.Variable> {
    let s = this.slots.get(p.name);
    if (!s) {
      s = {};
      for (const slot of optimizerSlots(this.options.optimizer))
        s[slot] = tf.tidy(() => tf.variable(tf.zerosLike(p.variable), false));
      this.slots.set(p.name, s);
    }
    return s;
  }

  /**
   * One optimisation step: gradients of the loss w.r.t. the trainable parameters, optional
   * global-norm clipping, the optimizer update at the scheduled rate. With a list of micro-batch
   * closures ({@link StepLoss}) their gradients are summed before the clipping and the one update
   * (gradient accumulation). Leaks no tensors (each closure runs in its own gradient scope).
   */
  step(loss: StepLoss): StepResult {
    const parts = typeof loss === 'function' ? [loss] : loss;
    if (parts.length === 0) throw new Error('Trainer: a step needs at least one micro-batch');
    const vars = this.trainable.map((p) => p.variable);
    const lr = this.learningRate();
    const t = this.stepCount + 1;
    // Running gradient sums, one per trainable parameter; only they outlive a micro-batch.
    const sums: (tf.Tensor | undefined)[] = this.trainable.map(() => undefined);
    try {
      let lossValue = 0;
      parts.forEach((part, k) => {
        const { value, grads } = tf.variableGrads(part, vars);
        try {
          const v = value.dataSync()[0];
          if (!Number.isFinite(v))
            throw new Error(
              `Trainer: loss is ${v} at step ${this.stepCount}${parts.length > 1 ? ` (micro-batch ${k + 1} of ${parts.length})` : ''}`,
            );
          lossValue += v;
          this.trainable.forEach((p, i) => {
            const g = grads[p.variable.name];
            const prev = sums[i];
            if (!g) return;
            if (prev) {
              sums[i] = tf.add(prev, g);
              prev.dispose();
            } else {
              sums[i] = g;
              delete grads[p.variable.name]; // owned by `sums` now
            }
          });
        } finally {
          value.dispose();
          tf.dispose(Object.values(grads));
        }
      });
      const skip = this.options.unusedParameters === 'skip';
      this.trainable.forEach((p, i) => {
        if (!sums[i] && !skip)
          throw new Error(
            `Trainer: parameter "${p.name}" received no gradient (is it used by the loss?)`,
          );
      });
      const gs = sums.filter((g): g is tf.Tensor => g !== undefined);
      const gradNorm = tf.tidy(() =>
        Math.sqrt(tf.addN(gs.map((g) => tf.sum(tf.square(g)))).dataSync()[0]),
      );
      const clip = this.options.clipGradNorm;
      const scale = clip !== undefined && gradNorm > clip ? clip / (gradNorm + 1e-6) : 1;
      this.trainable.forEach((p, i) => {
        const g = sums[i];
        if (!g) return;
        tf.tidy(() => {
          applyUpdate(
            this.options.optimizer,
            p.variable,
            scale === 1 ? g : tf.mul(g, scale),
            this.slotsOf(p),
            lr,
            t,
          );
        });
      });
      const result = { step: this.stepCount, loss: lossValue, gradNorm, learningRate: lr };
      this.stepCount++;
      return result;
    } finally {
      tf.dispose(sums.filter((g): g is tf.Tensor => g !== undefined));
    }
  }

  /** Everything needed to resume: weights (`param/…`), optimizer state (`optim/…`), step, rng. */
  checkpoint(): CheckpointContents {
    const tensors: CheckpointContents['tensors'] = [];
    for (const p of this.options.parameters)
      tensors.push({
        name: `param/${p.name}`,
        shape: p.variable.shape,
        data: p.variable.dataSync() as Float32Array,
      });
    for (const p of this.trainable) {
      const s = this.slotsOf(p);
      for (const [slot, v] of Object.entries(s))
        tensors.push({
          name: `optim/${p.name}/${slot}`,
          shape: v.shape,
          data: v.dataSync() as Float32Array,
        });
    }
    return {
      tensors,
      metadata: {
        format: 'tubekit-checkpoint',
        version: '1',
        step: String(this.stepCount),
        rngState: String(this.rng.state()),
        optimizer: JSON.stringify(this.options.optimizer),
        schedule: JSON.stringify(this.options.schedule ?? null),
      },
    };
  }

  /**
   * Restores {@link checkpoint} contents. Every parameter and optimizer slot must be present with
   * its shape; the error lists what is missing, unexpected or mis-shaped. The optimizer kind must
   * match (hyper-parameters may change between runs, e.g. a lower learning rate to fine-tune).
   */
  restore(contents: CheckpointContents, source = 'checkpoint'): void {
    const meta = contents.metadata;
    if (meta.format !== 'tubekit-checkpoint')
      throw new Error(`${source}: not a tubekit checkpoint (format "${meta.format}")`);
    const saved = JSON.parse(meta.optimizer ?? 'null') as OptimizerConfig | null;
    if (saved?.kind !== this.options.optimizer.kind)
      throw new Error(
        `${source}: saved with optimizer ${saved?.kind}, resuming with ${this.options.optimizer.kind}`,
      );
    const byName = new Map(contents.tensors.map((t) => [t.name, t]));
    const expected = new Map<string, tf.Variable>();
    for (const p of this.options.parameters) expected.set(`param/${p.name}`, p.variable);
    for (const p of this.trainable)
      for (const [slot, v] of Object.entries(this.slotsOf(p)))
        expected.set(`optim/${p.name}/${slot}`, v);
    const missing: string[] = [];
    const misshaped: string[] = [];
    for (const [name, v] of expected) {
      const t = byName.get(name);
      if (!t) missing.push(name);
      else if (!tf.util.arraysEqual(t.shape, v.shape))
        misshaped.push(`${name} [${t.shape}] ≠ [${v.shape}]`);
    }
    const unexpected = [...byName.keys()].filter((n) => !expected.has(n));
    if (missing.length + misshaped.length + unexpected.length > 0)
      throw new Error(
        `${source}: does not match the trainer — missing: ${missing.join(', ') || 'none'}; unexpected: ${unexpected.join(', ') || 'none'}; mis-shaped: ${misshaped.join(', ') || 'none'}`,
      );
    for (const [name, v] of expected) {
      const t = byName.get(name);
      if (t) tf.tidy(() => v.assign(tf.tensor(t.data, t.shape, v.dtype)));
    }
    this.stepCount = Number(meta.step);
    this.rng = restoreRng(Number(meta.rngState));
  }

  /** Saves {@link checkpoint} to `path` atomically. */
  async save(path: string): Promise<void> {
    await writeCheckpoint(path, this.checkpoint());
  }

  /** Restores from a file written by {@link save}. */
  async load(path: string): Promise<void> {
    this.restore(await readCheckpoint(path), path);
  }

  /** Frees the optimizer state (the parameters belong to the caller). */
  dispose(): void {
    for (const s of this.slots.values()) tf.dispose(Object.values(s));
    this.slots.clear();
  }
}

/** Options of {@link train} besides its loss. */
export interface TrainLoopOptions {
  /** Train until {@link Trainer.steps} reaches this count. */
  steps: number;
  /**
   * Checkpointing: saved atomically every `every` steps and at the end; with `resume` (default
   * true) an existing file at `path` is loaded first and training continues from its step.
   * Checkpoints fall between optimiser steps only, never between micro-batches.
   */
  checkpoint?: { path: string; every: number; resume?: boolean };
  /** Progress bar with ETA on stderr (default true); `false` for silence. */
  progress?: boolean | { label?: string; stream?: NodeJS.WriteStream };
  /** Called after every step. */
  onStep?: (result: StepResult) => void;
}

/**
 * Options of {@link train}: the loop's, and how each step's loss is built — one closure (`loss`),
 * or micro-batches whose gradients one step sums (`microBatches`, gradient accumulation).
 */
export type TrainOptions = TrainLoopOptions &
  (
    | {
        /**
         * Builds the loss of step `step` inside the gradient scope (draw the batch with `rng`, the
         * trainer's seeded generator).
         */
        loss: (step: number, rng: Rng) => tf.Scalar;
        microBatches?: never;
      }
    | {
        /**
         * Gradient accumulation: called once per step outside any gradient scope (draw the whole
         * batch here with `rng`), returns the closures of its micro-batches ({@link StepLoss}:
         * they run one after another, each part's tensors freed before the next, and their
         * gradients are summed into one update).
         */
        microBatches: (step: number, rng: Rng) => readonly (() => tf.Scalar)[];
        loss?: never;
      }
  );

/** `h:mm:ss` or `m:ss` for a number of seconds (`?` when unknown). */
export function formatDuration(seconds: number): string {
  if (!Number.isFinite(seconds)) return '?';
  const t = Math.max(0, Math.round(seconds));
  const h = Math.floor(t / 3600);
  const m = Math.floor((t % 3600) / 60);
  const ss = String(t % 60).padStart(2, '0');
  return h > 0 ? `${h}:${String(m).padStart(2, '0')}:${ss}` : `${m}:${ss}`;
}

/** What {@link train} did. */
export interface TrainSummary {
  /** Step the run started from (> 0 after a resume). */
  startStep: number;
  steps: number;
  /** Loss of every step this run took, in order. */
  losses: Float64Array;
  wallMs: number;
  stepsPerSecond: number;
}

/**
 * The training loop: resumes from a checkpoint when one exists, runs {@link Trainer.step} until
 * `steps` (on one loss closure per step, or on micro-batches with gradient accumulation), shows a
 * progress bar (`createProgress` of @tubekit/report) with rate, ETA, smoothed loss and learning
 * rate on stderr, and checkpoints atomically between steps. Yields to the event loop between
 * steps so a progress write or signal is not starved.
 *
 * @example
 * ```ts
 * const summary = await train(trainer, {
 *   steps: 1000,
 *   loss: (step, rng) => model.loss(sampleBatch(rng)),
 *   checkpoint: { path: 'runs/step.ckpt', every: 100 },
 * });
 * ```
 */
export async function train(trainer: Trainer, options: TrainOptions): Promise<TrainSummary> {
  const ck = options.checkpoint;
  if (ck && (ck.resume ?? true) && existsSync(ck.path)) await trainer.load(ck.path);
  const startStep = trainer.steps;
  const progressOpt = options.progress ?? true;
  const bar: ProgressBar | undefined =
    progressOpt === false
      ? undefined
      : createProgress({
          total: options.steps,
          label: typeof progressOpt === 'object' ? (progressOpt.label ?? 'train') : 'train',
          stream: typeof progressOpt === 'object' ? progressOpt.stream : undefined,
        });
  const losses: number[] = [];
  let smooth = Number.NaN;
  const t0 = performance.now();
  if (startStep > 0) bar?.tick(startStep, `resumed at step ${startStep}`);
  let note = '';
  while (trainer.steps < options.steps) {
    const step = trainer.steps;
    const r = trainer.step(
      options.microBatches
        ? options.microBatches(step, trainer.rng)
        : () => options.loss(step, trainer.rng),
    );
    losses.push(r.loss);
    smooth = Number.isNaN(smooth) ? r.loss : 0.9 * smooth + 0.1 * r.loss;
    options.onStep?.(r);
    if (bar) {
      const rate = losses.length / ((performance.now() - t0) / 1000);
      note = `${rate >= 1 ? `${rate.toFixed(1)} it/s` : `${(1 / rate).toFixed(1)} s/it`} ETA ${formatDuration((options.steps - trainer.steps) / rate)} loss ${smooth.toPrecision(4)} lr ${r.learningRate.toPrecision(3)}`;
      bar.tick(1, note);
    }
    if (ck && trainer.steps % ck.every === 0 && trainer.steps < options.steps)
      await trainer.save(ck.path);
    await new Promise<void>((resolve) => setImmediate(resolve));
  }
  if (ck && trainer.steps > startStep) await trainer.save(ck.path);
  bar?.done(note);
  const wallMs = performance.now() - t0;
  const done = trainer.steps - startStep;
  return {
    startStep,
    steps: done,
    losses: Float64Array.from(losses),
    wallMs,
    stepsPerSecond: done > 0 ? done / (wallMs / 1000) : 0,
  };
}
