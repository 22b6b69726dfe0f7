import { createRng, gradientCheck, initBackend, tf } from '@tubekit/nn';
import { chooseTimestamps, type TimestampChoice } from './choose-timestamps';
import { CoarseModule } from './coarse-module';
import { KeyTimestampSelector } from './key-timestamp-selector';
import { TemporalProposalNetwork } from './temporal-proposal-network';

beforeAll(async () => {
  await initBackend({ backend: 'wasm', log: () => {} });
});

/** Every weight gets a finite gradient and the loss moves some of them. */
function expectTrainable(weights: readonly { variable: tf.Variable }[], f: () => tf.Scalar): void {
  const { value, grads } = tf.variableGrads(
    f,
    weights.map((w) => w.variable),
  );
  let norm = 0;
  for (const g of Object.values(grads)) {
    const v = g.dataSync();
    for (const x of v) {
      expect(Number.isFinite(x)).toBe(true);
      norm += x * x;
    }
  }
  expect(norm).toBeGreaterThan(0);
  tf.dispose([value, ...Object.values(grads)]);
}

describe('CoarseModule (CFAD §3.2, Fig. 2)', () => {
  test('shapes, Diff Block on/off, gradients, no leaks', () => {
    const opts = { channels: 4, hidden: 3, numClasses: 2, anchors: 2, order: 1, seed: 1 };
    const m = new CoarseModule(opts);
    const plain = new CoarseModule({ ...opts, diffBlock: false });
    expect(plain.weights.length).toBeLessThan(m.weights.length);
    const F = tf.randomNormal([2, 3, 2, 2, 4], 0, 1, 'float32', 3) as tf.Tensor5D;
    const before = tf.memory().numTensors;
    const out = m.forward(F);
    expect(out.logits.shape).toEqual([2, 2 * 2 * 2, 3]);
    expect(out.theta.shape).toEqual([2, 8, 2, 4]);
    tf.dispose([out.logits, out.theta]);
    expect(tf.memory().numTensors).toBe(before);
    expectTrainable(m.weights, () => {
      const o = m.forward(F);
      return tf.add(tf.sum(tf.square(o.logits)), tf.sum(tf.square(o.theta))) as tf.Scalar;
    });
    const { maxError } = gradientCheck(
      (x) => {
        const o = m.forward(x as tf.Tensor5D);
        return tf.mul(
          tf.add(tf.sum(tf.square(o.logits)), tf.sum(tf.square(o.theta))),
          1e3,
        ) as tf.Scalar;
      },
      [F],
      { samples: 6 },
    );
    expect(maxError).toBeLessThan(5e-2);
    expect(() => m.forward(tf.zeros([1, 1, 2, 2, 4]) as tf.Tensor5D)).toThrow(/N ≥ 2/);
    tf.dispose(F);
    m.dispose();
    plain.dispose();
  });
});

describe('TemporalProposalNetwork (CFAD §3.1, R-C3D)', () => {
  test('anchors, loss gradients, proposals ≤ topK inside the clip', () => {
    const tpn = new TemporalProposalNetwork({ channels: 4, lengths: [2, 4], seed: 1 });
    expect(Array.from(tpn.anchors(2))).toEqual([-1, 1, -2, 2, 0, 2, -1, 3]);
    const x = tf.randomNormal([8, 2, 2, 4], 0, 1, 'float32', 2) as tf.Tensor4D;
    const before = tf.memory().numTensors;
    const out = tpn.forward(x);
    expect(out.logits.shape).toEqual([16, 2]);
    const p = tpn.proposals(out, 8, { topK: 3 });
    expect(p.spans.length).toBeLessThanOrEqual(6);
    for (const v of p.spans) expect(v >= 0 && v <= 7).toBe(true);
    tf.dispose([out.logits, out.deltas]);
    expect(tf.memory().numTensors).toBe(before);
    expectTrainable(tpn.weights, () => {
      const o = tpn.forward(x);
      return tpn.loss(o, new Float64Array([1, 5]), { rng: createRng(1) });
    });
    tf.dispose(x);
    tpn.dispose();
  });
});

describe('KeyTimestampSelector (CFAD §3.3)', () => {
  test('learns Eq. 5 labels on a toy where the key samples carry a feature, beating random and uniform', () => {
    // samples whose pooled feature is high are the key ones (kinks); the rest are smooth
    const N = 8;
    const sel = new KeyTimestampSelector({ channels: 2, samples: N, seed: 1 });
    const rng = createRng(5);
    const batch = () => {
      const labels = new Uint8Array(4 * N);
      const v = new Float32Array(4 * N * 2);
      for (let b = 0; b < 4; b++) {
        labels[b * N] = 1;
        labels[b * N + N - 1] = 1;
        labels[b * N + 1 + rng.int(N - 2)] = 1;
        for (let i = 0; i < N; i++) {
          v[2 * (b * N + i)] = labels[b * N + i]! + 0.1 * rng.normal();
          v[2 * (b * N + i) + 1] = 0.1 * rng.normal();
        }
      }
      return { F: tf.reshape(tf.tensor(v), [4, N, 1, 1, 2]) as tf.Tensor5D, labels };
    };
    const opt = tf.train.adam(0.05);
    for (let it = 0; it < 60; it++) {
      const { F, labels } = batch();
      opt.minimize(
        () => sel.loss(sel.forward(F), labels),
        false,
        sel.weights.map((w) => w.variable),
      );
      F.dispose();
    }
    const { F, labels } = batch();
    const prob = tf.tidy(() => tf.sigmoid(sel.forward(F)));
    const p = prob.dataSync();
    prob.dispose();
    let hits = 0;
    for (let i = 0; i < labels.length; i++) hits += Number(p[i]! >= 0.5 === (labels[i] === 1));
    expect(hits / labels.length).toBeGreaterThan(0.95);
    // recall of the interior key sample with 3 refined samples: learned vs uniform vs random
    const recall = (choice: TimestampChoice) => {
      let found = 0;
      for (let b = 0; b < 4; b++) {
        const chosen = Array.from(chooseTimestamps(p.subarray(b * N, (b + 1) * N), choice));
        const key = Array.from(labels.subarray(b * N + 1, (b + 1) * N - 1)).indexOf(1) + 1;
        found += Number(chosen.includes(key));
      }
      return found / 4;
    };
    const learned = recall({ kind: 'learned', alpha: 0.5 });
    expect(learned).toBe(1);
    expect(recall({ kind: 'uniform', count: 3 })).toBeLessThan(learned);
    expect(recall({ kind: 'random', count: 3, rng: createRng(9) })).toBeLessThan(learned);
    tf.dispose(F);
    opt.dispose();
    sel.dispose();
  });
});
