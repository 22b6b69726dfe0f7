import { join } from 'node:path';
import { writeFileAtomic } from '@tubekit/report';
import { writeDatasetJson } from '../dataset-json';
import type { FrameModality } from '../frame-source';
import { encodeFrameImage, type FrameImageFormat } from '../image-encode';
import type { SynthTubes } from './synth-tubes';

/** Options of {@link exportSynthTubes}. */
export interface SynthExportOptions {
  /** Streams to write (default both). */
  modalities?: readonly FrameModality[];
  /** Image format of RGB frames (default `'jpeg'`, quality 90) and of flow images (default `'png'`, lossless). */
  rgbFormat?: FrameImageFormat;
  flowFormat?: FrameImageFormat;
  /** Write only the first `limit` videos of each split (default all); the GT file still lists them all. */
  limit?: number;
  /** Frames encoded concurrently (default 4). */
  concurrency?: number;
  /** Called after each video with the number of videos done and to do. */
  onProgress?: (done: number, total: number) => void;
}

/** What {@link exportSynthTubes} wrote. */
export interface SynthExportSummary {
  /** The canonical GT file (`<dir>/<name>.tubes.json`). */
  gt: string;
  /** The full config (`<dir>/<name>.config.json`), to regenerate the same data. */
  config: string;
  /** Frame folder roots per modality: `<dir>/rgb`, `<dir>/flow` (frames at `<root>/<video>/00001.jpg`). */
  roots: Partial<Record<FrameModality, string>>;
  videos: number;
  frames: number;
}

/**
 * Writes a SynthTubes dataset to disk in the layout other tools expect (formats.md): frame folders
 * `<dir>/rgb/<class>/<video>/00001.jpg` and `<dir>/flow/<class>/<video>/00001.png` (the 3-channel
 * flow image), the canonical GT `<dir>/<name>.tubes.json` and the config. Every file is written
 * atomically.
 *
 * @example
 * const synth = createSynthTubes({ preset: 'smoke' });
 * const summary = await exportSynthTubes(synth, 'out/synth-smoke', { modalities: ['rgb'] });
 */
export async function exportSynthTubes(
  synth: SynthTubes,
  dir: string,
  options: SynthExportOptions = {},
): Promise<SynthExportSummary> {
  const modalities = options.modalities ?? ['rgb', 'flow'];
  const formats: Record<FrameModality, FrameImageFormat> = {
    rgb: options.rgbFormat ?? 'jpeg',
    flow: options.flowFormat ?? 'png',
  };
  const limit = options.limit ?? Number.POSITIVE_INFINITY;
  if (!(limit >= 0)) throw new RangeError(`exportSynthTubes: limit must be ≥ 0, got ${limit}`);
  const concurrency = options.concurrency ?? 4;
  const { config, dataset } = synth;
  const names: string[] = [];
  for (const split of Object.values(dataset.splits)) names.push(...split.slice(0, limit));
  const roots: Partial<Record<FrameModality, string>> = {};
  for (const m of modalities) roots[m] = join(dir, m);

  const jobs: (() => Promise<void>)[] = [];
  let frames = 0;
  for (const name of names) {
    for (const modality of modalities) {
      const source = synth.frameSource(name, modality);
      const ext = formats[modality] === 'jpeg' ? 'jpg' : 'png';
      for (let f = 1; f <= source.nframes; f++) {
        frames++;
        jobs.push(async () => {
          const image = source.readSync(f);
          const bytes = await encodeFrameImage(
            image,
            source.width,
            source.height,
            formats[modality],
          );
          await writeFileAtomic(
            join(dir, modality, name, `${String(f).padStart(5, '0')}.${ext}`),
            bytes,
          );
        });
      }
    }
  }
  const perVideo = new Map<number, number>();
  let cursor = 0;
  let videosDone = 0;
  const jobVideo: number[] = [];
  names.forEach((name, v) => {
    const count = modalities.length * synth.frameSource(name, 'rgb').nframes;
    perVideo.set(v, count);
    for (let k = 0; k < count; k++) jobVideo.push(v);
  });
  const worker = async () => {
    for (;;) {
      const j = cursor++;
      if (j >= jobs.length) return;
      await (jobs[j] as () => Promise<void>)();
      const v = jobVideo[j] as number;
      const left = (perVideo.get(v) as number) - 1;
      perVideo.set(v, left);
      if (left === 0) options.onProgress?.(++videosDone, names.length);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, concurrency) }, worker));

  const gt = join(dir, `${config.name}.tubes.json`);
  const configPath = join(dir, `${config.name}.config.json`);
  await writeDatasetJson(gt, dataset);
  await writeFileAtomic(configPath, `${JSON.stringify(config, null, 2)}\n`);
  return { gt, config: configPath, roots, videos: names.length, frames };
}
