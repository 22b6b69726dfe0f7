import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { scoreSpillFile } from './score-spill-file';

describe('scoreSpillFile', () => {
  it('gives the blocks back in order from an unlinked file and leaves nothing behind', () => {
    const dir = mkdtempSync(join(tmpdir(), 'tubekit-spill-test-'));
    try {
      const spill = scoreSpillFile(dir);
      const labels = new Int32Array(8);
      const scores = new Float64Array(8);
      for (const [first, n] of [
        [0, 8],
        [100, 3],
      ] as const) {
        for (let i = 0; i < n; i++) {
          labels[i] = first + i;
          scores[i] = (first + i) / 3;
        }
        spill.write(labels, scores, n);
      }
      // unlinked at once (POSIX): the folder is already empty
      if (process.platform !== 'win32') expect(readdirSync(dir)).toEqual([]);
      const seen: [number, number][] = [];
      spill.read((l, s, n) => {
        for (let i = 0; i < n; i++) seen.push([l[i]!, s[i]!]);
      });
      expect(seen).toEqual(
        [0, 1, 2, 3, 4, 5, 6, 7, 100, 101, 102].map((v) => [v, v / 3] as [number, number]),
      );
      spill.close();
      expect(readdirSync(dir)).toEqual([]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('names the folder when the file cannot be written', () => {
    const spill = scoreSpillFile(join(tmpdir(), 'tubekit-no-such-folder', 'x'));
    expect(() => spill.write(new Int32Array(1), new Float64Array(1), 1)).toThrow(
      /^cannot write the score log to .*tubekit-no-such-folder.*: ENOENT$/,
    );
  });
});
