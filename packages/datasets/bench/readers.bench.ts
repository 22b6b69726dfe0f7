import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { defineBenchSuite } from '@tubekit/benchmarks';
import type { FrameDetections } from '@tubekit/geometry';
import { tubekitDataPath } from '../src/data-dir';
import { readFrameDetectionsCsv, writeFrameDetectionsCsv } from '../src/frame-detections-csv';
import { loadDataset } from '../src/load-dataset';
import { parseMat } from '../src/mat-v5';
import { unpickle } from '../src/pickle';

/**
 * Median wall time and median CPU time (user + system, which a busy shared machine inflates
 * less) of `runs` calls, after one warm-up call.
 */
async function medianMs(runs: number, fn: () => unknown): Promise<{ wall: number; cpu: number }> {
  await fn();
  const wall: number[] = [];
  const cpu: number[] = [];
  for (let i = 0; i < runs; i++) {
    const c0 = process.cpuUsage();
    const t0 = performance.now();
    await fn();
    wall.push(performance.now() - t0);
    const c = process.cpuUsage(c0);
    cpu.push((c.user + c.system) / 1000);
  }
  const median = (a: number[]) => a.sort((x, y) => x - y)[Math.floor(runs / 2)]!;
  return { wall: median(wall), cpu: median(cpu) };
}

export default defineBenchSuite({
  name: 'datasets: annotation readers',
  cases: [
    {
      kind: 'measure',
      name: 'UCF101-24 pyannot.pkl → ActionDataset (loadDataset, incl. testlist01.txt)',
      run: async () => {
        const path = tubekitDataPath('ucf101-24/pyannot.pkl');
        const bytes = readFileSync(path);
        const unpickle_ = await medianMs(5, () => unpickle(bytes, path));
        const load = await medianMs(5, () => loadDataset(path));
        return {
          wallMs: load.wall,
          cpuMs: load.cpu,
          unpickleWallMs: unpickle_.wall,
          unpickleCpuMs: unpickle_.cpu,
          fileMiB: bytes.length / 2 ** 20,
        };
      },
      targets: { wallMs: { atMost: 1000 }, cpuMs: { atMost: 1000 } },
    },
    {
      kind: 'measure',
      name: 'UCF101-24 finalAnnots.mat → ActionDataset',
      run: async () => {
        const path = tubekitDataPath('ucf101-24/finalAnnots.mat');
        const bytes = readFileSync(path);
        const parse = await medianMs(5, () => parseMat(bytes, path));
        const load = await medianMs(5, () => loadDataset(path));
        return {
          wallMs: load.wall,
          cpuMs: load.cpu,
          parseWallMs: parse.wall,
          parseCpuMs: parse.cpu,
        };
      },
      targets: { wallMs: { atMost: 1000 }, cpuMs: { atMost: 1000 } },
    },
    {
      kind: 'measure',
      name: 'UCF101-24 neighbours: J-HMDB groundtruths_jhmdb.zip (9127 entries) and jhmdb_annot.mat → ActionDataset',
      run: async () => {
        const zip = await medianMs(5, () =>
          loadDataset(tubekitDataPath('jhmdb-21/groundtruths_jhmdb.zip')),
        );
        const mat = await medianMs(3, () =>
          loadDataset(tubekitDataPath('jhmdb-21/jhmdb_annot.mat')),
        );
        return { zipWallMs: zip.wall, zipCpuMs: zip.cpu, matWallMs: mat.wall, matCpuMs: mat.cpu };
      },
    },
    {
      kind: 'measure',
      name: 'frame-detection CSV: write (fast-csv) and read (numeric fast path) 200k rows',
      run: async () => {
        const n = 200_000;
        const dets: FrameDetections = {
          videos: ['Basketball/v_Basketball_g01_c01', 'Biking/v_Biking_g01_c01'],
          videoIndex: Int32Array.from({ length: n }, (_, i) => i & 1),
          frame: Int32Array.from({ length: n }, (_, i) => 1 + (i % 300)),
          label: Int32Array.from({ length: n }, (_, i) => i % 24),
          score: Float64Array.from({ length: n }, (_, i) => ((i * 7919) % 1000) / 1000),
          boxes: Float64Array.from(
            { length: 4 * n },
            (_, i) => (i % 4 < 2 ? 10 : 60) + (i % 97) / 4,
          ),
          length: n,
        };
        const dir = mkdtempSync(join(tmpdir(), 'tubekit-bench-'));
        try {
          const path = join(dir, 'dets.csv');
          const write = await medianMs(3, () => writeFrameDetectionsCsv(path, dets));
          const read = await medianMs(3, () => readFrameDetectionsCsv(path));
          return {
            writeRowsPerSecond: n / (write.wall / 1000),
            readRowsPerSecond: n / (read.wall / 1000),
            readCpuMs: read.cpu,
          };
        } finally {
          rmSync(dir, { recursive: true, force: true });
        }
      },
    },
  ],
});
