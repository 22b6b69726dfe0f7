import { boxIoU } from '@tubekit/geometry';
import fc from 'fast-check';
import { frameMeanAP } from './frame-map';
import type { GroundTruthInput } from './ground-truth';
import { actProtocol, singhProtocol, vocProtocol, yowoProtocol } from './protocol';
import { frameDetections, tube } from './test-helpers';
import { VideoMeanAPEvaluator, videoMeanAP } from './video-map';

/**
 * Literal ports of the reference loops (ACT `frameAP`, MultiSports `frameAP`): one global
 * descending-score pass over all detections of a class with a per-(video, frame) GT pool —
 * written the slow, obvious way to check the streaming per-video implementation against.
 */
function referenceFrameAP(
  gt: GroundTruthInput,
  dets: Array<[string, number, number, number, number, number, number, number]>,
  style: 'act' | 'voc',
  threshold = 0.5,
): number {
  const aps: number[] = [];
  gt.labels.forEach((_, c) => {
    const pool = new Map<string, { box: number[]; taken: boolean }[]>();
    let npos = 0;
    for (const v of gt.videos)
      for (const t of v.tubes) {
        if (t.label !== c) continue;
        for (let i = 0; i < t.boxes.length / 4; i++) {
          const key = `${v.name}|${t.start + i}`;
          if (!pool.has(key)) pool.set(key, []);
          pool
            .get(key)!
            .push({ box: Array.from(t.boxes.subarray(4 * i, 4 * i + 4)), taken: false });
          npos++;
        }
      }
    const mine = dets.filter((d) => d[2] === c).sort((a, b) => b[3] - a[3]);
    let tp = 0;
    let fp = 0;
    const pr: Array<[number, number]> = [];
    for (const d of mine) {
      const gts = pool.get(`${d[0]}|${d[1]}`) ?? [];
      const candidates = style === 'act' ? gts.filter((g) => !g.taken) : gts;
      let best = -1;
      let bestIoU = -1;
      candidates.forEach((g, j) => {
        const v = boxIoU(g.box, d.slice(4) as number[], { pixelInclusive: style === 'act' });
        if (v > bestIoU) {
          bestIoU = v;
          best = j;
        }
      });
      if (best >= 0 && bestIoU >= threshold && !candidates[best]!.taken) {
        candidates[best]!.taken = true;
        tp++;
      } else fp++;
      pr.push([tp / (tp + fp), npos > 0 ? tp / npos : 0]);
    }
    if (style === 'act') {
      let ap = 0;
      let prev: [number, number] = [1, 0];
      for (const [p, r] of pr) {
        const pf = Math.fround(p);
        const rf = Math.fround(r);
        ap += (rf - prev[1]) * (pf + prev[0]) * 0.5;
        prev = [pf, rf];
      }
      aps.push(npos > 0 ? ap : 0);
    } else if (npos > 0) {
      const rec = [0, ...pr.map((x) => x[1]), 1];
      const prec = [0, ...pr.map((x) => x[0]), 0];
      for (let i = prec.length - 2; i >= 0; i--) prec[i] = Math.max(prec[i]!, prec[i + 1]!);
      let ap = 0;
      for (let i = 1; i < rec.length; i++)
        if (rec[i] !== rec[i - 1]) ap += (rec[i]! - rec[i - 1]!) * prec[i]!;
      aps.push(ap);
    }
  });
  return aps.reduce((s, a) => s + a, 0) / aps.length;
}

const boxArb = fc
  .tuple(
    fc.integer({ min: 0, max: 20 }),
    fc.integer({ min: 0, max: 20 }),
    fc.integer({ min: 4, max: 16 }),
    fc.integer({ min: 4, max: 16 }),
  )
  .map(([x, y, w, h]) => [x, y, x + w, y + h]);

const scene = fc.record({
  gtBoxes: fc.array(
    fc.tuple(
      fc.integer({ min: 0, max: 2 }),
      fc.integer({ min: 1, max: 3 }),
      fc.integer({ min: 0, max: 1 }),
      boxArb,
    ),
    {
      minLength: 1,
      maxLength: 12,
    },
  ),
  dets: fc.array(
    fc.tuple(
      fc.integer({ min: 0, max: 2 }),
      fc.integer({ min: 1, max: 3 }),
      fc.integer({ min: 0, max: 1 }),
      boxArb,
    ),
    {
      maxLength: 30,
    },
  ),
});

describe('parity with the reference loops on random scenes', () => {
  it('frame-mAP under act and voc equals a literal port of ACT / MultiSports frameAP', () => {
    fc.assert(
      fc.property(scene, ({ gtBoxes, dets }) => {
        const videos = ['v0', 'v1', 'v2'];
        const gt: GroundTruthInput = {
          labels: ['a', 'b'],
          videos: videos.map((name, vi) => ({
            name,
            nframes: 3,
            tubes: gtBoxes
              .filter((g) => g[0] === vi)
              .map(([, frame, label, box]) => ({
                label,
                start: frame,
                boxes: Float64Array.from(box),
              })),
          })),
        };
        // distinct scores: ties are left to sort internals by every reference
        const rows = dets.map(
          ([vi, frame, label, box], i) =>
            [videos[vi]!, frame, label, 1 - i / 64, ...box] as [
              string,
              number,
              number,
              number,
              number,
              number,
              number,
              number,
            ],
        );
        const d = frameDetections(rows);
        expect(frameMeanAP(gt, d, { protocol: actProtocol }).results[0]!.mAP).toBeCloseTo(
          referenceFrameAP(gt, rows, 'act'),
          12,
        );
        const voc = frameMeanAP(gt, d, { protocol: vocProtocol }).results[0]!.mAP;
        const ref = referenceFrameAP(gt, rows, 'voc');
        if (Number.isNaN(ref)) expect(voc).toBeNaN();
        else expect(voc).toBeCloseTo(ref, 12);
      }),
      { numRuns: 200 },
    );
  });

  it('frame-mAP equals the reference loops on crowded frames with tied scores', () => {
    // 30–160 detections on one frame, each near one of the GT boxes: (frame, label) groups
    // beyond the insertion-sort size, many matches and duplicates, scores on a grid of 4 (the
    // references' stable sorts keep tied rows in file order, and so must the matching)
    type Row = [string, number, number, number, number, number, number, number];
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.integer({ min: 0, max: 1 }), boxArb), { minLength: 1, maxLength: 6 }),
        fc.array(
          fc.tuple(
            fc.nat(),
            fc.integer({ min: 0, max: 3 }),
            fc.array(fc.integer({ min: -2, max: 2 }), { minLength: 4, maxLength: 4 }),
          ),
          { minLength: 30, maxLength: 160, size: 'max' },
        ),
        (gtBoxes, dets) => {
          const gt: GroundTruthInput = {
            labels: ['a', 'b'],
            videos: [
              {
                name: 'v',
                nframes: 1,
                tubes: gtBoxes.map(([label, box]) => ({
                  label,
                  start: 1,
                  boxes: Float64Array.from(box),
                })),
              },
            ],
          };
          const rows = dets.map(([near, level, jitter]): Row => {
            const [label, box] = gtBoxes[near % gtBoxes.length]!;
            const [x1, y1, x2, y2] = box.map((v, k) => v + jitter[k]!) as number[];
            return ['v', 1, label, level / 4, x1!, y1!, Math.max(x1!, x2!), Math.max(y1!, y2!)];
          });
          const d = frameDetections(rows);
          // several thresholds in one pass: a group's winner may differ from one to the next
          const thresholds = [0.3, 0.5, 0.7];
          for (const [protocol, style] of [
            [actProtocol, 'act'],
            [vocProtocol, 'voc'],
          ] as const) {
            const results = frameMeanAP(gt, d, { protocol, iou: thresholds }).results;
            thresholds.forEach((threshold, k) => {
              const ours = results[k]!.mAP;
              const ref = referenceFrameAP(gt, rows, style, threshold);
              if (Number.isNaN(ref)) expect(ours).toBeNaN();
              else expect(ours).toBeCloseTo(ref, 12);
            });
          }
        },
      ),
      { numRuns: 150 },
    );
  });

  it('video-mAP streamed video by video equals one call, for every profile', () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.tuple(
            fc.integer({ min: 0, max: 1 }),
            fc.integer({ min: 0, max: 1 }),
            fc.integer({ min: 1, max: 6 }),
            fc.integer({ min: 0, max: 4 }),
            boxArb,
          ),
          {
            maxLength: 12,
          },
        ),
        (specs) => {
          const gt: GroundTruthInput = {
            labels: ['a', 'b'],
            videos: ['v0', 'v1'].map((name) => ({
              name,
              nframes: 12,
              tubes: [
                {
                  label: 0,
                  start: 2,
                  boxes: Float64Array.from(Array(6).fill([2, 2, 14, 14]).flat()),
                },
              ],
            })),
          };
          const tubes = specs.map(([v, label, start, len, box], i) =>
            tube(`v${v}`, label, 1 - i / 32, start, start + len, box),
          );
          for (const protocol of [actProtocol, vocProtocol, singhProtocol, yowoProtocol]) {
            const whole = videoMeanAP(gt, tubes, { protocol, iou: [0.2, 0.5] });
            const streaming = new VideoMeanAPEvaluator(gt, { protocol, iou: [0.2, 0.5] });
            for (const video of ['v1', 'v0'])
              streaming.addVideo(
                video,
                tubes.filter((t) => t.video === video),
              );
            expect(streaming.result().results).toEqual(whole.results);
          }
        },
      ),
      { numRuns: 100 },
    );
  });
});
