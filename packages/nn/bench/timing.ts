import { tf } from '../src/index';

/** Mean milliseconds of `f` after `warmup` calls, over `reps` calls (each call's tensors are freed). */
export function timeMs(f: () => void, reps = 3, warmup = 1): number {
  for (let i = 0; i < warmup; i++) tf.tidy(f);
  const t0 = performance.now();
  for (let i = 0; i < reps; i++) tf.tidy(f);
  return (performance.now() - t0) / reps;
}

/** Forces a result to be computed (tfjs-wasm is synchronous, but reading makes it explicit). */
export function sync(t: tf.Tensor | tf.Tensor[]): void {
  for (const x of Array.isArray(t) ? t : [t]) x.dataSync();
}

export const round = (v: number, digits = 2) => Number(v.toFixed(digits));

/** The median of `v` (the mean of the middle two for an even count). */
export function median(v: number[]): number {
  const s = [...v].sort((a, b) => a - b);
  return s.length % 2
    ? (s[(s.length - 1) / 2] as number)
    : ((s[s.length / 2 - 1] as number) + (s[s.length / 2] as number)) / 2;
}

/**
 * Wall and CPU milliseconds of `f` (CPU time of all the process's threads, the onnxruntime
 * worker's included: what a busy shared machine inflates least).
 */
export function timed(f: () => void): { wallMs: number; cpuMs: number } {
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  f();
  const wallMs = performance.now() - t0;
  const c = process.cpuUsage(c0);
  return { wallMs, cpuMs: (c.user + c.system) / 1000 };
}
