import type { ActionDataset, GroundTruthTube, VideoAnnotation } from './annotation-model';
import { MatReader } from './mat-access';
import { type MatFile, readMat } from './mat-v5';
import { finishUcf101Dataset, UCF101_24_FRAME_SIZE, ucf101LabelsFromNames } from './ucf101-24';
import type { Ucf101Options } from './ucf101-24-pickle';
import { xywhToCorners } from './ucf101-24-pickle';

/**
 * Builds UCF101-24 from Singh et al.'s `finalAnnots.mat` (formats.md): `annot(1×3194)` with fields
 * `num_imgs`, `name` (`<class>/<video>`) and `tubes(sf, ef, class, boxes)`, where `sf`/`ef` are
 * 1-based inclusive frames, `class` is 1-based and `boxes` is `[x y w h]` per frame.
 *
 * Same conversion as the pickle reader (`[x, y, x + w, y + h]` in doubles, no shift), so both
 * give identical tubes: start `sf`, `ef − sf + 1` boxes (checked), label `class − 1`. Labels are
 * the class folders in standard order; frames 320×240; `options.testList` gives the splits.
 *
 * @example
 * const ds = ucf101DatasetFromMat(await readMat('finalAnnots.mat'), 'finalAnnots.mat');
 */
export function ucf101DatasetFromMat(
  mat: MatFile,
  file: string,
  options: Ucf101Options = {},
): ActionDataset {
  const m = new MatReader(file);
  const annot = m.struct(m.variable(mat, 'annot'), 'annot', ['num_imgs', 'name', 'tubes']);
  const names = annot.elements.map((e, i) => m.string(e.name, `annot(${i + 1}).name`));
  const labels = ucf101LabelsFromNames(names);
  const videos: VideoAnnotation[] = annot.elements.map((e, i) => {
    const at = `annot(${i + 1})`;
    const name = names[i]!;
    const nframes = m.integer(e.num_imgs, `${at}.num_imgs`);
    const tubesValue = e.tubes!;
    const tubes: GroundTruthTube[] = [];
    // an unannotated video stores an empty 0×0 double instead of a struct
    if (!(tubesValue.kind === 'numeric' && tubesValue.data.length === 0)) {
      const ts = m.struct(tubesValue, `${at}.tubes`, ['ef', 'sf', 'class', 'boxes']);
      ts.elements.forEach((t, j) => {
        const tat = `${at}.tubes(${j + 1})`;
        const sf = m.integer(t.sf, `${tat}.sf`);
        const ef = m.integer(t.ef, `${tat}.ef`);
        const cls = m.integer(t.class, `${tat}.class`);
        if (cls < 1 || cls > labels.length)
          m.fail(`${tat}.class`, `unknown class id ${cls} (1…${labels.length})`);
        const boxes = m.matrix(t.boxes, 4, `${tat}.boxes`);
        const T = boxes.dims[0]!;
        if (sf < 1 || ef < sf || T !== ef - sf + 1)
          m.fail(
            `${tat}.boxes`,
            `inconsistent frame counts: frames ${sf}…${ef} (1-based, inclusive) need ${ef - sf + 1} boxes, got ${T}`,
          );
        if (ef > nframes)
          m.fail(`${tat}.ef`, `frames ${sf}…${ef} lie outside the video's ${nframes} frames`);
        tubes.push({ label: cls - 1, start: sf, boxes: xywhToCorners(boxes.data, T) });
      });
    }
    return { name, nframes, ...UCF101_24_FRAME_SIZE, tubes };
  });
  return finishUcf101Dataset(videos, labels, file, options.testList, undefined);
}

/**
 * Reads UCF101-24's `finalAnnots.mat`. See {@link ucf101DatasetFromMat}.
 *
 * @example
 * const ds = await readUcf101Mat(tubekitDataPath('ucf101-24/finalAnnots.mat'));
 */
export async function readUcf101Mat(
  path: string,
  options: Ucf101Options = {},
): Promise<ActionDataset> {
  return ucf101DatasetFromMat(await readMat(path), path, options);
}
