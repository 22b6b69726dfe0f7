import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createGeneratedFrameSource } from './frame-source';
import { openImageFolderSource } from './frame-source-image-folder';
import { openVideoFileSource } from './frame-source-video-file';
import { encodeFrameImage } from './image-encode';
import { resizeBilinear } from './image-resize';
import { LruCache } from './lru-cache';
import { createSynthTubes } from './synth/synth-tubes';

const hasFfmpeg =
  spawnSync('ffmpeg', ['-version']).status === 0 && spawnSync('ffprobe', ['-version']).status === 0;

describe('frame sources', () => {
  const synth = createSynthTubes({ preset: 'smoke', seed: 4 });
  const video = synth.dataset.videos[0]!;
  const generated = synth.frameSource(video.name, 'rgb');
  let dir: string;
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'tubekit-frames-'));
    for (let f = 1; f <= video.nframes; f++) {
      const rgb = await generated.read(f);
      writeFileSync(
        join(dir, `${String(f).padStart(5, '0')}.png`),
        await encodeFrameImage(rgb, video.width, video.height, 'png'),
      );
    }
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('generated: reads 1-based frames, resizes, rejects frames outside the video', async () => {
    const source = createGeneratedFrameSource({
      video: 'demo/ramp',
      width: 4,
      height: 2,
      nframes: 3,
      render: (frame, out) => out.fill(frame / 3),
    });
    expect(Array.from(await source.read(3)).every((v) => v === 1)).toBe(true);
    expect(await source.read(2, { size: [2, 1] })).toHaveLength(6);
    await expect(source.read(0)).rejects.toThrow(/demo\/ramp: frame 0 is outside 1…3/);
    await expect(source.read(1, { size: [0, 2] })).rejects.toThrow(/must be positive integers/);
  });

  it('image folder: detects the pattern, counts frames and decodes what was written', async () => {
    const source = await openImageFolderSource(dir, { video: video.name });
    expect(source.pattern).toBe('%05d.png');
    expect([source.width, source.height, source.nframes]).toEqual([
      video.width,
      video.height,
      video.nframes,
    ]);
    for (const f of [1, video.nframes]) {
      const decoded = await source.read(f);
      const original = await generated.read(f);
      let worst = 0;
      for (let i = 0; i < decoded.length; i++)
        worst = Math.max(worst, Math.abs(decoded[i]! - original[i]!));
      expect(worst).toBeLessThanOrEqual(0.5 / 255 + 1e-6);
    }
    const small = await source.read(2, { size: [32, 16] });
    const expected = resizeBilinear(await source.read(2), video.width, video.height, 3, 32, 16);
    expect(Array.from(small)).toEqual(Array.from(expected));
  });

  it('image folder: names the missing frame or the empty folder', async () => {
    const gappy = mkdtempSync(join(tmpdir(), 'tubekit-gap-'));
    try {
      const rgb = new Float32Array(4 * 4 * 3);
      for (const f of [1, 2, 4])
        writeFileSync(
          join(gappy, `${String(f).padStart(5, '0')}.jpg`),
          await encodeFrameImage(rgb, 4, 4, 'jpeg'),
        );
      await expect(openImageFolderSource(gappy)).rejects.toThrow(
        /frame 3 \(00003.jpg\) is missing/,
      );
      await expect(openImageFolderSource(gappy, { pattern: 'img_%03d.png' })).rejects.toThrow(
        /no frame images found/,
      );
    } finally {
      rmSync(gappy, { recursive: true, force: true });
    }
  });

  it('video file: a missing ffmpeg is an error that says what to install', async () => {
    await expect(
      openVideoFileSource(join(dir, 'none.mkv'), { ffmpegPath: '/nonexistent/bin/ffmpeg' }),
    ).rejects.toThrow(/not found: install ffmpeg \(Debian\/Ubuntu: apt-get install ffmpeg/);
  });

  (hasFfmpeg ? it : it.skip)(
    `video file: decodes a lossless video frame-exactly${hasFfmpeg ? '' : ' (skipped: ffmpeg/ffprobe not installed — apt-get install ffmpeg)'}`,
    async () => {
      const file = join(dir, 'clip.mkv');
      const made = spawnSync('ffmpeg', [
        '-v',
        'error',
        '-y',
        '-framerate',
        '25',
        '-i',
        join(dir, '%05d.png'),
        '-c:v',
        'ffv1',
        '-pix_fmt',
        'bgr0',
        file,
      ]);
      expect(made.stderr.toString()).toBe('');
      const source = await openVideoFileSource(file, { video: video.name, chunkFrames: 7 });
      const folder = await openImageFolderSource(dir);
      expect([source.width, source.height, source.nframes]).toEqual([
        video.width,
        video.height,
        video.nframes,
      ]);
      for (const f of [1, 7, 8, video.nframes]) {
        expect(Array.from(await source.read(f))).toEqual(Array.from(await folder.read(f)));
      }
      await expect(source.read(video.nframes + 1)).rejects.toThrow(/outside/);
    },
  );
});

describe('LruCache', () => {
  it('evicts the least recently used entry', () => {
    const cache = new LruCache<number, string>(2);
    cache.set(1, 'a');
    cache.set(2, 'b');
    cache.get(1);
    cache.set(3, 'c');
    expect([cache.has(1), cache.has(2), cache.has(3)]).toEqual([true, false, true]);
    expect(cache.size).toBe(2);
    expect(() => new LruCache(-1)).toThrow(/capacity/);
  });
});

describe('resizeBilinear', () => {
  it('uses half-pixel centres, crops and mirrors', () => {
    const src = Float32Array.of(0, 1, 2, 3); // 4×1, one channel
    expect(Array.from(resizeBilinear(src, 4, 1, 1, 2, 1))).toEqual([0.5, 2.5]);
    expect(Array.from(resizeBilinear(src, 4, 1, 1, 2, 1, { region: [2, 0, 4, 1] }))).toEqual([
      2, 3,
    ]);
    expect(Array.from(resizeBilinear(src, 4, 1, 1, 4, 1, { flip: true }))).toEqual([3, 2, 1, 0]);
  });
});
