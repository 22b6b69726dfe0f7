import * as tf from '@tensorflow/tfjs-core';
import { fusedConv2dKernelConfigs, registerFusedConv2dGradient } from './fused-conv2d';
import { adamUpdateKernelConfigs } from './kernels/adam-update';
import { registerBatchMatMulTransposedWasm } from './kernels/batch-matmul-transposed';
import { registerConcatInPlaceWasm } from './kernels/concat-in-place';
import { conv2dBackpropFilterWasmConfigs } from './kernels/conv2d-backprop-filter';
import { registerConv2dBackpropInputWasm } from './kernels/conv2d-backprop-input';
import { depthwiseBackpropWasmConfigs } from './kernels/depthwise-backprop';
import { registerEmptyReductionsWasm } from './kernels/empty-reductions';
import { registerEqualBroadcastWasm } from './kernels/equal-broadcast';
import { registerGatherInPlaceWasm } from './kernels/gather-in-place';
import { registerIdentityAliasWasm } from './kernels/identity-alias';
import { registerSliceInPlaceWasm } from './kernels/slice-in-place';
import { registerTileGradient, registerTileInPlaceWasm } from './kernels/tile-in-place';
import { unsortedSegmentSumWasmConfig } from './kernels/unsorted-segment-sum';

/** The kernels tubekit adds to tfjs, by backend. */
export const TUBEKIT_KERNELS: readonly tf.KernelConfig[] = [
  ...conv2dBackpropFilterWasmConfigs,
  ...fusedConv2dKernelConfigs,
  ...adamUpdateKernelConfigs,
  ...depthwiseBackpropWasmConfigs,
  unsortedSegmentSumWasmConfig,
];

/**
 * Registers tubekit's kernels with tfjs (idempotent). A kernel tfjs already provides for that
 * backend is left alone unless it was registered by tubekit. Called by `initBackend`; call it
 * yourself only when you select a tfjs backend without `initBackend`.
 *
 * @returns the names of the kernels registered by this call
 */
export function registerTubekitKernels(): string[] {
  const added: string[] = [];
  for (const config of TUBEKIT_KERNELS) {
    if (tf.getKernel(config.kernelName, config.backendName)) continue;
    tf.registerKernel(config);
    added.push(`${config.kernelName}@${config.backendName}`);
  }
  if (registerFusedConv2dGradient()) added.push('TubekitFusedConv2D gradient');
  if (registerTileGradient()) added.push('Tile gradient (one sum)');
  // Not gaps but slow kernels: replaced, each calling tfjs's own on the fast path.
  if (registerConv2dBackpropInputWasm()) added.push('Conv2DBackpropInput@wasm (faster)');
  if (registerBatchMatMulTransposedWasm()) added.push('BatchMatMul@wasm (fast transposes)');
  if (registerIdentityAliasWasm()) added.push('Identity@wasm (alias, no copy)');
  if (registerSliceInPlaceWasm()) added.push('Slice, SplitV@wasm (read in place)');
  if (registerConcatInPlaceWasm()) added.push('Concat@wasm (short runs copied in place)');
  if (registerTileInPlaceWasm()) added.push('Tile@wasm (runs copied in place)');
  if (registerGatherInPlaceWasm()) added.push('GatherV2@wasm (slices copied in place)');
  if (registerEqualBroadcastWasm()) added.push('Equal@wasm (broadcasts in place)');
  // A gap: tfjs-wasm's reductions over no values give heap garbage.
  const reductions = registerEmptyReductionsWasm();
  if (reductions.length > 0) added.push(`${reductions.join(', ')}@wasm (over no values)`);
  return added;
}
