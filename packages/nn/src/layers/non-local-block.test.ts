import * as tf from '@tensorflow/tfjs-core';
import { gradientCheck } from '../grad-check';
import { initBackend } from '../init-backend';
import { createRng } from '../random';
import { NonLocalBlock } from './non-local-block';

beforeAll(async () => {
  await initBackend({ backend: 'wasm', log: () => {} });
});

function randomize(block: NonLocalBlock, seed: number): void {
  const rng = createRng(seed);
  for (const w of block.weights)
    w.variable.assign(
      tf.tensor(
        Float32Array.from({ length: w.variable.size }, () => rng.normal() * 0.5),
        w.variable.shape,
      ),
    );
}

/** Eq. 1–2 written position by position: z_i = x_i + W_z Σ_j softmax_j(θ_iᵀφ_j) g_j (+ biases). */
function reference(
  block: NonLocalBlock,
  x: Float32Array,
  positions: number,
  c: number,
): Float32Array {
  const get = (name: string) =>
    block.weights.find((w) => w.name === name)!.variable.dataSync() as Float32Array;
  const lin = (xi: Float32Array, k: Float32Array, b: Float32Array, cin: number, cout: number) =>
    Float32Array.from({ length: cout }, (_, o) => {
      let s = b[o]!;
      for (let i = 0; i < cin; i++) s += xi[i]! * k[i * cout + o]!;
      return s;
    });
  const inner = get('theta.bias').length;
  const rows = Array.from({ length: positions }, (_, p) => x.slice(p * c, (p + 1) * c));
  const th = rows.map((r) => lin(r, get('theta.weight'), get('theta.bias'), c, inner));
  const ph = rows.map((r) => lin(r, get('phi.weight'), get('phi.bias'), c, inner));
  const g = rows.map((r) => lin(r, get('g.weight'), get('g.bias'), c, inner));
  const out = new Float32Array(positions * c);
  for (let i = 0; i < positions; i++) {
    const logits = ph.map((pj) => pj.reduce((s, v, k) => s + v * th[i]![k]!, 0));
    const m = Math.max(...logits);
    const e = logits.map((l) => Math.exp(l - m));
    const sum = e.reduce((a, b) => a + b, 0);
    const y = new Float32Array(inner);
    for (let j = 0; j < positions; j++)
      for (let k = 0; k < inner; k++) y[k] += (e[j]! / sum) * g[j]![k]!;
    const z = lin(y, get('W.weight'), get('W.bias'), inner, c);
    for (let k = 0; k < c; k++) out[i * c + k] = z[k]! + rows[i]![k]!;
  }
  return out;
}

describe('NonLocalBlock', () => {
  it('starts as the identity (W_z = 0) and keeps shapes, 3-D', () => {
    const nl = new NonLocalBlock({ channels: 8, dims: 3, seed: 1 });
    const x = tf.randomNormal([2, 3, 4, 4, 8], 0, 1, 'float32', 2);
    const before = tf.memory().numTensors;
    const z = nl.forward(x);
    expect(z.shape).toEqual([2, 3, 4, 4, 8]);
    expect(tf.tidy(() => z.sub(x).abs().max().dataSync()[0])).toBe(0);
    z.dispose();
    expect(tf.memory().numTensors).toBe(before);
    expect(nl.weights.map((w) => w.name)).toEqual([
      'theta.weight',
      'theta.bias',
      'phi.weight',
      'phi.bias',
      'g.weight',
      'g.bias',
      'W.weight',
      'W.bias',
    ]);
    expect(nl.weights[0]!.variable.shape).toEqual([1, 1, 1, 8, 4]);
    tf.dispose(x);
    nl.dispose();
  });

  it('matches Eq. 1–2 computed position by position (embedded Gaussian)', () => {
    const nl = new NonLocalBlock({ channels: 3, innerChannels: 2, dims: 2, seed: 1 });
    randomize(nl, 7);
    const values = Float32Array.from({ length: 2 * 3 * 3 }, (_, i) => Math.sin(i));
    const x = tf.tensor(values, [1, 2, 3, 3]);
    const z = nl.forward(x);
    const want = reference(nl, values, 6, 3);
    const got = z.dataSync();
    for (let i = 0; i < want.length; i++) expect(got[i]).toBeCloseTo(want[i]!, 4);
    tf.dispose([x, z]);
    nl.dispose();
  });

  it('subsampling and dot-product keep shapes; gradients check numerically', () => {
    const nl = new NonLocalBlock({
      channels: 4,
      dims: 2,
      seed: 3,
      subsample: true,
      pairwise: 'dot-product',
    });
    randomize(nl, 2);
    const x = tf.randomNormal([1, 4, 4, 4], 0, 1, 'float32', 5);
    const z = nl.forward(x);
    expect(z.shape).toEqual([1, 4, 4, 4]);
    const nl3 = new NonLocalBlock({ channels: 4, dims: 3, seed: 3, subsample: true });
    const x3 = tf.randomNormal([1, 2, 5, 3, 4], -1, 1, 'float32', 6);
    const z3 = nl3.forward(x3);
    expect(z3.shape).toEqual([1, 2, 5, 3, 4]);
    tf.dispose([x3, z3]);
    nl3.dispose();
    const nl2 = new NonLocalBlock({ channels: 4, dims: 2, seed: 3 });
    randomize(nl2, 4);
    const { maxError } = gradientCheck((t) => nl2.forward(t).square().sum() as tf.Scalar, [x], {
      samples: 8,
    });
    expect(maxError).toBeLessThan(5e-2);
    const { grads, value } = tf.variableGrads(
      () => nl2.forward(x).square().mean() as tf.Scalar,
      nl2.trainableVariables as tf.Variable[],
    );
    expect(Object.keys(grads)).toHaveLength(8);
    tf.dispose([x, z, value, ...Object.values(grads)]);
    expect(() => nl.forward(tf.zeros([1, 4, 4]))).toThrow(
      /NonLocalBlock: expects \[N, H, W, 4\], got \[1, 4, 4\]/,
    );
    nl.dispose();
    nl2.dispose();
  });
});
