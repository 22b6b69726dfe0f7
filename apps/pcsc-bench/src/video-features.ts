import type { Trunk } from '@tubekit/backbones';
import {
  type CrossStreamInput,
  keyCentredFrames,
  stackFeatures,
} from '@tubekit/heads/cross-stream';
import { tf } from '@tubekit/nn';
import type { BenchVideo } from './bench-data';

/**
 * The two streams' pretrained trunks (frozen: the detector trains on top of them). Without flow
 * images (tier 3, RGB only) `flow` is the RGB trunk itself, and both streams read its maps.
 */
export interface StreamTrunks {
  rgb: Trunk;
  flow: Trunk;
}

/**
 * The key-centred stack of every key frame (PCSC spec S1, `k` NS): its length, and the equal
 * consecutive parts whose means are concatenated along the channels (`stackFeatures`; 1 = the
 * plain temporal average).
 */
export interface KeyStack {
  frames: number;
  segments: number;
}

/**
 * The key-centred stacks of the two trunk levels the detector reads, finest first: stride 4, then
 * stride 8 ({@link videoInput}). A level's stack may be longer, and in more parts, than the
 * other's: `quick` keeps the fine level's 6 frames plain, for sharp boxes, and gives the coarse
 * level 18 frames in 3 ordered parts, for what happens around the key frame and in which order
 * (FINDINGS.md, "A longer, ordered stack at stride 8").
 */
export type LevelStacks = readonly [fine: KeyStack, coarse: KeyStack];

/** `6 frames at stride 4, 18 frames in 3 ordered parts at stride 8`. */
export function describeStacks([fine, coarse]: LevelStacks): string {
  const one = (s: KeyStack, stride: number) =>
    `${s.frames} frames${s.segments > 1 ? ` in ${s.segments} ordered parts` : ''} at stride ${stride}`;
  return `${one(fine, 4)}, ${one(coarse, 8)}`;
}

/**
 * Key-frame trunk maps of one video for the detector: both frozen trunks run once over the
 * video's frames (`Trunk.frozenLevels`: one onnxruntime graph per stream with onnxruntime
 * convolutions on); each key frame's stride-4 and stride-8 maps are the means over the parts of
 * that level's key-centred stack (`stackFeatures`, {@link LevelStacks}). When the flow trunk is
 * the RGB one (RGB only) the RGB maps serve both streams, computed once. The tensors are kept
 * (outside any tidy); dispose them with {@link disposeInput}.
 *
 * @param keys - 1-based key frames.
 */
export function videoInput(
  trunks: StreamTrunks,
  video: BenchVideo,
  keys: readonly number[],
  stacks: LevelStacks,
): CrossStreamInput {
  const S = video.annotation.width;
  const T = video.annotation.nframes;
  const rows = stacks.map((stack) =>
    keys.map((key) => Array.from(keyCentredFrames(key, T, stack.frames), (f) => f - 1)),
  );
  const levels = (trunk: Trunk, frames: Float32Array) => {
    const [c4, c8] = trunk.options.widths.slice(1) as [number, number];
    const [level4, level8] = trunk.frozenLevels(frames, { height: S, width: S }, [4, 8]);
    return tf.tidy(() =>
      [
        tf.tensor4d(level4!, [T, S / 4, S / 4, c4]),
        tf.tensor4d(level8!, [T, S / 8, S / 8, c8]),
      ].map((level, i) => tf.keep(stackFeatures([level], rows[i]!, stacks[i]!.segments)[0]!)),
    );
  };
  const rgb = levels(trunks.rgb, video.rgb);
  return { rgb, flow: trunks.flow === trunks.rgb ? rgb : levels(trunks.flow, video.flow) };
}

/** Rows `[from, from + count)` of an input (new tensors; the caller disposes them). */
export function sliceInput(input: CrossStreamInput, from: number, count: number): CrossStreamInput {
  const cut = (ts: readonly tf.Tensor4D[]) => ts.map((t) => tf.slice(t, from, count));
  return { rgb: cut(input.rgb), flow: cut(input.flow) };
}

/**
 * One level of key-frame maps kept in this process's memory rather than the ML backend's (whose
 * WebAssembly heap cannot hold 2 424 training key frames' maps of a stack in several parts):
 * `[B, H, W, C]` float32 rows, one per key frame.
 */
export interface HostMaps {
  data: Float32Array;
  shape: [number, number, number, number];
}

/** A {@link CrossStreamInput} kept in this process's memory ({@link hostInput}). */
export interface HostInput {
  rgb: HostMaps[];
  flow: HostMaps[];
}

/**
 * An input's maps copied into this process's memory (the tensors are left to the caller). Maps
 * shared by both streams (RGB only) stay shared.
 */
export function hostInput(input: CrossStreamInput): HostInput {
  const host = (ts: readonly tf.Tensor4D[]) =>
    ts.map((t) => ({
      data: t.dataSync() as Float32Array,
      shape: [...t.shape] as HostMaps['shape'],
    }));
  const rgb = host(input.rgb);
  return { rgb, flow: input.flow === input.rgb ? rgb : host(input.flow) };
}

/** Rows of several host inputs gathered into one batch of new tensors (free with {@link disposeInput}). */
export function gatherInput(parts: readonly { input: HostInput; row: number }[]): CrossStreamInput {
  const pick = (stream: 'rgb' | 'flow') =>
    parts[0]!.input[stream].map((first, l) => {
      const [, H, W, C] = first.shape;
      const size = H * W * C;
      const data = new Float32Array(parts.length * size);
      parts.forEach((p, b) => {
        data.set(p.input[stream][l]!.data.subarray(p.row * size, (p.row + 1) * size), b * size);
      });
      return tf.tensor4d(data, [parts.length, H, W, C]);
    });
  return { rgb: pick('rgb'), flow: pick('flow') };
}

/** Frees an input's tensors (maps shared by both streams once). */
export function disposeInput(input: CrossStreamInput): void {
  tf.dispose([...new Set([...input.rgb, ...input.flow])]);
}
