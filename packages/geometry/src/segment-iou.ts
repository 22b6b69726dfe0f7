import { type BoxArray, boxCount } from './box-area';
import { boxIoUAt } from './box-iou';
import { type Tube, tubeLength } from './tube';

/** What {@link segmentIoUs} returns: two `[N·G]` row-major anchor × tube matrices. */
export interface SegmentIoUs {
  /** `segIoU(b_a, A_g, 0)`: mean IoU of the anchor with the tube's first `K` boxes (the positive test). */
  first: Float64Array;
  /** `max_j segIoU(b_a, A_g, j)` over the `⌊T/K⌋` whole segments (the negative test). */
  best: Float64Array;
}

/**
 * CFAD's segment-wise overlaps of anchor boxes with ground-truth tubes (Li et al. ECCV 2020, §3.2,
 * Fig. 3a; `K = 6` in §4.1): `segIoU(b_a, A, j) = (1/K) Σ_{m<K} IoU(b_a, b_{jK+m})`. `first` feeds
 * the positive test ("not sensitive to the segment position": only the first segment) and `best`
 * the negative test ("low overlap with any boxes in A") — pass them to nn's `assignProposals` as
 * `overlaps` and `negativeOverlaps`. A tube shorter than `K` is one segment of all its boxes
 * (spec's choice); the last `T mod K` boxes never enter the negative test (literal reading).
 *
 * @param anchors - `N × 4` anchor boxes (in the frame's pixels).
 * @param tubes - `G` ground-truth tubes (their frame numbers are not used: boxes in order).
 * @param K - segment length, an integer ≥ 1.
 * @example
 * ```ts
 * const tube = { start: 1, boxes: new Float64Array([0, 0, 10, 10, 0, 0, 10, 20, 50, 50, 60, 60, 0, 0, 10, 10]) };
 * segmentIoUs(new Float64Array([0, 0, 10, 10]), [tube], 2); // first [0.75], best [0.75]
 * ```
 */
export function segmentIoUs(
  anchors: BoxArray,
  tubes: readonly Tube[],
  K: number,
  options?: { pixelInclusive?: boolean },
): SegmentIoUs {
  if (!(Number.isInteger(K) && K >= 1))
    throw new RangeError(`segmentIoUs: K = ${K}; expected an integer ≥ 1`);
  const N = boxCount(anchors, 'segmentIoUs anchors');
  const G = tubes.length;
  const inclusive = options?.pixelInclusive === true;
  const first = new Float64Array(N * G);
  const best = new Float64Array(N * G);
  tubes.forEach((tube, g) => {
    const T = tubeLength(tube);
    if (T === 0) throw new RangeError(`segmentIoUs: tube ${g} has no boxes`);
    const k = Math.min(K, T);
    const segments = Math.floor(T / k);
    for (let a = 0; a < N; a++) {
      let top = 0;
      for (let j = 0; j < segments; j++) {
        let sum = 0;
        for (let m = 0; m < k; m++) sum += boxIoUAt(anchors, a, tube.boxes, j * k + m, inclusive);
        const v = sum / k;
        if (j === 0) first[a * G + g] = v;
        if (v > top) top = v;
      }
      best[a * G + g] = top;
    }
  });
  return { first, best };
}
