import * as tf from '@tensorflow/tfjs-core';
import { initBackend } from '../init-backend';
import { applyUpdate, type OptimizerConfig } from '../optimizer';
import { createRng } from '../random';
import { ADAM_UPDATE_KERNEL, adamUpdateKernelConfigs } from './adam-update';

const quiet = { log: () => {} };

function values(n: number, seed: number): Float32Array {
  const rng = createRng(seed);
  return Float32Array.from({ length: n }, () => rng.normal());
}

/** Three Adam steps on a [5, 3] parameter from fixed gradients; returns p, m, v. */
function threeSteps(config: OptimizerConfig): Float32Array[] {
  // Variables made inside tidy: the initial-value tensors are freed, the variables are not.
  const param = tf.tidy(() => tf.variable(tf.tensor(values(15, 1), [5, 3])));
  const slots = tf.tidy(() => ({
    m: tf.variable(tf.zeros([5, 3])),
    v: tf.variable(tf.zeros([5, 3])),
  }));
  for (let t = 1; t <= 3; t++) {
    const grad = tf.tensor(values(15, 10 + t), [5, 3]);
    applyUpdate(config, param, grad, slots, 0.05, t);
    grad.dispose();
  }
  const out = [param, slots.m, slots.v].map((x) => Float32Array.from(x.dataSync()));
  tf.dispose([param, slots.m, slots.v]);
  return out;
}

const configs: { name: string; config: OptimizerConfig }[] = [
  { name: 'plain', config: { kind: 'adam', learningRate: 0.05 } },
  { name: 'L2', config: { kind: 'adam', learningRate: 0.05, weightDecay: 0.1, beta2: 0.99 } },
  {
    name: 'AdamW',
    config: { kind: 'adam', learningRate: 0.05, weightDecay: 0.1, decoupled: true, epsilon: 1e-6 },
  },
];

afterAll(async () => {
  await initBackend({ backend: 'wasm', ...quiet });
});

describe('fused Adam update kernel', () => {
  test.each(configs)(
    'matches the element-wise ops on cpu and on wasm: $name',
    async ({ config }) => {
      await initBackend({ backend: 'cpu', ...quiet });
      const cpuConfig = adamUpdateKernelConfigs.find(
        (k) => k.backendName === 'cpu',
      ) as tf.KernelConfig;
      tf.unregisterKernel(ADAM_UPDATE_KERNEL, 'cpu');
      let reference: Float32Array[];
      try {
        reference = threeSteps(config); // applyUpdate's element-wise ops
      } finally {
        tf.registerKernel(cpuConfig);
      }
      const fusedCpu = threeSteps(config);
      await initBackend({ backend: 'wasm', ...quiet });
      const fusedWasm = threeSteps(config);
      for (const fused of [fusedCpu, fusedWasm])
        for (let k = 0; k < 3; k++)
          for (let i = 0; i < 15; i++)
            expect(fused[k]?.[i]).toBeCloseTo(reference[k]?.[i] as number, 5);
      // The parameter moved: a kernel that copied p through would fail above, but say it plainly.
      expect(fusedWasm[0]?.[0]).not.toBeCloseTo(values(15, 1)[0] as number, 3);
    },
  );

  test('leaks no tensors or wasm buffers', async () => {
    await initBackend({ backend: 'wasm', ...quiet });
    const backend = tf.backend() as unknown as { numDataIds(): number };
    threeSteps(configs[0]?.config as OptimizerConfig);
    const tensors = tf.memory().numTensors;
    const ids = backend.numDataIds();
    threeSteps(configs[0]?.config as OptimizerConfig);
    expect(tf.memory().numTensors).toBe(tensors);
    expect(backend.numDataIds()).toBe(ids);
  });
});
