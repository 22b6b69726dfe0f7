// Jest transformer for every package: @swc/jest for our TypeScript, plus a "global prologue" for
// every module, ours and node_modules alike.
//
// Why: jest runs each test file in a `vm` context. On Node 20, every read of a global identifier
// (`Math`, `Float32Array`, `Number`, …) from code compiled in such a context goes through the
// context's interceptors and misses V8's inline caches. Measured on this machine: a loop of 3·10⁷
// `Math.floor` calls takes 40 ms in plain Node and 5.7 s under jest (≈140×); rendering the smoke
// profile's SynthTubes videos 0.7 s against 4.9 s of CPU; tfjs' JavaScript side pays the same per
// op. Binding the hot globals once per module as function-scope `var`s (the module wrapper is a
// function) turns those reads into local-variable reads, as in plain Node.
//
// The prologue is inserted after any leading comments and directives ("use strict" stays first,
// so strictness is unchanged) and on the same line, so line numbers and stack traces are unchanged.
// A name is left out when the module declares it itself with let/const/class (a `var` next to it
// would be a redeclaration error).
const { createTransformer: createSwcTransformer } = require('@swc/jest');
const { createHash } = require('node:crypto');
const { SHARED } = require('./shared-typed-arrays-environment.cjs');

const GLOBALS = [
  'Math',
  'Number',
  'Array',
  'Object',
  'String',
  'Boolean',
  'Symbol',
  'BigInt',
  'JSON',
  'Map',
  'Set',
  'WeakMap',
  'Promise',
  'Error',
  'TypeError',
  'RangeError',
  'Date',
  'Reflect',
  'isFinite',
  'isNaN',
  'parseInt',
  'parseFloat',
  // the binary-data constructors, which the test environment shares with the main realm
  ...SHARED,
];
const PROLOGUE_VERSION = '2';

/** Offset just past leading whitespace, comments and directive strings ("use strict";). */
function prologueOffset(code) {
  let i = 0;
  for (;;) {
    const rest = code.slice(i);
    const m =
      /^\s+/.exec(rest) ||
      /^\/\/[^\n]*/.exec(rest) ||
      /^\/\*[\s\S]*?\*\//.exec(rest) ||
      /^(['"])use strict\1;?/.exec(rest);
    if (!m || m[0].length === 0) return i;
    i += m[0].length;
  }
}

/** Adds `var Math = globalThis.Math, …;` for the globals the module reads and does not declare. */
function withGlobalPrologue(code) {
  if (code.startsWith('#!')) return code;
  const names = GLOBALS.filter(
    (name) =>
      new RegExp(`\\b${name}\\b`).test(code) &&
      !new RegExp(`\\b(?:let|const|class)\\s+${name}\\b`).test(code),
  );
  if (names.length === 0) return code;
  const at = prologueOffset(code);
  const decl = `var ${names.map((n) => `${n} = globalThis.${n}`).join(', ')};`;
  return `${code.slice(0, at)}${decl}${code.slice(at)}`;
}

module.exports = {
  createTransformer(swcOptions) {
    const swc = createSwcTransformer(swcOptions);
    // Dependencies, and bundles of dependencies written at install time (`@tubekit/nn`'s
    // `generated/`), are plain CommonJS JavaScript: they get the prologue only.
    const isDependency = (filename) => /[\\/](?:node_modules|generated)[\\/]/.test(filename);
    return {
      canInstrument: swc.canInstrument,
      process(src, filename, options) {
        if (isDependency(filename)) return { code: withGlobalPrologue(src) };
        const out = swc.process(src, filename, options);
        return { ...out, code: withGlobalPrologue(out.code) };
      },
      getCacheKey(src, filename, ...rest) {
        const base = isDependency(filename)
          ? createHash('sha1').update(src).update(filename).digest('hex')
          : swc.getCacheKey(src, filename, ...rest);
        return createHash('sha1').update(base).update(`prologue ${PROLOGUE_VERSION}`).digest('hex');
      },
    };
  },
};
