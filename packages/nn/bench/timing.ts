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
