import type { DetectedTube, FrameDetections } from '@tubekit/geometry';
import { LinkingInputError } from './errors';

/** Options of {@link rescoreAlongTubes}. */
export interface TubeRescoringOptions {
  /**
   * Frames either side of a detection's own whose per-frame tube scores are averaged (an integer
   * ≥ 0; 0 gives every detection its own score back).
   */
  readonly window: number;
}

/**
 * Rescores frame detections by the tubes they were linked into: a detection that a tube took
 * (same video, frame and class, the same box to the last bit) gets the mean of that tube's
 * per-frame scores over the tube's frames within `window` frames of its own; a detection no
 * tube took keeps its score. Boxes, labels and order are unchanged, so the result is scored by
 * a frame-mAP evaluator as the detections were.
 *
 * This is the rescoring of Seq-NMS (Han et al., "Seq-NMS for Video Object Detection", arXiv
 * 1602.08465, 2016, §3: the boxes of a linked sequence take its average score), over a sliding
 * window of the tube rather than the whole sequence, so that a tube that drifts from one actor or
 * action to another does not pass one part's score to the other. None of STEP, CFAD and PCSC
 * does it: tubekit uses it to measure how much temporal context adds to a frame detector's
 * frame-mAP.
 *
 * When several tubes took the same detection (linkers that let paths share boxes), the first in
 * `tubes` wins. Frames a linker filled in (gap fill) count in the window with the scores it gave
 * them.
 *
 * @param dets - the frame detections the tubes were linked from.
 * @param tubes - tubes with per-frame `scores` (e.g. `linkOnline`'s), of any videos.
 * @returns new detections (the input is not modified).
 * @throws LinkingInputError when a tube lacks per-frame scores of its length, or the window is
 *   not an integer ≥ 0.
 * @example
 * ```ts
 * const tubes = linkOnline(dets, SINGH_ONLINE_LINKING);
 * const rescored = rescoreAlongTubes(dets, tubes, { window: 8 });
 * ```
 */
export function rescoreAlongTubes(
  dets: FrameDetections,
  tubes: readonly DetectedTube[],
  options: TubeRescoringOptions,
): FrameDetections {
  const { window } = options;
  if (!(Number.isInteger(window) && window >= 0))
    throw new LinkingInputError(
      `rescoreAlongTubes: window must be an integer ≥ 0, got ${String(window)}`,
    );
  // `video|frame|label` → the tubes' rows on that frame, in tube order.
  const taken = new Map<string, { tube: DetectedTube; row: number }[]>();
  tubes.forEach((tube, i) => {
    const T = tube.boxes.length / 4;
    if (!tube.scores || tube.scores.length !== T)
      throw new LinkingInputError(
        `rescoreAlongTubes: tube ${i} (video ${tube.video}, label ${tube.label}) has ${tube.scores ? `${tube.scores.length} per-frame scores` : 'no per-frame scores'}, expected ${T}, one per box`,
      );
    for (let row = 0; row < T; row++) {
      const key = `${tube.video}|${tube.start + row}|${tube.label}`;
      const list = taken.get(key);
      if (list) list.push({ tube, row });
      else taken.set(key, [{ tube, row }]);
    }
  });
  const score = Float64Array.from(dets.score);
  for (let i = 0; i < dets.length; i++) {
    const list = taken.get(`${dets.videos[dets.videoIndex[i]!]}|${dets.frame[i]}|${dets.label[i]}`);
    const hit = list?.find(({ tube, row }) => {
      for (let c = 0; c < 4; c++)
        if (tube.boxes[4 * row + c] !== dets.boxes[4 * i + c]) return false;
      return true;
    });
    if (!hit) continue;
    const scores = hit.tube.scores!;
    const from = Math.max(0, hit.row - window);
    const to = Math.min(scores.length - 1, hit.row + window);
    let sum = 0;
    for (let r = from; r <= to; r++) sum += scores[r]!;
    score[i] = sum / (to - from + 1);
  }
  return { ...dets, score };
}
