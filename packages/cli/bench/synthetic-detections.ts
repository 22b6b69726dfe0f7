import { closeSync, openSync, writeSync } from 'node:fs';
import type { ActionDataset } from '@tubekit/datasets';

/**
 * Writes `rows` synthetic frame detections for the test split of `gt` to `path` (canonical CSV,
 * videos in split order, frames ascending): about half of them jittered GT boxes with the GT
 * label, the rest random boxes and labels, scores uniform. Deterministic (fixed LCG seed).
 */
export function writeSyntheticFrameDetections(gt: ActionDataset, rows: number, path: string): void {
  const split = new Set(gt.splits.test ?? gt.videos.map((v) => v.name));
  const videos = gt.videos.filter((v) => split.has(v.name));
  const frames = videos.reduce((n, v) => n + v.nframes, 0);
  let state = 12345;
  const random = () => {
    state = (state * 1103515245 + 12345) % 2147483648;
    return state / 2147483648;
  };
  const L = gt.labels.length;
  // numbers with at most 2 decimals (boxes) or 6 (scores), as detectors write them
  const cents = (x: number) => Math.round(x * 100);
  const fd = openSync(path, 'w');
  let text = 'video,frame,label,score,x1,y1,x2,y2\n';
  let written = 0;
  let owed = 0;
  try {
    for (const video of videos) {
      for (let f = 1; f <= video.nframes; f++) {
        owed += rows / frames;
        const here = Math.min(Math.floor(owed), rows - written);
        owed -= here;
        const tube = video.tubes.find((t) => f >= t.start && f < t.start + t.boxes.length / 4);
        for (let r = 0; r < here; r++) {
          let label: number;
          let x1: number;
          let y1: number;
          let w: number;
          let h: number;
          if (tube && random() < 0.5) {
            const o = 4 * (f - tube.start);
            label = tube.label;
            x1 = tube.boxes[o]! + 10 * (random() - 0.5);
            y1 = tube.boxes[o + 1]! + 10 * (random() - 0.5);
            w = Math.max(1, tube.boxes[o + 2]! - tube.boxes[o]! + 10 * (random() - 0.5));
            h = Math.max(1, tube.boxes[o + 3]! - tube.boxes[o + 1]! + 10 * (random() - 0.5));
          } else {
            label = Math.floor(random() * L);
            x1 = random() * 300;
            y1 = random() * 220;
            w = 10 + random() * 100;
            h = 10 + random() * 100;
          }
          text += `${video.name},${f},${label},${Math.round(random() * 1e6) / 1e6},${cents(x1) / 100},${cents(y1) / 100},${cents(x1 + w) / 100},${cents(y1 + h) / 100}\n`;
          written++;
        }
        if (text.length > 1 << 20) {
          writeSync(fd, text);
          text = '';
        }
      }
    }
    writeSync(fd, text);
  } finally {
    closeSync(fd);
  }
}
