import { ScoreLog, type ScoreLogSpill } from './score-log';

/** A spill that keeps copies of the blocks, counting writes. */
function memorySpill(): ScoreLogSpill & { blocks: number; closed: boolean } {
  const stored: { labels: Int32Array; scores: Float64Array }[] = [];
  return {
    blocks: 0,
    closed: false,
    write(labels, scores, n) {
      this.blocks++;
      stored.push({ labels: labels.slice(0, n), scores: scores.slice(0, n) });
    },
    read(visit) {
      for (const b of stored) visit(b.labels, b.scores, b.labels.length);
    },
    close() {
      this.closed = true;
    },
  };
}

describe('ScoreLog', () => {
  it('gives every entry back in order of addition, with or without a spill', () => {
    const n = 3 * 65536 + 17; // three full blocks and a partial one
    // blocks written: none kept (each full block), one kept (flushed with the next), all kept
    for (const [memoryBytes, written] of [
      [0, 3],
      [2 * 12 * 65536, 2],
      [8 * 2 ** 20, 0],
    ] as const) {
      const spill = memorySpill();
      const log = new ScoreLog(5, spill, memoryBytes);
      let positions = 0;
      for (let i = 0; i < n; i++) if (log.append(i % 5, i / 7) === Math.floor(i / 5)) positions++;
      expect(positions).toBe(n);
      let i = 0;
      log.forEachBlock((labels, scores, count) => {
        for (let k = 0; k < count; k++, i++) {
          if (labels[k] !== i % 5 || scores[k] !== i / 7) throw new Error(`entry ${i} differs`);
        }
      });
      expect(i).toBe(n);
      expect(spill.blocks).toBe(written);
      expect(Array.from(log.counts)).toEqual([1, 1, 1, 1, 1].map((_, c) => Math.ceil((n - c) / 5)));
      log.close();
      expect(spill.closed).toBe(true);
    }
  });
});
