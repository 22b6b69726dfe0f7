import { readFile } from 'node:fs/promises';
import type { ActionDataset, VideoAnnotation } from './annotation-model';
import { TubekitFormatError } from './format-error';
import { validateDataset } from './validate-dataset';

/** UCF101-24 frames are 320×240 pixels; its annotation files do not store the size. */
export const UCF101_24_FRAME_SIZE = { width: 320, height: 240 } as const;

/**
 * Reads a video list such as UCF101-24's `testlist01.txt`: one `<class>/<video>` name per line
 * (blank lines and surrounding spaces ignored; a trailing `.avi` is removed).
 *
 * @example
 * const test = await readVideoList(tubekitDataPath('ucf101-24/testlist01.txt')); // 910 names
 */
export async function readVideoList(path: string): Promise<string[]> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    throw new TubekitFormatError(path, '', `cannot read: ${(error as Error).message}`);
  }
  const names: string[] = [];
  const seen = new Map<string, number>();
  text.split(/\r?\n/).forEach((raw, i) => {
    const name = raw.trim().replace(/\.avi$/, '');
    if (!name) return;
    if (seen.has(name))
      throw new TubekitFormatError(
        path,
        `line ${i + 1}`,
        `video ${name} already listed on line ${seen.get(name)}`,
      );
    seen.set(name, i + 1);
    names.push(name);
  });
  return names;
}

/**
 * Sorts videos by name, applies a test list (`test` = the listed videos, `train` = the rest), and
 * validates: the shared last step of the UCF101-24 readers (pickle and MAT give the same result).
 * A listed test video that is not annotated is an error.
 */
export function finishUcf101Dataset(
  videos: VideoAnnotation[],
  labels: string[],
  file: string,
  testList: { path: string; names: string[] } | undefined,
  trainVideos: string[] | undefined,
  dataset = 'ucf101-24',
): ActionDataset {
  videos.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  const names = new Set(videos.map((v) => v.name));
  const splits: Record<string, string[]> = {};
  if (testList) {
    const test = new Set<string>();
    testList.names.forEach((name) => {
      if (!names.has(name))
        throw new TubekitFormatError(
          testList.path,
          '',
          `test video ${name} is not annotated in ${file}`,
        );
      test.add(name);
    });
    splits.train = videos.filter((v) => !test.has(v.name)).map((v) => v.name);
    splits.test = testList.names;
  } else if (trainVideos) {
    const train = new Set(trainVideos.filter((name) => names.has(name)));
    splits.train = videos.filter((v) => train.has(v.name)).map((v) => v.name);
    splits.test = videos.filter((v) => !train.has(v.name)).map((v) => v.name);
  }
  const result: ActionDataset = { dataset, labels, videos, splits };
  validateDataset(result, file);
  return result;
}

/**
 * The label list of UCF101-24 files that carry none (`pyannot.pkl`, `finalAnnots.mat`): the
 * videos' class folders (`Basketball` of `Basketball/v_Basketball_g01_c01`) in sorted code-unit
 * order — which is the standard order of `classes` in `pyannot_with_class_names.pkl`.
 */
export function ucf101LabelsFromNames(names: Iterable<string>): string[] {
  const set = new Set<string>();
  for (const name of names) set.add(name.split('/')[0]!);
  return [...set].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
}
