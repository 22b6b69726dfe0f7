import { existsSync } from 'node:fs';
import { stat } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { actDatasetFromPickle } from './act-pickle';
import type { ActionDataset } from './annotation-model';
import { loadCachedDataset } from './dataset-cache';
import { readDatasetJson } from './dataset-json';
import { TubekitFormatError } from './format-error';
import { jhmdbDatasetFromMat } from './jhmdb-mat';
import { readJhmdbTextGt } from './jhmdb-text-gt';
import { readMat } from './mat-v5';
import { readPickle } from './pickle';
import { readVideoList } from './ucf101-24';
import { ucf101DatasetFromMat } from './ucf101-24-mat';
import { ucf101DatasetFromPickle } from './ucf101-24-pickle';

const testListBeside = (path: string) => join(dirname(path), 'testlist01.txt');

async function besideTestList(path: string) {
  const list = testListBeside(path);
  return existsSync(list) ? { path: list, names: await readVideoList(list) } : undefined;
}

/** Options of {@link loadDataset}. */
export interface LoadDatasetOptions {
  /**
   * A folder for a binary cache of what a file gave (`dataset-cache.ts`: keyed by the SHA-256 of
   * the file, of the `testlist01.txt` beside it and of the reader code; never stale, a damaged
   * entry is read again). Folders of J-HMDB text files are not cached. Default: no cache.
   */
  cacheDir?: string;
}

/**
 * Loads any ground-truth file tubekit knows into the one {@link ActionDataset} model, choosing
 * the reader by extension and content:
 *
 * | input | reader |
 * |---|---|
 * | `*.tubes.json` | {@link readDatasetJson} (canonical) |
 * | `*.pkl` holding `gttubes` | ACT / MOC / MultiSports `*-GT.pkl` ({@link actDatasetFromPickle}) |
 * | `*.pkl` holding `{video: {numf, …}}` or `{db, …}` | UCF101-24 `pyannot*.pkl` ({@link ucf101DatasetFromPickle}); a `testlist01.txt` beside it gives the `test` split, the rest `train` |
 * | `*.mat` with `annot.num_imgs` | UCF101-24 `finalAnnots.mat` ({@link ucf101DatasetFromMat}); `testlist01.txt` as above |
 * | `*.mat` with `annot.bound` | J-HMDB `jhmdb_annot.mat` ({@link jhmdbDatasetFromMat}) |
 * | `*.zip` or a folder of `<class>_<video>_<frame>.txt` | J-HMDB per-frame GT ({@link readJhmdbTextGt}) |
 *
 * Every result is validated; errors name the file and the place. With `cacheDir`, a file read
 * before comes back from a binary cache ({@link LoadDatasetOptions.cacheDir}).
 *
 * @example
 * const ucf = await loadDataset(tubekitDataPath('ucf101-24/pyannot.pkl'));
 * console.log(ucf.videos.length, ucf.splits.test.length); // 3194 910
 */
export async function loadDataset(
  path: string,
  options: LoadDatasetOptions = {},
): Promise<ActionDataset> {
  let isDirectory = false;
  try {
    isDirectory = (await stat(path)).isDirectory();
  } catch (error) {
    throw new TubekitFormatError(path, '', `cannot read: ${(error as Error).message}`);
  }
  if (isDirectory) return readJhmdbTextGt(path);
  if (options.cacheDir === undefined) return readDatasetFile(path);
  return loadCachedDataset([path, testListBeside(path)], options.cacheDir, () =>
    readDatasetFile(path),
  );
}

/** {@link loadDataset} of a file (not a folder), without a cache. */
async function readDatasetFile(path: string): Promise<ActionDataset> {
  const lower = path.toLowerCase();
  if (lower.endsWith('.zip')) return readJhmdbTextGt(path);
  if (lower.endsWith('.mat')) {
    const mat = await readMat(path);
    const annot = mat.variables.get('annot');
    if (annot?.kind === 'struct' && annot.fields.includes('num_imgs'))
      return ucf101DatasetFromMat(mat, path, { testList: await besideTestList(path) });
    if (annot?.kind === 'struct' && annot.fields.includes('bound'))
      return jhmdbDatasetFromMat(mat, path);
    if (mat.variables.has('tubes'))
      throw new TubekitFormatError(
        path,
        'variable tubes',
        'this MAT-file holds detection tubes (UCF-Sports), not ground truth: evaluate it with `tubekit eval video --det`, convert it with `tubekit convert … --to tubes.csv`, or read it with readUcfSportsTubesMat',
      );
    throw new TubekitFormatError(
      path,
      '',
      `unrecognised MAT-file (variables ${[...mat.variables.keys()].join(', ')}): expected finalAnnots.mat (annot.num_imgs) or jhmdb_annot.mat (annot.bound)`,
    );
  }
  if (lower.endsWith('.json')) return readDatasetJson(path);
  if (lower.endsWith('.pkl') || lower.endsWith('.pickle')) {
    const value = await readPickle(path);
    if (value instanceof Map && value.has('gttubes')) return actDatasetFromPickle(value, path);
    if (value instanceof Map) {
      const first = value.get('db') ?? value.values().next().value;
      if (first instanceof Map)
        return ucf101DatasetFromPickle(value, path, { testList: await besideTestList(path) });
    }
    throw new TubekitFormatError(
      path,
      '',
      'unrecognised pickle: expected an ACT ground truth (with gttubes) or UCF101-24 pyannot (video → {numf, label, annotations})',
    );
  }
  throw new TubekitFormatError(
    path,
    '',
    'unrecognised annotation file: expected *.tubes.json, *-GT.pkl, pyannot*.pkl, finalAnnots.mat, jhmdb_annot.mat, a J-HMDB ground-truth zip or folder',
  );
}
