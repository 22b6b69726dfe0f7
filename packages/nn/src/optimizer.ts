import * as tf from '@tensorflow/tfjs-core';
import { ADAM_UPDATE_KERNEL, type AdamUpdateAttrs } from './kernels/adam-update';

/**
 * Optimizer configuration (a plain object: it is stored in checkpoints). Update rules follow
 * PyTorch's `torch.optim.SGD` / `torch.optim.Adam` / `AdamW` exactly, so hyper-parameters from the
 * papers' PyTorch code carry over.
 */
export type OptimizerConfig =
  | {
      kind: 'sgd';
      /** Base learning rate (the schedule multiplies it). */
      learningRate: number;
      /** Momentum μ (default 0): b ← μ·b + g; p ← p − lr·b (PyTorch, dampening 0). */
      momentum?: number;
      /** Nesterov momentum: p ← p − lr·(g + μ·b). */
      nesterov?: boolean;
      /** L2 penalty added to the gradient, g ← g + wd·p (default 0). */
      weightDecay?: number;
    }
  | {
      kind: 'adam';
      learningRate: number;
      /** Default 0.9. */
      beta1?: number;
      /** Default 0.999. */
      beta2?: number;
      /** Default 1e-8. */
      epsilon?: number;
      /** Weight decay (default 0): L2 in the gradient (Adam), or decoupled p ← p − lr·wd·p with `decoupled` (AdamW). */
      weightDecay?: number;
      decoupled?: boolean;
    };

/**
 * Learning-rate schedule: a multiplier of the base rate by step (0-based).
 * `'step'`: ×gamma at each milestone (PyTorch `MultiStepLR`; STEP/CFAD/PCSC's step decay);
 * `warmupSteps`: linear warm-up from `warmupFactor` (default 1/3, as detectron2) to 1.
 */
export type LrSchedule =
  | { kind: 'constant'; warmupSteps?: number; warmupFactor?: number }
  | {
      kind: 'step';
      milestones: number[];
      gamma: number;
      warmupSteps?: number;
      warmupFactor?: number;
    };

/**
 * The learning rate at 0-based `step`: `base · warmup(step) · gamma^(#milestones ≤ step)`.
 *
 * @example
 * ```ts
 * learningRateAt(0.1, { kind: 'step', milestones: [100, 200], gamma: 0.1 }, 150); // 0.01
 * ```
 */
export function learningRateAt(
  base: number,
  schedule: LrSchedule | undefined,
  step: number,
): number {
  if (!schedule) return base;
  let lr = base;
  const warm = schedule.warmupSteps ?? 0;
  if (step < warm) {
    const f = schedule.warmupFactor ?? 1 / 3;
    lr *= f + (1 - f) * (step / warm);
  }
  if (schedule.kind === 'step')
    for (const m of schedule.milestones) if (step >= m) lr *= schedule.gamma;
  return lr;
}

/** Names of the per-parameter state slots an optimizer keeps (in checkpoints: `optim/<param>/<slot>`). */
export function optimizerSlots(config: OptimizerConfig): string[] {
  if (config.kind === 'adam') return ['m', 'v'];
  return (config.momentum ?? 0) > 0 ? ['momentum'] : [];
}

/**
 * Applies one update to `param` from `grad` in place (inside a `tf.tidy`), using and updating the
 * state `slots` (zero-initialised variables named by {@link optimizerSlots}). `t` is the 1-based
 * update count (Adam's bias correction).
 */
export function applyUpdate(
  config: OptimizerConfig,
  param: tf.Variable,
  grad: tf.Tensor,
  slots: Record<string, tf.Variable>,
  lr: number,
  t: number,
): void {
  tf.tidy(() => {
    let g = grad;
    const wd = config.weightDecay ?? 0;
    if (config.kind === 'sgd') {
      if (wd !== 0) g = tf.add(g, tf.mul(param, wd));
      const mu = config.momentum ?? 0;
      if (mu > 0) {
        const b = tf.add(tf.mul(slots.momentum, mu), g);
        slots.momentum.assign(b);
        g = config.nesterov ? tf.add(g, tf.mul(b, mu)) : b;
      }
      param.assign(tf.sub(param, tf.mul(g, lr)));
      return;
    }
    const b1 = config.beta1 ?? 0.9;
    const b2 = config.beta2 ?? 0.999;
    const eps = config.epsilon ?? 1e-8;
    if (tf.getKernel(ADAM_UPDATE_KERNEL, tf.getBackend())) {
      // One fused kernel per variable (cpu and wasm); the ops below elsewhere.
      const attrs: AdamUpdateAttrs = {
        learningRate: lr,
        beta1: b1,
        beta2: b2,
        epsilon: eps,
        weightDecay: wd,
        decoupled: config.decoupled ?? false,
        t,
      };
      const [p, m, v] = tf
        .engine()
        .runKernel(
          ADAM_UPDATE_KERNEL,
          { param, grad, m: slots.m, v: slots.v },
          attrs as unknown as tf.NamedAttrMap,
        ) as tf.Tensor[];
      slots.m.assign(m as tf.Tensor);
      slots.v.assign(v as tf.Tensor);
      param.assign(p as tf.Tensor);
      return;
    }
    let p: tf.Tensor = param;
    if (wd !== 0) {
      if (config.decoupled) p = tf.mul(param, 1 - lr * wd);
      else g = tf.add(g, tf.mul(param, wd));
    }
    const m = tf.add(tf.mul(slots.m, b1), tf.mul(g, 1 - b1));
    const v = tf.add(tf.mul(slots.v, b2), tf.mul(tf.square(g), 1 - b2));
    slots.m.assign(m);
    slots.v.assign(v);
    const mHat = tf.div(m, 1 - b1 ** t);
    const denom = tf.add(tf.sqrt(tf.div(v, 1 - b2 ** t)), eps);
    param.assign(tf.sub(p, tf.mul(tf.div(mHat, denom), lr)));
  });
}
