/**
 * The taps of RoIAlign (`src/roi-align.ts`), in AssemblyScript with 128-bit SIMD, compiled to
 * WebAssembly by `tooling/assembly/build-module.mjs --enable simd` (on install and build).
 * `src/roi-taps.ts` owns the memory layout and states the contract; the two must agree on it.
 *
 * Every argument after the sizes is a byte address in this module's memory: `frames` (i32 per
 * box), the sparse rows of the y and x interpolation weights (`*Start` i32 per row plus one,
 * `*Index` i32 and `*Weight` f32 per nonzero), `from` and `to` (f32, channels last). Channels go
 * four at a time in `f32x4` lanes, the last `C mod 4` one at a time.
 */

/**
 * Adds `w · from[src + c]` to `to[dst + c]` for c in [0, C): one tap over the channels (addresses
 * in bytes; `C4` = C rounded down to a multiple of 4).
 */
function axpy(w: f32, src: usize, dst: usize, C: i32, C4: i32): void {
  const wv = f32x4.splat(w);
  let c = 0;
  for (; c < C4; c += 4) {
    const at = <usize>(c << 2);
    v128.store(dst + at, f32x4.add(v128.load(dst + at), f32x4.mul(wv, v128.load(src + at))));
  }
  for (; c < C; c++) {
    const at = <usize>(c << 2);
    store<f32>(dst + at, load<f32>(dst + at) + w * load<f32>(src + at));
  }
}

/**
 * Adds every (bin, sample cell) tap's weighted value: pooling (`scatter` false) adds feature
 * cells `from [F, H, W, C]` into bins `to [n, Ph, Pw, C]`; its gradient (`scatter` true) adds
 * the bins' gradients `from [n, Ph, Pw, C]` into the feature cells' gradient `to [F, H, W, C]`.
 * Box `i` reads frame `frames[i]`; its bin `(py, px)` the y row `i·Ph + py` and the x row
 * `i·Pw + px` of the sparse weights; a tap's weight is the product of the two.
 */
export function sumTaps(
  n: i32,
  H: i32,
  W: i32,
  C: i32,
  Ph: i32,
  Pw: i32,
  frames: usize,
  yStart: usize,
  yIndex: usize,
  yWeight: usize,
  xStart: usize,
  xIndex: usize,
  xWeight: usize,
  from: usize,
  to: usize,
  scatter: bool,
): void {
  const C4 = C & ~3;
  const cellBytes = <usize>(C << 2);
  for (let i = 0; i < n; i++) {
    const frame = load<i32>(frames + ((<usize>i) << 2)) * H;
    for (let py = 0; py < Ph; py++) {
      const yr = (<usize>(i * Ph + py)) << 2;
      const yEnd = load<i32>(yStart + yr + 4);
      for (let px = 0; px < Pw; px++) {
        const xr = (<usize>(i * Pw + px)) << 2;
        const xBegin = load<i32>(xStart + xr);
        const xEnd = load<i32>(xStart + xr + 4);
        const bin = <usize>((i * Ph + py) * Pw + px) * cellBytes;
        for (let a = load<i32>(yStart + yr); a < yEnd; a++) {
          const row = (frame + load<i32>(yIndex + ((<usize>a) << 2))) * W;
          const wy = load<f32>(yWeight + ((<usize>a) << 2));
          for (let b = xBegin; b < xEnd; b++) {
            const cell = <usize>(row + load<i32>(xIndex + ((<usize>b) << 2))) * cellBytes;
            const w = wy * load<f32>(xWeight + ((<usize>b) << 2));
            if (scatter) axpy(w, from + bin, to + cell, C, C4);
            else axpy(w, from + cell, to + bin, C, C4);
          }
        }
      }
    }
  }
}
