// Jest's node environment runs tests in a separate vm realm, so `new Float32Array()` in a test is
// not an instance of the main realm's Float32Array. Native addons (onnxruntime-node) and tfjs check
// `data instanceof Float32Array` against the main realm and reject such arrays ("A float32 tensor's
// data must be type of function Float32Array"). This environment hands the test realm the main
// realm's binary-data constructors so both sides agree.
const { TestEnvironment } = require('jest-environment-node');

const SHARED = [
  'ArrayBuffer',
  'SharedArrayBuffer',
  'DataView',
  'Int8Array',
  'Uint8Array',
  'Uint8ClampedArray',
  'Int16Array',
  'Uint16Array',
  'Int32Array',
  'Uint32Array',
  'Float32Array',
  'Float64Array',
  'BigInt64Array',
  'BigUint64Array',
];

class SharedTypedArraysEnvironment extends TestEnvironment {
  constructor(config, context) {
    super(config, context);
    for (const name of SHARED) this.global[name] = globalThis[name];
  }
}

module.exports = SharedTypedArraysEnvironment;
/** The binary-data constructors shared with the test realm (the transformer binds them per module too). */
module.exports.SHARED = SHARED;
