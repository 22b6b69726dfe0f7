import { Trunk } from '@tubekit/backbones';
import { tubeLength } from '@tubekit/geometry';
import { createRng, initBackend, tf } from '@tubekit/nn';
import { CoarseToFineDetector } from './coarse-to-fine-detector';

beforeAll(async () => {
  await initBackend({ backend: 'wasm', log: () => {} });
});

function detector(): CoarseToFineDetector {
  return new CoarseToFineDetector({
    numClasses: 3,
    trunk: new Trunk({ channels: 3, widths: [4, 8, 8], neckChannels: 8, seed: 1 }),
    frameSize: 32,
    clipLength: 8,
    samples: 4,
    order: 2,
    anchorSizes: [12, 12, 20, 24],
    tpnLengths: [3, 6],
    hidden: 4,
    seed: 1,
  });
}

// a 20-frame video; one actor of class 1 moving right over frames 3…18
const boxes = Float64Array.from({ length: 16 * 4 }, (_, i) => {
  const t = i >> 2;
  return [4 + t, 6, 16 + t, 22][i % 4]!;
});
const video = () => ({
  frames: tf.randomUniform([8, 32, 32, 3], 0, 1, 'float32', 7) as tf.Tensor4D,
  nframes: 20,
  tubes: [{ start: 3, boxes, label: 1 }],
});

describe('CoarseToFineDetector (CFAD end to end on the shared trunk)', () => {
  test('the loss trains every module and the neck; finite gradients', () => {
    const det = detector();
    const v = video();
    const vars = det.trainableWeights().map((w) => w.variable);
    const { value, grads } = tf.variableGrads(() => det.loss(v, createRng(1)).total, vars);
    expect(Number.isFinite(value.dataSync()[0])).toBe(true);
    const moved = (ws: readonly { variable: tf.Variable }[]) =>
      ws.some((w) => grads[w.variable.name]!.abs().max().dataSync()[0]! > 0);
    for (const ws of [
      det.trunk.neckWeights(),
      det.tpn.weights,
      det.coarse.weights,
      det.selector.weights,
      det.rpn.weights,
    ])
      expect(moved(ws)).toBe(true);
    for (const g of Object.values(grads)) expect(g.isFinite().all().dataSync()[0]).toBe(1);
    tf.dispose([value, ...Object.values(grads), v.frames]);
    det.dispose();
    det.trunk.dispose();
  });

  test('anchorKnots: θ = 0 is the anchor box at every sample; a constant dx shifts it', () => {
    const det = detector();
    const M = det.anchors.length / 4;
    const theta = new Float32Array(M * 3 * 4);
    const a = 5;
    const anchor = Array.from(det.anchors.subarray(4 * a, 4 * a + 4), (v) =>
      Math.min(32, Math.max(0, v)),
    );
    const knots = det.anchorKnots(theta, a);
    expect(knots).toHaveLength(4 * 4);
    for (let i = 0; i < 4; i++)
      for (let j = 0; j < 4; j++) expect(knots[4 * i + j]).toBeCloseTo(anchor[j]!, 5);
    // θ's constant term of dx = 0.1: every knot moves right by 0.1 of the anchor's width
    theta[(a * 3 + 0) * 4] = 0.1;
    const moved = det.anchorKnots(theta, a);
    const w = det.anchors[4 * a + 2]! - det.anchors[4 * a]!;
    const shifted = det.anchors[4 * a + 2]! + 0.1 * w;
    expect(moved[2]).toBeCloseTo(Math.min(32, shifted), 5);
    det.dispose();
    det.trunk.dispose();
  });

  test('detect: ≤ 3 tubes inside the video, refinement options, no leaked tensors', () => {
    const det = detector();
    const v = video();
    const before = tf.memory().numTensors;
    const none = det.detect(v, { timestamps: { kind: 'none' } });
    expect(none.length).toBeGreaterThan(0);
    expect(none.length).toBeLessThanOrEqual(3);
    for (const d of none) {
      expect(d.refined).toBe(0);
      expect(d.tube.start).toBeGreaterThanOrEqual(1);
      expect(d.tube.start + tubeLength(d.tube) - 1).toBeLessThanOrEqual(20);
      expect(d.label).toBeGreaterThanOrEqual(0);
      expect(d.label).toBeLessThan(3);
    }
    const all = det.detect(v, { timestamps: { kind: 'learned', alpha: 0 }, sigma: 100 });
    for (const d of all) expect(d.selected).toBe(4);
    expect(all.some((d) => d.refined > 0)).toBe(true);
    const one = det.detect(v, { maxTubes: 1, timestamps: { kind: 'uniform', count: 2 } });
    expect(one).toHaveLength(1);
    expect(one[0]!.selected).toBe(2);
    expect(det.headParameters()).toBeGreaterThan(0);
    // pooled features (stride 16): a 2 × 2 map at 32 px, anchors on its grid
    const pooled = new CoarseToFineDetector({ ...det.options, trunk: det.trunk, featurePool: 2 });
    expect(pooled.anchors.length).toBe(2 * 2 * 2 * 4);
    const shape = tf.tidy(() => {
      const f = pooled.features(v.frames);
      return f.shape;
    });
    expect(shape).toEqual([8, 2, 2, 8]);
    expect(pooled.detect(v).length).toBeGreaterThan(0);
    pooled.dispose();
    expect(
      () => new CoarseToFineDetector({ ...det.options, trunk: det.trunk, featurePool: 3 }),
    ).toThrow(/multiple of the feature stride 24/);
    expect(tf.memory().numTensors).toBe(before);
    tf.dispose(v.frames);
    det.dispose();
    det.trunk.dispose();
  });
});
