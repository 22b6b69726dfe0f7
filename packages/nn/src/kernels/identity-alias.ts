import type * as tf from '@tensorflow/tfjs-core';
import { replaceWasmKernel, type WasmKernelArgs } from './wasm-kernel-scope';

let tfjsKernel: tf.KernelFunc | undefined;

/**
 * `Identity` on tfjs-wasm as an alias of its input (one more reference to the same heap data, as
 * tfjs's cpu backend and tfjs-wasm's own `Reshape` do) instead of a copy. tfjs tensors are
 * immutable and no kernel writes into its inputs, so sharing is safe; the gradients of a training
 * step call `Identity` dozens of times (37 copies, 22 ms of CPU per step of the issue-12 trunk).
 * Strings keep tfjs-wasm's own kernel.
 */
export function identityAliasWasm(args: WasmKernelArgs): tf.TensorInfo {
  const { x } = args.inputs as { x: tf.TensorInfo };
  if (x.dtype === 'string') {
    if (!tfjsKernel)
      throw new Error('@tubekit/nn Identity (wasm): tfjs-wasm has no Identity kernel');
    return tfjsKernel(args as never) as tf.TensorInfo;
  }
  args.backend.incRef(x.dataId);
  return { dataId: x.dataId, shape: x.shape, dtype: x.dtype };
}

/** Replaces tfjs-wasm's `Identity` with {@link identityAliasWasm}. Idempotent. */
export function registerIdentityAliasWasm(): boolean {
  const { replaced, original } = replaceWasmKernel('Identity', identityAliasWasm);
  if (replaced) tfjsKernel = original;
  return replaced;
}
