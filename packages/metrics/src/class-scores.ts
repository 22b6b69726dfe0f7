/**
 * Growable per-class store of what a streaming evaluator keeps per detection: its score and one
 * true-positive flag per IoU threshold (8 + T bytes per detection, nothing else).
 */
export class ClassScores {
  /** Detections stored. */
  length = 0;
  scores: Float64Array;
  /** `length × thresholds` flags, row-major (`tp[i·T + t]`). */
  tp: Uint8Array;

  constructor(
    readonly thresholds: number,
    capacity = 64,
  ) {
    this.scores = new Float64Array(capacity);
    this.tp = new Uint8Array(capacity * thresholds);
  }

  /** Appends a detection and returns its row (write its flags at `tp[row·T + t]`). */
  push(score: number): number {
    if (this.length === this.scores.length) {
      const capacity = this.scores.length * 2;
      const scores = new Float64Array(capacity);
      scores.set(this.scores);
      this.scores = scores;
      const tp = new Uint8Array(capacity * this.thresholds);
      tp.set(this.tp);
      this.tp = tp;
    }
    this.scores[this.length] = score;
    return this.length++;
  }
}
