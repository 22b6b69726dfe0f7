import {
  convKernelProviderInstalled,
  stopOnnxConvolutions,
  useOnnxConvolutions,
} from '@tubekit/nn';

/**
 * Where the trunk's convolutions run (`pnpm reproduce --conv …`, `reproduce({ convolutions })`):
 * `onnxruntime` (the default, {@link DEFAULT_CONVOLUTIONS}), `fusedConv2d`'s forward,
 * input-gradient and filter + bias-gradient convolutions, and the heads' large dense layers, on
 * onnxruntime-node's CPU kernels (`useOnnxConvolutions({ denseLayers: true })` of @tubekit/nn); or
 * `wasm`, the tfjs backend's own kernels. Both compute the
 * same model; the numbers differ by float rounding, which training amplifies (FINDINGS.md, "Where the
 * convolutions run"), so cached results name the choice ({@link convolutionsCacheKey}).
 */
export const CONVOLUTIONS = ['wasm', 'onnxruntime'] as const;
export type Convolutions = (typeof CONVOLUTIONS)[number];

/**
 * What the apps use when not told (`--conv`, `convolutions`): onnxruntime, which ran a whole
 * `quick` STEP run in 27 minutes on the 2-core machine. Job configurations predating the option
 * carry no choice and mean `wasm` ({@link jobConvolutions}).
 */
export const DEFAULT_CONVOLUTIONS: Convolutions = 'onnxruntime';

/**
 * The field a job configuration holds for `choice`: none for `wasm` (so `wasm` jobs have the ids
 * runs made before the option), `{ convolutions }` otherwise. {@link jobConvolutions} reads it.
 */
export function jobConvolutionsField(choice: Convolutions): { convolutions?: Convolutions } {
  return choice === 'wasm' ? {} : { convolutions: choice };
}

/** The choice of a job configuration ({@link jobConvolutionsField}): `wasm` when it names none. */
export function jobConvolutions(config: { convolutions?: Convolutions }): Convolutions {
  return config.convolutions ?? 'wasm';
}

/**
 * The choice a command-line `flag` names; anything else throws a one-line error naming the flag
 * and the allowed values.
 */
export function parseConvolutions(value: string | undefined, flag = '--conv'): Convolutions {
  if (CONVOLUTIONS.includes(value as Convolutions)) return value as Convolutions;
  throw new Error(
    `${flag} expects ${CONVOLUTIONS.join(' or ')}, got ${value === undefined ? 'nothing' : `"${value}"`}`,
  );
}

/**
 * Makes this process's convolutions run where `choice` says (call after `initBackend`; each
 * worker process calls it too) and describes the choice for a report: `wasm`, or
 * `onnxruntime (onnxruntime-node 1.30.0, 1 thread)`. onnxruntime uses one intra-op thread,
 * as tfjs-wasm does: the benchmarks run one worker process per core. Rejects with an install
 * hint when `onnxruntime` is asked for and onnxruntime-node is not installed.
 */
export async function selectConvolutions(
  choice: Convolutions = DEFAULT_CONVOLUTIONS,
): Promise<string> {
  if (choice === 'wasm') {
    await stopOnnxConvolutions();
    return choice;
  }
  const ort = await useOnnxConvolutions({ threads: 1, denseLayers: true });
  return `${choice} (onnxruntime-node ${ort.version}, ${ort.threads} thread${ort.threads > 1 ? 's' : ''})`;
}

/** Where this process runs its convolutions now (`selectConvolutions`). */
export function convolutionsInUse(): Convolutions {
  return convKernelProviderInstalled() ? 'onnxruntime' : 'wasm';
}

/**
 * The part of a cache key (pretrained trunks, training checkpoints, results) that says where the
 * convolutions ran: nothing for `wasm`, so caches written before the option keep their names;
 * `['onnxruntime']` otherwise. Trained numbers differ between the two (float rounding, amplified
 * by training), so neither reuses the other's.
 */
export function convolutionsCacheKey(): [] | ['onnxruntime'] {
  return convolutionsInUse() === 'wasm' ? [] : ['onnxruntime'];
}
