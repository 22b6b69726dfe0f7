import type * as tf from '@tensorflow/tfjs-core';

/**
 * The phase-grid layout of a 2-D convolution's input, in which every filter tap reads one
 * contiguous window: the weight gradient dW[kh,kw] = Σ_{b,oh,ow} X_pad[b, oh·sh + kh, ow·sw + kw]ᵀ ·
 * dY[b,oh,ow] becomes, per tap, one matrix product of a window `[Cin, L]` of a single array (no
 * im2col copy) with dY laid out on the same grid `[L, Cout]`.
 *
 * The zero-padded input splits into sh·sw phases (ph, pw) (space-to-depth: Shi et al., "Real-Time
 * Single Image and Video Super-Resolution Using an Efficient Sub-Pixel Convolutional Neural
 * Network", CVPR 2016): phase plane (ph, pw) holds X_pad[b, i·sh + ph, j·sw + pw, ci] at channel
 * row ci, grid position g = (b·rows + i)·cols + j. Tap (kh, kw) = (qh·sh + ph, qw·sw + pw) reads
 * phase (ph, pw) at g + qh·cols + qw for output pixel (b, oh, ow) at g = (b·rows + oh)·cols + ow,
 * so its window is the planes' array read as `[Cin, L]` from offset (phase·Cin)·L + qh·cols + qw,
 * L = B·rows·cols. dY on the grid is zero at every position that is no output pixel.
 *
 * The taps reach OH + ⌊(KH−1)/sh⌋ grid rows and OW + ⌊(KW−1)/sw⌋ columns. Trailing rows that are
 * bottom padding only (zero in every phase) are left out when the next image starts with as many
 * rows of top padding: a tap reading past its image reads those zeros instead (likewise columns:
 * right padding shared with the next row's left padding). For a 3×3 'same' convolution at
 * stride 1 that is one row and one column less per image, 57² positions for 56² pixels instead
 * of 58². A window row's end runs into the next channel's row, i.e. the first image's top rows
 * and left columns (zeros), and the last one into the array's zero tail.
 */
export interface PhaseGrid {
  /** Grid rows and columns per image. */
  rows: number;
  cols: number;
  /** Grid positions: B·rows·cols (the windows' and dY's row count). */
  length: number;
  /** Floats of the planes' array: sh·sw·Cin·length plus the last window's overrun (zeros). */
  floats: number;
  /** Offset of each tap's window, taps in filter order (kh, kw). */
  tapOffsets: number[];
}

/**
 * Grid lines along one axis: the taps' reach (out + ⌊(k−1)/s⌋) less the trailing lines that are
 * padding only, up to as many as the leading padding lines ⌊before/s⌋ that can stand in for them.
 */
function gridLines(out: number, k: number, s: number, before: number, size: number): number {
  const reach = out + Math.floor((k - 1) / s);
  const paddingOnly = Math.max(0, reach - Math.ceil((before + size) / s));
  return reach - Math.min(Math.floor(before / s), paddingOnly);
}

/** The {@link PhaseGrid} of a convolution (tfjs geometry, dilation 1). */
export function phaseGrid(c: tf.backend_util.Conv2DInfo): PhaseGrid {
  const { strideHeight: sh, strideWidth: sw } = c;
  const rows = gridLines(c.outHeight, c.filterHeight, sh, c.padInfo.top, c.inHeight);
  const cols = gridLines(c.outWidth, c.filterWidth, sw, c.padInfo.left, c.inWidth);
  const length = c.batchSize * rows * cols;
  const tapOffsets: number[] = [];
  for (let kh = 0; kh < c.filterHeight; kh++)
    for (let kw = 0; kw < c.filterWidth; kw++) {
      const phase = (kh % sh) * sw + (kw % sw);
      tapOffsets.push(
        phase * c.inChannels * length + Math.floor(kh / sh) * cols + Math.floor(kw / sw),
      );
    }
  const overrun =
    Math.floor((c.filterHeight - 1) / sh) * cols + Math.floor((c.filterWidth - 1) / sw);
  return { rows, cols, length, floats: sh * sw * c.inChannels * length + overrun, tapOffsets };
}

/** Writes dY (`[B, OH, OW, Cout]`) on the grid, `[length, Cout]`, zero where no output pixel is. */
export function writeGridOutput(
  dy: Float32Array,
  c: tf.backend_util.Conv2DInfo,
  grid: PhaseGrid,
  out: Float32Array,
): void {
  const { batchSize: B, outHeight: OH, outWidth: OW, outChannels: CO } = c;
  const { rows, cols } = grid;
  const run = OW * CO;
  for (let b = 0; b < B; b++) {
    const image = b * rows * cols * CO;
    for (let i = 0; i < OH; i++) {
      const dst = image + i * cols * CO;
      out.set(dy.subarray((b * OH + i) * run, (b * OH + i + 1) * run), dst);
      out.fill(0, dst + run, dst + cols * CO);
    }
    out.fill(0, image + OH * cols * CO, image + rows * cols * CO);
  }
}
