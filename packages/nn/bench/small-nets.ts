import { conv3d, createRng, softmaxCrossEntropy, type TrainableParameter, tf } from '../src/index';

/**
 * The small networks of the training benchmark, defined identically here and in
 * `pytorchStepScript` (He-normal init, 'same'-style padding, Adam):
 * - 2-D: [8, 64, 64, 3] → 3×(conv 3×3 stride 2 + ReLU: 16, 32, 64) → global mean → fc 10
 * - 3-D: [2, 8, 56, 56, 3] → conv3d 3×3×3 s(1,2,2) 16 → conv3d s2 32 → conv3d s2 64 (ReLU each) → mean → fc 10
 */
export type SmallNetKind = '2d' | '3d';

export interface SmallNet {
  params: TrainableParameter[];
  loss: (useTfjsConv3d?: boolean) => tf.Scalar;
  flopsPerStep: number;
}

export function createSmallNet(kind: SmallNetKind, seed: number): SmallNet {
  const rng = createRng(seed);
  const param = (name: string, shape: number[], fanIn: number): TrainableParameter => ({
    name,
    variable: tf.variable(
      tf.tensor(
        Float32Array.from(
          { length: shape.reduce((a, b) => a * b, 1) },
          () => rng.normal() * Math.sqrt(2 / fanIn),
        ),
        shape,
      ),
      true,
    ),
  });
  const widths = [3, 16, 32, 64];
  if (kind === '2d') {
    const convs = [1, 2, 3].map((i) =>
      param(`conv${i}`, [3, 3, widths[i - 1], widths[i]], 9 * widths[i - 1]),
    );
    const fc = param('fc', [64, 10], 64);
    const x = tf.randomNormal([8, 64, 64, 3], 0, 1, 'float32', seed);
    const labels = Int32Array.from({ length: 8 }, (_, i) => i % 10);
    // forward MACs: 8·(32²·27·16 + 16²·144·32 + 8²·288·64); a training step ≈ 3× forward
    const macs = 8 * (32 * 32 * 27 * 16 + 16 * 16 * 144 * 32 + 8 * 8 * 288 * 64);
    return {
      params: [...convs, fc],
      loss: () =>
        tf.tidy(() => {
          let h = x as tf.Tensor4D;
          for (const c of convs) h = tf.relu(tf.conv2d(h, c.variable as tf.Tensor4D, 2, 'same'));
          const pooled = tf.mean(h, [1, 2]);
          return softmaxCrossEntropy(
            tf.matMul(pooled, fc.variable) as tf.Tensor2D,
            labels,
          ) as tf.Scalar;
        }),
      flopsPerStep: 3 * 2 * macs,
    };
  }
  const convs = [1, 2, 3].map((i) =>
    param(`conv${i}`, [3, 3, 3, widths[i - 1], widths[i]], 27 * widths[i - 1]),
  );
  const fc = param('fc', [64, 10], 64);
  const x = tf.randomNormal([2, 8, 56, 56, 3], 0, 1, 'float32', seed);
  const labels = Int32Array.from({ length: 2 }, (_, i) => i);
  const strides: [number, number, number][] = [
    [1, 2, 2],
    [2, 2, 2],
    [2, 2, 2],
  ];
  const macs = 2 * (8 * 28 * 28 * 81 * 16 + 4 * 14 * 14 * 432 * 32 + 2 * 7 * 7 * 864 * 64);
  return {
    params: [...convs, fc],
    loss: (useTfjsConv3d = false) =>
      tf.tidy(() => {
        let h = x as tf.Tensor5D;
        convs.forEach((c, i) => {
          const w = c.variable as tf.Tensor5D;
          h = tf.relu(
            useTfjsConv3d
              ? tf.conv3d(h, w, strides[i], 'same')
              : conv3d(h, w, { strides: strides[i] }),
          );
        });
        const pooled = tf.mean(h, [1, 2, 3]);
        return softmaxCrossEntropy(
          tf.matMul(pooled, fc.variable) as tf.Tensor2D,
          labels,
        ) as tf.Scalar;
      }),
    flopsPerStep: 3 * 2 * macs,
  };
}

/** A Python program timing the same networks' Adam steps in PyTorch on CPU; prints JSON. */
export const pytorchStepScript = String.raw`
import json, os, sys, time, torch
import torch.nn as nn
kind, steps, threads = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
torch.set_num_threads(threads)
torch.manual_seed(0)
if kind == '2d':
    net = nn.Sequential(nn.Conv2d(3,16,3,2,1), nn.ReLU(), nn.Conv2d(16,32,3,2,1), nn.ReLU(), nn.Conv2d(32,64,3,2,1), nn.ReLU(),
                        nn.AdaptiveAvgPool2d(1), nn.Flatten(), nn.Linear(64,10))
    x = torch.randn(8,3,64,64); y = torch.arange(8) % 10
else:
    net = nn.Sequential(nn.Conv3d(3,16,3,(1,2,2),1), nn.ReLU(), nn.Conv3d(16,32,3,2,1), nn.ReLU(), nn.Conv3d(32,64,3,2,1), nn.ReLU(),
                        nn.AdaptiveAvgPool3d(1), nn.Flatten(), nn.Linear(64,10))
    x = torch.randn(2,3,8,56,56); y = torch.arange(2)
opt = torch.optim.Adam(net.parameters(), lr=1e-3)
lossf = nn.CrossEntropyLoss()
def step():
    opt.zero_grad(); l = lossf(net(x), y); l.backward(); opt.step()
for _ in range(2): step()
t = time.perf_counter()
for _ in range(steps): step()
ms = (time.perf_counter() - t) / steps * 1000
print(json.dumps({'torch': torch.__version__, 'threads': threads, 'stepMs': ms}))
`;
