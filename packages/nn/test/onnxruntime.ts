import { createRequire } from 'node:module';

/** Whether onnxruntime-node (an optional peer of @tubekit/nn) resolves from this package. */
export const onnxruntimeInstalled: boolean = (() => {
  try {
    createRequire(__filename).resolve('onnxruntime-node');
    return true;
  } catch {
    return false;
  }
})();

/** The title of the test that stands in for the onnxruntime tests when it is absent. */
export const ONNXRUNTIME_SKIP =
  'skipped: onnxruntime-node is not installed (an optional peer: pnpm add -D onnxruntime-node)';
