import { createRng, variableScope } from '@tubekit/nn';
import type { Backbone } from './backbone';
import {
  ConvUnit,
  InceptionBlock,
  type InceptionWidths,
  MaxPool,
  type Module,
  type WeightInit,
} from './modules';
import { type Stage, StagedBackbone } from './staged-backbone';

/**
 * The stages of I3D (Inception-v1 inflated), in order, named as in DeepMind's kinetics-i3d
 * `i3d.py` and pytorch-i3d (`end_points`). Logits are not included.
 */
export const I3D_ENDPOINTS = [
  'Conv3d_1a_7x7',
  'MaxPool3d_2a_3x3',
  'Conv3d_2b_1x1',
  'Conv3d_2c_3x3',
  'MaxPool3d_3a_3x3',
  'Mixed_3b',
  'Mixed_3c',
  'MaxPool3d_4a_3x3',
  'Mixed_4b',
  'Mixed_4c',
  'Mixed_4d',
  'Mixed_4e',
  'Mixed_4f',
  'MaxPool3d_5a_2x2',
  'Mixed_5b',
  'Mixed_5c',
] as const;

/** One I3D stage name. */
export type I3DEndpoint = (typeof I3D_ENDPOINTS)[number];

/** Inception widths `[b0, b1a, b1b, b2a, b2b, b3b]` of each mixed block (i3d.py). */
const MIXED: Partial<Record<I3DEndpoint, InceptionWidths>> = {
  Mixed_3b: [64, 96, 128, 16, 32, 32],
  Mixed_3c: [128, 128, 192, 32, 96, 64],
  Mixed_4b: [192, 96, 208, 16, 48, 64],
  Mixed_4c: [160, 112, 224, 24, 64, 64],
  Mixed_4d: [128, 128, 256, 24, 64, 64],
  Mixed_4e: [112, 144, 288, 32, 64, 64],
  Mixed_4f: [256, 160, 320, 32, 128, 128],
  Mixed_5b: [256, 160, 320, 32, 128, 128],
  Mixed_5c: [384, 192, 384, 48, 128, 128],
};

/** Options of {@link createI3D}. */
export interface I3DOptions {
  /** Seed of the random initialisation (replace with Kinetics weights via `importWeights`). */
  readonly seed: number;
  /** First stage to include (default `Conv3d_1a_7x7`, i.e. from pixels). */
  readonly firstEndpoint?: I3DEndpoint;
  /** Last stage to include (default `Mixed_4f`, STEP's AVA backbone). */
  readonly finalEndpoint?: I3DEndpoint;
  /**
   * Channels of the input: 3 for RGB, 2 for optical flow when starting at `Conv3d_1a_7x7`
   * (default); otherwise always the channels the first stage expects (e.g. 832 before Mixed_5b).
   */
  readonly inputChannels?: number;
  /**
   * Batch-norm γ (scale) weights: `true` as pytorch-i3d (default), `false` as DeepMind's
   * Sonnet model (`BatchNorm(create_scale=False)`, only β).
   */
  readonly batchNormScale?: boolean;
  /** Batch-norm ε (default 1e-3, as both reference implementations). */
  readonly batchNormEpsilon?: number;
  /** Weight initialisation (default `'he-normal'`; `'zeros'` before importing weights). */
  readonly init?: WeightInit;
}

/**
 * I3D, the Two-Stream Inflated 3D ConvNet of Carreira & Zisserman (CVPR 2017, Fig. 3):
 * Inception-v1 with batch norm, every kernel inflated to 3-D, TensorFlow SAME padding.
 * STEP (§4.1) uses it up to Mixed_4f as the AVA backbone and Mixed_5b/5c separately for
 * temporal modelling in the global branch — build the latter with `firstEndpoint:
 * 'Mixed_5b'` (input `[N, T, H, W, 832]`, e.g. RoI-pooled Mixed_4f features); CFAD takes the
 * Mixed_5b features; PCSC builds an FPN on Conv3d_2c_3x3, Mixed_3c, Mixed_4f and Mixed_5c
 * (`forwardEndpoints`). Convolutions have no bias and are followed by frozen batch norm and ReLU.
 *
 * Parameter counts (conv kernels + batch-norm γ/β, running statistics excluded, logits
 * excluded): full network 12,287,264 (pytorch-i3d's `InceptionI3d` reports 12,697,264 with
 * the 400-class logits conv, 410,000 more); up to Mixed_4f 7,528,256; Mixed_5b+5c 4,759,008.
 * Weight names follow pytorch-i3d (`Mixed_4f.b1b.conv3d.weight`, `Mixed_4f.b1b.bn.running_var`),
 * so its checkpoints exported to safetensors/ONNX load without a name map.
 * Strides at Mixed_4f: temporal 4, spatial 16; at Mixed_5c: temporal 8, spatial 32.
 *
 * @example
 * ```ts
 * const i3d = createI3D({ seed: 0 });                                   // to Mixed_4f
 * const head = createI3D({ seed: 0, firstEndpoint: 'Mixed_5b', finalEndpoint: 'Mixed_5c' });
 * i3d.outputSize({ frames: 12, height: 400, width: 400 }); // { frames: 3, height: 25, width: 25, channels: 832 }
 * ```
 */
export function createI3D(options: I3DOptions): Backbone {
  const first = I3D_ENDPOINTS.indexOf(options.firstEndpoint ?? 'Conv3d_1a_7x7');
  const last = I3D_ENDPOINTS.indexOf(options.finalEndpoint ?? 'Mixed_4f');
  if (first > last) {
    throw new Error(
      `createI3D: firstEndpoint ${options.firstEndpoint} comes after finalEndpoint ${options.finalEndpoint}`,
    );
  }
  const rng = createRng(options.seed);
  const bn = { epsilon: options.batchNormEpsilon ?? 1e-3, scale: options.batchNormScale ?? true };
  const label = `i3d-${I3D_ENDPOINTS[first]}-${I3D_ENDPOINTS[last]}`;
  const scope = variableScope(label);
  // channels entering each stage of the full network
  const channelsBefore: number[] = [];
  let c = 3;
  for (const e of I3D_ENDPOINTS) {
    channelsBefore.push(c);
    c = outChannelsOf(e, c);
  }
  const inputChannels =
    options.inputChannels ?? (first === 0 ? 3 : (channelsBefore[first] as number));
  if (first > 0 && inputChannels !== channelsBefore[first]) {
    throw new Error(
      `createI3D: ${I3D_ENDPOINTS[first]} takes ${channelsBefore[first]} channels, inputChannels is ${inputChannels}`,
    );
  }
  const stages: Stage[] = [];
  let channels = inputChannels;
  for (let i = first; i <= last; i++) {
    const name = I3D_ENDPOINTS[i] as I3DEndpoint;
    const module = makeStage(name, channels, bn, scope, rng, options.init ?? 'he-normal');
    stages.push({ name, module });
    channels = outChannelsOf(name, channels);
  }
  return new StagedBackbone({ name: label, dims: 3, inputChannels, stages });
}

function outChannelsOf(e: I3DEndpoint, cin: number): number {
  const w = MIXED[e];
  if (w) return w[0] + w[2] + w[4] + w[5];
  if (e === 'Conv3d_1a_7x7' || e === 'Conv3d_2b_1x1') return 64;
  if (e === 'Conv3d_2c_3x3') return 192;
  return cin;
}

function makeStage(
  name: I3DEndpoint,
  cin: number,
  bn: { epsilon: number; scale: boolean },
  scope: string,
  rng: ReturnType<typeof createRng>,
  init: WeightInit,
): Module {
  const widths = MIXED[name];
  if (widths) return new InceptionBlock(name, cin, widths, bn, scope, rng, init);
  const conv = (cout: number, k: number, s: number) =>
    new ConvUnit(
      {
        dims: 3,
        inChannels: cin,
        outChannels: cout,
        kernel: [k, k, k],
        stride: [s, s, s],
        convName: `${name}.conv3d`,
        bias: false,
        batchNorm: { name: `${name}.bn`, ...bn },
        init,
      },
      scope,
      rng,
    );
  const pool = (kernel: number[], stride: number[]) =>
    new MaxPool({ dims: 3, kernel, stride, padding: 'same' });
  switch (name) {
    case 'Conv3d_1a_7x7':
      return conv(64, 7, 2);
    case 'Conv3d_2b_1x1':
      return conv(64, 1, 1);
    case 'Conv3d_2c_3x3':
      return conv(192, 3, 1);
    case 'MaxPool3d_2a_3x3':
    case 'MaxPool3d_3a_3x3':
      return pool([1, 3, 3], [1, 2, 2]);
    case 'MaxPool3d_4a_3x3':
      return pool([3, 3, 3], [2, 2, 2]);
    default:
      return pool([2, 2, 2], [2, 2, 2]); // MaxPool3d_5a_2x2
  }
}

/** DeepMind branch unit names → pytorch-i3d names, per Inception branch. */
const DEEPMIND_BRANCHES: ReadonlyArray<readonly [string, string]> = [
  ['Branch_0/Conv3d_0a_1x1', 'b0'],
  ['Branch_1/Conv3d_0a_1x1', 'b1a'],
  ['Branch_1/Conv3d_0b_3x3', 'b1b'],
  ['Branch_2/Conv3d_0a_1x1', 'b2a'],
  ['Branch_2/Conv3d_0b_3x3', 'b2b'],
  // i3d.py names this unit Conv3d_0a_3x3 in Mixed_5b (a typo kept in the released checkpoints)
  ['Branch_2/Conv3d_0a_3x3', 'b2b'],
  ['Branch_3/Conv3d_0b_1x1', 'b3b'],
];

const DEEPMIND_LEAVES: ReadonlyArray<readonly [string, string]> = [
  ['conv_3d/w', 'conv3d.weight'],
  ['batch_norm/gamma', 'bn.weight'],
  ['batch_norm/beta', 'bn.bias'],
  ['batch_norm/moving_mean', 'bn.running_mean'],
  ['batch_norm/moving_variance', 'bn.running_var'],
];

/**
 * Name map for I3D weights from DeepMind's TensorFlow checkpoints (kinetics-i3d), e.g.
 * `RGB/inception_i3d/Mixed_4f/Branch_1/Conv3d_0b_3x3/conv_3d/w` → `Mixed_4f.b1b.conv3d.weight`,
 * `…/batch_norm/moving_variance` → `….bn.running_var`. Any prefix before `inception_i3d/` (the
 * `RGB/` or `Flow/` scope) and a `:0` tensor suffix are dropped; logits return `undefined`
 * (unexpected). Those checkpoints are channels-last and have no batch-norm γ: create the model
 * with `batchNormScale: false` and import with `layout: 'channels-last'`.
 *
 * @example
 * ```ts
 * const i3d = createI3D({ seed: 0, init: 'zeros', batchNormScale: false });
 * await loadWeights(i3d, 'rgb_imagenet_tf.safetensors', { layout: 'channels-last', nameMap: deepmindI3dNameMap, allowUnexpected: true });
 * ```
 */
export function deepmindI3dNameMap(fileName: string): string | undefined {
  const at = fileName.indexOf('inception_i3d/');
  let rest = (at >= 0 ? fileName.slice(at + 'inception_i3d/'.length) : fileName).replace(/:0$/, '');
  const slash = rest.indexOf('/');
  if (slash < 0) return undefined;
  const endpoint = rest.slice(0, slash);
  if (!(I3D_ENDPOINTS as readonly string[]).includes(endpoint)) return undefined;
  rest = rest.slice(slash + 1);
  let unit = endpoint;
  if (endpoint.startsWith('Mixed_')) {
    const branch = DEEPMIND_BRANCHES.find(([dm]) => rest.startsWith(`${dm}/`));
    if (!branch) return undefined;
    unit = `${endpoint}.${branch[1]}`;
    rest = rest.slice(branch[0].length + 1);
  }
  const leaf = DEEPMIND_LEAVES.find(([dm]) => rest === dm);
  return leaf ? `${unit}.${leaf[1]}` : undefined;
}
