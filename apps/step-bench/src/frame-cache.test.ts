import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
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
