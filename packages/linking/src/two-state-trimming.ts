import type { DetectedTube } from '@tubekit/geometry';
import { smoothLabels } from './label-smoothing';
import { topKMean } from './top-k-mean';
import { checkTubes, renumberTubes, sliceTube } from './tube-input';
import type { InputSource } from './video-ranges';

/** Options of {@link twoStateTrimming}; {@link SAHA_TRIMMING} holds the published ones. */
export interface TwoStateTrimmingOptions {
  /**
   * Penalty for each switch between "action" and "background": one number, or a per-class table
   * indexed by the tube's label (class-specific in the original, tuned per dataset).
   */
  readonly alpha: number | readonly number[];
  /** Runs labelled "action" become tubes only when **longer than** this many frames. */
  readonly longerThan: number;
  /** Tube score: mean of the top this-many per-frame scores of the run. */
  readonly scoreTopK: number;
}

/**
 * Saha et al., "Deep learning for detecting multiple space-time action tubes in videos" (BMVC
 * 2016), Sec. 3.3: runs longer than 30 frames, score = mean of the top 40 box scores. Their α is
 * class-specific and tuned on training data; 3 is the value Singh et al. use — pass your own
 * table for a faithful reproduction.
 */
export const SAHA_TRIMMING: TwoStateTrimmingOptions = Object.freeze({
  alpha: 3,
  longerThan: 30,
  scoreTopK: 40,
});

/**
 * Two-state temporal trimming (Saha et al. 2016): per tube, {@link smoothLabels} over the labels
 * {action, background} with unaries `s_t` and `1 − s_t` (the per-frame scores) and the switch
 * penalty α; every run labelled "action" longer than `longerThan` frames becomes a tube of the
 * same class, scored by the mean of its top `scoreTopK` per-frame scores. Output order: input
 * order, runs in time order; ids re-issued 1, 2, … per video.
 *
 * Cost O(Σ T) time, O(max T) memory.
 *
 * @param input - the source named in errors (e.g. the tube CSV) and, optionally, each video's
 *   frame count: tubes reaching beyond it are refused ({@link checkTubes}).
 * @example
 * ```ts
 * const trimmed = twoStateTrimming(tubes, { ...SAHA_TRIMMING, alpha: [2, 3, 5] });
 * ```
 */
export function twoStateTrimming(
  tubes: readonly DetectedTube[],
  options: TwoStateTrimmingOptions,
  input: InputSource = {},
): DetectedTube[] {
  checkTubes(tubes, 'twoStateTrimming', { scores: true }, input);
  const out: DetectedTube[] = [];
  let unary = new Float64Array(0);
  let labels = new Int32Array(0);
  for (const tube of tubes) {
    const T = tube.boxes.length / 4;
    const scores = tube.scores!;
    if (unary.length < 2 * T) {
      unary = new Float64Array(4 * T);
      labels = new Int32Array(2 * T);
    }
    for (let t = 0; t < T; t++) {
      unary[2 * t] = scores[t]!;
      unary[2 * t + 1] = 1 - scores[t]!;
    }
    smoothLabels(unary, T, 2, classAlpha(options.alpha, tube.label, 'twoStateTrimming'), labels);
    let t = 0;
    while (t < T) {
      if (labels[t] !== 0) {
        t++;
        continue;
      }
      let e = t;
      while (e < T && labels[e] === 0) e++;
      if (e - t > options.longerThan)
        out.push(sliceTube(tube, t, e, tube.label, topKMean(scores, options.scoreTopK, t, e)));
      t = e;
    }
  }
  return renumberTubes(out);
}

/**
 * α of class `label` from a number or a per-class table.
 *
 * @example
 * ```ts
 * classAlpha([2, 3, 5], 1, 'trim'); // 3
 * ```
 */
export function classAlpha(alpha: number | readonly number[], label: number, what: string): number {
  if (typeof alpha === 'number') return alpha;
  const a = alpha[label];
  if (a === undefined)
    throw new RangeError(
      `${what}: the alpha table has ${alpha.length} entries, none for label ${label}`,
    );
  return a;
}
