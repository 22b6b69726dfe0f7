import { join } from 'node:path';
import { readAvaCsv, readAvaLabelmap } from '@tubekit/datasets';
import { avaFrameMeanAP } from '../src/ava-map';
import { ava2018Protocol, ava2019Protocol, ava2020Protocol } from '../src/protocol';

/**
 * `test/fixtures/ava-top50`: one video, keyframes 0902 (59 detection rows) and 0903 (4 rows); GT
 * at both keyframes: action 1 on B1, 2 on B2, 3 on B3 (2 GT boxes per class); action 4 has no GT.
 * F is a box that overlaps no GT box.
 *
 * The official script (ActivityNet `get_ava_performance.py`, 2019 and 2020 alike) reads the
 * detections with `read_csv(detections, class_whitelist, 50)`: per keyframe, in file order, a
 * min-heap of `(score, action_id, y1, x1, y2, x2)` tuples; while it holds < 50 entries every row
 * is pushed, afterwards a row replaces the smallest tuple only if `score > heap[0].score`.
 *
 * Keyframe 0902, by hand:
 * - rows 1–47: action 3, F, 0.9; rows 48–50: action 1 B1, action 2 B2, action 3 B3, all 0.3.
 *   The heap is full; its minimum score is 0.3 (three tuples).
 * - row 51: action 4, 0.3 — ties the minimum, not `>`: dropped.
 * - row 52: action 2, F, 0.5 — replaces the smallest tuple; among the 0.3 tuples the smallest is
 *   the one with the lowest action id: the action-1 TP leaves.
 * - row 53: action 3, F, 0.5 — the action-2 TP leaves.
 * - row 54: action 4, 0.3 — ties the minimum (the action-3 TP): dropped.
 * - row 55: action 1, F, 0.31 — the action-3 TP leaves.
 * Kept: 47 × (3, F, 0.9), (2, F, 0.5), (3, F, 0.5), (1, F, 0.31).
 * Keyframe 0903: (1, B1, 0.8) TP, (2, B2, 0.2) TP, (3, B3, 0.7) TP, (3, F, 0.6) FP.
 *
 * VOC all-point AP with 2 GT per class:
 * - capped: class 1 ranks TP 0.8, FP 0.31 → 0.5·1 = 0.5; class 2 FP 0.5, TP 0.2 → 0.5·½ = 0.25;
 *   class 3 47 FPs at 0.9, TP 0.7 (rank 48), FPs 0.6, 0.5 → 0.5·1/48 = 1/96; mAP (0.75 + 1/96)/3.
 * - uncapped: class 1 TP, FP, TP 0.3 → 0.5·1 + 0.5·⅔ = ⅚; class 2 FP, TP 0.3, TP 0.2 → ⅔;
 *   class 3 TP at ranks 48 and 51 → envelope 2/51 on both recall steps → 2/51; mAP (1.5 + 2/51)/3.
 */
const dir = join(__dirname, 'fixtures/ava-top50');
async function input() {
  return {
    groundTruth: await readAvaCsv(join(dir, 'gt.csv'), { kind: 'ground-truth' }),
    detections: await readAvaCsv(join(dir, 'pred.csv'), { kind: 'detections' }),
    labelmap: await readAvaLabelmap(join(dir, 'labelmap.pbtxt')),
  };
}

describe('the top-50 detections per keyframe of the official AVA script', () => {
  it.each([ava2019Protocol, ava2020Protocol])(
    '$name keeps what the heap keeps',
    async (protocol) => {
      const [r] = avaFrameMeanAP(await input(), { protocol }).results;
      expect(r!.classes.map((c) => c.det)).toEqual([2, 2, 50, 0]);
      expect(r!.classes.map((c) => c.ap)).toEqual([0.5, 0.25, 1 / 96, null]);
      expect(r!.mAP).toBeCloseTo((0.75 + 1 / 96) / 3, 15);
    },
  );

  it('ava-2018 has no cap', async () => {
    const [r] = avaFrameMeanAP(await input(), { protocol: ava2018Protocol }).results;
    expect(r!.classes.map((c) => c.det)).toEqual([3, 3, 51, 2]);
    const aps = r!.classes.map((c) => c.ap);
    expect(aps[0]).toBeCloseTo(5 / 6, 15);
    expect(aps[1]).toBeCloseTo(2 / 3, 15);
    expect(aps[2]).toBeCloseTo(2 / 51, 15);
    expect(r!.mAP).toBeCloseTo((1.5 + 2 / 51) / 3, 15);
  });
});
