import { createRng, variableScope } from '@tubekit/nn';
import type { Backbone } from './backbone';
import { ConvUnit, MaxPool, type Module, type WeightInit } from './modules';
import { type Stage, StagedBackbone } from './staged-backbone';

/**
 * One layer of a plain (VGG-style) network: a 'same'-padded convolution with bias and ReLU,
 * named `name` (weights `${name}.weight`, `${name}.bias`), or a max pooling.
 */
export type PlainLayer =
  | {
      readonly kind: 'conv';
      readonly name: string;
      readonly channels: number;
      /** `[kH, kW]` (2-D) or `[kT, kH, kW]` (3-D). */
      readonly kernel: readonly number[];
      /** Per axis, default all 1. */
      readonly stride?: readonly number[];
    }
  | {
      readonly kind: 'maxPool';
      readonly name: string;
      readonly kernel: readonly number[];
      readonly stride: readonly number[];
      readonly padding: 'same' | 'valid';
    };

/** Options of {@link createPlainConvNet}: the architecture is data, checked by the type. */
export interface PlainConvNetOptions {
  readonly name: string;
  /** 2: frames `[N, H, W, C]`; 3: clips `[N, T, H, W, C]`. */
  readonly dims: 2 | 3;
  readonly inputChannels: number;
  readonly layers: readonly PlainLayer[];
  /** Seed of the He-normal initialisation. */
  readonly seed: number;
  /** Weight initialisation (default `'he-normal'`; `'zeros'` before importing weights). */
  readonly init?: WeightInit;
}

/**
 * Builds a plain convolutional network (conv + bias + ReLU layers and max pools) as a
 * {@link Backbone}. VGG16 and the small CPU backbones are instances; so can be your own.
 *
 * @example
 * ```ts
 * const net = createPlainConvNet({
 *   name: 'tiny', dims: 2, inputChannels: 3, seed: 0,
 *   layers: [{ kind: 'conv', name: 'c1', channels: 8, kernel: [3, 3], stride: [2, 2] }],
 * });
 * ```
 */
export function createPlainConvNet(options: PlainConvNetOptions): Backbone {
  const rng = createRng(options.seed);
  const scope = variableScope(options.name);
  const stages: Stage[] = [];
  let channels = options.inputChannels;
  for (const layer of options.layers) {
    let module: Module;
    if (layer.kind === 'conv') {
      module = new ConvUnit(
        {
          dims: options.dims,
          inChannels: channels,
          outChannels: layer.channels,
          kernel: layer.kernel,
          stride: layer.stride,
          convName: layer.name,
          bias: true,
          init: options.init,
        },
        scope,
        rng,
      );
      channels = layer.channels;
    } else {
      module = new MaxPool({
        dims: options.dims,
        kernel: layer.kernel,
        stride: layer.stride,
        padding: layer.padding,
      });
    }
    stages.push({ name: layer.name, module });
  }
  return new StagedBackbone({
    name: options.name,
    dims: options.dims,
    inputChannels: options.inputChannels,
    stages,
  });
}

/** Options of {@link createVgg16}. */
export interface Vgg16Options {
  /** Seed of the random initialisation (replace it with ImageNet weights via `importWeights`). */
  readonly seed: number;
  /** 3 for RGB (default); e.g. 10 for 5 stacked optical-flow x/y maps as in STEP/ACT. */
  readonly inputChannels?: number;
  /** Weight initialisation (default `'he-normal'`; `'zeros'` before importing weights). */
  readonly init?: WeightInit;
}

/**
 * The convolutional layers of VGG16 (Simonyan & Zisserman 2015, configuration D) as Faster
 * R-CNN uses them (Ren et al. 2015) and as STEP's UCF101 setting takes them (STEP §4.1: VGG16
 * backbone like ACT): conv1_1 … conv5_3 with pool1–pool4 and **without pool5**, so the output
 * is conv5_3 after ReLU, 512 channels at stride 16. 13 conv layers, 14,714,688 parameters.
 * Pools are 2×2/2 with floor rounding (torchvision's `MaxPool2d(2, 2)`); the Caffe models of
 * Faster R-CNN round up instead, which only differs for sizes not divisible by 16.
 * Weight names `conv{b}_{i}.weight|bias`; {@link torchvisionVgg16NameMap} maps torchvision's
 * `features.{k}.weight` names onto them.
 *
 * @example
 * ```ts
 * const vgg = createVgg16({ seed: 0 });
 * vgg.outputSize({ height: 400, width: 400 }); // { frames: 1, height: 25, width: 25, channels: 512 }
 * ```
 */
export function createVgg16(options: Vgg16Options): Backbone {
  const layers: PlainLayer[] = [];
  VGG16_BLOCKS.forEach((channels, b) => {
    const convs = b < 2 ? 2 : 3;
    for (let i = 1; i <= convs; i++) {
      layers.push({ kind: 'conv', name: `conv${b + 1}_${i}`, channels, kernel: [3, 3] });
    }
    if (b < 4)
      layers.push({
        kind: 'maxPool',
        name: `pool${b + 1}`,
        kernel: [2, 2],
        stride: [2, 2],
        padding: 'valid',
      });
  });
  return createPlainConvNet({
    name: 'vgg16-conv5_3',
    dims: 2,
    inputChannels: options.inputChannels ?? 3,
    layers,
    seed: options.seed,
    init: options.init,
  });
}

const VGG16_BLOCKS = [64, 128, 256, 512, 512] as const;

/**
 * Names of torchvision's `vgg16().features` state dict (`features.{k}.weight|bias`, k = module
 * index) mapped to {@link createVgg16}'s names (`conv{b}_{i}.weight|bias`). Pass it as
 * `nameMap` to `importWeights` for weights exported from PyTorch. `features.30` (pool5) and the
 * `classifier.*` weights have no counterpart; pass `allowUnexpected: true` to skip them.
 *
 * @example
 * ```ts
 * importWeights(vgg, tensors, { nameMap: torchvisionVgg16NameMap(), layout: 'channels-first', allowUnexpected: true });
 * ```
 */
export function torchvisionVgg16NameMap(): Map<string, string> {
  const map = new Map<string, string>();
  let k = 0;
  VGG16_BLOCKS.forEach((_, b) => {
    const convs = b < 2 ? 2 : 3;
    for (let i = 1; i <= convs; i++) {
      map.set(`features.${k}.weight`, `conv${b + 1}_${i}.weight`);
      map.set(`features.${k}.bias`, `conv${b + 1}_${i}.bias`);
      k += 2; // conv, relu
    }
    k += 1; // pool
  });
  return map;
}

/** Options of the small CPU backbones. */
export interface SmallBackboneOptions {
  /** Seed of the He-normal initialisation. */
  readonly seed: number;
  /** Input channels (default 3). */
  readonly inputChannels?: number;
  /** Widths of the four conv layers (defaults: 2-D `[16, 32, 64, 64]`, 3-D `[16, 24, 48, 48]`). */
  readonly widths?: readonly [number, number, number, number];
}

/**
 * A small 2-D backbone for CPU training (SynthTubes at ~96–112 px): four 3×3 conv + ReLU layers
 * with strides 2, 2, 2, 1 → output stride 8, 64 channels (a 14×14 map at 112 px).
 * 31.6 MFLOPs per 112×112 frame (23.2 at 96×96), 60,512 parameters with the default widths.
 *
 * @example
 * ```ts
 * const net = createSmallBackbone2d({ seed: 1 });
 * net.flops({ height: 112, width: 112 }); // 31_610_880
 * ```
 */
export function createSmallBackbone2d(options: SmallBackboneOptions): Backbone {
  const [c1, c2, c3, c4] = options.widths ?? [16, 32, 64, 64];
  return createPlainConvNet({
    name: 'small-2d',
    dims: 2,
    inputChannels: options.inputChannels ?? 3,
    seed: options.seed,
    layers: [
      { kind: 'conv', name: 'conv1', channels: c1, kernel: [3, 3], stride: [2, 2] },
      { kind: 'conv', name: 'conv2', channels: c2, kernel: [3, 3], stride: [2, 2] },
      { kind: 'conv', name: 'conv3', channels: c3, kernel: [3, 3], stride: [2, 2] },
      { kind: 'conv', name: 'conv4', channels: c4, kernel: [3, 3] },
    ],
  });
}

/**
 * A small 3-D backbone for CPU training on clips: (1×3×3)/2, (3×3×3)/2, (1×3×3)/2, 3×3×3
 * conv + ReLU layers (spatial strides only; temporal size preserved, temporal receptive
 * field 5 frames) → output stride 8, 48 channels, `[N, T, H/8, W/8, 48]`.
 * 47.4 MFLOPs per 112×112 frame (34.8 at 96×96), 83,512 parameters with the default widths.
 *
 * @example
 * ```ts
 * const net = createSmallBackbone3d({ seed: 1 });
 * net.outputSize({ frames: 6, height: 112, width: 112 }); // { frames: 6, height: 14, width: 14, channels: 48 }
 * ```
 */
export function createSmallBackbone3d(options: SmallBackboneOptions): Backbone {
  const [c1, c2, c3, c4] = options.widths ?? [16, 24, 48, 48];
  return createPlainConvNet({
    name: 'small-3d',
    dims: 3,
    inputChannels: options.inputChannels ?? 3,
    seed: options.seed,
    layers: [
      { kind: 'conv', name: 'conv1', channels: c1, kernel: [1, 3, 3], stride: [1, 2, 2] },
      { kind: 'conv', name: 'conv2', channels: c2, kernel: [3, 3, 3], stride: [1, 2, 2] },
      { kind: 'conv', name: 'conv3', channels: c3, kernel: [1, 3, 3], stride: [1, 2, 2] },
      { kind: 'conv', name: 'conv4', channels: c4, kernel: [3, 3, 3] },
    ],
  });
}
