import { defineBenchSuite } from '@tubekit/benchmarks';
import { encodeOnnxModel, initBackend, tf, useOnnxConvolutions } from '../src/index';
import { macsPerFloat, ONNX_CONVOLUTION_DEFAULTS } from '../src/ort-convolutions';
import { OrtSyncBridge } from '../src/ort-sync-bridge';
import { median, round, timed } from './timing';
import { ISSUE12_INPUT, TRUNK_LAYERS, trunkLayerMacs } from './trunk-net';

const INPUT = ISSUE12_INPUT;
const REPS = 5;

const cpuMs = (f: () => void) => timed(f).cpuMs;

/**
 * The trunk's convolutions as the training step runs them: the 2-D layers, and the temporal 1×1
 * over (t−1, t, t+1) as conv3d runs it (one [3, 1] 2-D convolution over [clips, frames, H·W, C]).
 */
function trunkConvs() {
  const n = INPUT.clips * INPUT.frames;
  return TRUNK_LAYERS.map((layer, i) => {
    const { macs, inputShape } = trunkLayerMacs(INPUT)[i] as { macs: number; inputShape: number[] };
    const [, h, w, c] = inputShape as [number, number, number, number];
    const cout = layer.filter[layer.filter.length - 1] as number;
    return layer.temporal
      ? {
          name: layer.name,
          macs,
          x: [INPUT.clips, n / INPUT.clips, h * w, c],
          filter: [3, 1, c, cout],
          stride: 1,
          first: false,
        }
      : {
          name: layer.name,
          macs,
          x: inputShape,
          filter: layer.filter,
          stride: layer.stride,
          first: i === 0,
        };
  });
}

export default defineBenchSuite({
  name: 'nn: onnxruntime-node convolutions vs tfjs-wasm (issue-12 trunk layers, 1 thread each)',
  cases: [
    {
      kind: 'measure',
      name: 'synchronous onnxruntime bridge (worker, transferred buffers, Atomics.wait): round trip and per-MiB cost',
      run: async () => {
        const bridge = await OrtSyncBridge.start({ threads: 1 });
        try {
          const id = bridge.createSession(
            encodeOnnxModel({
              nodes: [{ opType: 'Identity', inputs: ['x'], outputs: ['y'] }],
              initializers: [],
              inputs: [{ name: 'x', shape: ['N'] }],
              outputs: [{ name: 'y', shape: ['N'] }],
            }),
          );
          const time = (n: number, reps: number) => {
            const src = new Float32Array(n).fill(1);
            const call = () =>
              bridge.run(
                id,
                [{ name: 'x', shape: [n], write: (t) => t.set(src) }],
                [{ name: 'y', shape: [n] }],
              );
            call();
            const t0 = performance.now();
            for (let i = 0; i < reps; i++) call();
            return (performance.now() - t0) / reps;
          };
          const tinyMs = time(1, 500);
          const bigMs = time(1 << 20, 20);
          return {
            roundTripUs: round(tinyMs * 1000, 0),
            identity4MiBMs: round(bigMs),
            msPerMiBInAndOut: round((bigMs - tinyMs) / 4, 2),
          };
        } finally {
          await bridge.close();
        }
      },
    },
    {
      kind: 'measure',
      name: `trunk conv layers, CPU ms (median of ${REPS}, alternating): tfjs-wasm kernels vs onnxruntime incl. bridge, copies and NHWC↔NCHW transposes`,
      run: async () => {
        await initBackend({ backend: 'wasm', log: () => {} });
        const ort = await useOnnxConvolutions({ threads: 1 });
        const engine = tf.engine();
        const out: Record<string, number | string> = { onnxruntime: ort.version };
        // `chosen`: each op where useOnnxConvolutions' default rule puts it (minMacsPerFloat for the
        // forward pass and dX, weightGradMinMacsPerFloat for dW and db).
        const totals = { wasm: 0, ort: 0, chosen: 0, chosenDwMs: 0, dwFlops: 0 };
        for (const l of trunkConvs()) {
          const x = tf.randomNormal(l.x as [number, number, number, number]) as tf.Tensor4D;
          const w = tf.randomNormal(l.filter as [number, number, number, number]) as tf.Tensor4D;
          const b = tf.randomNormal([l.filter[3] as number]) as tf.Tensor1D;
          const conv = { strides: [l.stride, l.stride], pad: 'same', dataFormat: 'NHWC' };
          const yShape = tf.tidy(() => tf.conv2d(x, w, l.stride, 'same').shape);
          const dy = tf.randomNormal(yShape) as tf.Tensor4D;
          const intensity = macsPerFloat(
            tf.backend_util.computeConv2DInfo(x.shape, w.shape, l.stride, 1, 'same'),
          );
          out[`${l.name} macs/float`] = round(intensity, 0);
          const fused = { ...conv, activation: 'relu', hasBias: true, dilations: [1, 1] };
          const run = (name: string, inputs: tf.NamedTensorMap, attrs: object) => () =>
            tf.dispose(engine.runKernel(name, inputs, attrs as tf.NamedAttrMap) as tf.Tensor);
          const ops: Record<string, [() => void, () => void]> = {
            fwd: [
              run('FusedConv2D', { x, filter: w, bias: b }, fused),
              run('TubekitOrtConv2D', { x, filter: w, bias: b }, fused),
            ],
            dW: [
              run('TubekitConv2DBackpropFilterBias', { x, dy }, { ...conv, filterShape: w.shape }),
              run(
                'TubekitOrtConv2DBackpropFilterBias',
                { x, dy },
                { ...conv, filterShape: w.shape },
              ),
            ],
            ...(l.first
              ? {}
              : {
                  dX: [
                    run('Conv2DBackpropInput', { dy, filter: w }, { ...conv, inputShape: x.shape }),
                    run(
                      'TubekitOrtConv2DBackpropInput',
                      { dy, filter: w },
                      {
                        ...conv,
                        inputShape: x.shape,
                      },
                    ),
                  ] as [() => void, () => void],
                }),
          };
          for (const [op, [wasm, onnx]] of Object.entries(ops)) {
            wasm();
            onnx(); // warm-up: operator setup, session creation
            const a: number[] = [];
            const o: number[] = [];
            for (let r = 0; r < REPS; r++) {
              a.push(cpuMs(wasm));
              o.push(cpuMs(onnx));
            }
            const [ms, ortMs] = [median(a), median(o)];
            const rule = ONNX_CONVOLUTION_DEFAULTS;
            const threshold = op === 'dW' ? rule.weightGradMinMacsPerFloat : rule.minMacsPerFloat;
            const chosenMs = intensity >= threshold ? ortMs : ms;
            totals.wasm += ms;
            totals.ort += ortMs;
            totals.chosen += chosenMs;
            if (op === 'dW') {
              totals.chosenDwMs += chosenMs;
              totals.dwFlops += 2 * l.macs;
            }
            out[`${l.name} ${op} wasm ms`] = round(ms, 1);
            out[`${l.name} ${op} ort ms`] = round(ortMs, 1);
            out[`${l.name} ${op} ort GFLOP/s`] = round((2 * l.macs) / 1e6 / ortMs, 1);
          }
          tf.dispose([x, w, b, dy]);
        }
        out.wasmTotalMs = round(totals.wasm, 1);
        out.ortTotalMs = round(totals.ort, 1);
        out.ortSpeedup = round(totals.wasm / totals.ort, 2);
        out.defaultRuleTotalMs = round(totals.chosen, 1);
        out.defaultRuleSpeedup = round(totals.wasm / totals.chosen, 2);
        out.defaultRuleWeightGradGflops = round(totals.dwFlops / 1e6 / totals.chosenDwMs, 1);
        return out;
      },
      targets: { defaultRuleWeightGradGflops: { atLeast: 20 } },
    },
  ],
});
