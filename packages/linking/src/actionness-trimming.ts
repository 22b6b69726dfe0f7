import type { DetectedTube } from '@tubekit/geometry';
import { LinkingInputError } from './errors';
import { checkTubes, renumberTubes, sliceTube } from './tube-input';
import type { InputSource } from './video-ranges';

/** Options of {@link actionnessTrimming}; {@link PCSC_TRIMMING} holds tubekit's defaults. */
export interface ActionnessTrimmingOptions {
  /** Median filter window in frames (odd), centred; truncated at the tube's ends. */
  readonly window: number;
  /** Frames whose smoothed actionness is below this are dropped (see `cut`). */
  readonly threshold: number;
  /** Pieces shorter than this many frames are dropped. */
  readonly minLength: number;
  /**
   * What a drop does (PCSC §3.4 leaves it open: "filtered out from this action tube"). `'split'`
   * (default): every frame below the threshold is removed and the tube splits at interior drops,
   * one piece per kept run. `'ends'`: only the leading and trailing runs below the threshold are
   * cut, the tube stays one piece from its first to its last kept frame (an interior dip — an
   * occlusion, a pause — keeps the tube whole, so a long action is not scored as several short
   * ones).
   */
  readonly cut?: 'split' | 'ends';
}

/**
 * PCSC (Su et al., "Improving action localization by progressive cross-stream cooperation", CVPR
 * 2019 / TPAMI): the paper gives no window or threshold; these are tubekit's defaults (window 5,
 * threshold 0.5, pieces of any length) — state your own when reproducing.
 */
export const PCSC_TRIMMING: ActionnessTrimmingOptions = Object.freeze({
  window: 5,
  threshold: 0.5,
  minLength: 1,
});

/**
 * Actionness trimming (PCSC): per tube, the class-specific actionness probability of each box is
 * median-filtered over `window` frames (centred; near the ends over the frames available; an
 * even count takes the mean of the two middle values); boxes whose smoothed actionness is below
 * `threshold` are dropped and the tube is split where it breaks (or, with `cut: 'ends'`, only its
 * leading and trailing drops are cut). Pieces keep the tube's class and
 * score; ids are re-issued 1, 2, … per video.
 *
 * @param actionness - per tube, `T` actionness probabilities; default: the tube's per-frame
 *   `scores` (when the detector's class score is the actionness).
 * @param input - the source named in errors (e.g. the tube CSV) and, optionally, each video's
 *   frame count: tubes reaching beyond it are refused ({@link checkTubes}).
 * @example
 * ```ts
 * const trimmed = actionnessTrimming(tubes, PCSC_TRIMMING, actionnessPerTube);
 * ```
 *
 * Cost O(Σ T · w log w) time for window w, O(max T) memory.
 */
export function actionnessTrimming(
  tubes: readonly DetectedTube[],
  options: ActionnessTrimmingOptions,
  actionness?: readonly ArrayLike<number>[],
  input: InputSource = {},
): DetectedTube[] {
  if (options.cut !== undefined && options.cut !== 'split' && options.cut !== 'ends')
    throw new RangeError(`actionnessTrimming: cut must be 'split' or 'ends', got ${options.cut}`);
  if (!(Number.isInteger(options.window) && options.window >= 1 && options.window % 2 === 1))
    throw new RangeError(
      `actionnessTrimming: window must be an odd integer ≥ 1, got ${options.window}`,
    );
  checkTubes(tubes, 'actionnessTrimming', { scores: actionness === undefined }, input);
  if (actionness !== undefined && actionness.length !== tubes.length)
    throw new LinkingInputError(
      `actionnessTrimming: ${actionness.length} actionness arrays for ${tubes.length} tubes`,
    );
  const half = (options.window - 1) / 2;
  const win = new Float64Array(options.window);
  const out: DetectedTube[] = [];
  let keep = new Uint8Array(0);
  tubes.forEach((tube, i) => {
    const T = tube.boxes.length / 4;
    const a = actionness?.[i] ?? tube.scores!;
    if (a.length !== T)
      throw new LinkingInputError(
        `actionnessTrimming: tube ${i} (video "${tube.video}") has ${a.length} actionness values for ${T} frames`,
      );
    if (keep.length < T) keep = new Uint8Array(2 * T);
    for (let t = 0; t < T; t++) {
      const lo = Math.max(0, t - half);
      const hi = Math.min(T - 1, t + half);
      const n = hi - lo + 1;
      for (let u = 0; u < n; u++) {
        const v = a[lo + u]!;
        if (!Number.isFinite(v))
          throw new LinkingInputError(
            `actionnessTrimming: tube ${i} (video "${tube.video}"), frame ${tube.start + lo + u}: actionness ${v}`,
          );
        // insertion into the sorted window
        let p = u;
        while (p > 0 && win[p - 1]! > v) {
          win[p] = win[p - 1]!;
          p--;
        }
        win[p] = v;
      }
      const median = n % 2 === 1 ? win[(n - 1) / 2]! : 0.5 * (win[n / 2 - 1]! + win[n / 2]!);
      keep[t] = median >= options.threshold ? 1 : 0;
    }
    if (options.cut === 'ends') {
      let first = 0;
      let last = T - 1;
      while (first < T && !keep[first]) first++;
      while (last > first && !keep[last]) last--;
      if (first < T && last + 1 - first >= options.minLength)
        out.push(sliceTube(tube, first, last + 1, tube.label, tube.score));
      return;
    }
    let t = 0;
    while (t < T) {
      if (!keep[t]) {
        t++;
        continue;
      }
      let e = t;
      while (e < T && keep[e]) e++;
      if (e - t >= options.minLength) out.push(sliceTube(tube, t, e, tube.label, tube.score));
      t = e;
    }
  });
  return renumberTubes(out);
}
