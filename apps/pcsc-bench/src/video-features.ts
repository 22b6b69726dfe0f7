import type { Trunk } from '@tubekit/backbones';
import {
  type CrossStreamInput,
  keyCentredFrames,
  stackFeatures,
} from '@tubekit/heads/cross-stream';
import { tf } from '@tubekit/nn';
import type { BenchVideo } from './bench-data';

/** The two streams' pretrained trunks (frozen: the detector trains on top of them). */
export interface StreamTrunks {
  rgb: Trunk;
  flow: Trunk;
}

/**
 * Key-frame trunk maps of one video for the detector: both trunks run once over the video's
 * frames; each key frame's maps are the mean over its key-centred stack (`stackFeatures`). The
 * tensors are kept (outside any tidy); dispose them with {@link disposeInput}.
 *
 * @param keys - 1-based key frames.
 */
export function videoInput(
  trunks: StreamTrunks,
  video: BenchVideo,
  keys: readonly number[],
  k: number,
): CrossStreamInput {
  const S = video.annotation.width;
  const T = video.annotation.nframes;
  const stacks = keys.map((key) => Array.from(keyCentredFrames(key, T, k), (f) => f - 1));
  const levels = (trunk: Trunk, frames: Float32Array) =>
    tf.tidy(() =>
      stackFeatures(trunk, tf.tensor4d(frames, [T, S, S, 3]), stacks).map((t) => tf.keep(t)),
    );
  return { rgb: levels(trunks.rgb, video.rgb), flow: levels(trunks.flow, video.flow) };
}

/** Rows `[from, from + count)` of an input (new tensors; the caller disposes them). */
export function sliceInput(input: CrossStreamInput, from: number, count: number): CrossStreamInput {
  const cut = (ts: readonly tf.Tensor4D[]) => ts.map((t) => tf.slice(t, from, count));
  return { rgb: cut(input.rgb), flow: cut(input.flow) };
}

/** Rows of several inputs gathered into one batch (new tensors). */
export function gatherInput(
  parts: readonly { input: CrossStreamInput; row: number }[],
): CrossStreamInput {
  const pick = (stream: 'rgb' | 'flow') =>
    parts[0]!.input[stream].map((_, l) =>
      tf.tidy(() =>
        tf.concat(
          parts.map((p) => tf.slice(p.input[stream][l]!, p.row, 1)),
          0,
        ),
      ),
    );
  return { rgb: pick('rgb'), flow: pick('flow') };
}

/** Frees an input's tensors. */
export function disposeInput(input: CrossStreamInput): void {
  tf.dispose([...input.rgb, ...input.flow]);
}
