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
 * when its score is higher, or equal with an earlier position. Per entry, a binary search finds
 * the first true positive it comes before; prefix sums turn these counts into ranks.
 * O(n log k) for n detections and k true positives of a class, O(k) memory.
 */
export function rankPositives(
  classes: readonly ClassPositives[],
  log: ScoreLog,
  float32Scores: boolean,
): RankedPositives[] {
  const key = (v: number) => (float32Scores ? Math.fround(v) : v) + 0;
  const sorted = classes.map((c) => {
    const order = new Int32Array(c.length);
    for (let i = 0; i < c.length; i++) order[i] = i;
    const s = c.scores.subarray(0, c.length).map(key);
    order.sort((a, b) => s[b]! - s[a]! || c.positions[a]! - c.positions[b]!);
    const scores = new Float64Array(c.length);
    const positions = new Float64Array(c.length);
    const tp = new Uint8Array(c.length * c.thresholds);
    order.forEach((o, i) => {
      scores[i] = s[o]!;
      positions[i] = c.positions[o]!;
      tp.set(c.tp.subarray(o * c.thresholds, (o + 1) * c.thresholds), i * c.thresholds);
    });
    return { scores, positions, tp, before: new Float64Array(c.length + 1) };
  });
  const seen = new Float64Array(classes.length);
  log.forEachBlock((labels, scores, n) => {
    for (let i = 0; i < n; i++) {
      const label = labels[i]!;
      const position = seen[label]!++;
      const c = sorted[label]!;
      const k = c.scores.length;
      if (k === 0) continue;
      const s = key(scores[i]!);
      // first true positive this entry comes before
      let lo = 0;
      let hi = k;
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
