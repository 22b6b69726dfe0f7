import { rankByScore, rankItemsByScore } from './rank';
import type { ScoreLog } from './score-log';

/**
 * The detections of one class that are a true positive at some IoU threshold: score, position
 * in the class's {@link ScoreLog} entries (the tie order) and one flag per threshold. Bounded by
 * the GT count times the thresholds, whatever the number of detections.
 */
export class ClassPositives {
  length = 0;
  scores = new Float64Array(16);
  positions = new Float64Array(16);
  /** `length × thresholds` flags, row-major. */
  tp: Uint8Array;

  constructor(readonly thresholds: number) {
    this.tp = new Uint8Array(16 * thresholds);
  }

  /** Appends a detection and returns its row (write its flags at `tp[row·T + t]`). */
  push(score: number, position: number): number {
    if (this.length === this.scores.length) {
      const grow = <A extends Float64Array | Uint8Array>(a: A, make: (n: number) => A) => {
        const b = make(2 * a.length);
        b.set(a);
        return b;
      };
      this.scores = grow(this.scores, (n) => new Float64Array(n));
      this.positions = grow(this.positions, (n) => new Float64Array(n));
      this.tp = grow(this.tp, (n) => new Uint8Array(n));
    }
    this.scores[this.length] = score;
    this.positions[this.length] = position;
    return this.length++;
  }
}

/** One class's true positives in rank order: their 1-based ranks among all its detections, and flags. */
export interface RankedPositives {
  ranks: Float64Array;
  /** `ranks.length × thresholds` flags, row-major, in rank order. */
  tp: Uint8Array;
}

/**
 * The rank of every true positive among all detections of its class, in one pass over the
 * {@link ScoreLog} (no sort of the detections): ranking is by descending score (rounded to
 * float32 with `float32Scores`), ties by log position, so an entry comes before a true positive
 * when its score is higher, or equal with an earlier position. Per entry, a search (a score
 * bucket, then bisection within it) finds the first true positive it comes before; prefix sums
 * turn these counts into ranks. O(n) for n detections when scores spread evenly, O(n log k) at
 * worst for k true positives of a class, O(k) memory.
 */
export function rankPositives(
  classes: readonly ClassPositives[],
  log: ScoreLog,
  float32Scores: boolean,
): RankedPositives[] {
  const key = (v: number) => (float32Scores ? Math.fround(v) : v) + 0;
  const sorted = classes.map((c) => {
    const k = c.length;
    const T = c.thresholds;
    const keys = new Float64Array(k);
    const later = new Float64Array(k);
    for (let i = 0; i < k; i++) {
      keys[i] = key(c.scores[i]!);
      later[i] = -c.positions[i]!;
    }
    // two stable radix sorts: by position, then by descending score
    const order = rankItemsByScore(keys, rankByScore(later, k));
    const scores = new Float64Array(k);
    const positions = new Float64Array(k);
    const tp = new Uint8Array(k * T);
    for (let i = 0; i < k; i++) {
      const o = order[i]!;
      scores[i] = keys[o]!;
      positions[i] = c.positions[o]!;
      for (let t = 0; t < T; t++) tp[i * T + t] = c.tp[o * T + t]!;
    }
    // buckets of equal width between the highest and lowest true-positive score narrow the
    // search: bucket(s) = ⌊(top − s)·scale⌋ is monotone in s, so an entry in bucket b comes
    // before every true positive of a later bucket and after every one of an earlier bucket
    const top = k > 0 ? scores[0]! : 0;
    const bottom = k > 0 ? scores[k - 1]! : 0;
    const buckets = Math.min(1 << 14, 2 * k + 1);
    const scale = top > bottom ? buckets / (top - bottom) : 0;
    const first = new Int32Array(buckets + 2);
    let b = 0;
    for (let i = 0; i < k; i++) {
      const bucket = Math.min(buckets, Math.floor((top - scores[i]!) * scale));
      while (b <= bucket) first[b++] = i;
    }
    while (b < first.length) first[b++] = k;
    return { scores, positions, tp, before: new Float64Array(k + 1), top, bottom, scale, first };
  });
  const seen = new Float64Array(classes.length);
  log.forEachBlock((labels, scores, n) => {
    for (let i = 0; i < n; i++) {
      const label = labels[i]!;
      const position = seen[label]!++;
      const c = sorted[label]!;
      const s = key(scores[i]!);
      if (!(s >= c.bottom) || c.scores.length === 0) continue; // before no true positive
      if (s > c.top) {
        c.before[0]!++;
        continue;
      }
      // the first true positive this entry comes before, within its bucket
      const bucket = Math.min(c.first.length - 2, Math.floor((c.top - s) * c.scale));
      let lo = c.first[bucket]!;
      let hi = c.first[bucket + 1]!;
      while (lo < hi) {
        const mid = (lo + hi) >>> 1;
        const m = c.scores[mid]!;
        if (s > m || (s === m && position < c.positions[mid]!)) hi = mid;
        else lo = mid + 1;
      }
      c.before[lo]!++;
    }
  });
  return sorted.map(({ before, tp, scores }) => {
    const ranks = new Float64Array(scores.length);
    let ahead = 0;
    for (let i = 0; i < ranks.length; i++) {
      ahead += before[i]!;
      ranks[i] = ahead + 1;
    }
    return { ranks, tp };
  });
}
