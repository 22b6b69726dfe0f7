import { existsSync } from 'node:fs';
import { mkdir, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { AtomicWriteError, removeStaleTemporaries, temporaryPath } from '@tubekit/report';
import { formatDatasetJson } from '../dataset-json';
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
 * flow image), the canonical GT `<dir>/<name>.tubes.json` and the config. All or nothing:
 * everything is written into a hidden staging folder beside `dir` (`.<dir>.<pid>.<hex>.tmp`,
 * removed on failure, and by the next export should the process be killed) and moved into `dir`
 * only once complete, replacing the entries of an earlier export of the same names. A failed
 * write is an `AtomicWriteError` naming `dir`.
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

  let staging: string;
  try {
    await mkdir(join(dir, '..'), { recursive: true });
    removeStaleTemporaries(dir);
    staging = temporaryPath(dir);
    await mkdir(staging);
  } catch (error) {
    throw asWriteError(dir, error);
  }
  const jobs: (() => Promise<void>)[] = [];
  let frames = 0;
  for (const name of names) {
    for (const modality of modalities) {
      const source = synth.frameSource(name, modality);
      const ext = formats[modality] === 'jpeg' ? 'jpg' : 'png';
      const folder = join(staging, modality, name);
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
          await writeFile(join(folder, `${String(f).padStart(5, '0')}.${ext}`), bytes);
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
  // the first failure stops every worker; the staging folder is removed once all have stopped
  let failure: { error: unknown } | undefined;
  const worker = async () => {
    for (;;) {
      const j = cursor++;
      if (j >= jobs.length || failure) return;
      try {
        await (jobs[j] as () => Promise<void>)();
      } catch (error) {
        failure ??= { error };
        return;
      }
      const v = jobVideo[j] as number;
      const left = (perVideo.get(v) as number) - 1;
      perVideo.set(v, left);
      if (left === 0) options.onProgress?.(++videosDone, names.length);
    }
  };
  const gtName = `${config.name}.tubes.json`;
  const configName = `${config.name}.config.json`;
  try {
    // frame jobs of one video run in order within a worker's reach: create folders up front
    for (const m of modalities) await mkdir(join(staging, m));
    await Promise.all(
      names.flatMap((name) =>
        modalities.map((m) => mkdir(join(staging, m, name), { recursive: true })),
      ),
    );
    await Promise.all(Array.from({ length: Math.max(1, concurrency) }, worker));
    if (failure) throw failure.error;
    await writeFile(join(staging, gtName), formatDatasetJson(dataset, join(dir, gtName)));
    await writeFile(join(staging, configName), `${JSON.stringify(config, null, 2)}\n`);
    await publish(staging, dir, [...modalities, gtName, configName]);
  } catch (error) {
    await rm(staging, { recursive: true, force: true });
    throw asWriteError(dir, error);
  }
  await rm(staging, { recursive: true, force: true });
  return {
    gt: join(dir, gtName),
    config: join(dir, configName),
    roots,
    videos: names.length,
    frames,
  };
}

/** A file-system failure as an error that names the export folder, not the staging one. */
function asWriteError(dir: string, error: unknown): unknown {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  if (error instanceof AtomicWriteError || code === undefined) return error;
  return new AtomicWriteError(dir, code, (error as Error).message.split(', ')[0]!);
}

/**
 * Moves the finished entries from `staging` into `dir`; an entry of the same name already there
 * (an earlier export) is first moved into the staging folder, which is then deleted.
 */
async function publish(staging: string, dir: string, entries: string[]): Promise<void> {
  await mkdir(dir, { recursive: true });
  const old = join(staging, '.replaced');
  await mkdir(old);
  for (const entry of entries) {
    if (existsSync(join(dir, entry))) await rename(join(dir, entry), join(old, entry));
    await rename(join(staging, entry), join(dir, entry));
  }
}
