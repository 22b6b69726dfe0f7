/**
 * Every frame of one SynthTubes video, RGB and flow, as 8-bit frames in one pass: each frame is
 * rasterised once for its RGB, its exact flow and its owner mask (which the flow errors of frame
 * t − 1 also need), instead of once per modality and again for the next frame's occlusions as
 * reading `frameSource(…, 'rgb')` and `frameSource(…, 'flow')` frame by frame does. The bytes are
 * exactly those of quantising the frame sources' frames (`quantizeFrame`).
 */
import { quantizeFrame } from '../frame-bytes';
import { resizeBilinear } from '../image-resize';
import type { SynthTubesConfig } from './config';
import { degradeFlow, type FlowDegradationScratch } from './flow-degradation';
import { encodeFlow } from './flow-encoding';
import { hash3 } from './prng';
import type { SceneRenderer } from './renderer';
import type { SceneScript } from './scene';

/** What {@link renderVideoFrames} fills: nframes × H × W × 3 bytes per modality, frame 1 first. */
export interface VideoFrameTargets {
  rgb?: Uint8Array;
  flow?: Uint8Array;
}

/** The exact flow and owner mask of one frame. */
export interface ExactFrame {
  flow: Float32Array;
  owner: Uint8Array;
}

/**
 * The flow errors of frame `frame` (`config.flowErrors`, which must be set) applied to its exact
 * field `current`, with `next` holding frame + 1's exact flow and owners (for the last frame:
 * its own flow and frame + 1's owners), into `out`.
 */
export function degradeFrameFlow(
  config: SynthTubesConfig,
  scene: SceneScript,
  frame: number,
  current: ExactFrame,
  next: ExactFrame,
  out: Float32Array,
  scratch: FlowDegradationScratch,
): void {
  const errors = config.flowErrors;
  if (!errors) throw new Error(`degradeFrameFlow: ${config.name} has no flowErrors`);
  degradeFlow(
    {
      width: scene.width,
      height: scene.height,
      flow: current.flow,
      owner: current.owner,
      nextFlow: next.flow,
      nextOwner: next.owner,
      backgroundU: (scene.cameraX[frame] as number) - (scene.cameraX[frame + 1] as number),
      backgroundV: (scene.cameraY[frame] as number) - (scene.cameraY[frame + 1] as number),
      seed: hash3(scene.seed, frame, 0x666c),
    },
    errors,
    out,
    scratch,
  );
}

/** Buffers of one frame size for the flow of {@link degradeFrameFlow}. */
export function exactFrame(pixels: number): ExactFrame {
  return { flow: new Float32Array(2 * pixels), owner: new Uint8Array(pixels) };
}

/**
 * Renders frames 1 … nframes of `scene` into `targets` (RGB in [0, 1] and the flow image of
 * `encodeFlow` with `config.flowBound`, degraded by `config.flowErrors` when set), each frame
 * resized to `size` (bilinear, as `FrameSource.read`) and quantised to bytes.
 */
export function renderVideoFrames(
  config: SynthTubesConfig,
  scene: SceneScript,
  renderer: SceneRenderer,
  targets: VideoFrameTargets,
  size: readonly [number, number] = [scene.width, scene.height],
): void {
  const W = scene.width;
  const H = scene.height;
  const N = W * H;
  const T = scene.nframes;
  const [w, h] = size;
  if (!(Number.isInteger(w) && Number.isInteger(h) && w > 0 && h > 0))
    throw new RangeError(
      `SynthTubes ${scene.name}: frame size ${w}×${h} must be positive integers`,
    );
  const frameBytes = w * h * 3;
  for (const [what, bytes] of Object.entries(targets) as [string, Uint8Array | undefined][])
    if (bytes && bytes.length !== T * frameBytes)
      throw new RangeError(
        `SynthTubes ${scene.name}: ${what} target has ${bytes.length} bytes, expected ${T}×${w}×${h}×3`,
      );
  const emit = (bytes: Uint8Array, frame: number, image: Float32Array) =>
    quantizeFrame(
      bytes,
      (frame - 1) * frameBytes,
      w === W && h === H ? image : resizeBilinear(image, W, H, 3, w, h),
      frameBytes,
    );
  const rgb = targets.rgb ? new Float32Array(3 * N) : undefined;
  if (!targets.flow) {
    for (let f = 1; f <= T; f++) {
      renderer.render(f, { rgb });
      if (targets.rgb && rgb) emit(targets.rgb, f, rgb);
    }
    return;
  }
  const errors = config.flowErrors;
  let current = exactFrame(N);
  let next = exactFrame(N);
  const degraded = new Float32Array(2 * N);
  const image = new Float32Array(3 * N);
  const scratch: FlowDegradationScratch = {
    field: new Float32Array(2 * N),
    sums: new Float64Array(2 * W),
  };
  renderer.render(1, { rgb, flow: current.flow, owner: current.owner });
  for (let f = 1; f <= T; f++) {
    if (targets.rgb && rgb) emit(targets.rgb, f, rgb);
    // Frame f + 1 in one pass (its RGB for the next iteration, its flow and owners for both).
    if (f < T) renderer.render(f + 1, { rgb, flow: next.flow, owner: next.owner });
    else if (errors?.occlusion) {
      renderer.render(f + 1, { owner: next.owner });
      next.flow.set(current.flow);
    }
    if (errors) degradeFrameFlow(config, scene, f, current, next, degraded, scratch);
    encodeFlow(errors ? degraded : current.flow, config.flowBound, image);
    emit(targets.flow, f, image);
    [current, next] = [next, current];
  }
}
