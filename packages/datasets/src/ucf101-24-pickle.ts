import type { ActionDataset, GroundTruthTube, VideoAnnotation } from './annotation-model';
import { quoteInput } from './format-error';
import { readPickle } from './pickle';
import { PyReader } from './py-value';
import { finishUcf101Dataset, UCF101_24_FRAME_SIZE, ucf101LabelsFromNames } from './ucf101-24';

/** Options of the UCF101-24 readers. */
export interface Ucf101Options {
  /**
   * Test split: the videos listed in this file (e.g. `testlist01.txt`, 910 videos), read with
   * {@link readVideoList}; `train` is every other annotated video. `loadDataset` passes the
   * `testlist01.txt` beside the annotation file when there is one.
   */
  testList?: { path: string; names: string[] };
}

/**
 * Builds UCF101-24 (Singh et al.'s corrected annotations) from an unpickled `pyannot.pkl` or
 * `pyannot_with_class_names.pkl` (formats.md):
 * `{video: {numf, label, annotations: [{sf, ef, label, boxes}]}}`, the latter wrapped as
 * `{db, trainvideos, classes}`.
 *
 * Conversion (identical to the `finalAnnots.mat` reader's, tested to agree box for box):
 * frames `sf + 1 … ef` (`sf` 0-based, `ef` exclusive) and boxes `[x, y, w, h]` →
 * `[x, y, x + w, y + h]`, computed in doubles — the stored uint8/uint16 numpy arrays would wrap
 * if added in their own type. `boxes` must have `ef − sf` rows. Labels: `classes` when present,
 * else the class folders in standard order ({@link ucf101LabelsFromNames}); each video's `label`
 * must name its own folder. Frames are 320×240. Splits: `options.testList` (test) and the rest
 * (train); without it, `trainvideos` ∩ annotated videos (6 names in that list have no annotation
 * in the public file) and the rest as test; else none. Videos are sorted by name.
 *
 * @example
 * const ds = ucf101DatasetFromPickle(await readPickle('pyannot.pkl'), 'pyannot.pkl');
 * ds.videos.length; // 3194
 */
export function ucf101DatasetFromPickle(
  value: unknown,
  file: string,
  options: Ucf101Options = {},
): ActionDataset {
  const py = new PyReader(file);
  let root = py.map(value, '');
  let labels: string[] | undefined;
  let trainVideos: string[] | undefined;
  const wrapped = root.has('db');
  if (wrapped) {
    for (const key of root.keys())
      if (key !== 'db' && key !== 'classes' && key !== 'trainvideos')
        py.fail(String(key), 'unknown key (expected db, classes, trainvideos)');
    if (root.has('classes'))
      labels = py.list(root.get('classes'), 'classes').map((c, i) => py.string(c, `classes[${i}]`));
    if (root.has('trainvideos'))
      trainVideos = py
        .list(root.get('trainvideos'), 'trainvideos')
        .map((c, i) => py.string(c, `trainvideos[${i}]`));
    root = py.map(root.get('db'), 'db');
  }
  const prefix = wrapped ? 'db' : '';
  const names = [...root.keys()].map((k) => py.string(k, `${prefix} (key)`));
  labels ??= ucf101LabelsFromNames(names);
  const videos: VideoAnnotation[] = names.map((name) => {
    const at = `${prefix}[${quoteInput(name)}]`;
    const info = py.map(root.get(name), at);
    for (const key of info.keys())
      if (key !== 'numf' && key !== 'label' && key !== 'annotations')
        py.fail(`${at}.${String(key)}`, 'unknown key (expected numf, label, annotations)');
    const nframes = py.integer(py.get(info, 'numf', `${at}["numf"]`), `${at}["numf"]`);
    const videoLabel = py.integer(py.get(info, 'label', `${at}["label"]`), `${at}["label"]`);
    const folder = name.split('/')[0];
    if (labels![videoLabel] !== folder)
      py.fail(
        `${at}["label"]`,
        `label id ${videoLabel} (${labels![videoLabel] ?? 'unknown'}) does not name the video's class folder ${folder}`,
      );
    const annotations = py.list(
      py.get(info, 'annotations', `${at}["annotations"]`),
      `${at}["annotations"]`,
    );
    const tubes: GroundTruthTube[] = annotations.map((ann, j) => {
      const tat = `${at}["annotations"][${j}]`;
      const a = py.map(ann, tat);
      for (const key of a.keys())
        if (key !== 'sf' && key !== 'ef' && key !== 'label' && key !== 'boxes')
          py.fail(`${tat}.${String(key)}`, 'unknown key (expected sf, ef, label, boxes)');
      const sf = py.integer(py.get(a, 'sf', `${tat}["sf"]`), `${tat}["sf"]`);
      const ef = py.integer(py.get(a, 'ef', `${tat}["ef"]`), `${tat}["ef"]`);
      const label = py.integer(py.get(a, 'label', `${tat}["label"]`), `${tat}["label"]`);
      if (label < 0 || label >= labels!.length)
        py.fail(`${tat}["label"]`, `unknown label id ${label} (${labels!.length} labels)`);
      const m = py.matrix(py.get(a, 'boxes', `${tat}["boxes"]`), 4, `${tat}["boxes"]`);
      const T = m.shape[0]!;
      if (sf < 0 || ef <= sf || T !== ef - sf)
        py.fail(
          `${tat}["boxes"]`,
          `inconsistent frame counts: sf=${sf}, ef=${ef} (exclusive) needs ${ef - sf} boxes, got ${T}`,
        );
      if (ef > nframes)
        py.fail(`${tat}["ef"]`, `frames ${sf + 1}…${ef} lie outside the video's ${nframes} frames`);
      return { label, start: sf + 1, boxes: xywhToCorners(m.data, T) };
    });
    return { name, nframes, ...UCF101_24_FRAME_SIZE, tubes };
  });
  return finishUcf101Dataset(videos, labels, file, options.testList, trainVideos);
}

/**
 * Converts `T` packed `[x, y, w, h]` rows (any numeric typed array, column order as stored) to
 * packed `[x1, y1, x2, y2]` doubles with `x2 = x + w`, `y2 = y + h` — no ±1 shift. The sums are
 * formed in doubles, so uint8/uint16 inputs cannot wrap.
 */
export function xywhToCorners(input: ArrayLike<number>, T: number): Float64Array {
  // one native copy to doubles first keeps the loop below to one array type (the stored dtype
  // varies from file to file: uint8, uint16, float32 …)
  const xywh = input instanceof Float64Array ? input : new Float64Array(input);
  const out = new Float64Array(4 * T);
  for (let t = 0; t < T; t++) {
    const x = +xywh[4 * t]!;
    const y = +xywh[4 * t + 1]!;
    out[4 * t] = x;
    out[4 * t + 1] = y;
    out[4 * t + 2] = x + +xywh[4 * t + 2]!;
    out[4 * t + 3] = y + +xywh[4 * t + 3]!;
  }
  return out;
}

/**
 * Reads UCF101-24's `pyannot.pkl` / `pyannot_with_class_names.pkl`. See
 * {@link ucf101DatasetFromPickle}.
 *
 * @example
 * const ds = await readUcf101Pickle(tubekitDataPath('ucf101-24/pyannot.pkl'));
 */
export async function readUcf101Pickle(
  path: string,
  options: Ucf101Options = {},
): Promise<ActionDataset> {
  return ucf101DatasetFromPickle(await readPickle(path), path, options);
}
