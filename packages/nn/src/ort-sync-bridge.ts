import { createRequire } from 'node:module';
import {
  MessageChannel,
  type MessagePort,
  receiveMessageOnPort,
  Worker,
} from 'node:worker_threads';

// `require` anchored at this file in both the CJS and the ESM build (and under jest).
const localRequire = createRequire(typeof __filename === 'string' ? __filename : import.meta.url);

/** Options of {@link OrtSyncBridge.start}. */
export interface OrtSyncBridgeOptions {
  /** onnxruntime intra-op threads of every session (default 1). */
  threads?: number;
  /** Longest wait for one answer of the worker, in seconds, before an error (default 600). */
  timeoutSeconds?: number;
}

/** One float32 input of {@link OrtSyncBridge.run}: its graph name, shape, and a writer of its values. */
export interface OrtBridgeInput {
  name: string;
  shape: readonly number[];
  /**
   * Writes the values (row-major) into `target`, a view of the buffer sent to the worker: exactly
   * the size of `shape`, or `length` floats when given.
   */
  write: (target: Float32Array) => void;
  /** Floats in the buffer when more than `shape` holds (for `aliases` reaching further). */
  length?: number;
  /**
   * More graph inputs reading the same buffer, each `shape` from float `offset` on: overlapping
   * windows of one array without a copy each (onnxruntime reads input arrays in place).
   */
  aliases?: readonly OrtBridgeAlias[];
}

/** A graph input that reads part of another input's buffer (see {@link OrtBridgeInput.aliases}). */
export interface OrtBridgeAlias {
  name: string;
  shape: readonly number[];
  offset: number;
}

/** One float32 output of {@link OrtSyncBridge.run}. */
export interface OrtBridgeOutput {
  name: string;
  shape: readonly number[];
}

interface Reply {
  id?: number;
  version?: string;
  error?: string;
  /** `run`: the input buffers, handed back for reuse. */
  inputs?: ArrayBuffer[];
  /** `run`: each output's values. */
  outputs?: { buffer: ArrayBuffer; offset: number; length: number }[];
}

/*
 * The worker: plain CommonJS (run with `eval`, so it needs no file next to the bundle). Every request
 * arrives on `port`; the answer goes back on `port` first, then `signal[0]` is set to 1 and notified,
 * which wakes the main thread blocked in `Atomics.wait`; the main thread reads the answer with
 * `receiveMessageOnPort`. Array buffers travel by transfer, not by copy: the inputs to the worker
 * (which feeds them to onnxruntime as they are) and back for reuse, and onnxruntime's outputs to
 * the caller (copied first only if onnxruntime's buffer cannot be transferred). A SharedArrayBuffer
 * would save nothing: onnxruntime-node 1.30 rejects SharedArrayBuffer-backed inputs ("Invalid
 * argument") and returns outputs in new buffers even when given pre-allocated ones.
 */
const WORKER_SOURCE = `
const { workerData } = require('node:worker_threads');
const { port, signal: signalBuffer, ortPath, threads } = workerData;
const signal = new Int32Array(signalBuffer);
const answer = (reply, transfer) => {
  try {
    port.postMessage(reply, transfer);
  } catch (e) {
    // a buffer that cannot be transferred (e.g. external memory): send copies instead
    if (!reply.outputs) throw e;
    for (const o of reply.outputs) {
      o.buffer = new Float32Array(o.buffer, o.offset, o.length).slice().buffer;
      o.offset = 0;
    }
    port.postMessage(reply, [...reply.inputs, ...reply.outputs.map((o) => o.buffer)]);
  }
  Atomics.store(signal, 0, 1);
  Atomics.notify(signal, 0);
};
let ort;
const sessions = [];
const options = {
  intraOpNumThreads: threads,
  interOpNumThreads: 1,
  executionMode: 'sequential',
  graphOptimizationLevel: 'all',
  logSeverityLevel: 3,
};
async function handle(m) {
  if (m.op === 'load') {
    ort = require(ortPath);
    return [{ version: ort.env.versions && ort.env.versions.node ? ort.env.versions.node : 'unknown' }, []];
  }
  if (m.op === 'create') {
    sessions.push(await ort.InferenceSession.create(m.bytes, options));
    return [{ id: sessions.length - 1 }, []];
  }
  if (m.op === 'run') {
    const feeds = {};
    for (const v of m.inputs)
      for (const a of v.views) {
        const size = a.shape.reduce((p, d) => p * d, 1);
        feeds[a.name] = new ort.Tensor('float32', new Float32Array(v.buffer, 4 * a.offset, size), a.shape);
      }
    const results = await sessions[m.id].run(feeds);
    const outputs = m.outputs.map((name) => {
      const data = results[name].data;
      return { buffer: data.buffer, offset: data.byteOffset, length: data.length };
    });
    const inputs = m.inputs.map((v) => v.buffer);
    return [{ inputs, outputs }, [...inputs, ...new Set(outputs.map((o) => o.buffer))]];
  }
  if (m.op === 'release') {
    await Promise.all(sessions.map((s) => s.release()));
    sessions.length = 0;
    return [{}, []];
  }
  throw new Error('unknown request ' + m.op);
}
port.on('message', (m) => {
  handle(m).then(
    ([reply, transfer]) => answer(reply, transfer),
    (e) => answer({ error: String((e && e.message) || e).split('\\n')[0] }, []),
  );
});
`;

/** `Atomics.waitAsync` (Node ≥ 16; typed from ES2024 on, later than this package's `lib`). */
const waitAsync = (
  Atomics as unknown as {
    waitAsync: (
      a: Int32Array,
      index: number,
      value: number,
    ) => { async: boolean; value: Promise<string> | string };
  }
).waitAsync;

/**
 * onnxruntime-node called synchronously. tfjs kernels are synchronous and `InferenceSession.run`
 * returns a promise, so the sessions live in a `worker_threads` Worker: the caller writes the inputs
 * into buffers it transfers with the request, and blocks in `Atomics.wait` (on a 4-byte
 * `SharedArrayBuffer`) until the worker has run the session, posted the outputs (transferred too)
 * and `Atomics.notify`d. The blocked
 * thread uses no CPU; onnxruntime computes on the worker thread (and its own intra-op pool when
 * `threads` > 1). onnxruntime-node is an optional peer dependency, loaded in the worker only.
 *
 * @example
 * ```ts
 * const bridge = await OrtSyncBridge.start({ threads: 1 });
 * const id = bridge.createSession(encodeOnnxModel(spec));
 * const [y] = bridge.run(id, [{ name: 'x', shape: [2], write: (t) => t.set([1, -1]) }], [{ name: 'y', shape: [2] }]);
 * ```
 */
export class OrtSyncBridge {
  /** Input buffers back from the worker, by byte length, for the next inputs of that size. */
  private readonly pool = new Map<number, ArrayBuffer[]>();
  private closed = false;

  private constructor(
    private readonly worker: Worker,
    private readonly port: MessagePort,
    private readonly signal: Int32Array,
    private readonly timeoutMs: number,
    /** The onnxruntime-node version the worker loaded. */
    readonly version: string,
  ) {}

  /**
   * Starts the worker and loads onnxruntime-node in it; rejects with an actionable message when the
   * package is not installed or cannot load.
   */
  static async start(options: OrtSyncBridgeOptions = {}): Promise<OrtSyncBridge> {
    let ortPath: string;
    try {
      ortPath = localRequire.resolve('onnxruntime-node');
    } catch (e) {
      throw new Error(
        `onnxruntime-node is not installed; it is an optional peer dependency of @tubekit/nn: \`npm install onnxruntime-node\` (${(e as Error).message.split('\n')[0]})`,
      );
    }
    const threads = Math.max(1, Math.floor(options.threads ?? 1));
    const { port1, port2 } = new MessageChannel();
    const signal = new Int32Array(new SharedArrayBuffer(4));
    const worker = new Worker(WORKER_SOURCE, {
      eval: true,
      workerData: { port: port2, signal: signal.buffer, ortPath, threads },
      transferList: [port2],
    });
    // The first request waits asynchronously (`Atomics.waitAsync`), so a worker that fails to start
    // rejects instead of blocking: its 'error' event fires while this promise is pending.
    port1.postMessage({ op: 'load' });
    const loaded = await new Promise<Reply | undefined>((resolve, reject) => {
      worker.once('error', reject);
      const waited = waitAsync(signal, 0, 0);
      const read = () => resolve(receiveMessageOnPort(port1)?.message as Reply | undefined);
      if (waited.async) void (waited.value as Promise<string>).then(read);
      else read();
    }).catch((e: Error) => {
      void worker.terminate();
      throw new Error(`onnxruntime worker failed to start: ${e.message.split('\n')[0]}`);
    });
    if (!loaded || loaded.error) {
      void worker.terminate();
      throw new Error(`onnxruntime-node failed to load in a worker thread: ${loaded?.error}`);
    }
    // Idle, the worker must not keep the process alive.
    worker.unref();
    port1.unref();
    const timeoutMs = (options.timeoutSeconds ?? 600) * 1000;
    return new OrtSyncBridge(worker, port1, signal, timeoutMs, loaded.version ?? 'unknown');
  }

  /** Posts one request (transferring `transfer`) and blocks until the worker answers. */
  private call(request: Record<string, unknown>, transfer: ArrayBuffer[] = []): Reply {
    if (this.closed) throw new Error('onnxruntime bridge: closed');
    Atomics.store(this.signal, 0, 0);
    this.port.postMessage(request, transfer);
    // Wait until the flag is set, not merely until a notify: the worker's notify of the previous
    // request can land late (the worker preempted between its store and its notify while this
    // thread saw the flag, read that answer and posted this request), waking this wait early.
    const deadline = performance.now() + this.timeoutMs;
    while (Atomics.load(this.signal, 0) === 0) {
      const left = deadline - performance.now();
      if (left <= 0 || Atomics.wait(this.signal, 0, 0, left) === 'timed-out')
        throw new Error(
          `onnxruntime bridge: no answer from the worker in ${this.timeoutMs / 1000} s`,
        );
    }
    const reply = receiveMessageOnPort(this.port)?.message as Reply | undefined;
    if (!reply) throw new Error('onnxruntime bridge: the worker signalled without an answer');
    if (reply.error) throw new Error(`onnxruntime: ${reply.error}`);
    return reply;
  }

  /** Creates a session from ONNX model bytes (synchronously); returns its id for {@link run}. */
  createSession(model: Uint8Array): number {
    return this.call({ op: 'create', bytes: model }).id as number;
  }

  /**
   * Runs session `id` on float32 inputs, synchronously; returns each output's values (new arrays,
   * the caller's to keep). Each input is written once, into a buffer that is transferred to the
   * worker and fed to onnxruntime as it is (with its aliases: views of the same buffer), then comes
   * back for reuse.
   */
  run(id: number, inputs: OrtBridgeInput[], outputs: OrtBridgeOutput[]): Float32Array[] {
    const feeds = inputs.map((v) => {
      const size = (shape: readonly number[]) => shape.reduce((a, b) => a * b, 1);
      const views = [{ name: v.name, shape: [...v.shape], offset: 0 }, ...(v.aliases ?? [])];
      const floats = v.length ?? size(v.shape);
      for (const a of views)
        if (a.offset + size(a.shape) > floats)
          throw new Error(
            `onnxruntime bridge: input ${a.name} reads past its buffer's ${floats} floats`,
          );
      const bytes = 4 * floats;
      const buffer = this.pool.get(bytes)?.pop() ?? new ArrayBuffer(bytes);
      v.write(new Float32Array(buffer));
      return { views: views.map((a) => ({ ...a, shape: [...a.shape] })), buffer };
    });
    const reply = this.call(
      { op: 'run', id, inputs: feeds, outputs: outputs.map((o) => o.name) },
      feeds.map((f) => f.buffer),
    );
    for (const buffer of reply.inputs ?? []) {
      const free = this.pool.get(buffer.byteLength) ?? [];
      free.push(buffer);
      this.pool.set(buffer.byteLength, free);
    }
    return (reply.outputs ?? []).map((o, i) => {
      const size = outputs[i]?.shape.reduce((a, b) => a * b, 1);
      if (o.length !== size)
        throw new Error(
          `onnxruntime bridge: output ${outputs[i]?.name} has ${o.length} values, expected ${size}`,
        );
      return new Float32Array(o.buffer, o.offset, o.length);
    });
  }

  /** Releases every session and stops the worker. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.call({ op: 'release' });
    this.closed = true;
    this.pool.clear();
    this.port.close();
    await this.worker.terminate();
  }
}
