import type { HeapArray } from './wasm-kernel-scope';

/**
 * Runs shorter than this are copied element by element: a `subarray` and `set` pair costs about
 * 100 ns here whatever its length, so runs of a few channels (a 3-tap temporal stack of RGB frames
 * concatenates runs of 3) spend nearly all their time in that call.
 */
export const SHORT_RUN = 48;

/** Copies `length` elements of `x` from `from` into `out` at `to`. */
export function copyRun(
  x: HeapArray,
  from: number,
  out: HeapArray,
  to: number,
  length: number,
): void {
  if (length >= SHORT_RUN) out.set(x.subarray(from, from + length), to);
  else for (let i = 0; i < length; i++) out[to + i] = x[from + i]!;
}
