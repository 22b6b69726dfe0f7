/**
 * Where a training step of the issue-12 trunk spends its time on wasm, kernel by kernel:
 * `npx tsx bench/kernel-profile.ts [steps] [--onnx]` (`--onnx`: with `useOnnxConvolutions`, whose
 * kernels then show as `TubekitOrt…`). Every registered wasm kernel is wrapped with a timer;
 * CPU times are exclusive (a kernel composed of other kernels is charged only for its own work), so
 * the column sums to the kernels' share of the step and the rest is tfjs/JS overhead (tape,
 * dispatch, tidy). Not a benchmark case: the timers themselves cost a little per dispatch.
 */
import { initBackend, stopOnnxConvolutions, Trainer, tf, useOnnxConvolutions } from '../src/index';
import { createTrunkNet } from './trunk-net';

const args = process.argv.slice(2);
const steps = Number(args.find((a) => !a.startsWith('--')) ?? 3);
await initBackend({ backend: 'wasm', log: () => {} });
if (args.includes('--onnx')) await useOnnxConvolutions();
const exclusive = new Map<string, { ms: number; calls: number }>();
const stack: number[] = []; // child time accumulated per open kernel call
const names: string[] = [];
/** CPU milliseconds of this process (a loaded machine inflates wall time, not CPU time). */
const cpuMs = () => {
  const c = process.cpuUsage();
  return (c.user + c.system) / 1000;
};
for (const config of tf.getKernelsForBackend('wasm')) {
  const inner = config.kernelFunc;
  const name = config.kernelName;
  tf.unregisterKernel(name, 'wasm');
  tf.registerKernel({
    ...config,
    kernelFunc: ((args: Parameters<tf.KernelFunc>[0]) => {
      const key = names.length > 0 ? `${names[names.length - 1]}>${name}` : name;
      stack.push(0);
      names.push(name);
      const t0 = cpuMs();
      try {
        return inner(args);
      } finally {
        const ms = cpuMs() - t0;
        const child = stack.pop() as number;
        names.pop();
        if (stack.length > 0) stack[stack.length - 1] = (stack[stack.length - 1] as number) + ms;
        const e = exclusive.get(key) ?? { ms: 0, calls: 0 };
        e.ms += ms - child;
        e.calls++;
        exclusive.set(key, e);
      }
    }) as tf.KernelFunc,
  });
}
const net = createTrunkNet({ clips: 4, frames: 6, size: 112 }, 1);
const trainer = new Trainer({
  parameters: net.params,
  optimizer: { kind: 'adam', learningRate: 1e-3 },
  seed: 1,
});
trainer.step(net.loss);
exclusive.clear();
const t0 = cpuMs();
for (let i = 0; i < steps; i++) trainer.step(net.loss);
const total = (cpuMs() - t0) / steps;
let kernels = 0;
const rows = [...exclusive.entries()].sort((a, b) => b[1].ms - a[1].ms);
for (const [name, { ms, calls }] of rows) {
  kernels += ms / steps;
  console.log(
    `${name.padEnd(44)} ${(ms / steps).toFixed(1).padStart(8)} ms ${String(calls / steps).padStart(6)} calls`,
  );
}
console.log(`${'kernels'.padEnd(44)} ${kernels.toFixed(1).padStart(8)} ms`);
console.log(`${'step (CPU)'.padEnd(44)} ${total.toFixed(1).padStart(8)} ms`);
trainer.dispose();
net.dispose();
await stopOnnxConvolutions();
