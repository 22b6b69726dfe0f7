import type { DetectedTube } from '@tubekit/geometry';
import { LinkingInputError } from './errors';
import { type InputSource, videoFrameCount } from './video-ranges';

/**
 * Checks tubes given to a trimmer as strictly as the evaluators check them: a box per frame
 * (`boxes.length = 4T`, T ≥ 1), an integer start ≥ 1, the last frame within the video's frame
 * count when {@link InputSource.nframes} gives it, a finite score ≥ 0, per-frame `scores` of
 * length T (finite, ≥ 0) when `need.scores`, `classScores` of length T·C when
 * `need.classScores` (returns C), and ids unique within each video.
 *
 * @param input - the source named first in every error (e.g. the tube CSV's path) and the
 *   videos' frame counts.
 * @throws {@link LinkingInputError} naming the source, the tube (video, id or position) and the
 *   problem.
 * @example
 * ```ts
 * const C = checkTubes(tubes, 'my trimmer', { scores: true, classScores: true });
 * ```
 */
export function checkTubes(
  tubes: readonly DetectedTube[],
  what: string,
  need: { scores?: boolean; classScores?: boolean } = {},
  input: InputSource = {},
): number {
  const ids = new Map<string, Set<string | number>>();
  const frameCounts = new Map<string, number | undefined>();
  const prefix = input.source === undefined ? '' : `${input.source}: `;
  let classes = 0;
  tubes.forEach((tube, i) => {
    const name = `${prefix}${what}: tube ${i} (video "${tube.video}"${tube.id === undefined ? '' : `, id ${tube.id}`})`;
    const T = tube.boxes.length / 4;
    if (!(T >= 1 && Number.isInteger(T)))
      throw new LinkingInputError(
        `${name} has ${tube.boxes.length} box numbers, expected 4 per frame and at least one frame`,
      );
    if (!(Number.isInteger(tube.start) && tube.start >= 1))
      throw new LinkingInputError(`${name} starts at frame ${tube.start}, expected an integer ≥ 1`);
    if (!frameCounts.has(tube.video))
      frameCounts.set(tube.video, videoFrameCount(input, tube.video));
    const nframes = frameCounts.get(tube.video);
    if (nframes !== undefined && tube.start + T - 1 > nframes)
      throw new LinkingInputError(
        `${name} covers frames ${tube.start} … ${tube.start + T - 1}, beyond the video's ${nframes} frames`,
      );
    if (!(Number.isFinite(tube.score) && tube.score >= 0))
      throw new LinkingInputError(`${name} has score ${tube.score}, expected a finite number ≥ 0`);
    if (need.scores) {
      if (tube.scores === undefined || tube.scores.length !== T)
        throw new LinkingInputError(
          `${name} has ${tube.scores?.length ?? 'no'} per-frame scores for ${T} frames; the trimmer needs one score per frame (a box_score column)`,
        );
      for (let t = 0; t < T; t++)
        if (!(Number.isFinite(tube.scores[t]) && tube.scores[t]! >= 0))
          throw new LinkingInputError(
            `${name}, frame ${tube.start + t}: per-frame score ${tube.scores[t]}, expected a finite number ≥ 0`,
          );
    }
    if (need.classScores) {
      const cs = tube.classScores;
      const C = cs === undefined ? 0 : cs.length / T;
      if (cs === undefined || !(C >= 1 && Number.isInteger(C)) || (classes > 0 && C !== classes))
        throw new LinkingInputError(
          `${name} has ${cs?.length ?? 'no'} class scores for ${T} frames; expected T × C${classes > 0 ? ` with C = ${classes}` : ''} (the detector's class-score vector per box)`,
        );
      classes = C;
      for (let q = 0; q < cs.length; q++)
        if (!Number.isFinite(cs[q]))
          throw new LinkingInputError(
            `${name}, frame ${tube.start + Math.floor(q / C)}: class score ${cs[q]}, expected a finite number`,
          );
    }
    if (tube.id !== undefined) {
      let seen = ids.get(tube.video);
      if (seen === undefined) ids.set(tube.video, (seen = new Set()));
      if (seen.has(tube.id))
        throw new LinkingInputError(
          `${name}: duplicate tube id ${tube.id} in video "${tube.video}"`,
        );
      seen.add(tube.id);
    }
  });
  return classes;
}

/**
 * Numbers tubes 1, 2, … within each video, in order (trimmers split tubes, so ids are re-issued).
 *
 * @example
 * ```ts
 * renumberTubes(tubes).map((t) => t.id); // [1, 2, 1] for videos a, a, b
 * ```
 */
export function renumberTubes(tubes: DetectedTube[]): DetectedTube[] {
  const next = new Map<string, number>();
  for (const tube of tubes) {
    const n = (next.get(tube.video) ?? 0) + 1;
    next.set(tube.video, n);
    tube.id = n;
  }
  return tubes;
}

/**
 * Frames `[from, to)` (0-based offsets) of a tube as a new tube of class `label` with `score`.
 * Its `boxes`, `scores` and `classScores` are views (`subarray`) of the input's arrays, not copies.
 */
export function sliceTube(
  tube: DetectedTube,
  from: number,
  to: number,
  label: number,
  score: number,
): DetectedTube {
  const out: DetectedTube = {
    video: tube.video,
    label,
    score,
    start: tube.start + from,
    boxes: tube.boxes.subarray(4 * from, 4 * to),
  };
  if (tube.scores) out.scores = tube.scores.subarray(from, to);
  if (tube.classScores) {
    const C = tube.classScores.length / (tube.boxes.length / 4);
    out.classScores = tube.classScores.subarray(from * C, to * C);
  }
  return out;
}
