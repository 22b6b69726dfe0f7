import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { defineBenchSuite } from '@tubekit/benchmarks';
import { openImageFolderSource } from '../src/frame-source-image-folder';
import { openVideoFileSource } from '../src/frame-source-video-file';
import { encodeFrameImage } from '../src/image-encode';
import { createSynthTubes } from '../src/synth/synth-tubes';

/** 64 frames of a 320×240 SynthTubes video (UCF101's frame size) written as JPEGs and as a video. */
async function fixture(): Promise<{ dir: string; video?: string; nframes: number }> {
  const synth = createSynthTubes({
    preset: 'quick',
    seed: 0,
  });
  const config = {
    ...synth.config,
    width: 320,
    height: 240,
    actors: { ...synth.config.actors, maxHeight: 200, minHeight: 50 },
    videos: { train: 1, test: 0 },
    frames: { min: 64, max: 64 },
  };
  const big = createSynthTubes(config);
  const name = big.dataset.videos[0]!.name;
  const source = big.frameSource(name, 'rgb');
  const dir = mkdtempSync(join(tmpdir(), 'tubekit-bench-frames-'));
  process.on('exit', () => rmSync(dir, { recursive: true, force: true }));
  for (let f = 1; f <= source.nframes; f++)
    writeFileSync(
      join(dir, `${String(f).padStart(5, '0')}.jpg`),
      await encodeFrameImage(source.readSync(f), 320, 240, 'jpeg'),
    );
  let video: string | undefined;
  if (spawnSync('ffmpeg', ['-version']).status === 0) {
    video = join(dir, 'video.mp4');
    spawnSync('ffmpeg', [
      '-v',
      'error',
      '-y',
      '-framerate',
      '25',
      '-i',
      join(dir, '%05d.jpg'),
      '-pix_fmt',
      'yuv420p',
      video,
    ]);
  }
  return { dir, video, nframes: source.nframes };
}

const data = await fixture();

export default defineBenchSuite({
  name: 'datasets: frame sources',
  cases: [
    {
      kind: 'measure',
      name: 'image folder: decode 64 JPEG frames 320×240 → 112×112 (no cache)',
      run: async () => {
        const source = await openImageFolderSource(data.dir, { cacheSize: 0 });
        const t0 = performance.now();
        for (let f = 1; f <= data.nframes; f++) await source.read(f, { size: [112, 112] });
        const ms = performance.now() - t0;
        return { framesPerSecond: Math.round((1000 * data.nframes) / ms), wallMs: Math.round(ms) };
      },
    },
    {
      kind: 'measure',
      name: 'video file (ffmpeg, H.264): open + decode 64 frames 320×240 in order',
      run: async (): Promise<Record<string, number | string>> => {
        if (!data.video) return { skipped: 'ffmpeg not installed (apt-get install ffmpeg)' };
        const t0 = performance.now();
        const source = await openVideoFileSource(data.video);
        const opened = performance.now();
        for (let f = 1; f <= data.nframes; f++) await source.read(f);
        const ms = performance.now() - opened;
        return {
          probeMs: Math.round(opened - t0),
          framesPerSecond: Math.round((1000 * data.nframes) / ms),
          wallMs: Math.round(performance.now() - t0),
        };
      },
    },
  ],
});
