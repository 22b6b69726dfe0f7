import { existsSync, mkdtempSync, readdirSync, rmSync, truncateSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type BackboneFeatureBank, Trunk } from '@tubekit/backbones';
import type { VideoAnnotation } from '@tubekit/datasets';
import { createRng, initBackend } from '@tubekit/nn';
import { featuresFile, type StreamFeaturesOptions, storedFeatureBank } from './feature-banks';

const S = 16;

function video(name: string, nframes: number): VideoAnnotation {
  return { name, nframes, width: S, height: S, tubes: [] } as unknown as VideoAnnotation;
}

describe('storedFeatureBank', () => {
  const dir = mkdtempSync(join(tmpdir(), 'feature-banks-'));
  let trunk: Trunk;
  const pixels = new Map<string, Float32Array>();
  const read = (v: VideoAnnotation, f: number) => {
    const key = `${v.name}/${f}`;
    if (!pixels.has(key)) {
      const rng = createRng(v.name.length * 100 + f);
      pixels.set(
        key,
        Float32Array.from({ length: S * S * 3 }, () => rng.next()),
      );
    }
    return pixels.get(key) as Float32Array;
  };
  const train = [video('a', 3), video('bb', 2)];
  const test = [video('ccc', 2)];
  const key = join(dir, 'trunk.safetensors');
  const options = (lines: string[]): StreamFeaturesOptions => ({
    key,
    trunk,
    modality: 'rgb',
    frameSize: S,
    train,
    test,
    read,
    log: (line) => lines.push(line),
  });
  const sequences: Array<[string, number]> = [
    ['a', 3],
    ['a\u0000flipped', 3],
    ['bb', 2],
    ['bb\u0000flipped', 2],
    ['ccc', 2],
  ];
  const expectSame = (a: BackboneFeatureBank, b: BackboneFeatureBank) => {
    expect(b.bytes).toBe(a.bytes);
    for (const [name, n] of sequences)
      for (let f = 0; f < n; f++) expect(b.read(name, f)).toEqual(a.read(name, f));
  };
  beforeAll(async () => {
    await initBackend({ backend: 'cpu', log: () => {} });
    trunk = new Trunk({ channels: 3, widths: [4, 4, 4], neckChannels: 4, seed: 5 });
  });
  afterAll(() => {
    trunk.dispose();
    rmSync(dir, { recursive: true, force: true });
  });

  it('keeps the features beside the trunk, and a later call reads them instead of computing them', () => {
    const lines: string[] = [];
    const computed = storedFeatureBank(options(lines));
    const file = featuresFile(options(lines));
    expect(file.startsWith(`${key}.features-`)).toBe(true);
    expect(existsSync(file)).toBe(true);
    expect(lines).toEqual([expect.stringMatching(/rgb backbone features of 2 \+ 1 videos stored/)]);
    const later: string[] = [];
    expectSame(computed, storedFeatureBank(options(later)));
    expect(later).toEqual([expect.stringContaining(`rgb backbone features read from ${file}`)]);
    expect(readdirSync(dir).filter((f) => f.includes('.partial'))).toEqual([]);
    // other videos: another file
    expect(featuresFile({ ...options([]), test: [video('d', 2)] })).not.toBe(file);
  });

  it('sets a damaged file aside, says so, and computes the features again', () => {
    const file = featuresFile(options([]));
    const good = storedFeatureBank(options([]));
    truncateSync(file, 100);
    const lines: string[] = [];
    expectSame(good, storedFeatureBank(options(lines)));
    expect(lines[0]).toContain(
      `step-bench: cannot read ${file} (stored features ${file}: truncated (damaged file?)); set aside as ${file}.damaged-`,
    );
    expect(lines[1]).toMatch(/backbone features of 2 \+ 1 videos stored/);
    expect(existsSync(file)).toBe(true);
    expect(readdirSync(dir).some((f) => f.includes('.damaged-'))).toBe(true);
  });
});
