import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { cpus } from 'node:os';
import { dirname, join, sep } from 'node:path';
import { getThreadsCount, setThreadsCount, setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import * as tf from '@tensorflow/tfjs-core';
// Complete tfjs-core the way the `@tensorflow/tfjs` bundle does, without its layers, converter,
// data and webgl packages: the gradient of every core kernel (for `tf.grad(s)`, `tf.variableGrads`
// and `tf.train`), the chained tensor methods (`x.square()`, …) and the `cpu` backend. tfjs-core's
// CommonJS entry registers neither of the first two, and its registration modules are ES modules
// Node cannot load, so `scripts/bundle-tfjs-core-registrations.mjs` bundles them into one
// CommonJS file (written on install and by the build, which inlines it into `dist`). Every use of
// tubekit's tensors passes through this module. (The bundle's declarations add the chained methods
// to the type of `tf.Tensor`.)
import '../generated/tfjs-core-registrations.cjs';
import '@tensorflow/tfjs-backend-cpu';
import { registerTubekitKernels } from './register-kernels';

/** The backends tubekit can run on. `'tensorflow'` is libtensorflow through `@tensorflow/tfjs-node-gpu` or `@tensorflow/tfjs-node`. */
export type BackendName = 'tensorflow' | 'wasm' | 'cpu';

/** Options of {@link initBackend}. */
export interface InitBackendOptions {
  /**
   * Force one backend. Precedence: this option, then the `TUBEKIT_BACKEND` environment variable
   * (`tensorflow` | `wasm` | `cpu` | `auto`), then the automatic order
   * `tfjs-node-gpu` (installed and a CUDA device answers) → `tfjs-node` → `wasm` → `cpu`.
   * A forced backend that cannot start is an error, never a silent fallback.
   */
  backend?: BackendName;
  /** Where the one-line "backend chosen and why" goes; default `console.error` (stderr). */
  log?: (line: string) => void;
  /** WebAssembly threads when the runtime supports them (default: min(cores, 4)); ignored elsewhere. */
  threads?: number;
}

/** What {@link initBackend} chose. */
export interface BackendInfo {
  /** tfjs backend name now active: `'tensorflow'`, `'wasm'` or `'cpu'`. */
  name: string;
  /** Why it was chosen, e.g. `"auto: @tensorflow/tfjs-node not installed; wasm (SIMD)"`. */
  reason: string;
  /** Worker threads of the wasm backend (1 when the runtime lacks WebAssembly threads). */
  threads?: number;
}

const BACKENDS: readonly BackendName[] = ['tensorflow', 'wasm', 'cpu'];

// `require` anchored at this file in both the CJS and the ESM build (and under jest).
const localRequire = createRequire(typeof __filename === 'string' ? __filename : import.meta.url);

let current: { key: string; info: Promise<BackendInfo> } | undefined;

/**
 * Chooses, initialises and logs the tfjs backend once per process (idempotent: later calls with the
 * same request return the same {@link BackendInfo}; a call forcing a different backend switches).
 * Also registers the kernels tubekit adds to tfjs (wasm gradient kernels, see `registerTubekitKernels`).
 *
 * Selection follows the architecture rule: `@tensorflow/tfjs-node-gpu` when it is installed and
 * `nvidia-smi -L` lists a device, else `@tensorflow/tfjs-node`, else the WebAssembly backend
 * (binaries loaded from the installed `@tensorflow/tfjs-backend-wasm` directory), else `cpu`.
 * The native packages are optional peer dependencies and are only `require`d here.
 *
 * @example
 * ```ts
 * import { initBackend, tf } from '@tubekit/nn';
 * const info = await initBackend();          // logs e.g. "tubekit: tfjs backend wasm (auto: …)"
 * tf.tidy(() => tf.ones([2, 2]).sum().print());
 * ```
 */
export function initBackend(options: InitBackendOptions = {}): Promise<BackendInfo> {
  const envValue = process.env.TUBEKIT_BACKEND?.trim();
  let requested: BackendName | undefined = options.backend;
  let source = 'option backend';
  if (requested === undefined && envValue !== undefined && envValue !== '' && envValue !== 'auto') {
    if (!(BACKENDS as readonly string[]).includes(envValue))
      throw new Error(
        `TUBEKIT_BACKEND="${envValue}" is not a backend; expected one of ${BACKENDS.join(', ')} or auto`,
      );
    requested = envValue as BackendName;
    source = 'TUBEKIT_BACKEND';
  }
  const key = requested ?? 'auto';
  if (current && (current.key === key || (requested === undefined && current.key !== 'auto')))
    return current.info;
  const log = options.log ?? ((line: string) => console.error(line));
  const info = select(requested, source, options.threads).then((result) => {
    registerTubekitKernels();
    log(
      `tubekit: tfjs backend ${result.name}${result.threads ? ` (${result.threads} thread${result.threads > 1 ? 's' : ''})` : ''} — ${result.reason}`,
    );
    return result;
  });
  current = { key, info };
  info.catch(() => {
    if (current?.info === info) current = undefined;
  });
  return info;
}

async function select(
  requested: BackendName | undefined,
  source: string,
  threads: number | undefined,
): Promise<BackendInfo> {
  if (requested === 'tensorflow') {
    const native = tryNative();
    if (!native.ok) throw new Error(`${source} asks for tensorflow, but ${native.why}`);
    await activate('tensorflow');
    return { name: 'tensorflow', reason: `${source}: ${native.why}` };
  }
  if (requested === 'wasm') {
    const n = await startWasm(threads);
    return { name: 'wasm', reason: `${source}: wasm`, threads: n };
  }
  if (requested === 'cpu') {
    await activate('cpu');
    return { name: 'cpu', reason: `${source}: cpu (pure JavaScript, slow)` };
  }
  const notes: string[] = [];
  const native = tryNative();
  if (native.ok) {
    try {
      await activate('tensorflow');
      return { name: 'tensorflow', reason: `auto: ${native.why}` };
    } catch (e) {
      notes.push(`tensorflow failed to start (${(e as Error).message})`);
    }
  } else notes.push(native.why);
  try {
    const n = await startWasm(threads);
    return { name: 'wasm', reason: `auto: ${notes.join('; ')}; using wasm`, threads: n };
  } catch (e) {
    notes.push(`wasm failed to start (${(e as Error).message})`);
  }
  await activate('cpu');
  return { name: 'cpu', reason: `auto: ${notes.join('; ')}; using cpu` };
}

function resolvable(name: string): boolean {
  try {
    localRequire.resolve(name);
    return true;
  } catch {
    return false;
  }
}

function cudaAnswers(): boolean {
  try {
    const r = spawnSync('nvidia-smi', ['-L'], { encoding: 'utf8', timeout: 5000 });
    return r.status === 0 && /GPU \d+/.test(r.stdout);
  } catch {
    return false;
  }
}

/** Loads a native tfjs binding (once); `ok` when the 'tensorflow' backend is registered in our tfjs-core. */
function tryNative(): { ok: boolean; why: string } {
  if (tf.findBackendFactory('tensorflow'))
    return { ok: true, why: 'native tensorflow backend already registered' };
  const notes: string[] = [];
  const candidates: string[] = [];
  if (resolvable('@tensorflow/tfjs-node-gpu')) {
    if (cudaAnswers()) candidates.push('@tensorflow/tfjs-node-gpu');
    else notes.push('@tensorflow/tfjs-node-gpu installed but no CUDA device answers nvidia-smi');
  } else notes.push('@tensorflow/tfjs-node-gpu not installed');
  if (resolvable('@tensorflow/tfjs-node')) candidates.push('@tensorflow/tfjs-node');
  else notes.push('@tensorflow/tfjs-node not installed');
  for (const name of candidates) {
    try {
      localRequire(name);
    } catch (e) {
      notes.push(`${name} failed to load (${(e as Error).message.split('\n')[0]})`);
      continue;
    }
    if (tf.findBackendFactory('tensorflow')) return { ok: true, why: `${name}` };
    notes.push(
      `${name} loaded but registered into another @tensorflow/tfjs-core (install the exact version ${tf.version_core})`,
    );
  }
  return { ok: false, why: notes.join('; ') };
}

async function activate(name: string): Promise<void> {
  const ok = await tf.setBackend(name);
  if (!ok) throw new Error(`tfjs could not initialise the ${name} backend`);
  await tf.ready();
  // tfjs-backend-cpu prints a multi-line "install tfjs-node" banner on first use under Node; the
  // one-line log of initBackend already says which backend runs and why.
  if (name === 'cpu') (tf.backend() as unknown as { firstUse?: boolean }).firstUse = false;
}

let wasmPathsSet = false;

async function startWasm(threads: number | undefined): Promise<number> {
  if (!wasmPathsSet) {
    // Under Node the .wasm binaries are read from the installed package directory.
    const dir = join(
      dirname(localRequire.resolve('@tensorflow/tfjs-backend-wasm/package.json')),
      'dist',
    );
    setWasmPaths(dir + sep);
    const multi = (await tf.env().getAsync('WASM_HAS_MULTITHREAD_SUPPORT')) as boolean;
    if (multi) setThreadsCount(Math.max(1, threads ?? Math.min(cpus().length, 4)));
    wasmPathsSet = true;
  }
  await activate('wasm');
  return getThreadsCount();
}

/** The backend currently active in tfjs (`tf.getBackend()`), or `undefined` before {@link initBackend}. */
export function activeBackend(): string | undefined {
  return current ? tf.getBackend() : undefined;
}
