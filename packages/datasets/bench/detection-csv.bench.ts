import { createReadStream, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { defineBenchSuite } from '@tubekit/benchmarks';
import { parse } from 'fast-csv';
import { readFrameDetectionGroups } from '../src/frame-detections-csv';

const ROWS = 1e6;

/** 10⁶ frame-detection rows (200 videos × 250 frames × 20 boxes), 2-decimal boxes, 6-decimal scores. */
function writeRows(path: string): void {
  let state = 1;
  const random = () => {
    state = (state * 1103515245 + 12345) % 2147483648;
    return state / 2147483648;
  };
  const parts = ['video,frame,label,score,x1,y1,x2,y2\n'];
  for (let i = 0; i < ROWS; i++) {
    const x = Math.round(random() * 30000) / 100;
    const y = Math.round(random() * 22000) / 100;
    parts.push(
      `Class${Math.floor(i / 5000) % 24}/v_${Math.floor(i / 5000)},${1 + (Math.floor(i / 20) % 250)},${Math.floor(random() * 24)},${Math.round(random() * 1e6) / 1e6},${x},${y},${x + 50.25},${y + 80.5}\n`,
    );
  }
  writeFileSync(path, parts.join(''));
}

/** CPU milliseconds (user + system) of one call. */
async function cpuMs(fn: () => Promise<unknown>): Promise<number> {
  const c0 = process.cpuUsage();
  await fn();
  const c = process.cpuUsage(c0);
  return (c.user + c.system) / 1000;
}

/** fast-csv in its fastest mode: array rows, no headers, no trim, no transform; rows only counted. */
function fastCsvRows(path: string): Promise<number> {
  return new Promise((resolve, reject) => {
    let rows = 0;
    createReadStream(path)
      .pipe(parse({ headers: false }))
      .on('data', () => {
        rows++;
      })
      .on('error', reject)
      .on('end', () => resolve(rows));
  });
}

export default defineBenchSuite({
  name: 'datasets: frame-detection CSV reading (10⁶ rows)',
  cases: [
    {
      kind: 'measure',
      name: 'fast-csv fastest mode (tokenise only) vs the numeric fast path (tokenise, check, typed columns per video)',
      run: async () => {
        const dir = mkdtempSync(join(tmpdir(), 'tubekit-csv-bench-'));
        try {
          const path = join(dir, 'dets.csv');
          writeRows(path);
          const fastCsv: number[] = [];
          const fastPath: number[] = [];
          // alternately, so that a busy machine slows both alike
          for (let run = 0; run < 3; run++) {
            fastCsv.push(await cpuMs(() => fastCsvRows(path)));
            fastPath.push(
              await cpuMs(() => readFrameDetectionGroups(path, { grouping: 'video' }, () => {})),
            );
          }
          const best = (a: number[]) => Math.min(...a);
          return {
            fastCsvCpuMs: best(fastCsv),
            fastPathCpuMs: best(fastPath),
            fastCsvRowsPerSecond: ROWS / (best(fastCsv) / 1000),
            fastPathRowsPerSecond: ROWS / (best(fastPath) / 1000),
            speedup: best(fastCsv) / best(fastPath),
          };
        } finally {
          rmSync(dir, { recursive: true, force: true });
        }
      },
      targets: { fastPathRowsPerSecond: { atLeast: 2e6 } },
    },
  ],
});
