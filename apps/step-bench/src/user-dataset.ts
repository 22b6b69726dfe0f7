import { createHash } from 'node:crypto';
import { existsSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Trunk } from '@tubekit/backbones';
import {
  type ActionDataset,
  type FrameModality,
  loadDataset,
  type VideoAnnotation,
} from '@tubekit/datasets';
import type { FrameReader } from '@tubekit/heads/progressive';
import { createProgress } from '@tubekit/report';
import { type Convolutions, convolutionsCacheKey } from './convolutions';
import { DatasetFrames, describeFrameLayouts } from './dataset-frames';
import { pretrainedTrunk, type TrunkProfile, tubeActors } from './trunks';

/**
 * The options every app's tier 3 (`reproduceOnDataset` of step-bench, cfad-bench, pcsc-bench)
 * shares: your annotation, frames, splits and output folder (reproduction.md, tier 3).
 */
export interface UserDatasetOptions {
  /** Display name of the dataset; also names the default output folder (letters, digits, `._-`). */
  dataset: string;
  /** Annotation file, any format `loadDataset` reads (`pyannot.pkl`, ACT `*-GT.pkl`, `*.tubes.json`, J-HMDB GT, …). */
  gt: string;
  /** Frames root: per-video image folders or video files named like the annotation's videos. */
  root: string;
  /** Split names in the annotation (default `train` / `test`; J-HMDB: `train1` / `test1`). */
  splits?: { train?: string; test?: string };
  /**
   * Use at most this many videos of each split (defaults: the app's profile). A subset is spread
   * evenly over the split's list (name ⌊i·n/max⌋), so a class-sorted list keeps every class; it is
   * deterministic, and the report states how many of the split's videos were used.
   */
  maxTrainVideos?: number;
  maxTestVideos?: number;
  /** Output folder (default `results/<paper>-<dataset>` under the current directory). */
  outDir?: string;
  /** Where the trunk's convolutions run (default `onnxruntime`; `reproduce`'s option of the same name). */
  convolutions?: Convolutions;
  /** Progress lines (default stderr) and the final summary line (default stdout). */
  log?: (line: string) => void;
}

/**
 * What every app's `reproduceOnDataset` starts from: its progress lines (`options.log`, else
 * stderr), its summary line (`options.log`, else stdout) and the profile `options.profile` names
 * (default `quick`), or an error that lists the profiles there are.
 *
 * @example
 * const { log, summary, profile } = userRunStart(options, PROFILES);
 */
export function userRunStart<P>(
  options: { profile?: string; log?: (line: string) => void },
  profiles: Readonly<Record<string, P>>,
): { log: (line: string) => void; summary: (line: string) => void; profile: P } {
  const name = options.profile ?? 'quick';
  if (!Object.hasOwn(profiles, name))
    throw new Error(
      `reproduceOnDataset: unknown profile "${name}"; expected ${Object.keys(profiles).join(', ')}`,
    );
  return {
    log: options.log ?? ((line: string) => process.stderr.write(`${line}\n`)),
    summary: options.log ?? ((line: string) => process.stdout.write(`${line}\n`)),
    profile: profiles[name]!,
  };
}

/** How much of a split a run used. */
export interface SplitUse {
  name: string;
  used: number;
  of: number;
}

/** A user dataset opened for tier 3: checked paths, the annotation and the chosen videos. */
export interface UserDataset {
  /** The display name (`options.dataset`). */
  name: string;
  /** Absolute annotation file, frames root and output folder. */
  gt: string;
  root: string;
  outDir: string;
  dataset: ActionDataset;
  train: VideoAnnotation[];
  test: VideoAnnotation[];
  /** Train and test videos, each once (a video in both splits is loaded once). */
  videos: VideoAnnotation[];
  splits: { train: SplitUse; test: SplitUse };
}

const DATASET_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;

/** `max` names spread evenly over `names` (all of them when `max` is absent or ≥ their number). */
function spread(names: readonly string[], max: number | undefined): string[] {
  if (max === undefined || max >= names.length) return [...names];
  return Array.from({ length: max }, (_, i) => names[Math.floor((i * names.length) / max)]);
}

function splitVideos(
  dataset: ActionDataset,
  gt: string,
  split: string,
  max: number | undefined,
): VideoAnnotation[] {
  const names = dataset.splits[split];
  if (!names)
    throw new Error(
      `${gt}: no split "${split}"; the annotation has ${
        Object.keys(dataset.splits)
          .map((s) => `"${s}" (${dataset.splits[s].length} videos)`)
          .join(', ') || 'no splits'
      } — choose with --train-split / --test-split`,
    );
  if (names.length === 0) throw new Error(`${gt}: split "${split}" lists no videos`);
  const byName = new Map(dataset.videos.map((v) => [v.name, v]));
  return spread(names, max).map((n) => {
    const v = byName.get(n);
    if (!v) throw new Error(`${gt}: split "${split}" names video ${n}, which has no annotation`);
    return v;
  });
}

function checkMax(name: string, value: number | undefined): void {
  if (value !== undefined && !(Number.isInteger(value) && value >= 1))
    throw new RangeError(`reproduceOnDataset: ${name} must be an integer ≥ 1, got ${value}`);
}

/**
 * Checks the user-data options (dataset name, annotation file, frames root, video caps), then reads
 * the annotation and picks the train and test videos of the chosen splits, at most
 * `options.max…Videos ?? defaults.max…Videos` of each ({@link UserDatasetOptions}). Every error
 * names the file, split or video at fault, before any frame is read.
 *
 * @param paper - prefix of the default output folder `results/<paper>-<dataset>`.
 * @example
 * const user = await openUserDataset(options, 'cfad', { maxTrainVideos: 64, maxTestVideos: 24 });
 */
export async function openUserDataset(
  options: UserDatasetOptions,
  paper: string,
  defaults: { maxTrainVideos?: number; maxTestVideos?: number },
): Promise<UserDataset> {
  if (!DATASET_NAME.test(options.dataset))
    throw new Error(
      `dataset name "${options.dataset}" must be letters, digits, ".", "_" or "-" (it names the output folder)`,
    );
  const gt = resolve(options.gt);
  const root = resolve(options.root);
  if (!existsSync(gt))
    throw new Error(
      `annotation file ${gt} not found (--gt: a UCF101-24 pyannot.pkl, an ACT *-GT.pkl, a *.tubes.json, J-HMDB ground truth, … — any file loadDataset reads)`,
    );
  if (!existsSync(root) || !statSync(root).isDirectory())
    throw new Error(`frames root ${root} is not a folder (--root: ${describeFrameLayouts(root)})`);
  checkMax('maxTrainVideos', options.maxTrainVideos);
  checkMax('maxTestVideos', options.maxTestVideos);
  const outDir = resolve(
    options.outDir ?? join(process.cwd(), 'results', `${paper}-${options.dataset}`),
  );
  const names = { train: options.splits?.train ?? 'train', test: options.splits?.test ?? 'test' };
  const dataset = await loadDataset(gt);
  const train = splitVideos(
    dataset,
    gt,
    names.train,
    options.maxTrainVideos ?? defaults.maxTrainVideos,
  );
  const test = splitVideos(
    dataset,
    gt,
    names.test,
    options.maxTestVideos ?? defaults.maxTestVideos,
  );
  return {
    name: options.dataset,
    gt,
    root,
    outDir,
    dataset,
    train,
    test,
    videos: [...new Map([...train, ...test].map((v) => [v.name, v])).values()],
    splits: {
      train: { name: names.train, used: train.length, of: dataset.splits[names.train].length },
      test: { name: names.test, used: test.length, of: dataset.splits[names.test].length },
    },
  };
}

/** Frames of all the run's videos and the bytes they take at `size` px (for the opening log line). */
export function userFramesText(user: UserDataset, size: number, streams = 1): string {
  const frames = user.videos.reduce((n, v) => n + v.nframes, 0);
  return `${frames} frames at ${size}px (${((streams * frames * size ** 2 * 3) / 2 ** 20).toFixed(0)} MiB)`;
}

/**
 * Reads every frame of the run's videos (train and test, each once) under `root` into memory at
 * `size × size` with a progress bar (`DatasetFrames.load`: image folders or video files).
 */
export async function loadUserFrames(
  user: UserDataset,
  options: { root: string; size: number; modality?: FrameModality; log: (line: string) => void },
): Promise<DatasetFrames> {
  const modality = options.modality ?? 'rgb';
  const bar = createProgress({ label: `read ${modality} frames`, total: user.videos.length });
  const frames = await DatasetFrames.load({
    root: options.root,
    size: options.size,
    videos: user.videos,
    modality,
    onVideo: () => bar.tick(),
    log: options.log,
  });
  bar.done(
    `${user.videos.length} videos (${frames.layouts['image-folder']} image folders, ${frames.layouts['video-file']} video files)`,
  );
  return frames;
}

/**
 * A 12-hex-digit key of a run's cache files: `parts` (profile, model, …), the annotation and frames
 * paths, the chosen videos and where the convolutions run (`convolutionsCacheKey`).
 */
export function userCacheKey(user: UserDataset, ...parts: unknown[]): string {
  return createHash('sha256')
    .update(
      JSON.stringify([
        ...parts,
        user.gt,
        user.root,
        user.train.map((v) => v.name),
        user.test.map((v) => v.name),
        ...convolutionsCacheKey(),
      ]),
    )
    .digest('hex')
    .slice(0, 12);
}

/** Where {@link userTrunk} keeps a stream's pretrained trunk of your data. */
export function userTrunkPath(
  user: UserDataset,
  profile: TrunkProfile,
  modality: 'rgb' | 'flow',
  key: string,
): string {
  return join(user.outDir, 'cache', profile.name, `trunk-${modality}.${key}.safetensors`);
}

/**
 * A stream's trunk pretrained on the user's training videos, their GT tubes as the actors
 * (`tubeActors`; `pretrainedTrunk`: resumable, cached as
 * `<outDir>/cache/<profile>/trunk-<modality>.<key>.safetensors`).
 */
export function userTrunk(
  user: UserDataset,
  options: {
    profile: TrunkProfile;
    modality: 'rgb' | 'flow';
    read: FrameReader;
    key: string;
    log: (line: string) => void;
  },
): Promise<Trunk> {
  const { profile, modality } = options;
  return pretrainedTrunk({
    profile,
    modality,
    numClasses: user.dataset.labels.length,
    train: user.train,
    read: options.read,
    actors: tubeActors(profile.frameSize),
    path: userTrunkPath(user, profile, modality, options.key),
    log: options.log,
  });
}

/** The first rows of a tier-3 report's Setup table: annotation, frames, classes and splits. */
export function userSetupRows(user: UserDataset, frames: string): string[][] {
  const { train, test } = user.splits;
  return [
    ['annotations', `\`${user.gt}\``],
    ['frames', frames],
    ['classes', String(user.dataset.labels.length)],
    ['train split', `${train.name}: ${train.used} of ${train.of} videos`],
    ['test split', `${test.name}: ${test.used} of ${test.of} videos`],
  ];
}

/** The report.json `setup` fields every tier 3 shares. */
export function userSetup(user: UserDataset): {
  dataset: string;
  gt: string;
  root: string;
  splits: UserDataset['splits'];
  classes: string[];
} {
  return {
    dataset: user.name,
    gt: user.gt,
    root: user.root,
    splits: user.splits,
    classes: user.dataset.labels,
  };
}

/** The backend's name with its thread count, as reports print it. */
export function backendText(backend: { name: string; threads?: number }): string {
  return `${backend.name}${backend.threads ? ` (${backend.threads} thread${backend.threads > 1 ? 's' : ''})` : ''}`;
}
