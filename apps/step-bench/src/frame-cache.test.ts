import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createSynthTubes, synthPresetConfig } from '@tubekit/datasets';
import { FrameCache } from './frame-cache';

describe('FrameCache.preload', () => {
  it('writes the same file from worker threads as from one thread, and each frame is the frame source’s', async () => {
    const synth = createSynthTubes({
      ...synthPresetConfig('smoke-v2', 3),
      videos: { train: 3, test: 1 },
    });
    const videos = synth.dataset.videos;
    const dir = mkdtempSync(join(tmpdir(), 'frame-cache-'));
    try {
      const files: Buffer[] = [];
      for (const workers of [1, 2]) {
        const cache = new FrameCache(synth, 32);
        let ticks = 0;
        await cache.preload(videos, () => ticks++, { workers });
        expect(ticks).toBe(videos.length);
        const path = join(dir, `w${workers}.bin`);
        await cache.save(path);
        files.push(readFileSync(path));
        // Spot check against the frame source (resized to 32 px, quantised).
        const v = videos[2]!;
        const expected = await synth
          .frameSource(v.name, 'flow')
          .read(v.nframes, { size: [32, 32] });
        const got = cache.reader('flow')(v, v.nframes);
        let worst = 0;
        for (let i = 0; i < got.length; i++)
          worst = Math.max(worst, Math.abs((got[i] as number) - (expected[i] as number)));
        expect(worst).toBeLessThanOrEqual(0.5 / 255 + 1e-7);
      }
      expect(files[0]!.equals(files[1]!)).toBe(true);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('FrameCache.load', () => {
  const synth = createSynthTubes({
    ...synthPresetConfig('smoke-v2', 4),
    videos: { train: 2, test: 1 },
  });
  const videos = synth.dataset.videos;
  const dir = mkdtempSync(join(tmpdir(), 'frame-cache-load-'));
  const path = join(dir, 'frames.bin');
  let saved: FrameCache;
  beforeAll(async () => {
    saved = new FrameCache(synth, 16);
    await saved.preload(videos, () => undefined);
    await saved.save(path);
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('reads back every frame of every video and stream that save wrote', () => {
    const loaded = FrameCache.load(synth, 16, path);
    for (const modality of ['rgb', 'flow', 'early'] as const)
      for (const v of videos)
        for (const f of [1, v.nframes])
          expect(loaded.reader(modality)(v, f)).toEqual(saved.reader(modality)(v, f));
  });

  it('names the file and the fault: cut off, another frame size, not a frame cache', () => {
    const bytes = readFileSync(path);
    const cut = join(dir, 'cut.bin');
    writeFileSync(cut, bytes.subarray(0, bytes.byteLength - 10));
    expect(() => FrameCache.load(synth, 16, cut)).toThrow(
      `FrameCache: ${cut}: truncated (damaged file?)`,
    );
    expect(() => FrameCache.load(synth, 32, path)).toThrow(
      `FrameCache: ${path}: frames of 16px, expected 32px`,
    );
    const junk = join(dir, 'junk.bin');
    writeFileSync(junk, Buffer.from([5, 0, 0, 0, 120, 121, 122, 123, 124]));
    expect(() => FrameCache.load(synth, 16, junk)).toThrow(
      `FrameCache: ${junk}: header is not JSON (damaged file?)`,
    );
    const tiny = join(dir, 'tiny.bin');
    writeFileSync(tiny, Buffer.from([1, 2]));
    expect(() => FrameCache.load(synth, 16, tiny)).toThrow(
      `FrameCache: ${tiny}: too short for a cache file`,
    );
  });
});
