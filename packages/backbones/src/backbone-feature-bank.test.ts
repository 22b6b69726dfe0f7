import { createRng, initBackend, tf } from '@tubekit/nn';
import { BackboneFeatureBank } from './backbone-feature-bank';
import { Trunk } from './trunk';

const S = 16;
const tiny = { channels: 3, widths: [4, 4, 4] as const, neckChannels: 4 };

function frames(T: number, seed: number): Float32Array {
  const rng = createRng(seed);
  return Float32Array.from({ length: T * S * S * 3 }, () => rng.next());
}

describe('BackboneFeatureBank', () => {
  beforeAll(async () => {
    await initBackend({ backend: 'cpu', log: () => {} });
  });

  it('stores each frame of a sequence once: reads match the backbone within quantisation, without leaking tensors', () => {
    const trunk = new Trunk({ ...tiny, seed: 3 });
    const bank = new BackboneFeatureBank(trunk);
    const x = frames(5, 1);
    const before = tf.memory().numTensors;
    bank.add('v', x, 5, S, S);
    expect(tf.memory().numTensors).toBe(before);
    expect(bank.frameShape).toEqual({ height: 2, width: 2, channels: 4 });
    const want = tf.tidy(
      () =>
        trunk.backbone(tf.tensor4d(x, [5, S, S, 3])).levels[1].tensor.dataSync() as Float32Array,
    );
    const max = want.reduce((a, b) => Math.max(a, b), 0);
    for (let f = 0; f < 5; f++) {
      const got = bank.read('v', f);
      got.forEach((v, i) => {
        expect(Math.abs(v - want[f * 16 + i])).toBeLessThanOrEqual(max / 500);
      });
    }
    expect(bank.bytes).toBe(5 * 16 + 5 * 4 * 4);
    trunk.dispose();
  });

  it('rejects unknown sequences, frames out of range and mis-sized input', () => {
    const trunk = new Trunk({ ...tiny, seed: 3 });
    const bank = new BackboneFeatureBank(trunk);
    expect(() => bank.add('v', frames(2, 1), 3, S, S)).toThrow(/not 3 frames of 16×16×3/);
    bank.add('v', frames(2, 1), 2, S, S);
    expect(() => bank.read('w', 0)).toThrow(/no sequence "w"/);
    expect(() => bank.read('v', 2)).toThrow(/outside 0…1/);
    trunk.dispose();
  });

  it('restores what entries gave into another bank, read for read, and refuses sizes that do not fit', () => {
    const trunk = new Trunk({ ...tiny, seed: 3 });
    const bank = new BackboneFeatureBank(trunk);
    bank.add('v', frames(3, 1), 3, S, S);
    bank.add('w', frames(2, 2), 2, S, S);
    const copy = new BackboneFeatureBank(trunk);
    for (const [key, { bytes, scales }] of bank.entries())
      copy.restore(key, bytes.slice(), scales.slice(), bank.frameShape);
    expect(copy.frameShape).toEqual(bank.frameShape);
    expect(copy.bytes).toBe(bank.bytes);
    for (const [key, n] of [
      ['v', 3],
      ['w', 2],
    ] as const)
      for (let f = 0; f < n; f++) expect(copy.read(key, f)).toEqual(bank.read(key, f));
    const shape = bank.frameShape;
    expect(() => copy.restore('x', new Uint8Array(15), new Float32Array(4), shape)).toThrow(
      'BackboneFeatureBank.restore: x: 15 bytes and 4 scales are not whole frames of 2×2×4',
    );
    expect(() =>
      copy.restore('x', new Uint8Array(18), new Float32Array(2), { ...shape, channels: 2 }),
    ).toThrow('BackboneFeatureBank.restore: x: frames of 2×2×2, the bank holds 2×2×4');
    trunk.dispose();
  });
});
