import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createSynthTubes, writeProposalsJson } from '@tubekit/datasets';

/**
 * A viewer fixture on SynthTubes smoke (seed 0), video 0: on frame `frame` (the 3rd frame of its
 * first GT tube) three detections of the tube's class — an exact copy of the GT box (TP, 0.9),
 * the box moved 1 px right (IoU 0.69 with it: a duplicate at δ = 0.5, 0.8) and a box in the opposite corner (FP,
 * 0.7) — written as a frame-detection CSV, and a proposals file whose clip covers that frame with
 * stages `initial` (the GT box grown by 8 px) and `step 1` (the GT box).
 */
export async function viewFixture(): Promise<{
  dir: string;
  det: string;
  proposals: string;
  video: string;
  frame: number;
  label: number;
  box: number[];
  width: number;
  nframes: number;
}> {
  const synth = createSynthTubes({ preset: 'smoke', seed: 0 });
  const video = synth.dataset.videos[0]!;
  const tube = video.tubes[0]!;
  const frame = tube.start + 2;
  const box = Array.from(tube.boxes.subarray(8, 12));
  const [x1, y1, x2, y2] = box as [number, number, number, number];
  const far =
    x1 > video.width / 2
      ? [0, 0, 6, 6]
      : [video.width - 6, video.height - 6, video.width, video.height];
  const dir = await mkdtemp(join(tmpdir(), 'tubekit-view-'));
  const det = join(dir, 'dets.csv');
  const row = (score: number, b: number[]) =>
    [video.name, frame, tube.label, score, ...b.map((v) => v.toFixed(3))].join(',');
  await writeFile(
    det,
    [
      'video,frame,label,score,x1,y1,x2,y2',
      row(0.9, box),
      row(0.8, [x1 + 1, y1, x2 + 1, y2]),
      row(0.7, far),
    ].join('\n'),
  );
  const proposals = join(dir, 'proposals.json');
  const grow = (d: number) => Float64Array.from([x1 - d, y1 - d, x2 + d, y2 + d]);
  await writeProposalsJson(proposals, {
    method: 'step',
    labels: [...synth.dataset.labels],
    clips: [
      {
        video: video.name,
        start: frame,
        length: 1,
        stages: [
          { name: 'initial', proposals: [{ start: frame, boxes: grow(8) }] },
          {
            name: 'step 1',
            proposals: [{ start: frame, boxes: grow(0), label: tube.label, score: 0.9 }],
          },
        ],
      },
    ],
  });
  return {
    dir,
    det,
    proposals,
    video: video.name,
    frame,
    label: tube.label,
    box,
    width: video.width,
    nframes: video.nframes,
  };
}
