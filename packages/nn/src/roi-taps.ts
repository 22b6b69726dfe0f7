import { instantiateModule } from './roi-taps-wasm.generated';

/** Sparse rows: row r's nonzero entries are `index`/`weight` in `[start[r], start[r + 1])`. */
export interface SparseRows {
  start: Int32Array;
  index: Int32Array;
  weight: Float32Array;
}

/** What {@link sumTaps} reads: the boxes' frames and sparse weight rows, and the map's sizes. */
export interface TapGeometry {
  n: number;
  H: number;
  W: number;
  C: number;
  Ph: number;
  Pw: number;
  /** each box's frame in the feature stack */
  frames: Int32Array;
  /** `n·Ph` rows over H: the y interpolation weights of each box's bin rows */
  ys: SparseRows;
  /** `n·Pw` rows over W: the x interpolation weights of each box's bin columns */
  xs: SparseRows;
}

interface TapExports {
  memory: { buffer: ArrayBuffer; grow(pages: number): number };
  sumTaps(
    n: number,
    H: number,
    W: number,
    C: number,
    Ph: number,
    Pw: number,
    frames: number,
    yStart: number,
    yIndex: number,
    yWeight: number,
    xStart: number,
    xIndex: number,
    xWeight: number,
    from: number,
    to: number,
    scatter: number,
  ): void;
}

/** Where the arrays start: above the module's own static data (it has none; one page spare). */
const BASE = 65536;
const PAGE = 65536;

let instance: TapExports | undefined;

/**
 * Adds every (bin, sample cell) tap's weighted value of RoIAlign, in WebAssembly with `f32x4`
 * SIMD over channels (`assembly/roi-taps.ts`): pooling (`scatter` false) sums the feature cells
 * `from [F, H, W, C]` into bins and returns them, `[n, Ph, Pw, C]`; its gradient (`scatter`
 * true) scatters the bins' gradients `from [n, Ph, Pw, C]` into the features' gradient and
 * returns it, `toLength = F·H·W·C` values. Both start from zeros.
 *
 * The inputs are copied into the module's memory and the result out (one instance per process,
 * its memory grown to the largest call and reused): `frames`, the sparse rows, `from`, then a
 * zeroed `to`, each at a 16-byte boundary. The copies cost less than the taps: they touch each
 * value once, at memory speed, while the taps do one multiply-add per channel for every (bin,
 * y tap, x tap), typically four or more per pooled value with Detectron's sampling grid; at
 * STEP's sizes (1 400 boxes, 7 × 7 bins over 30 frames of 28 × 28) about 10 per pooled value and
 * 30 per feature value. There the copies and zeroing took 9–41 ms per call (mostly 10–20; the
 * outliers are the copy out into fresh memory) beside the kernel's 32–57 ms (load 6.7). Sums are
 * in `f32` (each `w · x` and each addition rounded), not in double as JavaScript's were.
 */
export function sumTaps(
  g: TapGeometry,
  from: Float32Array,
  toLength: number,
  scatter: boolean,
): Float32Array {
  const { n, H, W, C, Ph, Pw, frames, ys, xs } = g;
  const parts = [frames, ys.start, ys.index, ys.weight, xs.start, xs.index, xs.weight, from];
  const at: number[] = [];
  let end = BASE;
  for (const part of parts) {
    at.push(end);
    end = align16(end + part.byteLength);
  }
  const to = end;
  end += toLength * 4;
  instance ??= instantiateModule<TapExports>();
  const { memory } = instance;
  const missing = end - memory.buffer.byteLength;
  if (missing > 0) memory.grow(Math.ceil(missing / PAGE));
  const bytes = new Uint8Array(memory.buffer);
  parts.forEach((part, k) => {
    bytes.set(new Uint8Array(part.buffer, part.byteOffset, part.byteLength), at[k]);
  });
  const out = new Float32Array(memory.buffer, to, toLength);
  out.fill(0);
  const [f, y0, y1, y2, x0, x1, x2, src] = at;
  instance.sumTaps(n, H, W, C, Ph, Pw, f!, y0!, y1!, y2!, x0!, x1!, x2!, src!, to, scatter ? 1 : 0);
  return out.slice();
}

/** `n` rounded up to a multiple of 16. */
const align16 = (n: number) => (n + 15) & ~15;
