import type { ActionDataset } from './annotation-model';
import { INT32_LIMIT } from './decimal-number';
import { describeValue, TubekitFormatError } from './format-error';

/**
 * Checks an {@link ActionDataset} against the conventions of formats.md and throws a
 * {@link TubekitFormatError} naming `file` and the key path of the first violation:
 *
 * - labels are unique non-empty strings; video names are unique non-empty strings;
 * - `nframes` is an integer in 1 … 2³¹ − 1 (frames are stored in 32-bit arrays downstream), `width`/`height` positive finite numbers (pixels);
 * - every tube has an integer label in `[0, labels.length)`, a 1-based integer `start`, at least
 *   one box, and lies inside its video (`start + T − 1 ≤ nframes`, "frames outside a video");
 * - every box is finite with `x2 ≥ x1` and `y2 ≥ y1` (boxes are never clamped or reordered);
 * - per-frame `scores`, when present, have one finite value per box;
 * - every split lists known videos, each once.
 *
 * Every reader calls it before returning, and every writer before writing anything.
 *
 * @param file the file the dataset came from or goes to, for messages
 * @example
 * validateDataset(dataset, 'ucf.tubes.json'); // throws on the first bad key
 */
export function validateDataset(dataset: ActionDataset, file: string): void {
  const fail = (place: string, detail: string): never => {
    throw new TubekitFormatError(file, `key ${place}`, detail);
  };
  if (typeof dataset.dataset !== 'string') fail('dataset', 'expected a string');
  if (!Array.isArray(dataset.labels)) fail('labels', 'expected an array of label names');
  const labelSet = new Set<string>();
  dataset.labels.forEach((label, i) => {
    if (typeof label !== 'string' || label === '')
      fail(`labels[${i}]`, `expected a non-empty string, got ${describeValue(label)}`);
    if (labelSet.has(label)) fail(`labels[${i}]`, `duplicate label ${describeValue(label)}`);
    labelSet.add(label);
  });
  const L = dataset.labels.length;
  if (!Array.isArray(dataset.videos)) fail('videos', 'expected an array of videos');
  const names = new Set<string>();
  for (let v = 0; v < dataset.videos.length; v++) {
    const video = dataset.videos[v]!;
    const at = `videos[${v}]`;
    if (typeof video.name !== 'string' || video.name === '')
      fail(`${at}.name`, `expected a non-empty video name, got ${describeValue(video.name)}`);
    if (names.has(video.name)) fail(`${at}.name`, `duplicate video ${describeValue(video.name)}`);
    names.add(video.name);
    if (!Number.isInteger(video.nframes) || video.nframes < 1 || video.nframes > INT32_LIMIT)
      fail(
        `${at}.nframes`,
        `expected an integer 1 … ${INT32_LIMIT} (frame numbers are stored in 32 bits), got ${describeValue(video.nframes)}`,
      );
    for (const key of ['width', 'height'] as const) {
      const size = video[key];
      if (typeof size !== 'number' || !Number.isFinite(size) || size <= 0)
        fail(`${at}.${key}`, `expected a positive number of pixels, got ${describeValue(size)}`);
    }
    if (!Array.isArray(video.tubes)) fail(`${at}.tubes`, 'expected an array of tubes');
    for (let t = 0; t < video.tubes.length; t++) {
      const tube = video.tubes[t]!;
      const tat = `${at}.tubes[${t}]`;
      if (!Number.isInteger(tube.label) || tube.label < 0 || tube.label >= L)
        fail(
          `${tat}.label`,
          `expected a label id in [0, ${L}) (${video.name}), got ${describeValue(tube.label)}`,
        );
      if (!Number.isInteger(tube.start) || tube.start < 1)
        fail(`${tat}.start`, `expected a 1-based frame number, got ${describeValue(tube.start)}`);
      const boxes = tube.boxes;
      if (!(boxes instanceof Float64Array) || boxes.length === 0 || boxes.length % 4 !== 0)
        fail(`${tat}.boxes`, 'expected a non-empty Float64Array of T×4 [x1, y1, x2, y2] rows');
      const T = boxes.length / 4;
      const end = tube.start + T - 1;
      if (end > video.nframes)
        fail(
          `${tat}.boxes`,
          `tube covers frames ${tube.start}…${end}, outside video ${video.name} of ${video.nframes} frames`,
        );
      for (let i = 0; i < T; i++) {
        const x1 = boxes[4 * i]!;
        const y1 = boxes[4 * i + 1]!;
        const x2 = boxes[4 * i + 2]!;
        const y2 = boxes[4 * i + 3]!;
        if (
          !Number.isFinite(x1) ||
          !Number.isFinite(y1) ||
          !Number.isFinite(x2) ||
          !Number.isFinite(y2)
        )
          fail(`${tat}.boxes[${i}]`, `expected finite coordinates (frame ${tube.start + i})`);
        if (x2 < x1 || y2 < y1)
          fail(
            `${tat}.boxes[${i}]`,
            `expected x2 ≥ x1 and y2 ≥ y1, got [${x1}, ${y1}, ${x2}, ${y2}] (frame ${tube.start + i})`,
          );
      }
      if (tube.scores !== undefined) {
        if (!(tube.scores instanceof Float64Array) || tube.scores.length !== T)
          fail(`${tat}.scores`, `expected a Float64Array of ${T} per-frame scores`);
        for (let i = 0; i < T; i++)
          if (!Number.isFinite(tube.scores[i]!))
            fail(`${tat}.scores[${i}]`, 'expected a finite score');
      }
    }
  }
  if (dataset.splits === null || typeof dataset.splits !== 'object')
    fail('splits', 'expected an object of named video lists');
  for (const [split, list] of Object.entries(dataset.splits)) {
    if (!Array.isArray(list)) fail(`splits.${split}`, 'expected an array of video names');
    const seen = new Set<string>();
    list.forEach((name, i) => {
      if (!names.has(name))
        fail(`splits.${split}[${i}]`, `unknown video ${describeValue(name)} (not in videos)`);
      if (seen.has(name))
        fail(`splits.${split}[${i}]`, `video ${describeValue(name)} listed twice`);
      seen.add(name);
    });
  }
}
