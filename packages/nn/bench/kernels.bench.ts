import { defineBenchSuite } from '@tubekit/benchmarks';
import { conv3d, initBackend, roiAlign, tf } from '../src/index';
import { tfjsBatchMatMulWasm } from '../src/kernels/batch-matmul-transposed';
import { tfjsConv2dBackpropInputWasm } from '../src/kernels/conv2d-backprop-input';
import { round, sync, timeMs } from './timing';

const quiet = { log: () => {} };
const wasm = () => initBackend({ backend: 'wasm', ...quiet });

/** Runs `f` with tfjs's own wasm kernel `name` in place of the one tubekit registers. */
function withTfjsKernel<T>(name: string, theirs: tf.KernelFunc | undefined, f: () => T): T {
  const ours = tf.getKernel(name, 'wasm');
  if (!ours || !theirs) throw new Error(`bench: ${name} kernels not registered`);
  tf.unregisterKernel(name, 'wasm');
  tf.registerKernel({ ...ours, kernelFunc: theirs });
  try {
    return f();
  } finally {
    tf.unregisterKernel(name, 'wasm');
    tf.registerKernel(ours);
  }
}

const conv3dGrads = (useOurs: boolean) => (x: tf.Tensor5D, w: tf.Tensor5D) =>
  sync(
    tf.grads(
      (a: tf.Tensor, b: tf.Tensor) =>
        (useOurs
          ? conv3d(a as tf.Tensor5D, b as tf.Tensor5D)
          : tf.conv3d(a as tf.Tensor5D, b as tf.Tensor5D, 1, 'same')
        )
          .square()
          .sum() as tf.Scalar,
    )([x, w]),
  );

export default defineBenchSuite({
  name: 'nn: kernels on wasm',
  cases: [
    {
      kind: 'measure',
      name: 'Conv3D forward [1,8,28,28,32] ⊛ 3×3×3×32: tfjs-wasm Conv3D vs nn.conv3d',
      run: async () => {
        await wasm();
        const x = tf.randomNormal([1, 8, 28, 28, 32]) as tf.Tensor5D;
        const w = tf.randomNormal([3, 3, 3, 32, 32]) as tf.Tensor5D;
        const tfjsMs = timeMs(() => sync(tf.conv3d(x, w, 1, 'same')), 2);
        const oursMs = timeMs(() => sync(conv3d(x, w)), 5);
        const gflop = (2 * 8 * 28 * 28 * 32 * 27 * 32) / 1e9;
        tf.dispose([x, w]);
        return {
          tfjsMs: round(tfjsMs),
          oursMs: round(oursMs),
          speedup: round(tfjsMs / oursMs, 1),
          oursGflops: round(gflop / (oursMs / 1000), 1),
        };
      },
      targets: { speedup: { atLeast: 5 } },
    },
    {
      kind: 'measure',
      name: 'Conv3D forward+backward [1,8,28,28,32] ⊛ 3×3×3×32: tfjs-wasm vs nn.conv3d',
      run: async () => {
        await wasm();
        const x = tf.randomNormal([1, 8, 28, 28, 32]) as tf.Tensor5D;
        const w = tf.randomNormal([3, 3, 3, 32, 32]) as tf.Tensor5D;
        const tfjsMs = timeMs(() => conv3dGrads(false)(x, w), 1);
        const oursMs = timeMs(() => conv3dGrads(true)(x, w), 3);
        tf.dispose([x, w]);
        return { tfjsMs: round(tfjsMs), oursMs: round(oursMs), speedup: round(tfjsMs / oursMs, 1) };
      },
      targets: { speedup: { atLeast: 3 } },
    },
    {
      kind: 'measure',
      name: 'Conv2DBackpropInput [8,28,28,32] ⊛ 3×3×32×32 (stride 1 and 2): tfjs-wasm loop vs tubekit',
      run: async () => {
        await wasm();
        const dy1 = tf.randomNormal([8, 28, 28, 32]) as tf.Tensor4D;
        const dy2 = tf.randomNormal([8, 14, 14, 32]) as tf.Tensor4D;
        const w = tf.randomNormal([3, 3, 32, 32]) as tf.Tensor4D;
        const run = () => {
          const s1 = timeMs(() => sync(tf.conv2dTranspose(dy1, w, [8, 28, 28, 32], 1, 'same')), 5);
          const s2 = timeMs(() => sync(tf.conv2dTranspose(dy2, w, [8, 28, 28, 32], 2, 'same')), 5);
          return [s1, s2];
        };
        const [tfjs1, tfjs2] = withTfjsKernel(
          'Conv2DBackpropInput',
          tfjsConv2dBackpropInputWasm(),
          run,
        );
        const [ours1, ours2] = run();
        tf.dispose([dy1, dy2, w]);
        return {
          tfjsStride1Ms: round(tfjs1),
          oursStride1Ms: round(ours1),
          speedupStride1: round(tfjs1 / ours1, 1),
          tfjsStride2Ms: round(tfjs2),
          oursStride2Ms: round(ours2),
          speedupStride2: round(tfjs2 / ours2, 1),
        };
      },
      targets: { speedupStride1: { atLeast: 2 } },
    },
    {
      kind: 'measure',
      name: 'dense layer forward+backward [264,768]·[768,128] (its gradients are Xᵀ·dY and dY·Wᵀ): tfjs-wasm BatchMatMul vs tubekit',
      run: async () => {
        await wasm();
        const x = tf.randomNormal([264, 768]);
        const w = tf.randomNormal([768, 128]);
        const step = () =>
          sync(
            tf.grads((a: tf.Tensor, b: tf.Tensor) => tf.matMul(a, b).square().sum() as tf.Scalar)([
              x,
              w,
            ]),
          );
        const tfjsMs = withTfjsKernel('BatchMatMul', tfjsBatchMatMulWasm(), () => timeMs(step, 5));
        const oursMs = timeMs(step, 10);
        tf.dispose([x, w]);
        return { tfjsMs: round(tfjsMs), oursMs: round(oursMs), speedup: round(tfjsMs / oursMs, 1) };
      },
      targets: { speedup: { atLeast: 2 } },
    },
    {
      kind: 'measure',
      name: 'gap kernels on wasm vs tfjs cpu: conv2d filter grad [2,28,28,16]⊛3×3×16×16, depthwise grads, gather grad (2000 of 200×32 rows)',
      run: async () => {
        await initBackend({ backend: 'cpu', ...quiet });
        const x = tf.tensor(
          new Float32Array(2 * 28 * 28 * 16).map((_, i) => Math.sin(i)),
          [2, 28, 28, 16],
        ) as tf.Tensor4D;
        const w = tf.tensor(
          new Float32Array(3 * 3 * 16 * 16).map((_, i) => Math.cos(i)),
          [3, 3, 16, 16],
        ) as tf.Tensor4D;
        const dw = tf.tensor(
          new Float32Array(3 * 3 * 16).map((_, i) => Math.cos(i)),
          [3, 3, 16, 1],
        ) as tf.Tensor4D;
        const table = tf.tensor(
          new Float32Array(200 * 32).map((_, i) => Math.sin(i)),
          [200, 32],
        );
        const idx = tf.tensor1d(
          Int32Array.from({ length: 2000 }, (_, i) => (i * 7919) % 200),
          'int32',
        );
        const convFilter = () =>
          sync(
            tf.grad(
              (ww: tf.Tensor) => tf.conv2d(x, ww as tf.Tensor4D, 1, 'same').sum() as tf.Scalar,
            )(w),
          );
        const dwBoth = () =>
          sync(
            tf.grads(
              (a: tf.Tensor, b: tf.Tensor) =>
                tf
                  .depthwiseConv2d(a as tf.Tensor4D, b as tf.Tensor4D, 1, 'same')
                  .sum() as tf.Scalar,
            )([x, dw]),
          );
        const gatherGrad = () =>
          sync(tf.grad((t: tf.Tensor) => tf.gather(t, idx).sum() as tf.Scalar)(table));
        const cpu = [timeMs(convFilter, 1, 0), timeMs(dwBoth, 1, 0), timeMs(gatherGrad, 1, 0)];
        await wasm();
        const ours = [timeMs(convFilter, 5), timeMs(dwBoth, 5), timeMs(gatherGrad, 5)];
        tf.dispose([x, w, dw, table, idx]);
        return {
          conv2dFilterGradSpeedup: round(cpu[0] / ours[0], 1),
          depthwiseGradsSpeedup: round(cpu[1] / ours[1], 1),
          gatherGradSpeedup: round(cpu[2] / ours[2], 1),
          conv2dFilterGradCpuMs: round(cpu[0]),
          conv2dFilterGradWasmMs: round(ours[0]),
          depthwiseGradsCpuMs: round(cpu[1]),
          depthwiseGradsWasmMs: round(ours[1]),
          gatherGradCpuMs: round(cpu[2]),
          gatherGradWasmMs: round(ours[2]),
        };
      },
    },
    {
      kind: 'measure',
      name: 'roiAlign 7×7, 128 boxes over 4 frames of [38,50,256] features (stride 16, 600×800 frames)',
      run: async () => {
        await wasm();
        const feats = tf.randomNormal([4, 38, 50, 256]) as tf.Tensor4D;
        const n = 128;
        const boxes = new Float32Array(n * 4);
        const frames = new Int32Array(n);
        for (let i = 0; i < n; i++) {
          const x1 = (i * 37) % 600;
          const y1 = (i * 53) % 400;
          boxes.set([x1, y1, x1 + 60 + (i % 5) * 30, y1 + 80 + (i % 7) * 25], i * 4);
          frames[i] = i % 4;
        }
        const opts = { outputSize: 7, spatialScale: 1 / 16 };
        const fwd = timeMs(() => sync(roiAlign(feats, boxes, frames, opts)), 5);
        const both = timeMs(
          () =>
            sync(
              tf.grad(
                (f: tf.Tensor) =>
                  roiAlign(f as tf.Tensor4D, boxes, frames, opts).sum() as tf.Scalar,
              )(feats),
            ),
          3,
        );
        feats.dispose();
        return {
          forwardMs: round(fwd),
          forwardBackwardMs: round(both),
          boxesPerSecondForward: Math.round(n / (fwd / 1000)),
        };
      },
    },
  ],
});
