import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { FrameDetections } from '@tubekit/geometry';
import { linkViterbi, YOWO_LINKING } from '../src/viterbi-linking';

/**
 * `fixtures/yowo-reference`: 8 seeded synthetic videos (3–24 frames, 0–3 boxes per frame, frames
 * left empty, 3 classes with a score per box and class, as YOWO's detector writes them) and the
 * tubes that YOWO's own linking returns for every (video, class): `link_video_one_class(vid_det,
 * bNMS3d=True)` of `core/eval_results.py` at commit 9d202c1, run in Python once to make the
 * fixture (a line-by-line port with NumPy 2.4; the tests never run Python). 30 tubes.
 */
interface Detections {
  labels: string[];
  videos: { name: string; nframes: number; frames: [number[], number[]][][] }[];
}
interface ReferenceTube {
  video: string;
  label: number;
  start: number;
  score: number;
  boxes: number[];
  scores: number[];
}
const dir = join(__dirname, 'fixtures/yowo-reference');
const read = <T>(name: string): T => JSON.parse(readFileSync(join(dir, name), 'utf8')) as T;

describe('YOWO_LINKING against YOWO link_video_one_class', () => {
  it('returns the reference tubes bit for bit (order, frames, boxes, scores)', () => {
    const d = read<Detections>('detections.json');
    const rows: number[][] = [];
    d.videos.forEach((v, vi) => {
      v.frames.forEach((boxes, f) => {
        for (let c = 0; c < d.labels.length; c++)
          for (const [box, scores] of boxes) rows.push([vi, f + 1, c, scores[c]!, ...box]);
      });
    });
    const dets: FrameDetections = {
      videos: d.videos.map((v) => v.name),
      videoIndex: Int32Array.from(rows, (r) => r[0]!),
      frame: Int32Array.from(rows, (r) => r[1]!),
      label: Int32Array.from(rows, (r) => r[2]!),
      score: Float64Array.from(rows, (r) => r[3]!),
      boxes: Float64Array.from(rows.flatMap((r) => r.slice(4))),
      length: rows.length,
    };
    const nframes = new Map(d.videos.map((v) => [v.name, v.nframes]));
    const tubes = linkViterbi(dets, YOWO_LINKING, { nframes });
    expect(
      tubes.map((t) => ({
        video: t.video,
        label: t.label,
        start: t.start,
        score: t.score,
        boxes: Array.from(t.boxes),
        scores: Array.from(t.scores!),
      })),
    ).toEqual(read<ReferenceTube[]>('tubes.json'));
  });
});
