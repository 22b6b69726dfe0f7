import type { DetectedTube } from '@tubekit/geometry';
import { smoothLabels } from './label-smoothing';
import { topKMean } from './top-k-mean';
import { checkTubes, renumberTubes, sliceTube } from './tube-input';
import { classAlpha } from './two-state-trimming';
import type { InputSource } from './video-ranges';

/** Options of {@link multiClassTrimming}; {@link SINGH_TRIMMING} holds the published ones. */
export interface MultiClassTrimmingOptions {
  /** Switch penalty; a number or a per-class table indexed by the tube's (path's) label. */
  readonly alpha: number | readonly number[];
  /** Segments become tubes only when **longer than** this many frames. */
  readonly longerThan: number;
  /** Segment score: mean of its top this-many scores of the segment's class. */
  readonly scoreTopK: number;
  /**
   * `'all'`: a segment labelled c becomes a tube of class c (linking.md); `'path'`: only segments
   * labelled with the tube's own class are kept (Singh's `extract_action`).
   */
  readonly keep: 'all' | 'path';
}

/**
 * Singh et al. (ICCV 2017), `PARactionPathSmoother.m`: α = 3 (they also use 5), segments longer
 * than 8 frames, score = mean of the top 40 scores. (Their `M = M + 20` offset adds the same
 * constant to every labelling's energy, so it cannot change the result and is not an option.)
 */
export const SINGH_TRIMMING: MultiClassTrimmingOptions = Object.freeze({
  alpha: 3,
  longerThan: 8,
  scoreTopK: 40,
  keep: 'all',
});

/**
 * Multi-class temporal trimming (Singh et al. 2017): per tube, {@link smoothLabels} over all C
 * classes with unaries `classScores[t, c]` and switch penalty α; each segment labelled c
 * longer than `longerThan` frames becomes a tube of class c, scored by the mean of the top
 * `scoreTopK` of `classScores[·, c]` over the segment. Needs `classScores` (`T × C`) on every tube
 * (e.g. from {@link linkOnline} given the detector's class-score vectors, or {@link classScoresFromRows}).
 *
 * Cost O(Σ T · C) time, O(max T · C) memory.
 *
 * @param input - the source named in errors (e.g. the tube CSV) and, optionally, each video's
 *   frame count: tubes reaching beyond it are refused ({@link checkTubes}).
 * @example
 * ```ts
 * const trimmed = multiClassTrimming(tubes, { ...SINGH_TRIMMING, alpha: 5 });
 * ```
 */
export function multiClassTrimming(
  tubes: readonly DetectedTube[],
  options: MultiClassTrimmingOptions,
  input: InputSource = {},
): DetectedTube[] {
  const C = checkTubes(tubes, 'multiClassTrimming', { classScores: true }, input);
  const out: DetectedTube[] = [];
  let labels = new Int32Array(0);
  let column = new Float64Array(0);
  for (const tube of tubes) {
    const T = tube.boxes.length / 4;
    const cs = tube.classScores!;
    if (labels.length < T) {
      labels = new Int32Array(2 * T);
      column = new Float64Array(2 * T);
    }
    smoothLabels(cs, T, C, classAlpha(options.alpha, tube.label, 'multiClassTrimming'), labels);
    let t = 0;
    while (t < T) {
      const c = labels[t]!;
      let e = t;
      while (e < T && labels[e] === c) e++;
      if (e - t > options.longerThan && (options.keep === 'all' || c === tube.label)) {
        for (let u = t; u < e; u++) column[u] = cs[u * C + c]!;
        out.push(sliceTube(tube, t, e, c, topKMean(column, options.scoreTopK, t, e)));
      }
      t = e;
    }
  }
  return renumberTubes(out);
}
