/**
 * Realistic errors for SynthTubes' flow stream. The renderer's exact flow is a perfect motion
 * signal — better than any estimator gives the papers (their flow stream, Brox or TV-L1, is the
 * *weaker* one: STEP's RGB 66.7 > flow 63.5 frame-mAP on UCF101-24). Here the exact field is
 * degraded by the errors variational estimators are known to make (Sun, Roth & Black 2010,
 * "Secrets of optical flow estimation"; Baker et al. 2011, the Middlebury evaluation): wrong
 * motion in occluded regions, motion lost at and in thin structures, over-smoothing across motion
 * boundaries, and spatially correlated noise.
 *
 * Why degrade rather than estimate (a Farnebäck or TV-L1 from the RGB frames): the errors are
 * then (1) *controlled* — each has its own knob, a test, and a default calibrated against the
 * exact field, which an estimator's errors are not; (2) *cheap* — a few passes over the pixels
 * (O(pixels), measured in `bench/synth.bench.ts`), where a coarse-to-fine TV-L1 at 112 px costs
 * tens of milliseconds per frame in JavaScript, i.e. minutes per `quick` dataset on one core;
 * (3) *byte-identical* on every machine like the rest of SynthTubes (integer hashing and IEEE
 * `+ − × ÷` only). What it gives up is the estimator's dependence on texture (aperture problem in
 * uniform regions), which SynthTubes' uniformly coloured limbs would make severe anyway.
 */
import type { SynthFlowErrors } from './config';
import { hash3 } from './prng';
import { smoothstep } from './stable-math';

/** The exact fields {@link degradeFlow} reads (frame t and, for occlusions, frame t + 1). */
export interface FlowDegradationInput {
  readonly width: number;
  readonly height: number;
  /** Exact forward flow t → t+1, H×W×2 px. */
  readonly flow: Float32Array;
  /** Owner codes at t (H×W, see `OWNER_BACKGROUND`). */
  readonly owner: Uint8Array;
  /** Exact forward flow and owners at t + 1 (the surface that covers an occluded pixel). */
  readonly nextFlow: Float32Array;
  readonly nextOwner: Uint8Array;
  /** The background's (camera) flow at t, px/frame. */
  readonly backgroundU: number;
  readonly backgroundV: number;
  /** Seed of this frame's noise. */
  readonly seed: number;
}

/** Scratch buffers of {@link degradeFlow}, reusable across frames of one size (resized as needed). */
export interface FlowDegradationScratch {
  /** A copy of the field (H×W×2) that a blur pass reads. */
  field: Float32Array;
  /** Running sums of one row (W×2) of the vertical blur pass. */
  sums: Float64Array;
}

/**
 * Writes the degraded flow (H×W×2 px/frame) of `input` to `out`, applying the errors of
 * {@link SynthFlowErrors} in order: occlusion, boundary, smoothing, noise.
 *
 * @example
 * degradeFlow({ width, height, flow, owner, nextFlow, nextOwner, backgroundU: 0, backgroundV: 0, seed: 7 },
 *   SYNTH_FLOW_ERRORS, out);
 */
export function degradeFlow(
  input: FlowDegradationInput,
  errors: SynthFlowErrors,
  out: Float32Array,
  scratch?: FlowDegradationScratch,
): void {
  const { width: W, height: H, flow, owner, nextFlow, nextOwner } = input;
  const N = W * H;
  if (flow.length !== 2 * N || out.length !== 2 * N || nextFlow.length !== 2 * N)
    throw new RangeError(`degradeFlow: flow buffers must hold ${W}×${H}×2 values`);
  if (owner.length !== N || nextOwner.length !== N)
    throw new RangeError(`degradeFlow: owner buffers must hold ${W}×${H} values`);
  out.set(flow);

  if (errors.occlusion) {
    // A pixel whose target in t+1 belongs to another surface is occluded there: it takes the
    // motion of the surface that covers it.
    for (let y = 0; y < H; y++)
      for (let x = 0; x < W; x++) {
        const i = y * W + x;
        const qx = Math.floor(x + 0.5 + (flow[2 * i] as number));
        const qy = Math.floor(y + 0.5 + (flow[2 * i + 1] as number));
        if (qx < 0 || qy < 0 || qx >= W || qy >= H) continue;
        const q = qy * W + qx;
        if (nextOwner[q] === owner[i]) continue;
        out[2 * i] = nextFlow[2 * q] as number;
        out[2 * i + 1] = nextFlow[2 * q + 1] as number;
      }
  }

  const b = errors.boundary;
  if (b > 0) {
    // Within b px (Chebyshev) of another surface, a surface's own motion is lost.
    const u0 = input.backgroundU;
    const v0 = input.backgroundV;
    for (let y = 0; y < H; y++)
      for (let x = 0; x < W; x++) {
        const i = y * W + x;
        const o = owner[i];
        if (o === 0) continue;
        let near = false;
        for (let dy = -b; dy <= b && !near; dy++) {
          const yy = y + dy;
          if (yy < 0 || yy >= H) continue;
          for (let dx = -b; dx <= b; dx++) {
            const xx = x + dx;
            if (xx >= 0 && xx < W && owner[yy * W + xx] !== o) {
              near = true;
              break;
            }
          }
        }
        if (near) {
          out[2 * i] = u0;
          out[2 * i + 1] = v0;
        }
      }
  }

  const r = errors.smoothing;
  if (r > 0) {
    const s = scratch ?? { field: new Float32Array(2 * N), sums: new Float64Array(2 * W) };
    if (s.field.length !== 2 * N) s.field = new Float32Array(2 * N);
    if (s.sums.length !== 2 * W) s.sums = new Float64Array(2 * W);
    // Two box passes along rows then columns, both components at once (each component gets
    // exactly the arithmetic of blurring it alone).
    for (let pass = 0; pass < 2; pass++) {
      s.field.set(out);
      boxBlurRows(s.field, out, W, H, r);
      s.field.set(out);
      boxBlurColumns(s.field, out, W, H, r, s.sums);
    }
  }

  const amp = errors.noise;
  if (amp > 0) {
    const cell = errors.noiseCell;
    const gw = Math.floor((W - 0.5) / cell) + 2;
    const gh = Math.floor((H - 0.5) / cell) + 2;
    // Value noise per component: hashed lattice values in [−1, 1], smoothstep-interpolated.
    const grids = [0, 1].map((c) => {
      const seed = hash3(input.seed, 0x6e75, c);
      const grid = new Float64Array(gw * gh);
      for (let j = 0; j < gh; j++)
        for (let k = 0; k < gw; k++) grid[j * gw + k] = (2 * hash3(seed, k, j)) / 4294967296 - 1;
      return grid;
    });
    const gu = grids[0] as Float64Array;
    const gv = grids[1] as Float64Array;
    const cellX = new Int32Array(W);
    const fracX = new Float64Array(W);
    for (let x = 0; x < W; x++) {
      const px = (x + 0.5) / cell;
      const ix = Math.floor(px);
      cellX[x] = ix;
      fracX[x] = smoothstep(px - ix);
    }
    for (let y = 0; y < H; y++) {
      const py = (y + 0.5) / cell;
      const iy = Math.floor(py);
      const fy = smoothstep(py - iy);
      const row = iy * gw;
      for (let x = 0; x < W; x++) {
        const fx = fracX[x] as number;
        const fxy = fx * fy;
        const g = row + (cellX[x] as number);
        const o = 2 * (y * W + x);
        let a = gu[g] as number;
        let b = gu[g + 1] as number;
        let d = gu[g + gw] as number;
        let e = gu[g + gw + 1] as number;
        out[o] =
          (out[o] as number) + amp * (a + fx * (b - a) + fy * (d - a) + fxy * (a - b - d + e));
        a = gv[g] as number;
        b = gv[g + 1] as number;
        d = gv[g + gw] as number;
        e = gv[g + gw + 1] as number;
        out[o + 1] =
          (out[o + 1] as number) + amp * (a + fx * (b - a) + fy * (d - a) + fxy * (a - b - d + e));
      }
    }
  }
}

/**
 * Box filter of radius r along the rows of the two-component field `src` (H×W×2) into `dst`,
 * edges clamped; running sums, O(samples): `dst[x] = Σ_{|j| ≤ r} src[clamp(x + j)] / (2r + 1)`.
 */
function boxBlurRows(src: Float32Array, dst: Float32Array, W: number, H: number, r: number): void {
  const norm = 1 / (2 * r + 1);
  const last = W - 1;
  for (let y = 0; y < H; y++) {
    const base = 2 * y * W;
    // Both components, each with its own running sum.
    let sumU = 0;
    let sumV = 0;
    for (let k = -r; k <= r; k++) {
      const at = base + 2 * (k < 0 ? 0 : Math.min(k, last));
      sumU += src[at] as number;
      sumV += src[at + 1] as number;
    }
    for (let k = 0; k < W; k++) {
      const o = base + 2 * k;
      dst[o] = sumU * norm;
      dst[o + 1] = sumV * norm;
      const add = base + 2 * Math.min(k + r + 1, last);
      const drop = base + 2 * Math.max(k - r, 0);
      sumU += (src[add] as number) - (src[drop] as number);
      sumV += (src[add + 1] as number) - (src[drop + 1] as number);
    }
  }
}

/**
 * The same filter along the columns, a row at a time (running sums of a whole row in `sums`,
 * cache-friendly): `dst[y] = Σ_{|j| ≤ r} src[clamp(y + j)] / (2r + 1)` per column.
 */
function boxBlurColumns(
  src: Float32Array,
  dst: Float32Array,
  W: number,
  H: number,
  r: number,
  sums: Float64Array,
): void {
  const norm = 1 / (2 * r + 1);
  const rowLength = 2 * W;
  const last = H - 1;
  sums.fill(0);
  for (let k = -r; k <= r; k++) {
    const row = rowLength * (k < 0 ? 0 : Math.min(k, last));
    for (let i = 0; i < rowLength; i++) sums[i] = (sums[i] as number) + (src[row + i] as number);
  }
  for (let y = 0; y < H; y++) {
    const out = rowLength * y;
    const add = y + r + 1;
    const drop = y - r;
    const addRow = rowLength * Math.min(add, last);
    const dropRow = rowLength * Math.max(drop, 0);
    for (let i = 0; i < rowLength; i++) {
      const sum = sums[i] as number;
      dst[out + i] = sum * norm;
      sums[i] = sum + ((src[addRow + i] as number) - (src[dropRow + i] as number));
    }
  }
}
