import { spawnSync } from 'node:child_process';
import { defineBenchSuite } from '@tubekit/benchmarks';
import { initBackend, stopOnnxConvolutions, tf, useOnnxConvolutions } from '@tubekit/nn';
import {
  type Backbone,
  createI3D,
  createSmallBackbone2d,
  createSmallBackbone3d,
  onnxExtractorFromBackbone,
  Trunk,
} from '../src/index';

/** Seconds-scale timing of `f` (tensors freed per call), after one warm-up call. */
function meanMs(f: () => void, reps: number): number {
  tf.tidy(f);
  const t0 = performance.now();
  for (let i = 0; i < reps; i++) tf.tidy(f);
  return (performance.now() - t0) / reps;
}

const round = (v: number, digits = 2) => Number(v.toFixed(digits));

/** One SGD step on a mean-square loss of the features (backbone forward + backward + update). */
function trainStep(net: Backbone, x: tf.Tensor, lr = 1e-3): void {
  const { value, grads } = tf.variableGrads(
    () => net.forward(x).square().mean() as tf.Scalar,
    net.trainableVariables as tf.Variable[],
  );
  for (const v of net.trainableVariables) {
    const g = grads[v.name];
    if (g) v.assign(v.sub(g.mul(lr)));
  }
  value.dataSync();
  tf.dispose([value, ...Object.values(grads)]);
}

/**
 * The same small networks in PyTorch (Debian's python3-torch), same batch, same threads, SGD on
 * the same loss; PyTorch pads 3×3/2 convolutions symmetrically (1 pixel) where tfjs 'same' pads
 * bottom/right — equal work. Returns ms per train step and per forward, or why it was skipped.
 */
function pytorchTimes(
  dims: 2 | 3,
  shape: number[],
  threads: number,
  reps: number,
): { trainMs: number; forwardMs: number } | string {
  const script = `
import json, sys, time
import torch, torch.nn as nn
cfg = json.loads(sys.argv[1])
torch.set_num_threads(cfg['threads'])
torch.manual_seed(0)
if cfg['dims'] == 2:
    layers = [(3, 16, 3, 2), (16, 32, 3, 2), (32, 64, 3, 2), (64, 64, 3, 1)]
    mods = []
    for cin, cout, k, s in layers:
        mods += [nn.Conv2d(cin, cout, k, s, 1), nn.ReLU()]
    n, h, w, c = cfg['shape']
    x = torch.randn(n, c, h, w)
else:
    layers = [(3, 16, (1, 3, 3), (1, 2, 2)), (16, 24, (3, 3, 3), (1, 2, 2)), (24, 48, (1, 3, 3), (1, 2, 2)), (48, 48, (3, 3, 3), (1, 1, 1))]
    mods = []
    for cin, cout, k, s in layers:
        mods += [nn.Conv3d(cin, cout, k, s, tuple(q // 2 for q in k)), nn.ReLU()]
    n, t, h, w, c = cfg['shape']
    x = torch.randn(n, c, t, h, w)
net = nn.Sequential(*mods)
opt = torch.optim.SGD(net.parameters(), lr=1e-3)
def step():
    opt.zero_grad()
    loss = net(x).pow(2).mean()
    loss.backward()
    opt.step()
def fwd():
    with torch.no_grad():
        net(x)
for f in (step, fwd):
    f()
t0 = time.perf_counter()
for _ in range(cfg['reps']):
    step()
train = (time.perf_counter() - t0) / cfg['reps'] * 1000
t0 = time.perf_counter()
for _ in range(cfg['reps']):
    fwd()
forward = (time.perf_counter() - t0) / cfg['reps'] * 1000
print(json.dumps({'trainMs': train, 'forwardMs': forward}))
`;
  for (const python of ['/usr/bin/python3', 'python3']) {
    const r = spawnSync(python, ['-c', script, JSON.stringify({ dims, shape, threads, reps })], {
      encoding: 'utf8',
      timeout: 120_000,
    });
    if (r.status === 0) return JSON.parse(r.stdout.trim().split('\n').pop() as string);
    if (r.error === undefined && /No module named 'torch'/.test(r.stderr)) continue;
    if (r.error === undefined && r.status !== 0)
      return `skipped: PyTorch run failed (${r.stderr.trim().split('\n').pop()})`;
  }
  return 'skipped: python3-torch not installed (apt-get install python3-torch)';
}

/** Train/forward throughput of a small backbone on wasm beside the same net in PyTorch. */
async function smallBackboneCase(dims: 2 | 3, shape: number[], reps: number) {
  const info = await initBackend({ backend: 'wasm', log: () => {} });
  const net = dims === 2 ? createSmallBackbone2d({ seed: 0 }) : createSmallBackbone3d({ seed: 0 });
  const x = tf.randomNormal(shape, 0, 1, 'float32', 1);
  const framesPerBatch =
    dims === 2 ? (shape[0] as number) : (shape[0] as number) * (shape[1] as number);
  const forwardMs = meanMs(() => {
    net.forward(x).dataSync();
  }, reps);
  const trainMs = meanMs(() => trainStep(net, x), reps);
  const size = {
    height: shape[dims === 2 ? 1 : 2] as number,
    width: shape[dims === 2 ? 2 : 3] as number,
  };
  const flopsPerFrame = net.flops({ ...size, frames: 1 });
  tf.dispose(x);
  net.dispose();
  const threads = info.threads ?? 1;
  const torch = pytorchTimes(dims, shape, threads, reps);
  return {
    batch: `[${shape.join(', ')}]`,
    wasmThreads: threads,
    mflopsPerFrame: round(flopsPerFrame / 1e6, 1),
    wasmForwardMs: round(forwardMs),
    wasmTrainStepMs: round(trainMs),
    wasmTrainStepsPerSec: round(1000 / trainMs),
    wasmTrainFramesPerSec: round((1000 / trainMs) * framesPerBatch, 1),
    ...(typeof torch === 'string'
      ? { pytorch: torch }
      : {
          pytorchForwardMs: round(torch.forwardMs),
          pytorchTrainStepMs: round(torch.trainMs),
          trainStepRatioWasmOverPytorch: round(trainMs / torch.trainMs),
        }),
  };
}

/** Frames per second of a backbone run frozen on onnxruntime (CPU, `threads` intra-op threads). */
async function onnxCase(net: Backbone, shape: number[], threads: number, reps: number) {
  const ex = await onnxExtractorFromBackbone(net, {
    threads,
    probe:
      net.layout === 'NTHWC'
        ? { frames: shape[1], height: shape[2] as number, width: shape[3] as number }
        : { height: shape[1] as number, width: shape[2] as number },
  });
  const data = new Float32Array(shape.reduce((a, b) => a * b, 1)).map((_, i) => Math.sin(i));
  await ex.run(data, shape);
  const t0 = performance.now();
  for (let i = 0; i < reps; i++) await ex.run(data, shape);
  const ms = (performance.now() - t0) / reps;
  const frames =
    net.layout === 'NTHWC' ? (shape[0] as number) * (shape[1] as number) : (shape[0] as number);
  const size =
    net.layout === 'NTHWC'
      ? { frames: shape[1], height: shape[2] as number, width: shape[3] as number }
      : { height: shape[1] as number, width: shape[2] as number };
  const gflops = (net.flops(size) * (shape[0] as number)) / 1e9;
  ex.dispose();
  net.dispose();
  return {
    batch: `[${shape.join(', ')}]`,
    threads,
    msPerBatch: round(ms),
    framesPerSec: round((1000 / ms) * frames, 1),
    gflopsPerSec: round(gflops / (ms / 1000), 1),
  };
}

/**
 * A frozen quick-size trunk's two levels (strides 4 and 8) over one 50-frame 112 px sequence, with
 * onnxruntime convolutions on (1 thread): `Trunk.backbone` layer by layer (each convolution an
 * onnxruntime call) against `Trunk.frozenLevels` (one onnxruntime graph), alternating, `rounds`
 * each.
 */
async function frozenLevelsCase(rounds: number) {
  await initBackend({ log: () => undefined });
  await useOnnxConvolutions({ threads: 1 });
  const T = 50;
  const S = 112;
  const trunk = new Trunk({ channels: 3, widths: [16, 32, 64], seed: 1 });
  const frames = new Float32Array(T * S * S * 3).map((_, i) => 0.5 + 0.5 * Math.sin(i));
  const layerByLayer = () =>
    tf.tidy(() => {
      const { levels } = trunk.backbone(tf.tensor4d(frames, [T, S, S, 3]));
      for (const l of levels) l.tensor.dataSync();
    });
  const oneGraph = () => trunk.frozenLevels(frames, { height: S, width: S }, [4, 8]);
  layerByLayer();
  oneGraph();
  const ms = { layerByLayer: 0, oneGraph: 0 };
  for (let r = 0; r < rounds; r++)
    for (const [name, f] of r % 2 === 0
      ? ([
          ['layerByLayer', layerByLayer],
          ['oneGraph', oneGraph],
        ] as const)
      : ([
          ['oneGraph', oneGraph],
          ['layerByLayer', layerByLayer],
        ] as const)) {
      const t0 = performance.now();
      f();
      ms[name] += performance.now() - t0;
    }
  trunk.dispose();
  await stopOnnxConvolutions();
  return {
    frames: T,
    msLayerByLayer: round(ms.layerByLayer / rounds),
    msOneGraph: round(ms.oneGraph / rounds),
    speedup: round(ms.layerByLayer / ms.oneGraph),
  };
}

export default defineBenchSuite({
  name: 'backbones: small CPU backbones (wasm vs PyTorch) and ONNX extractor',
  cases: [
    {
      kind: 'measure',
      name: 'small-2d train step, 4 frames 112×112',
      run: () => smallBackboneCase(2, [4, 112, 112, 3], 5),
    },
    {
      kind: 'measure',
      name: 'small-3d train step, 1 clip 6×112×112',
      run: () => smallBackboneCase(3, [1, 6, 112, 112, 3], 3),
    },
    {
      kind: 'measure',
      name: 'ONNX extractor small-2d, 8 frames 112×112',
      run: () => onnxCase(createSmallBackbone2d({ seed: 0 }), [8, 112, 112, 3], 2, 10),
    },
    {
      kind: 'measure',
      name: 'ONNX extractor I3D to Mixed_4f, clip 16×112×112',
      run: () => onnxCase(createI3D({ seed: 0, init: 'zeros' }), [1, 16, 112, 112, 3], 2, 3),
    },
    {
      kind: 'measure',
      name: 'Trunk frozen levels 4 + 8, 50 frames 112×112: layer by layer vs one graph',
      run: () => frozenLevelsCase(6),
    },
  ],
});
