import { createHash } from 'node:crypto';
import { closeSync, existsSync, openSync, renameSync, unlinkSync, writeSync } from 'node:fs';
import { BackboneFeatureBank, type BankFrameShape, type Trunk } from '@tubekit/backbones';
import type { VideoAnnotation } from '@tubekit/datasets';
import type { FrameReader } from '@tubekit/heads/progressive';
import { createProgress } from '@tubekit/report';
import type { StepModality } from './configurations';
import { firstLine, setAsideDamaged } from './damaged-cache';
import { FrameCache } from './frame-cache';
import { readJsonHeader, readPositional } from './positional-file';
import { flipFrames } from './trunks';

/** A stream's stored backbone features: readers for the frames as they are and flipped. */
export interface StreamFeatures {
  /** Frame `f` (1-based) of a video: its stride-8 backbone features. */
  read: FrameReader;
  /** The same frame of the horizontally flipped video (training videos only). */
  readFlipped: FrameReader;
  /** Values per frame (`H/8 × W/8 × C`). */
  valuesPerFrame: number;
  /** Bytes held. */
  bytes: number;
}

const banks = new Map<string, StreamFeatures>();

/** Options of {@link streamFeatures}. */
export interface StreamFeaturesOptions {
  /**
   * The pretrained trunk's checkpoint path: one bank per trunk and process, kept beside it in
   * `<key>.features-<hash>.bin` ({@link featuresFile}).
   */
  key: string;
  trunk: Trunk;
  modality: StepModality;
  frameSize: number;
  train: readonly VideoAnnotation[];
  test: readonly VideoAnnotation[];
  read: FrameReader;
  log: (line: string) => void;
}

/**
 * The file that keeps a trunk's stored features of these videos: `<trunk path>.features-<hash>.bin`,
 * the hash over the stream, the frame size and the train and test videos' names.
 */
export function featuresFile(options: StreamFeaturesOptions): string {
  const hash = createHash('sha256')
    .update(
      JSON.stringify([
        options.modality,
        options.frameSize,
        options.train.map((v) => v.name),
        options.test.map((v) => v.name),
      ]),
    )
    .digest('hex')
    .slice(0, 12);
  return `${options.key}.features-${hash}.bin`;
}

/**
 * Writes every sequence of `bank` to `path` through a temporary file renamed into place: a
 * little-endian uint32 header length, a JSON header `{ shape, entries: [key, frames][] }`, then
 * each entry's bytes and its float32 scales. Written part by part, so any size fits.
 */
function saveBank(bank: BackboneFeatureBank, path: string): void {
  const entries = [...bank.entries()];
  const header = Buffer.from(
    JSON.stringify({
      shape: bank.frameShape,
      entries: entries.map(([key, e]) => [key, e.scales.length / bank.frameShape.channels]),
    }),
  );
  const length = Buffer.alloc(4);
  length.writeUInt32LE(header.byteLength);
  const temp = `${path}.partial-${process.pid}`;
  const fd = openSync(temp, 'w');
  try {
    const write = (part: ArrayBufferView) => {
      const bytes = new Uint8Array(part.buffer, part.byteOffset, part.byteLength);
      for (let done = 0; done < bytes.length; ) done += writeSync(fd, bytes, done);
    };
    write(length);
    write(header);
    for (const [, e] of entries) {
      write(e.bytes);
      write(e.scales);
    }
  } catch (error) {
    closeSync(fd);
    unlinkSync(temp);
    throw error;
  }
  closeSync(fd);
  renameSync(temp, path);
}

/** Reads a file written by {@link saveBank} into a bank of `trunk`; errors name the file. */
function loadBank(trunk: Trunk, path: string): BackboneFeatureBank {
  const bad = (why: string) => new Error(`stored features ${path}: ${why}`);
  return readPositional(path, bad, (file) => {
    const { header, end } = readJsonHeader<{
      shape: BankFrameShape;
      entries: Array<[string, number]>;
    }>(file, bad);
    const { height, width, channels } = header.shape;
    const bank = new BackboneFeatureBank(trunk);
    let at = end;
    for (const [key, frames] of header.entries) {
      const n = frames * height * width * channels;
      const bytes = file.read(at, n);
      const scales = new Float32Array(file.read(at + n, frames * channels * 4).buffer);
      bank.restore(key, bytes, scales, header.shape);
      at += n + frames * channels * 4;
    }
    if (at !== file.size) throw bad(`${file.size - at} bytes past the last entry (damaged file?)`);
    return bank;
  });
}

/**
 * The pretrained trunk's backbone features of every training video (as is and flipped, for the
 * flip augmentation) and test video, computed once per frame and shared by every configuration
 * of the stream that this process trains (`BackboneFeatureBank` of @tubekit/backbones): with a
 * frozen backbone, STEP's iterations and its test passes run only the neck and the heads. The
 * bank is kept in memory per `key` and in {@link featuresFile} ({@link storedFeatureBank}).
 */
export function streamFeatures(options: StreamFeaturesOptions): StreamFeatures {
  const cached = banks.get(options.key);
  if (cached) return cached;
  const bank = storedFeatureBank(options);
  const { height, width, channels } = bank.frameShape;
  const features: StreamFeatures = {
    read: (video, f) => bank.read(video.name, f - 1),
    readFlipped: (video, f) => bank.read(`${video.name}\u0000flipped`, f - 1),
    valuesPerFrame: height * width * channels,
    bytes: bank.bytes,
  };
  banks.set(options.key, features);
  return features;
}

/**
 * The stream's features from {@link featuresFile} when it is there (a later run, a resumed one, a
 * worker process started after another stored them: `quick` reads 837 MiB per stream in seconds
 * instead of running the backbone for about 400 s); otherwise computed and written there. A
 * damaged file is reported, set aside and computed again.
 */
export function storedFeatureBank(options: StreamFeaturesOptions): BackboneFeatureBank {
  const file = featuresFile(options);
  if (existsSync(file)) {
    const t0 = performance.now();
    try {
      const bank = loadBank(options.trunk, file);
      options.log(
        `step-bench: ${options.modality} backbone features read from ${file} (${(bank.bytes / 2 ** 20).toFixed(0)} MiB, ${((performance.now() - t0) / 1000).toFixed(0)} s)`,
      );
      return bank;
    } catch (error) {
      const aside = setAsideDamaged(file);
      options.log(
        `step-bench: cannot read ${file} (${firstLine(error)}); set aside as ${aside}, computing the features again`,
      );
    }
  }
  const bank = computeBank(options);
  // another process may have stored the same features meanwhile
  if (!existsSync(file)) saveBank(bank, file);
  return bank;
}

/** Runs the backbone over every training video (as is and flipped) and test video. */
function computeBank(options: StreamFeaturesOptions): BackboneFeatureBank {
  const { trunk, modality, frameSize: S, read } = options;
  const bank = new BackboneFeatureBank(trunk);
  const size = S * S * FrameCache.channels(modality);
  const t0 = performance.now();
  const bar = createProgress({
    label: `  ${modality} backbone features`,
    total: options.train.length + options.test.length,
  });
  const add = (video: VideoAnnotation, flipped: boolean) => {
    const frames = new Float32Array(video.nframes * size);
    for (let f = 1; f <= video.nframes; f++) frames.set(read(video, f), (f - 1) * size);
    if (flipped) flipFrames(frames, S, modality);
    bank.add(flipped ? `${video.name}\u0000flipped` : video.name, frames, video.nframes, S, S);
  };
  for (const video of options.train) {
    add(video, false);
    add(video, true);
    bar.tick();
  }
  for (const video of options.test) {
    if (!bank.has(video.name)) add(video, false);
    bar.tick();
  }
  bar.done(`${(bank.bytes / 2 ** 20).toFixed(0)} MiB`);
  options.log(
    `step-bench: ${modality} backbone features of ${options.train.length} + ${options.test.length} videos stored (${(bank.bytes / 2 ** 20).toFixed(0)} MiB, ${((performance.now() - t0) / 1000).toFixed(0)} s)`,
  );
  return bank;
}
