import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import {
  createSynthTubes,
  decodeImage,
  exportSynthTubes,
  resizeBilinear,
  type VideoAnnotation,
} from '@tubekit/datasets';
import { DatasetFrames, locateVideoFrames } from './dataset-frames';

const hasFfmpeg = spawnSync('ffmpeg', ['-version']).status === 0;

describe('DatasetFrames (tier 3 frame loading)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'step-frames-'));
  const synth = createSynthTubes({ preset: 'smoke', seed: 5 });
  let root: string;
  let videos: VideoAnnotation[];
  beforeAll(async () => {
    // Lossless PNG frames of the first video of each split.
    const out = await exportSynthTubes(synth, dir, {
      modalities: ['rgb'],
      rgbFormat: 'png',
      limit: 1,
    });
    root = out.roots.rgb as string;
    const names = [synth.dataset.splits.train[0], synth.dataset.splits.test[0]];
    videos = names.map((n) => synth.dataset.videos.find((v) => v.name === n) as VideoAnnotation);
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('reads every frame resized to size × size, quantised to 8 bits', async () => {
    const ticks: string[] = [];
    const frames = await DatasetFrames.load({
      root,
      size: 16,
      videos: [...videos, videos[0]],
      onVideo: (v, layout) => ticks.push(`${v.name}:${layout}`),
    });
    expect(ticks).toEqual(videos.map((v) => `${v.name}:image-folder`));
    expect(frames.bytes).toBe((videos[0].nframes + videos[1].nframes) * 16 * 16 * 3);
    const read = frames.reader('rgb');
    const v = videos[1];
    for (const f of [1, v.nframes]) {
      const native = await decodeImage(join(root, v.name, `${String(f).padStart(5, '0')}.png`));
      const expected = resizeBilinear(native, v.width, v.height, 3, 16, 16);
      const got = read(v, f);
      expect(got).toHaveLength(16 * 16 * 3);
      let worst = 0;
      for (let i = 0; i < got.length; i++) worst = Math.max(worst, Math.abs(got[i] - expected[i]));
      expect(worst).toBeLessThanOrEqual(0.5 / 255 + 1e-6);
    }
    expect(() => read(v, v.nframes + 1)).toThrow(`frame ${v.nframes + 1} of ${v.name} is outside`);
    expect(() => read({ ...v, name: 'other/video' }, 1)).toThrow('other/video was not loaded');
    expect(() => frames.reader('flow')).toThrow(
      /only RGB frames are loaded here; flow needs a DatasetFrames of its own/,
    );
    expect(() => frames.reader('early')).toThrow(/early modality needs flow images/);
  });

  it('names the video when frames are fewer than annotated or the aspect ratio differs', async () => {
    const v = videos[0];
    await expect(
      DatasetFrames.load({ root, size: 8, videos: [{ ...v, nframes: v.nframes + 2 }] }),
    ).rejects.toThrow(
      `${join(root, v.name)}: ${v.nframes} frames, but the annotation of ${v.name} has ${v.nframes + 2}`,
    );
    await expect(
      DatasetFrames.load({ root, size: 8, videos: [{ ...v, width: 2 * v.width }] }),
    ).rejects.toThrow(/aspect ratios must agree/);
    const notes: string[] = [];
    await DatasetFrames.load({
      root,
      size: 8,
      videos: [{ ...v, nframes: v.nframes - 1 }],
      log: (l) => notes.push(l),
    });
    expect(notes).toEqual([
      `  note: ${join(root, v.name)} has ${v.nframes} frames; the annotation of ${v.name} uses the first ${v.nframes - 1}`,
    ]);
    await expect(DatasetFrames.load({ root, size: 0, videos })).rejects.toThrow(
      /size must be a positive integer/,
    );
  });

  (hasFfmpeg ? it : it.skip)(
    `reads video files (ffmpeg) with the same pixels as the image folder${hasFfmpeg ? '' : ' (skipped: ffmpeg not installed — apt-get install ffmpeg)'}`,
    async () => {
      const videoRoot = join(dir, 'videos');
      for (const v of videos) {
        const file = join(videoRoot, `${v.name}.mkv`);
        mkdirSync(dirname(file), { recursive: true });
        // FFV1 in RGB (bgr0) is lossless: decoded frames equal the PNGs.
        execFileSync('ffmpeg', [
          '-v',
          'error',
          '-framerate',
          '25',
          '-i',
          join(root, v.name, '%05d.png'),
          '-c:v',
          'ffv1',
          '-pix_fmt',
          'bgr0',
          file,
        ]);
      }
      expect(locateVideoFrames(videoRoot, videos[0].name)?.layout).toBe('video-file');
      const fromFiles = await DatasetFrames.load({ root: videoRoot, size: 16, videos });
      const fromFolders = await DatasetFrames.load({ root, size: 16, videos });
      expect(fromFiles.layouts).toEqual({ 'image-folder': 0, 'video-file': 2 });
      for (const v of videos)
        for (const f of [1, 7, v.nframes])
          expect(fromFiles.reader('rgb')(v, f)).toEqual(fromFolders.reader('rgb')(v, f));
    },
  );
});
