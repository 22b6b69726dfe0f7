/**
 * One level of the coarse proposal grid: `rows × cols` boxes of `width × height` (fractions of the
 * frame), centres spaced evenly so the level tiles the frame.
 */
export interface ProposalGridLevel {
  rows: number;
  cols: number;
  /** Box width as a fraction of the frame width, in (0, 1]. */
  width: number;
  /** Box height as a fraction of the frame height, in (0, 1]. */
  height: number;
}

/**
 * The 11 initial proposals of STEP (Yang et al., CVPR 2019, Fig. 2, UCF101-24): one near-full-frame
 * box, a 2×2 level and a 2×3 level of person-shaped (taller than wide) boxes. The paper shows the
 * grid only as a figure; this is a grid of the same count and coarse scale.
 */
export const STEP_GRID_11: readonly ProposalGridLevel[] = [
  { rows: 1, cols: 1, width: 0.9, height: 0.9 },
  { rows: 2, cols: 2, width: 0.55, height: 0.65 },
  { rows: 2, cols: 3, width: 0.4, height: 0.6 },
];

/** The 34 initial proposals used by STEP on AVA (§4.1): 1 + 2×2 + 3×3 + 4×5 levels. */
export const STEP_GRID_34: readonly ProposalGridLevel[] = [
  { rows: 1, cols: 1, width: 0.9, height: 0.9 },
  { rows: 2, cols: 2, width: 0.55, height: 0.65 },
  { rows: 3, cols: 3, width: 0.4, height: 0.5 },
  { rows: 4, cols: 5, width: 0.28, height: 0.4 },
];

/** A 5-proposal grid (1 + 2×2) for the "fewer proposals" point of STEP Fig. 6(b). */
export const STEP_GRID_5: readonly ProposalGridLevel[] = [
  { rows: 1, cols: 1, width: 0.9, height: 0.9 },
  { rows: 2, cols: 2, width: 0.55, height: 0.65 },
];

/** Options of {@link initialProposals}. */
export interface InitialProposalsOptions {
  /** Frame size in pixels (boxes are continuous pixel coordinates `[x1, y1, x2, y2]`). */
  width: number;
  height: number;
  /** Grid levels (default {@link STEP_GRID_11}). */
  grid?: readonly ProposalGridLevel[];
  /** Frames per cuboid: each 2-D box is replicated over `length` frames (STEP Fig. 2). */
  length: number;
}

/** Number of proposals a grid produces (`Σ rows·cols`). */
export function gridSize(grid: readonly ProposalGridLevel[]): number {
  return grid.reduce((n, level) => n + level.rows * level.cols, 0);
}

/**
 * The initial proposal cuboids B⁰ of STEP (§3.1, Fig. 2): 2-D boxes sampled from a coarse grid and
 * replicated across time. Returns `M × length × 4` packed boxes, proposal-major.
 *
 * @example
 * const b0 = initialProposals({ width: 64, height: 64, length: 6 }); // 11 × 6 × 4
 */
export function initialProposals(options: InitialProposalsOptions): Float64Array {
  const { width: W, height: H, length } = options;
  const grid = options.grid ?? STEP_GRID_11;
  if (!(W > 0 && H > 0)) throw new Error(`initialProposals: frame size ${W}×${H} must be positive`);
  if (!(Number.isInteger(length) && length >= 1))
    throw new Error(`initialProposals: length ${length} must be a positive integer`);
  const M = gridSize(grid);
  const out = new Float64Array(M * length * 4);
  let m = 0;
  grid.forEach((level, li) => {
    const { rows, cols, width, height } = level;
    if (!(rows >= 1 && cols >= 1 && width > 0 && width <= 1 && height > 0 && height <= 1))
      throw new Error(
        `initialProposals: grid level ${li} ${JSON.stringify(level)} needs rows, cols ≥ 1 and width, height in (0, 1]`,
      );
    const bw = width * W;
    const bh = height * H;
    for (let r = 0; r < rows; r++)
      for (let c = 0; c < cols; c++) {
        const cx = cols === 1 ? W / 2 : bw / 2 + ((W - bw) * c) / (cols - 1);
        const cy = rows === 1 ? H / 2 : bh / 2 + ((H - bh) * r) / (rows - 1);
        for (let t = 0; t < length; t++) {
          const o = (m * length + t) * 4;
          out[o] = cx - bw / 2;
          out[o + 1] = cy - bh / 2;
          out[o + 2] = cx + bw / 2;
          out[o + 3] = cy + bh / 2;
        }
        m++;
      }
  });
  return out;
}
