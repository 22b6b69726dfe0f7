import { rankByScore } from './rank';
import type { ScoreLog } from './score-log';

/**
 * The detections of one class that are a true positive at some IoU threshold: score, position
 * in the class's {@link ScoreLog} entries (the tie order) and one flag per threshold, added in
 * ascending position (so ties need no sort of their own: {@link sortPositives}). Bounded by the
 * GT count times the thresholds, whatever the number of detections.
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

  /**
   * Appends a detection and returns its row (write its flags at `tp[row·T + t]`). Throws when
   * `position` is not after the last one's.
   */
  push(score: number, position: number): number {
    if (this.length > 0 && !(position > this.positions[this.length - 1]!))
      throw new Error(
        `ClassPositives: position ${position} added after ${this.positions[this.length - 1]}; positions must ascend`,
      );
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

/** The true positives of one class as plain data (what a shard of an evaluation hands over). */
export interface PositivesData {
  length: number;
  scores: Float64Array;
  /** Positions among the class's score-log entries, ascending. */
  positions: Float64Array;
  /** `length × thresholds` flags, row-major. */
  tp: Uint8Array;
}

/** A class's true positives sorted into rank order, with the buckets that narrow the search. */
export interface SortedPositives {
  scores: Float64Array;
  positions: Float64Array;
  tp: Uint8Array;
  top: number;
  bottom: number;
  scale: number;
  first: Int32Array;
}

/**
 * Sorts each class's true positives into rank order: by descending score (rounded to float32
 * with `float32Scores`), ties by log position (one stable radix sort: they come in ascending
 * position), with equal-width score buckets between the highest and lowest for
 * {@link countEntriesBefore}.
 */
export function sortPositives(
  classes: readonly PositivesData[],
  thresholds: number,
  float32Scores: boolean,
): SortedPositives[] {
  const key = (v: number) => (float32Scores ? Math.fround(v) : v) + 0;
  const T = thresholds;
  return classes.map((c) => {
    const k = c.length;
    const keys = new Float64Array(k);
    for (let i = 0; i < k; i++) keys[i] = key(c.scores[i]!);
    const order = rankByScore(keys, k);
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
    return { scores, positions, tp, top, bottom, scale, first };
  });
}

/**
 * Counts, for each class, the score-log entries that come right before each true positive:
 * `before[c][i]` entries come before true positive i of class c and after true positive i − 1
 * (ranking by descending score, ties by log position). Per entry, a search (a score bucket, then
 * bisection within it) finds the first true positive it comes before. The counts of several
 * logs add up: a log that continues others gives `offsets[c]`, the entries of class c before
 * it, so that positions are those of the whole log.
 */
export function countEntriesBefore(
  sorted: readonly SortedPositives[],
  log: Pick<ScoreLog, 'forEachBlock'>,
  float32Scores: boolean,
  offsets?: ArrayLike<number>,
): Float64Array[] {
  const before = sorted.map((c) => new Float64Array(c.scores.length + 1));
  // per label, flat for the loop over every detection
  const tops = Float64Array.from(sorted, (c) => (c.scores.length > 0 ? c.top : -Infinity));
  const bottoms = Float64Array.from(sorted, (c) => (c.scores.length > 0 ? c.bottom : Infinity));
  const seen = Float64Array.from(sorted, (_, c) => offsets?.[c] ?? 0);
  log.forEachBlock((labels, scores, n) => {
    for (let i = 0; i < n; i++) {
      const label = labels[i]!;
      const position = seen[label]!++;
      const v = scores[i]!;
      const s = (float32Scores ? Math.fround(v) : v) + 0;
      if (!(s >= bottoms[label]!)) continue; // before no true positive
      if (s > tops[label]!) {
        before[label]![0]!++;
        continue;
      }
      const c = sorted[label]!;
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
      before[label]![lo]!++;
    }
  });
  return before;
}

/** Ranks from the {@link countEntriesBefore} counts of every log (one array per log, summed). */
export function ranksFromCounts(
  sorted: readonly SortedPositives[],
  counts: readonly (readonly Float64Array[])[],
): RankedPositives[] {
  return sorted.map(({ tp, scores }, c) => {
    const ranks = new Float64Array(scores.length);
    let ahead = 0;
    for (let i = 0; i < ranks.length; i++) {
      for (const before of counts) ahead += before[c]![i]!;
      ranks[i] = ahead + 1;
    }
    return { ranks, tp };
  });
}
