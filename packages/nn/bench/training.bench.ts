import { spawnSync } from 'node:child_process';
import { cpus } from 'node:os';
import { defineBenchSuite } from '@tubekit/benchmarks';
import { initBackend, Trainer, tf } from '../src/index';
import { createSmallNet, pytorchStepScript, type SmallNetKind } from './small-nets';
import { round } from './timing';

/** Debian's python3-torch lives in /usr/bin/python3 (a pyenv `python3` may lack it). */
function pythonWithTorch(): string | undefined {
  for (const exe of ['/usr/bin/python3', 'python3']) {
    const r = spawnSync(exe, ['-c', 'import torch'], { encoding: 'utf8' });
    if (r.status === 0) return exe;
  }
  return undefined;
}

function torchStepMs(kind: SmallNetKind, threads: number): number | string {
  const py = pythonWithTorch();
  if (!py) return 'skipped: python3-torch not installed (apt-get install -y python3-torch)';
  const r = spawnSync(py, ['-c', pytorchStepScript, kind, '5', String(threads)], {
    encoding: 'utf8',
    timeout: 300_000,
  });
  if (r.status !== 0)
    return `skipped: PyTorch run failed (${(r.stderr || '').trim().split('\n').pop()})`;
  return (JSON.parse(r.stdout.trim().split('\n').pop() as string) as { stepMs: number }).stepMs;
}

async function tfjsStepMs(
  kind: SmallNetKind,
  steps: number,
  useTfjsConv3d = false,
): Promise<{ ms: number; gflops: number }> {
  await initBackend({ backend: 'wasm', log: () => {} });
  const net = createSmallNet(kind, 1);
  const trainer = new Trainer({
    parameters: net.params,
    optimizer: { kind: 'adam', learningRate: 1e-3 },
    seed: 1,
  });
  for (let i = 0; i < 2; i++) trainer.step(() => net.loss(useTfjsConv3d));
  const t0 = performance.now();
  for (let i = 0; i < steps; i++) trainer.step(() => net.loss(useTfjsConv3d));
  const ms = (performance.now() - t0) / steps;
  trainer.dispose();
  tf.dispose(net.params.map((p) => p.variable));
  return { ms, gflops: net.flopsPerStep / 1e9 / (ms / 1000) };
}

function sideBySide(
  kind: SmallNetKind,
  ours: { ms: number; gflops: number },
  extra: Record<string, number | string> = {},
) {
  const t1 = torchStepMs(kind, 1);
  const tN = torchStepMs(kind, cpus().length);
  const out: Record<string, number | string> = {
    wasmStepMs: round(ours.ms),
    wasmStepsPerSecond: round(1000 / ours.ms),
    wasmGflops: round(ours.gflops, 1),
    ...extra,
  };
  if (typeof t1 === 'number' && typeof tN === 'number') {
    out.torchCpu1ThreadStepMs = round(t1);
    out[`torchCpu${cpus().length}ThreadsStepMs`] = round(tN);
    out.wasmOverTorch1Thread = round(ours.ms / t1, 2);
  } else out.torch = typeof t1 === 'string' ? t1 : String(tN);
  return out;
}

export default defineBenchSuite({
  name: 'nn: training steps on wasm (vs PyTorch CPU)',
  cases: [
    {
      kind: 'measure',
      name: 'small 2-D conv net, Adam step, batch 8×64×64×3 (wasm, 1 thread) vs PyTorch CPU',
      run: async () => sideBySide('2d', await tfjsStepMs('2d', 5)),
    },
    {
      kind: 'measure',
      name: 'small 3-D conv net, Adam step, batch 2×8×56×56×3: nn.conv3d vs tf.conv3d on wasm, vs PyTorch CPU',
      run: async () => {
        const ours = await tfjsStepMs('3d', 3);
        const theirs = await tfjsStepMs('3d', 1, true);
        return sideBySide('3d', ours, {
          tfConv3dStepMs: round(theirs.ms),
          conv3dSpeedup: round(theirs.ms / ours.ms, 1),
        });
      },
    },
  ],
});
