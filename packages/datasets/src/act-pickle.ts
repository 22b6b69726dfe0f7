import { basename, dirname } from 'node:path';
import type { ActionDataset, GroundTruthTube, VideoAnnotation } from './annotation-model';
import { quoteInput } from './format-error';
import { readPickle } from './pickle';
import { PyReader } from './py-value';
import { validateDataset } from './validate-dataset';

/** Options of {@link actDatasetFromPickle} and {@link readActPickle}. */
export interface ActPickleOptions {
  /** Dataset name; default: the file name without `-GT.pkl` (`UCF101v2`), or for `gt.pkl` its folder's name. */
  dataset?: string;
}

/** The default dataset name of an ACT ground-truth file. */
export function actDatasetName(file: string): string {
  const base = basename(file).replace(/(-GT)?\.pkl$/i, '');
  return base.toLowerCase() === 'gt' ? basename(dirname(file)) : base;
}

/**
 * Builds an {@link ActionDataset} from an unpickled ACT ground-truth dict (ACT, MOC and
 * MultiSports `*-GT.pkl`, formats.md): `{labels, nframes, resolution, gttubes, train_videos?,
 * test_videos?}`, where `gttubes[video][label]` is a list of `[T, 5]` numpy arrays of
 * `(frame, x1, y1, x2, y2)` rows and `resolution[video]` is `(height, width)`.
 *
 * - Boxes are kept exactly as stored (ACT applies its +1 inclusive-pixel convention inside the
 *   metric, not in the data). Each tube's frame column must be consecutive integers.
 * - Videos are sorted by name; a video's tubes are ordered by label, then as listed.
 * - `train_videos`/`test_videos` hold one list per split: one list gives splits `train`/`test`,
 *   several give `train1`, `test1`, `train2`, … (J-HMDB's three splits).
 * - Errors name the file and the key path; a video in `gttubes` or a split without `nframes`, a
 *   label id outside `labels`, frames outside the video or a non-consecutive frame column fail.
 *
 * @example
 * const ds = actDatasetFromPickle(unpickle(bytes, 'UCF101v2-GT.pkl'), 'UCF101v2-GT.pkl');
 */
export function actDatasetFromPickle(
  value: unknown,
  file: string,
  options: ActPickleOptions = {},
): ActionDataset {
  const py = new PyReader(file);
  const root = py.map(value, '');
  for (const key of root.keys())
    if (
      typeof key !== 'string' ||
      !['labels', 'nframes', 'resolution', 'gttubes', 'train_videos', 'test_videos'].includes(key)
    )
      py.fail(
        String(key),
        'unknown key in an ACT ground-truth dict (expected labels, nframes, resolution, gttubes, train_videos, test_videos)',
      );
  const labels = py
    .list(py.get(root, 'labels', 'labels'), 'labels')
    .map((l, i) => py.string(l, `labels[${i}]`));
  const nframes = py.map(py.get(root, 'nframes', 'nframes'), 'nframes');
  const resolution = py.map(py.get(root, 'resolution', 'resolution'), 'resolution');
  const gttubes = py.map(py.get(root, 'gttubes', 'gttubes'), 'gttubes');
  const names = [...nframes.keys()].map((k) => py.string(k, 'nframes (key)')).sort();
  const known = new Set(names);
  for (const key of gttubes.keys()) {
    const name = py.string(key, 'gttubes (key)');
    if (!known.has(name))
      py.fail(`gttubes[${quoteInput(name)}]`, 'video has tubes but no nframes entry');
  }
  const videos: VideoAnnotation[] = names.map((name) => {
    const at = (k: string) => `${k}[${quoteInput(name)}]`;
    const T = py.integer(nframes.get(name), at('nframes'));
    const res = py.list(resolution.get(name), at('resolution'));
    if (res.length !== 2) py.fail(at('resolution'), 'expected (height, width)');
    const height = py.integer(res[0], `${at('resolution')}[0]`);
    const width = py.integer(res[1], `${at('resolution')}[1]`);
    const tubes: GroundTruthTube[] = [];
    const byLabel = gttubes.get(name);
    if (byLabel !== undefined) {
      const m = py.map(byLabel, at('gttubes'));
      const labelIds = [...m.keys()]
        .map((k) => py.integer(k, `${at('gttubes')} (key)`))
        .sort((a, b) => a - b);
      for (const label of labelIds) {
        const lat = `${at('gttubes')}[${label}]`;
        if (label < 0 || label >= labels.length)
          py.fail(lat, `unknown label id ${label} (the file has ${labels.length} labels)`);
        py.list(m.get(label), lat).forEach((arr, j) => {
          const tat = `${lat}[${j}]`;
          const a = py.matrix(arr, 5, tat);
          const rows = a.shape[0]!;
          if (rows === 0) py.fail(tat, 'empty tube');
          const d = a.data;
          const start = d[0]!;
          const boxes = new Float64Array(4 * rows);
          for (let t = 0; t < rows; t++) {
            if (d[5 * t] !== start + t)
              py.fail(
                `${tat}[${t}][0]`,
                `expected frame ${start + t} (frames within a tube are consecutive), got ${d[5 * t]}`,
              );
            for (let k = 0; k < 4; k++) boxes[4 * t + k] = d[5 * t + 1 + k]!;
          }
          if (!Number.isInteger(start) || start < 1)
            py.fail(`${tat}[0][0]`, `expected a 1-based frame, got ${start}`);
          tubes.push({ label, start, boxes });
        });
      }
    }
    return { name, nframes: T, width, height, tubes };
  });
  const splits: Record<string, string[]> = {};
  for (const kind of ['train', 'test'] as const) {
    const key = `${kind}_videos`;
    if (!root.has(key)) continue;
    const lists = py.list(root.get(key), key);
    lists.forEach((list, s) => {
      const split = lists.length === 1 ? kind : `${kind}${s + 1}`;
      splits[split] = py.list(list, `${key}[${s}]`).map((v, i) => {
        const name = py.string(v, `${key}[${s}][${i}]`);
        if (!known.has(name))
          py.fail(`${key}[${s}][${i}]`, `unknown video ${quoteInput(name)} (no nframes entry)`);
        return name;
      });
    });
  }
  const dataset: ActionDataset = {
    dataset: options.dataset ?? actDatasetName(file),
    labels,
    videos,
    splits,
  };
  validateDataset(dataset, file);
  return dataset;
}

/**
 * Reads an ACT-style ground-truth pickle (`*-GT.pkl`; Python 2 or 3 pickle with numpy arrays).
 * See {@link actDatasetFromPickle}.
 *
 * @example
 * const ds = await readActPickle(tubekitDataPath('fixtures/multisports/gt.pkl'));
 * console.log(ds.labels.length, ds.videos[0].name); // 66 'aerobic_gymnastics/v_crsi07chcV8_c004'
 */
export async function readActPickle(
  path: string,
  options: ActPickleOptions = {},
): Promise<ActionDataset> {
  return actDatasetFromPickle(await readPickle(path), path, options);
}
