import type { ActionDataset } from './annotation-model';
import { quoteInput } from './format-error';
import { JHMDB_LABELS, type JhmdbFrameBox, jhmdbDataset } from './jhmdb';
import { MatReader } from './mat-access';
import { type MatFile, readMat } from './mat-v5';

/**
 * Builds J-HMDB-21 (all 928 videos) from `jhmdb_annot.mat` (formats.md): a struct `annot` with
 * row-aligned fields `action` (cell of class names), `video_id` (cell of video names), `frame`
 * (1-based) and `bound` (`[x y w h]`, single). Rows are grouped into one tube per
 * `<action>/<video_id>` with boxes `[x, y, x + w, y + h]` (stored MATLAB coordinates, no shift:
 * `x + w` reaches 321 on 320-pixel frames). Labels are {@link JHMDB_LABELS}; the file has no
 * splits. An unknown action, a duplicate or missing frame fails naming the row.
 *
 * @example
 * const ds = jhmdbDatasetFromMat(await readMat('jhmdb_annot.mat'), 'jhmdb_annot.mat'); // 928 videos
 */
export function jhmdbDatasetFromMat(mat: MatFile, file: string): ActionDataset {
  const m = new MatReader(file);
  const annot = m.struct(m.variable(mat, 'annot'), 'annot', [
    'action',
    'video_id',
    'frame',
    'bound',
  ]);
  if (annot.elements.length !== 1)
    m.fail('annot', `expected a 1×1 struct, got ${annot.dims.join('×')}`);
  const e = annot.elements[0]!;
  const actions = m.cell(e.action, 'annot.action');
  const ids = m.cell(e.video_id, 'annot.video_id');
  const frame = m.numeric(e.frame, 'annot.frame');
  const bound = m.matrix(e.bound, 4, 'annot.bound');
  const n = actions.items.length;
  if (ids.items.length !== n || frame.data.length !== n || bound.dims[0] !== n)
    m.fail(
      'annot',
      `fields disagree on the number of rows: action ${n}, video_id ${ids.items.length}, frame ${frame.data.length}, bound ${bound.dims[0]}`,
    );
  const perVideo = new Map<string, { label: number; frames: JhmdbFrameBox[] }>();
  const labelOf = new Map(JHMDB_LABELS.map((l, i) => [l, i]));
  for (let i = 0; i < n; i++) {
    const action = m.string(actions.items[i], `annot.action{${i + 1}}`);
    const id = m.string(ids.items[i], `annot.video_id{${i + 1}}`);
    const label = labelOf.get(action);
    if (label === undefined)
      m.fail(`annot.action{${i + 1}}`, `unknown J-HMDB action ${quoteInput(action)}`);
    const f = frame.data[i]!;
    if (!Number.isInteger(f) || f < 1)
      m.fail(`annot.frame(${i + 1})`, `expected a 1-based frame, got ${f}`);
    const d = bound.data;
    const x = d[4 * i]!;
    const y = d[4 * i + 1]!;
    const name = `${action}/${id}`;
    let video = perVideo.get(name);
    if (!video) perVideo.set(name, (video = { label: label!, frames: [] }));
    video.frames.push({
      frame: f,
      box: [x, y, x + d[4 * i + 2]!, y + d[4 * i + 3]!],
      place: `variable annot row ${i + 1}`,
    });
  }
  return jhmdbDataset(perVideo, file, {});
}

/**
 * Reads J-HMDB's `jhmdb_annot.mat`. See {@link jhmdbDatasetFromMat}.
 *
 * @example
 * const ds = await readJhmdbMat(tubekitDataPath('jhmdb-21/jhmdb_annot.mat'));
 */
export async function readJhmdbMat(path: string): Promise<ActionDataset> {
  return jhmdbDatasetFromMat(await readMat(path), path);
}
