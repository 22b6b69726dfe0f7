import { existsSync, readFileSync } from 'node:fs';
import { isAbsolute, join, resolve } from 'node:path';
import type { FrameDetections, TubeletDetections } from '@tubekit/geometry';
import { createRandom, emptyFrameDetections, emptyTubeletDetections } from '@tubekit/geometry';

/**
 * Test helper: the shared data folder (`$TUBEKIT_DATA`, else `../shared/data` beside the repo),
 * mirroring `tubekitDataDir` of @tubekit/datasets, which this package must not depend on.
 */
export function dataPath(relative: string): string {
  const env = process.env.TUBEKIT_DATA;
  const dir = env
    ? isAbsolute(env)
      ? env
      : resolve(env)
    : resolve(__dirname, '../../../../shared/data');
  const path = join(dir, relative);
  if (!existsSync(path))
    throw new Error(
      `test data ${relative} not found in ${dir}: set TUBEKIT_DATA to the shared data folder`,
    );
  return path;
}

/** Test helper: a minimal reader of the canonical frame-detection CSV (no quoting). */
export function readFrameCsv(path: string): FrameDetections {
  const lines = readFileSync(path, 'utf8').trim().split('\n');
  const header = lines[0]!.split(',');
  if (header.join(',') !== 'video,frame,label,score,x1,y1,x2,y2')
    throw new Error(`${path}: unexpected header ${lines[0]}`);
  const n = lines.length - 1;
  const videos: string[] = [];
  const dets = emptyFrameDetections(videos, n);
  for (let i = 0; i < n; i++) {
    const f = lines[i + 1]!.split(',');
    let v = videos.indexOf(f[0]!);
    if (v < 0) v = videos.push(f[0]!) - 1;
    dets.videoIndex[i] = v;
    dets.frame[i] = Number(f[1]);
    dets.label[i] = Number(f[2]);
    dets.score[i] = Number(f[3]);
    for (let q = 0; q < 4; q++) dets.boxes[4 * i + q] = Number(f[4 + q]);
  }
  return dets;
}

/** Builds frame detections from `[video, frame, label, score, x1, y1, x2, y2]` rows. */
export function frameDets(
  rows: Array<[string, number, number, number, number, number, number, number]>,
): FrameDetections {
  const videos: string[] = [];
  const n = rows.length;
  const dets = emptyFrameDetections(videos, n);
  rows.forEach(([video, frame, label, score, x1, y1, x2, y2], i) => {
    let v = videos.indexOf(video);
    if (v < 0) v = videos.push(video) - 1;
    dets.videoIndex[i] = v;
    dets.frame[i] = frame;
    dets.label[i] = label;
    dets.score[i] = score;
    dets.boxes.set([x1, y1, x2, y2], 4 * i);
  });
  return dets;
}

/** A seeded uniform [0, 1) source (geometry's mulberry32), so fixtures are the same on every run. */
export function mulberry32(seed: number): () => number {
  return createRandom(seed).next;
}

/**
 * Synthetic K-frame tubelets of one video for parity tests against the Python references: three
 * actors (two of class 0, one of class 1) moving with jitter, three noisy tubelets per actor and
 * start frame, actors absent for stretches (so tubes close and restart), plus clutter. Rows are
 * sorted by start frame. Coordinates are rounded to 1e-3 so a CSV dump is exact.
 */
export function syntheticTubelets(K: number, frames: number, seed: number): TubeletDetections {
  const rand = mulberry32(seed);
  const r3 = (x: number) => Math.round(x * 1000) / 1000;
  const rows: number[][] = [];
  const actors = [
    { label: 0, x: 50, vx: 2.5, absent: [30, 38] },
    { label: 0, x: 300, vx: -1.5, absent: [55, 58] },
    { label: 1, x: 150, vx: 1, absent: [10, 13] },
  ];
  for (let s = 1; s <= frames - K + 1; s++) {
    for (const a of actors) {
      if (s >= a.absent[0]! && s <= a.absent[1]!) continue;
      for (let copy = 0; copy < 3; copy++) {
        const score = r3(0.3 + 0.7 * rand());
        const row = [s, a.label, score];
        const jx = 8 * (rand() - 0.5);
        const jy = 8 * (rand() - 0.5);
        for (let k = 0; k < K; k++) {
          const x = a.x + a.vx * (s + k) + jx + 2 * rand();
          const y = 40 + jy + 2 * rand();
          row.push(r3(x), r3(y), r3(x + 60 + 4 * rand()), r3(y + 120 + 4 * rand()));
        }
        rows.push(row);
      }
    }
    if (rand() < 0.5) {
      const x = 600 * rand();
      const row = [s, rand() < 0.5 ? 0 : 1, r3(0.05 + 0.3 * rand())];
      for (let k = 0; k < K; k++) row.push(r3(x), 10, r3(x + 40), 90);
      rows.push(row);
    }
  }
  return tubelets(K, rows, 'synthetic');
}

/**
 * Synthetic frame detections of one video for parity tests: four actors over two classes with
 * noisy duplicate boxes, absences of 2 frames (bridged) and 6 frames (paths die), clutter and
 * empty frames. Rows sorted by frame; values rounded to 1e-3 so a CSV dump is exact.
 */
export function syntheticFrames(frames: number, seed: number): FrameDetections {
  const rand = mulberry32(seed);
  const r3 = (x: number) => Math.round(x * 1000) / 1000;
  const rows: Array<[string, number, number, number, number, number, number, number]> = [];
  const actors = [
    { label: 0, x: 20, vx: 3, absent: [40, 45] },
    { label: 0, x: 200, vx: -1, absent: [20, 21] },
    { label: 1, x: 120, vx: 0.5, absent: [60, 61] },
    { label: 1, x: 400, vx: -2, absent: [70, 90] },
  ];
  for (let f = 1; f <= frames; f++) {
    if (f % 23 === 0) continue;
    for (const a of actors) {
      if (f >= a.absent[0]! && f <= a.absent[1]!) continue;
      const copies = 1 + Math.floor(3 * rand());
      for (let c = 0; c < copies; c++) {
        const x = a.x + a.vx * f + 10 * (rand() - 0.5);
        const y = 30 + 10 * (rand() - 0.5);
        rows.push([
          'v',
          f,
          a.label,
          r3(0.2 + 0.8 * rand()),
          r3(x),
          r3(y),
          r3(x + 50 + 5 * rand()),
          r3(y + 100),
        ]);
      }
    }
    if (rand() < 0.4) {
      const x = 500 * rand();
      rows.push([
        'v',
        f,
        rand() < 0.5 ? 0 : 1,
        r3(0.002 * rand() + 0.3 * rand()),
        r3(x),
        5,
        r3(x + 30),
        60,
      ]);
    }
  }
  return frameDets(rows);
}

/** K-frame tubelets of one video from `[start, label, score, ...K boxes]` rows. */
export function tubelets(K: number, rows: number[][], video = 'v'): TubeletDetections {
  const n = rows.length;
  const d = emptyTubeletDetections([video], K, n);
  rows.forEach(([start, label, score, ...boxes], i) => {
    d.start[i] = start!;
    d.label[i] = label!;
    d.score[i] = score!;
    d.boxes.set(boxes, 4 * K * i);
  });
  return d;
}
