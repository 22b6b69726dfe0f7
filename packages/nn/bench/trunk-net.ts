import { conv3d, createRng, fusedConv2d, type TrainableParameter, tf } from '../src/index';

/**
 * The shared conv trunk of issue #12, defined identically here and in `trunk_step.py`:
 * frames [clips·T, H, W, 3] → conv 3×3 s2 → 16 → conv 3×3 → 16 → temporal 1×1 over (t−1, t, t+1)
 * → 16 → conv 3×3 s2 → 64 → conv 3×3 → 64 → conv 1×1 → 32, each with bias and ReLU; the loss is
 * the mean square of the last map. He-normal weights, zero biases, 'same' padding.
 */
export interface TrunkLayer {
  name: string;
  /** Filter shape: [KH, KW, Cin, Cout] or [KT, 1, 1, Cin, Cout] for the temporal layer. */
  filter: number[];
  stride: number;
  temporal?: boolean;
}

export const TRUNK_LAYERS: readonly TrunkLayer[] = [
  { name: 'conv1', filter: [3, 3, 3, 16], stride: 2 },
  { name: 'conv2', filter: [3, 3, 16, 16], stride: 1 },
  { name: 'temporal', filter: [3, 1, 1, 16, 16], stride: 1, temporal: true },
  { name: 'conv3', filter: [3, 3, 16, 64], stride: 2 },
  { name: 'conv4', filter: [3, 3, 64, 64], stride: 1 },
  { name: 'conv5', filter: [1, 1, 64, 32], stride: 1 },
];

/** Input geometry of the benchmark case: clips × frames × size² × 3. */
export interface TrunkInput {
  clips: number;
  frames: number;
  size: number;
}

/** Issue 12's case: 4 clips × 6 frames at 112 px. */
export const ISSUE12_INPUT: TrunkInput = { clips: 4, frames: 6, size: 112 };

/** Forward multiply-adds of each layer for an input geometry (output pixels × taps × Cin × Cout). */
export function trunkLayerMacs(
  input: TrunkInput,
): { name: string; macs: number; inputShape: number[] }[] {
  let h = input.size;
  let c = 3;
  const n = input.clips * input.frames;
  return TRUNK_LAYERS.map((l) => {
    const inputShape = [n, h, h, c];
    h = Math.ceil(h / l.stride);
    const taps = l.filter.slice(0, -2).reduce((a, b) => a * b, 1);
    const cout = l.filter[l.filter.length - 1] as number;
    const macs = n * h * h * taps * c * cout;
    c = cout;
    return { name: l.name, macs, inputShape };
  });
}

/**
 * FLOPs of one training step: 2 per multiply-add for the forward pass, the weight gradient and the
 * input gradient (none for the first layer, whose input needs no gradient).
 */
export function trunkStepFlops(input: TrunkInput): number {
  return trunkLayerMacs(input).reduce((s, l, i) => s + 2 * l.macs * (i === 0 ? 2 : 3), 0);
}

export interface TrunkNet {
  params: TrainableParameter[];
  loss: () => tf.Scalar;
  dispose: () => void;
}

export function createTrunkNet(input: TrunkInput, seed: number): TrunkNet {
  const rng = createRng(seed);
  const params: TrainableParameter[] = [];
  const weights = TRUNK_LAYERS.map((l) => {
    const fanIn = l.filter.slice(0, -1).reduce((a, b) => a * b, 1);
    const size = l.filter.reduce((a, b) => a * b, 1);
    const w = tf.variable(
      tf.tensor(
        Float32Array.from({ length: size }, () => rng.normal() * Math.sqrt(2 / fanIn)),
        l.filter,
      ),
      true,
    );
    const b = tf.variable(tf.zeros([l.filter[l.filter.length - 1] as number]), true);
    params.push({ name: `${l.name}.weight`, variable: w }, { name: `${l.name}.bias`, variable: b });
    return { w, b };
  });
  const { clips, frames, size } = input;
  const x = tf.tensor(
    Float32Array.from({ length: clips * frames * size * size * 3 }, () => rng.normal()),
    [clips * frames, size, size, 3],
  ) as tf.Tensor4D;
  const loss = () =>
    tf.tidy(() => {
      let h: tf.Tensor4D = x;
      TRUNK_LAYERS.forEach((l, i) => {
        const { w, b } = weights[i] as { w: tf.Variable; b: tf.Variable };
        if (l.temporal) {
          const [n, hh, ww, c] = h.shape;
          const clip = tf.reshape(h, [clips, n / clips, hh, ww, c]) as tf.Tensor5D;
          const y = conv3d(clip, w as tf.Tensor5D, {
            pad: 'same',
            bias: b as tf.Tensor1D,
            activation: 'relu',
          });
          h = tf.reshape(y, [n, hh, ww, -1]) as tf.Tensor4D;
        } else
          h = fusedConv2d({
            x: h,
            filter: w as tf.Tensor4D,
            strides: l.stride,
            pad: 'same',
            bias: b as tf.Tensor1D,
            activation: 'relu',
          });
      });
      return tf.mean(tf.square(h)) as tf.Scalar;
    });
  return {
    params,
    loss,
    dispose: () => tf.dispose([x, ...params.map((p) => p.variable)]),
  };
}
