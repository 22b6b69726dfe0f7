import { float32RawTensor, type RawTensor, rawTensorToFloat32, tf, tidyValues } from '@tubekit/nn';
import type { NamedWeight } from './backbone';

/**
 * Memory layout of convolution kernels in a weight file:
 * - `'channels-first'`: PyTorch / ONNX, `[out, in, kH, kW]` or `[out, in, kT, kH, kW]`;
 * - `'channels-last'`: TensorFlow / tfjs / tubekit, `[kH, kW, in, out]` or `[kT, kH, kW, in, out]`.
 * Per-channel vectors are the same in both.
 */
export type WeightLayout = 'channels-first' | 'channels-last';

/** Anything with named weights: every tfjs `Backbone`, and the shared layers of @tubekit/nn that expose them. */
export interface HasWeights {
  readonly name?: string;
  readonly weights: readonly NamedWeight[];
}

/** Options of {@link importWeights}. */
export interface ImportWeightsOptions {
  /** Kernel layout of the file (PyTorch/ONNX exports are `'channels-first'`). */
  readonly layout: WeightLayout;
  /**
   * File tensor name → model weight name. A `Map` (names absent from it are taken as is) or a
   * function (return `undefined` to treat the tensor as unexpected). Default: identity.
   */
  readonly nameMap?: ReadonlyMap<string, string> | ((fileName: string) => string | undefined);
  /** Accept file tensors that match no model weight (e.g. a classifier); default false. */
  readonly allowUnexpected?: boolean;
  /** Leave model weights absent from the file at their current values; default false. */
  readonly allowMissing?: boolean;
  /**
   * File tensors to skip on purpose, e.g. `/num_batches_tracked$/` (PyTorch batch-norm
   * counters) or `/^logits\./`; they are listed in the report's `ignored`, not treated as
   * unexpected.
   */
  readonly ignore?: RegExp;
  /** Label of the file in error messages. */
  readonly source?: string;
}

/** What {@link importWeights} did. */
export interface ImportWeightsReport {
  /** Model weight names that were assigned. */
  readonly loaded: string[];
  /** Model weight names the file lacked (only with `allowMissing`). */
  readonly missing: string[];
  /** File tensor names that matched no weight (only with `allowUnexpected`). */
  readonly unexpected: string[];
  /** File tensor names skipped by `ignore`. */
  readonly ignored: string[];
}

/** Permutation from the file layout to tubekit's layout for a kernel of rank `r`. */
function toChannelsLast(r: number): number[] {
  const perm: number[] = [];
  for (let i = 2; i < r; i++) perm.push(i);
  perm.push(1, 0);
  return perm;
}

function toChannelsFirst(r: number): number[] {
  return [r - 1, r - 2, ...Array.from({ length: r - 2 }, (_, i) => i)];
}

function permute(shape: readonly number[], perm: number[]): number[] {
  return perm.map((p) => shape[p] as number);
}

/**
 * Assigns weights read from a file (ONNX initializers, safetensors) to a model's named weights,
 * converting kernel layouts and dtypes (float16/bfloat16/float64 → float32). Nothing is assigned
 * unless every check passes; otherwise one error lists every missing, unexpected and mis-shaped
 * weight (with both shapes in the file's layout) and every weight named twice.
 *
 * @example
 * ```ts
 * const { tensors } = await readSafetensors('i3d_rgb_imagenet.safetensors');
 * const report = importWeights(createI3D({ seed: 0 }), tensors, { layout: 'channels-first', allowUnexpected: true });
 * ```
 */
export function importWeights(
  model: HasWeights,
  tensors: readonly RawTensor[],
  options: ImportWeightsOptions,
): ImportWeightsReport {
  const source = options.source ?? 'weights';
  const byName = new Map(model.weights.map((w) => [w.name, w]));
  const mapName = (n: string): string | undefined => {
    const m = options.nameMap;
    if (m === undefined) return n;
    if (typeof m === 'function') return m(n);
    return m.get(n) ?? n;
  };
  const assigned = new Map<string, { tensor: RawTensor; shape: number[] }>();
  const unexpected: string[] = [];
  const misShaped: string[] = [];
  const misShapedTargets = new Set<string>();
  const duplicates: string[] = [];
  const ignored: string[] = [];
  for (const t of tensors) {
    if (options.ignore && t.name.search(options.ignore) >= 0) {
      ignored.push(t.name);
      continue;
    }
    const target = mapName(t.name);
    const w = target === undefined ? undefined : byName.get(target);
    if (!w || target === undefined) {
      unexpected.push(t.name);
      continue;
    }
    if (assigned.has(target)) {
      duplicates.push(`${target} (from "${assigned.get(target)?.tensor.name}" and "${t.name}")`);
      continue;
    }
    const want = w.variable.shape;
    const fileWant =
      w.kind === 'conv' && options.layout === 'channels-first'
        ? permute(want, toChannelsFirst(want.length))
        : want;
    const same = t.shape.length === fileWant.length && t.shape.every((d, i) => d === fileWant[i]);
    if (!same) {
      misShaped.push(
        `${t.name} → ${target}: file [${t.shape.join(', ')}], expected [${fileWant.join(', ')}]`,
      );
      misShapedTargets.add(target);
      continue;
    }
    assigned.set(target, { tensor: t, shape: [...t.shape] });
  }
  // weights that were named but mis-shaped are reported as mis-shaped, not also as missing
  const missing = model.weights
    .filter((w) => !assigned.has(w.name) && !misShapedTargets.has(w.name))
    .map((w) => w.name);
  const problems: string[] = [];
  if (missing.length > 0 && !options.allowMissing) {
    problems.push(`missing (${missing.length}): ${missing.join(', ')}`);
  }
  if (unexpected.length > 0 && !options.allowUnexpected) {
    problems.push(`unexpected (${unexpected.length}): ${unexpected.join(', ')}`);
  }
  if (misShaped.length > 0)
    problems.push(`mis-shaped (${misShaped.length}): ${misShaped.join('; ')}`);
  if (duplicates.length > 0) problems.push(`assigned twice: ${duplicates.join(', ')}`);
  if (problems.length > 0) {
    throw new Error(
      `${source}: cannot load into ${model.name ?? 'model'} (${options.layout} layout):\n  ${problems.join('\n  ')}`,
    );
  }
  for (const [target, { tensor, shape }] of assigned) {
    const w = byName.get(target) as NamedWeight;
    const values = rawTensorToFloat32(tensor);
    tf.tidy(() => {
      let v = tf.tensor(values, shape);
      if (w.kind === 'conv' && options.layout === 'channels-first')
        v = tf.transpose(v, toChannelsLast(shape.length));
      w.variable.assign(v);
    });
  }
  return {
    loaded: [...assigned.keys()],
    missing: options.allowMissing ? missing : [],
    unexpected: options.allowUnexpected ? unexpected : [],
    ignored,
  };
}

/** Options of {@link exportWeights}. */
export interface ExportWeightsOptions {
  /** Kernel layout to write (`'channels-first'` for PyTorch/ONNX consumers). */
  readonly layout: WeightLayout;
  /** Model weight name → name written (names absent from the map are written as is). */
  readonly nameMap?: ReadonlyMap<string, string>;
  /** Include batch-norm running statistics (default true). */
  readonly includeNonTrainable?: boolean;
}

/**
 * Reads a model's weights as float32 {@link RawTensor}s (in model order), ready for
 * `encodeSafetensors` / `writeSafetensors` or as ONNX initializers.
 *
 * @example
 * ```ts
 * await writeSafetensors('small.safetensors', exportWeights(net, { layout: 'channels-first' }));
 * ```
 */
export function exportWeights(model: HasWeights, options: ExportWeightsOptions): RawTensor[] {
  const out: RawTensor[] = [];
  for (const w of model.weights) {
    if (!w.trainable && options.includeNonTrainable === false) continue;
    out.push(weightToRawTensor(w, options.layout, options.nameMap?.get(w.name) ?? w.name));
  }
  return out;
}

/**
 * One weight as a float32 {@link RawTensor} in the given kernel layout (named `name`, default the
 * weight's own name).
 */
export function weightToRawTensor(w: NamedWeight, layout: WeightLayout, name = w.name): RawTensor {
  const shape = w.variable.shape;
  if (w.kind === 'conv' && layout === 'channels-first') {
    const perm = toChannelsFirst(shape.length);
    const values = tidyValues(() => tf.transpose(w.variable, perm)) as Float32Array;
    return float32RawTensor(name, permute(shape, perm), values);
  }
  return float32RawTensor(name, shape, w.variable.dataSync() as Float32Array);
}
