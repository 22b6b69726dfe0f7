/**
 * Where a {@link ScoreLog} puts the blocks it does not keep in memory (e.g. a temporary file; the
 * CLI's is unlinked on creation). Blocks come back in the order they were written.
 */
export interface ScoreLogSpill {
  /** Stores the first `n` entries of a block; the arrays are reused after the call returns. */
  write(labels: Int32Array, scores: Float64Array, n: number): void;
  /** Hands every stored block back, in order (the arrays may be reused between calls). */
  read(visit: (labels: Int32Array, scores: Float64Array, n: number) => void): void;
  /** Releases the storage. */
  close(): void;
}

/** Entries per block (12 bytes each). */
const BLOCK = 1 << 16;

/**
 * Append-only log of `(label, score)` for every detection a streaming evaluator ranks: 12 bytes
 * per detection, in memory up to `memoryBytes` (default 8 MiB), then spilled block by block to
 * `spill` when one is given, so that memory stays flat in the number of detections. The order of
 * entries is the order of addition, which is the tie order of the ranking.
 */
export class ScoreLog {
  private labels = new Int32Array(BLOCK);
  private scores = new Float64Array(BLOCK);
  private n = 0;
  private kept: { labels: Int32Array; scores: Float64Array }[] = [];
  private readonly maxKept: number;
  /** Entries per label. */
  counts: Float64Array;

  constructor(
    labelCount: number,
    private readonly spill?: ScoreLogSpill,
    memoryBytes = 8 * 2 ** 20,
  ) {
    this.counts = new Float64Array(labelCount);
    this.maxKept = Math.max(0, Math.floor(memoryBytes / (12 * BLOCK)) - 1);
  }

  /** Appends one entry; returns its position among the entries of `label` (0-based). */
  append(label: number, score: number): number {
    if (this.n === BLOCK) this.seal();
    this.labels[this.n] = label;
    this.scores[this.n++] = score;
    return this.counts[label]!++;
  }

  private seal(): void {
    if (this.spill && this.kept.length >= this.maxKept) {
      for (const block of this.kept) this.spill.write(block.labels, block.scores, BLOCK);
      this.kept = [];
      this.spill.write(this.labels, this.scores, BLOCK);
    } else {
      this.kept.push({ labels: this.labels, scores: this.scores });
      this.labels = new Int32Array(BLOCK);
      this.scores = new Float64Array(BLOCK);
    }
    this.n = 0;
  }

  /** Visits every entry in order of addition, a block at a time. */
  forEachBlock(visit: (labels: Int32Array, scores: Float64Array, n: number) => void): void {
    this.spill?.read(visit);
    for (const block of this.kept) visit(block.labels, block.scores, BLOCK);
    if (this.n > 0) visit(this.labels, this.scores, this.n);
  }

  /** Releases the spill. */
  close(): void {
    this.spill?.close();
  }
}
