import { type ChildProcessWithoutNullStreams, spawn, spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { defineBenchSuite } from '@tubekit/benchmarks';
import { initBackend, stopOnnxConvolutions, Trainer, tf, useOnnxConvolutions } from '../src/index';
import { median, round, timed } from './timing';
import {
  createTrunkNet,
  ISSUE12_INPUT,
  TRUNK_LAYERS,
  trunkLayerMacs,
  trunkStepFlops,
} from './trunk-net';

const INPUT = ISSUE12_INPUT;
const REPS = 5;

/** Debian's python3-torch lives in /usr/bin/python3 (a pyenv `python3` may lack it). */
function pythonWithTorch(): string | undefined {
  for (const exe of ['/usr/bin/python3', 'python3']) {
    const r = spawnSync(exe, ['-c', 'import torch'], { encoding: 'utf8' });
    if (r.status === 0) return exe;
  }
  return undefined;
}

/** `trunk_step.py` as a child process that runs one step per request, so runs alternate with ours. */
class TorchTrunk {
  private readonly lines: AsyncIterator<string>;
  private constructor(private readonly child: ChildProcessWithoutNullStreams) {
    this.lines = createInterface({ input: child.stdout })[Symbol.asyncIterator]();
  }
  static async start(
    python: string,
    threads: number,
  ): Promise<{ torch: TorchTrunk; version: string }> {
    const script = join(import.meta.dirname, 'trunk_step.py');
    const { clips, frames, size } = INPUT;
    const child = spawn(python, [script, ...[clips, frames, size, threads].map(String)]);
    const torch = new TorchTrunk(child);
    const hello = JSON.parse(await torch.next()) as { torch: string };
    return { torch, version: hello.torch };
  }
  private async next(): Promise<string> {
    const r = await this.lines.next();
    if (r.done) throw new Error('trunk_step.py ended early');
    return r.value;
  }
  async step(): Promise<{ wallMs: number; cpuMs: number }> {
    this.child.stdin.write('1\n');
    return JSON.parse(await this.next()) as { wallMs: number; cpuMs: number };
  }
  stop(): void {
    this.child.stdin.end();
  }
}

const convLayers = () =>
  TRUNK_LAYERS.map((layer, i) => ({
    layer,
    ...(trunkLayerMacs(INPUT)[i] as { macs: number; inputShape: number[] }),
  })).filter((l) => !l.layer.temporal);

export default defineBenchSuite({
  name: 'nn: the issue-12 conv trunk, one Adam step, tubekit on wasm vs PyTorch CPU',
  cases: [
    {
      kind: 'measure',
      name: `trunk training step (4 clips × 6 frames × 112², fwd + bwd + Adam): tubekit wasm, tubekit wasm + onnxruntime convolutions (opt-in), PyTorch CPU; same threads, alternating, median of ${REPS}`,
      run: async () => {
        const backend = await initBackend({ backend: 'wasm', log: () => {} });
        const threads = backend.threads ?? 1;
        const net = createTrunkNet(INPUT, 1);
        const trainer = new Trainer({
          parameters: net.params,
          optimizer: { kind: 'adam', learningRate: 1e-3 },
          seed: 1,
        });
        const flops = trunkStepFlops(INPUT);
        const ort = await useOnnxConvolutions({ threads }).catch((e: Error) => e);
        const python = pythonWithTorch();
        const torch = python ? await TorchTrunk.start(python, threads) : undefined;
        const ours: { wallMs: number; cpuMs: number }[] = [];
        const withOrt: { wallMs: number; cpuMs: number }[] = [];
        const theirs: { wallMs: number; cpuMs: number }[] = [];
        // Each runner switches the convolution kernels first (outside the timed step).
        const wasmStep = async () => {
          await stopOnnxConvolutions({ keepWorker: true });
          return timed(() => trainer.step(net.loss));
        };
        const ortStep = async () => {
          await useOnnxConvolutions({ threads });
          return timed(() => trainer.step(net.loss));
        };
        try {
          await wasmStep(); // warm-up (operator setup, heap growth, onnxruntime sessions)
          if (!(ort instanceof Error)) await ortStep();
          for (let r = 0; r < REPS; r++) {
            ours.push(await wasmStep());
            if (!(ort instanceof Error)) withOrt.push(await ortStep());
            if (torch) theirs.push(await torch.torch.step());
          }
        } finally {
          torch?.torch.stop();
          await stopOnnxConvolutions();
          trainer.dispose();
          net.dispose();
        }
        const gflops = (ms: number) => round(flops / 1e6 / ms, 1);
        const oursCpu = median(ours.map((o) => o.cpuMs));
        const oursWall = median(ours.map((o) => o.wallMs));
        const out: Record<string, number | string> = {
          threads,
          stepGflop: round(flops / 1e9, 2),
          tubekitStepCpuMs: round(oursCpu),
          tubekitStepWallMs: round(oursWall),
          tubekitGflopsCpu: gflops(oursCpu),
          tubekitGflopsWall: gflops(oursWall),
        };
        const ortCpu = median(withOrt.map((o) => o.cpuMs));
        if (ort instanceof Error) out.onnxruntime = `skipped: ${ort.message}`;
        else
          Object.assign(out, {
            onnxruntime: ort.version,
            tubekitOrtStepCpuMs: round(ortCpu),
            tubekitOrtStepWallMs: round(median(withOrt.map((o) => o.wallMs))),
            tubekitOrtGflopsCpu: gflops(ortCpu),
            ortOverWasmCpu: round(oursCpu / ortCpu, 2),
          });
        if (!torch) {
          out.torch = 'skipped: python3 -c "import torch" fails (apt-get install -y python3-torch)';
          return out;
        }
        const torchCpu = median(theirs.map((o) => o.cpuMs));
        const torchWall = median(theirs.map((o) => o.wallMs));
        Object.assign(out, {
          torchVersion: torch.version,
          torchStepCpuMs: round(torchCpu),
          torchStepWallMs: round(torchWall),
          torchGflopsCpu: gflops(torchCpu),
          torchGflopsWall: gflops(torchWall),
          // Throughput ratios: CPU time is the robust one on a shared machine.
          tubekitOverTorchCpu: round(torchCpu / oursCpu, 2),
          tubekitOverTorchWall: round(torchWall / oursWall, 2),
          ...(ort instanceof Error ? {} : { tubekitOrtOverTorchCpu: round(torchCpu / ortCpu, 2) }),
        });
        return out;
      },
      targets: { tubekitOverTorchCpu: { atLeast: 0.5 } },
    },
    {
      kind: 'measure',
      name: `trunk conv layers on wasm, GFLOP/s (CPU time, median of ${REPS}): forward, weight gradient, input gradient`,
      run: async () => {
        await initBackend({ backend: 'wasm', log: () => {} });
        const out: Record<string, number> = {};
        let dwFlops = 0;
        let dwMs = 0;
        for (const { layer, macs, inputShape } of convLayers()) {
          const shape = inputShape as [number, number, number, number];
          const x = tf.randomNormal(shape) as tf.Tensor4D;
          const w = tf.randomNormal(
            layer.filter as [number, number, number, number],
          ) as tf.Tensor4D;
          const dy = tf.tidy(() => tf.randomNormal(tf.conv2d(x, w, layer.stride, 'same').shape));
          const conv = { strides: layer.stride, pad: 'same' as const, dataFormat: 'NHWC' as const };
          const ops: Record<string, () => tf.Tensor> = {
            fwd: () => tf.conv2d(x, w, layer.stride, 'same'),
            dW: () =>
              tf
                .engine()
                .runKernel(
                  'Conv2DBackpropFilter',
                  { x, dy },
                  { ...conv, filterShape: layer.filter },
                ) as tf.Tensor,
            dX: () =>
              tf
                .engine()
                .runKernel(
                  'Conv2DBackpropInput',
                  { dy, filter: w },
                  { ...conv, inputShape: shape },
                ) as tf.Tensor,
          };
          for (const [op, f] of Object.entries(ops)) {
            tf.dispose(f()); // warm-up
            const ms = median(
              Array.from({ length: REPS }, () => timed(() => tf.dispose(f())).cpuMs),
            );
            out[`${layer.name}${op}Gflops`] = round((2 * macs) / 1e6 / ms, 1);
            if (op === 'dW') {
              dwFlops += 2 * macs;
              dwMs += ms;
            }
          }
          tf.dispose([x, w, dy]);
        }
        out.convWeightGradGflops = round(dwFlops / 1e6 / dwMs, 1);
        return out;
      },
      targets: { convWeightGradGflops: { atLeast: 20 } },
    },
  ],
});
