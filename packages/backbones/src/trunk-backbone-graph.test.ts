import {
  createRng,
  initBackend,
  stopOnnxConvolutions,
  tf,
  tidyValues,
  useOnnxConvolutions,
} from '@tubekit/nn';
import { Trunk } from './trunk';

const H = 16;
const W = 24;

function frames(n: number, channels: number, seed: number): Float32Array {
  const rng = createRng(seed);
  return Float32Array.from({ length: n * H * W * channels }, () => rng.next());
}

/** A trunk whose biases are random too (the He initialisation leaves them at 0). */
function trunk(channels: number): Trunk {
  const t = new Trunk({ channels, widths: [4, 8, 12], seed: 3 });
  const rng = createRng(4);
  for (const w of t.backboneWeights())
    if (w.variable.rank === 1)
      w.variable.assign(tf.tensor1d(Float32Array.from(w.variable.dataSync(), () => rng.normal())));
  return t;
}

function maxDifference(a: Float32Array, b: Float32Array): number {
  expect(a.length).toBe(b.length);
  let worst = 0;
  for (let i = 0; i < a.length; i++) worst = Math.max(worst, Math.abs(a[i] - b[i]));
  return worst;
}

describe('Trunk.frozenBackbone as one onnxruntime graph', () => {
  beforeAll(async () => {
    await initBackend({ backend: 'wasm', log: () => undefined });
  });
  afterEach(async () => {
    await stopOnnxConvolutions();
  });

  it.each([
    ['two sequences of 3 frames, RGB', 6, 3, 3],
    ['one frame, RGB ⊕ flow', 1, 1, 6],
    ['one sequence of 5 frames', 5, undefined, 3],
  ])('gives the features of Trunk.backbone: %s', async (_, n, T, channels) => {
    const t = trunk(channels);
    const x = frames(n, channels, n);
    // tfjs's own ops, the onnxruntime convolutions off
    const reference = tidyValues(
      () => t.backbone(tf.tensor4d(x, [n, H, W, channels]), T).levels[1]?.tensor as tf.Tensor,
    ) as Float32Array;
    expect(t.frozenBackbone(x, { height: H, width: W }, T)).toEqual(reference); // the same path
    await useOnnxConvolutions({ threads: 1 });
    const tensors = tf.memory().numTensors;
    const graph = t.frozenBackbone(x, { height: H, width: W }, T);
    expect(tf.memory().numTensors).toBe(tensors); // nothing left on the tfjs backend
    expect(graph.length).toBe(n * (H / 8) * (W / 8) * 12);
    let scale = 0;
    for (const v of reference) scale = Math.max(scale, Math.abs(v));
    expect(scale).toBeGreaterThan(0.1);
    expect(maxDifference(graph, reference)).toBeLessThan(1e-5 * Math.max(1, scale));
    t.dispose();
  });

  it('keeps sequences apart: each sequence alone gives its own rows', async () => {
    const t = trunk(3);
    const x = frames(4, 3, 9);
    await useOnnxConvolutions({ threads: 1 });
    const both = t.frozenBackbone(x, { height: H, width: W }, 2);
    const half = x.length / 2;
    const first = t.frozenBackbone(x.subarray(0, half), { height: H, width: W });
    const second = t.frozenBackbone(x.subarray(half), { height: H, width: W });
    expect(Array.from(both)).toEqual([...first, ...second]);
    t.dispose();
  });

  it('gives both levels of Trunk.backbone in the order asked (frozenLevels)', async () => {
    const t = trunk(3);
    const n = 4;
    const x = frames(n, 3, 5);
    const reference = tf.tidy(() =>
      t.backbone(tf.tensor4d(x, [n, H, W, 3]), 2).levels.map((l) => l.tensor),
    );
    const [ref4, ref8] = reference.map((r) => r.dataSync() as Float32Array);
    tf.dispose(reference);
    // tfjs's own ops
    expect(t.frozenLevels(x, { height: H, width: W }, [8, 4], 2)).toEqual([ref8, ref4]);
    await useOnnxConvolutions({ threads: 1 });
    const tensors = tf.memory().numTensors;
    const [level4, level8] = t.frozenLevels(x, { height: H, width: W }, [4, 8], 2);
    expect(tf.memory().numTensors).toBe(tensors);
    expect(level4!.length).toBe(n * (H / 4) * (W / 4) * 8);
    expect(maxDifference(level4!, ref4!)).toBeLessThan(1e-5);
    expect(maxDifference(level8!, ref8!)).toBeLessThan(1e-5);
    // the stride-8 graph and the two-level one agree on stride 8
    expect(maxDifference(t.frozenBackbone(x, { height: H, width: W }, 2), level8!)).toBe(0);
    t.dispose();
  });

  it('names frames that do not fit', () => {
    const t = trunk(3);
    expect(() => t.frozenBackbone(new Float32Array(10), { height: H, width: W })).toThrow(
      'Trunk.frozenBackbone: 10 values are not whole frames of 24×16×3',
    );
    expect(() => t.frozenBackbone(frames(3, 3, 1), { height: H, width: W }, 2)).toThrow(
      'Trunk.frozenBackbone: 3 frames are not a whole number of sequences of 2 frames',
    );
    expect(() => t.frozenLevels(frames(1, 3, 1), { height: H, width: W }, [4, 4])).toThrow(
      'Trunk.frozenLevels: strides [4,4]; expected distinct 4 and/or 8',
    );
    t.dispose();
  });
});
