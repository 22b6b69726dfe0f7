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

/** Scratch buffers of {@link degradeFlow}, reusable across frames of one size. */
export interface FlowDegradationScratch {
  field: Float32Array;
  line: Float32Array;
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
    const lineLength = Math.max(W, H) + 2 * (r + 1);
    const s = scratch ?? { field: new Float32Array(N), line: new Float32Array(lineLength) };
    if (s.field.length !== N) s.field = new Float32Array(N);
    if (s.line.length < lineLength) s.line = new Float32Array(lineLength);
    for (let c = 0; c < 2; c++) {
      const f = s.field;
      for (let i = 0; i < N; i++) f[i] = out[2 * i + c] as number;
      for (let pass = 0; pass < 2; pass++) {
        boxBlurLines(f, W, H, 1, W, r, s.line);
        boxBlurLines(f, H, W, W, 1, r, s.line);
      }
      for (let i = 0; i < N; i++) out[2 * i + c] = f[i] as number;
    }
  }

  const amp = errors.noise;
  if (amp > 0) {
    const cell = errors.noiseCell;
    const gw = Math.floor((W - 0.5) / cell) + 2;
    const gh = Math.floor((H - 0.5) / cell) + 2;
    for (let c = 0; c < 2; c++) {
      // Value noise: hashed lattice values in [−1, 1], smoothstep-interpolated.
      const seed = hash3(input.seed, 0x6e75, c);
      const grid = new Float64Array(gw * gh);
      for (let j = 0; j < gh; j++)
        for (let k = 0; k < gw; k++) grid[j * gw + k] = (2 * hash3(seed, k, j)) / 4294967296 - 1;
      for (let y = 0; y < H; y++) {
        const py = (y + 0.5) / cell;
        const iy = Math.floor(py);
        const fy = smoothstep(py - iy);
        for (let x = 0; x < W; x++) {
          const px = (x + 0.5) / cell;
          const ix = Math.floor(px);
          const fx = smoothstep(px - ix);
          const g = iy * gw + ix;
          const a = grid[g] as number;
          const b = grid[g + 1] as number;
          const d = grid[g + gw] as number;
          const e = grid[g + gw + 1] as number;
          const n = a + fx * (b - a) + fy * (d - a) + fx * fy * (a - b - d + e);
          const o = 2 * (y * W + x) + c;
          out[o] = (out[o] as number) + amp * n;
        }
      }
    }
  }
}

/**
 * Box filter of radius r along `count` lines of `length` samples (sample k of line j at
 * `j · lineStep + k · step`), edges clamped; running sums, O(samples).
 */
function boxBlurLines(
  f: Float32Array,
  length: number,
  count: number,
  step: number,
  lineStep: number,
  r: number,
  line: Float32Array,
): void {
  // `line` holds one line padded by r + 1 clamped samples on each side.
  const norm = 1 / (2 * r + 1);
  const pad = r + 1;
  for (let j = 0; j < count; j++) {
    const base = j * lineStep;
    for (let k = 0; k < length; k++) line[pad + k] = f[base + k * step] as number;
    const first = line[pad] as number;
    const last = line[pad + length - 1] as number;
    for (let k = 0; k < pad; k++) {
      line[k] = first;
      line[pad + length + k] = last;
    }
    let sum = 0;
    for (let k = pad - r; k <= pad + r; k++) sum += line[k] as number;
    for (let k = 0; k < length; k++) {
      f[base + k * step] = sum * norm;
      sum += (line[pad + k + r + 1] as number) - (line[pad + k - r] as number);
    }
  }
}
