import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { yowoProtocol } from '../src/protocol';
import { videoMeanAP } from '../src/video-map';

/**
 * `fixtures/yowo-reference`: GT of 8 seeded synthetic videos (one tube each, some covering only
 * part of the video), the 30 tubes YOWO's `link_video_one_class` returns on seeded detections
 * (see `packages/linking/test/yowo-reference.test.ts`), and the per-class AP that YOWO's
 * `video_ap_one_class(…, bTemporal=True)` (`core/eval_results.py` at commit 9d202c1, with
 * `core/utils.py` `iou3dt`, `voc_ap`) gives on them at the six IoUs of `video_mAP.py`, computed
 * once with a line-by-line Python port (the tests never run Python).
 */
const dir = join(__dirname, 'fixtures/yowo-reference');
const read = <T>(name: string): T => JSON.parse(readFileSync(join(dir, name), 'utf8')) as T;

describe('yowo video-mAP against YOWO video_ap_one_class', () => {
  it('gives the reference AP of every class at 0.05, 0.1, 0.2, 0.3, 0.5 and 0.75, bit for bit', () => {
    const gt = read<{
      labels: string[];
      videos: {
        name: string;
        nframes: number;
        tubes: { label: number; start: number; boxes: number[] }[];
      }[];
    }>('gt.json');
    const tubes =
      read<{ video: string; label: number; start: number; score: number; boxes: number[] }[]>(
        'tubes.json',
      );
    const expected = read<{ iou: number[]; ap: Record<string, number[]> }>('expected.json');
    const r = videoMeanAP(
      {
        labels: gt.labels,
        videos: gt.videos.map((v) => ({
          ...v,
          tubes: v.tubes.map((t) => ({ ...t, boxes: Float64Array.from(t.boxes) })),
        })),
      },
      tubes.map((t) => ({ ...t, boxes: Float64Array.from(t.boxes) })),
      { protocol: yowoProtocol, iou: expected.iou },
    );
    const ap: Record<string, number[]> = {};
    for (const label of gt.labels)
      ap[label] = r.results.map((x) => x.classes.find((c) => c.label === label)!.ap!);
    expect(ap).toEqual(expected.ap);
  });
});
