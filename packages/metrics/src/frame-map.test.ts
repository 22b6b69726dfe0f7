import { FrameMeanAPEvaluator, frameMeanAP } from './frame-map';
import { mergeFrameShards } from './frame-shards';
import { MetricsInputError } from './input-issues';
import { actProtocol, singhProtocol, vocProtocol, yowoProtocol } from './protocol';
import { frameDetections, groundTruth } from './test-helpers';

const mAP = (r: ReturnType<typeof frameMeanAP>, i = 0) => r.results[i]!.mAP;

describe('frameMeanAP: protocol table rows', () => {
  it('box area: inclusive pixels (act) vs continuous (voc) decide a match at 0.5', () => {
    const gt = groundTruth(['a'], [{ name: 'v', tubes: [[0, 1, [[0, 0, 9, 9]]]] }]);
    const dets = frameDetections([['v', 1, 0, 0.9, 0, 0, 9, 4]]); // inclusive 50/100, continuous 36/81
    expect(mAP(frameMeanAP(gt, dets, { protocol: actProtocol }))).toBeCloseTo(1, 7);
    expect(mAP(frameMeanAP(gt, dets, { protocol: vocProtocol }))).toBe(0);
  });

  it('IoU exactly at the threshold matches (≥)', () => {
    const gt = groundTruth(['a'], [{ name: 'v', tubes: [[0, 1, [[0, 0, 10, 10]]]] }]);
    const dets = frameDetections([['v', 1, 0, 0.9, 0, 0, 10, 5]]); // continuous IoU 0.5
    expect(mAP(frameMeanAP(gt, dets, { protocol: vocProtocol, iou: [0.5] }))).toBe(1);
    expect(mAP(frameMeanAP(gt, dets, { protocol: vocProtocol, iou: [0.500001] }))).toBe(0);
  });

  it('duplicates: a second detection takes the remaining GT under act, is a FP under voc', () => {
    const gt = groundTruth(
      ['a'],
      [
        {
          name: 'v',
          tubes: [
            [0, 1, [[0, 0, 10, 10]]],
            [0, 1, [[2, 0, 12, 10]]],
          ],
        },
      ],
    );
    const dets = frameDetections([
      ['v', 1, 0, 0.9, 0, 0, 10, 10],
      ['v', 1, 0, 0.8, 0.5, 0, 10.5, 10], // best with the first GT (taken), 0.74 with the second
    ]);
    expect(mAP(frameMeanAP(gt, dets, { protocol: vocProtocol }))).toBeCloseTo(0.5, 12);
    expect(mAP(frameMeanAP(gt, dets, { protocol: actProtocol }))).toBeCloseTo(1, 7);
    expect(mAP(frameMeanAP(gt, dets, { protocol: singhProtocol, iou: [0.3] }))).toBeCloseTo(1, 12);
  });

  it('AP rule: ACT trapezoid over raw points vs VOC all-point envelope', () => {
    const gt = groundTruth(
      ['a'],
      [
        {
          name: 'v',
          tubes: [
            [0, 1, [[0, 0, 10, 10]]],
            [0, 2, [[0, 0, 10, 10]]],
          ],
        },
      ],
    );
    const dets = frameDetections([
      ['v', 3, 0, 0.9, 0, 0, 10, 10], // FP: no GT on frame 3
      ['v', 1, 0, 0.8, 0, 0, 10, 10],
      ['v', 2, 0, 0.7, 0, 0, 10, 10],
    ]);
    // VOC: precisions 0, 1/2, 2/3 at recalls 0, 1/2, 1 → envelope 2/3 over both steps
    expect(mAP(frameMeanAP(gt, dets, { protocol: vocProtocol }))).toBeCloseTo(2 / 3, 12);
    // ACT: (0,1) → (0,0) → (1/2,1/2) → (1,2/3): 0 + 1/2·(1/2)/2 + 1/2·(1/2+2/3)/2 = 5/12 (float32 PR)
    expect(mAP(frameMeanAP(gt, dets, { protocol: actProtocol }))).toBeCloseTo(5 / 12, 7);
  });

  it('mean rule: a label without GT counts 0 under act and singh, is left out under voc/yowo', () => {
    const gt = groundTruth(['a', 'b'], [{ name: 'v', tubes: [[0, 1, [[0, 0, 10, 10]]]] }]);
    const dets = frameDetections([
      ['v', 1, 0, 0.9, 0, 0, 10, 10],
      ['v', 1, 1, 0.9, 0, 0, 10, 10],
    ]);
    const act = frameMeanAP(gt, dets, { protocol: actProtocol });
    expect(mAP(act)).toBeCloseTo(0.5, 7);
    expect(act.results[0]!.classes[1]).toMatchObject({ label: 'b', ap: 0, gt: 0, det: 1 });
    expect(mAP(frameMeanAP(gt, dets, { protocol: singhProtocol }))).toBeCloseTo(0.5, 12);
    const voc = frameMeanAP(gt, dets, { protocol: vocProtocol });
    expect(mAP(voc)).toBe(1);
    expect(voc.results[0]!.classes[1]!.ap).toBeNull();
    expect(mAP(frameMeanAP(gt, dets, { protocol: yowoProtocol }))).toBe(1);
  });

  it('says which classes each mean averages and why (act counts labels without GT as 0)', () => {
    const gt = groundTruth(['a', 'b', 'c'], [{ name: 'v', tubes: [[0, 1, [[0, 0, 10, 10]]]] }]);
    const dets = frameDetections([
      ['v', 1, 0, 0.9, 0, 0, 10, 10],
      ['v', 1, 1, 0.9, 0, 0, 10, 10],
    ]);
    // a: GT and a TP; b: a detection but no GT; c: neither
    expect(frameMeanAP(gt, dets, { protocol: actProtocol }).mean).toEqual({
      rule: 'all-labels',
      classesInMean: 3,
      classesWithoutGroundTruth: 2,
      classesWithoutGroundTruthOrDetections: 1,
      classesLeftOut: 0,
    });
    expect(frameMeanAP(gt, dets, { protocol: vocProtocol }).mean).toEqual({
      rule: 'labels-with-gt',
      classesInMean: 1,
      classesWithoutGroundTruth: 0,
      classesWithoutGroundTruthOrDetections: 0,
      classesLeftOut: 2,
    });
  });

  it('frames evaluated: yowo ignores detections on frames without any GT box', () => {
    const gt = groundTruth(['a'], [{ name: 'v', tubes: [[0, 1, [[0, 0, 10, 10]]]] }]);
    const dets = frameDetections([
      ['v', 5, 0, 0.9, 0, 0, 10, 10],
      ['v', 1, 0, 0.8, 0, 0, 10, 10],
    ]);
    expect(mAP(frameMeanAP(gt, dets, { protocol: actProtocol }))).toBeCloseTo(0.25, 7);
    expect(mAP(frameMeanAP(gt, dets, { protocol: vocProtocol }))).toBeCloseTo(0.5, 12);
    const yowo = frameMeanAP(gt, dets, { protocol: yowoProtocol });
    expect(mAP(yowo)).toBe(1);
    expect(yowo.results[0]!.classes[0]!.det).toBe(1);
  });

  it('yowo (Padilla): a sub-pixel gap gives IoU 0 although the +1 formula would overlap', () => {
    const gt = groundTruth(['a'], [{ name: 'v', tubes: [[0, 1, [[0, 0, 10, 10]]]] }]);
    const dets = frameDetections([['v', 1, 0, 0.9, 10.5, 0, 20, 10]]);
    expect(mAP(frameMeanAP(gt, dets, { protocol: actProtocol, iou: [0.02] }))).toBeCloseTo(1, 7);
    expect(mAP(frameMeanAP(gt, dets, { protocol: yowoProtocol, iou: [0.02] }))).toBe(0);
    const touching = frameDetections([['v', 1, 0, 0.9, 10, 0, 20, 10]]);
    expect(mAP(frameMeanAP(gt, touching, { protocol: yowoProtocol, iou: [0.02] }))).toBe(1);
  });

  it('singh shifts detections by +1 pixel (1-based MATLAB boxes)', () => {
    const gt = groundTruth(['a'], [{ name: 'v', tubes: [[0, 1, [[1, 1, 11, 11]]]] }]);
    const dets = frameDetections([['v', 1, 0, 0.9, 0, 0, 10, 10]]);
    expect(mAP(frameMeanAP(gt, dets, { protocol: singhProtocol, iou: [0.9] }))).toBe(1);
    expect(mAP(frameMeanAP(gt, dets, { protocol: vocProtocol, iou: [0.9] }))).toBe(0);
  });

  it('empty detections give AP 0; detections on a video without GT are false positives', () => {
    const gt = groundTruth(
      ['a'],
      [{ name: 'v', tubes: [[0, 1, [[0, 0, 10, 10]]]] }, { name: 'empty' }],
    );
    const none = frameMeanAP(gt, frameDetections([]), { protocol: vocProtocol });
    expect(none.results[0]!.classes[0]).toMatchObject({ ap: 0, gt: 1, det: 0 });
    const dets = frameDetections([
      ['empty', 1, 0, 0.9, 0, 0, 10, 10],
      ['v', 1, 0, 0.8, 0, 0, 10, 10],
    ]);
    expect(mAP(frameMeanAP(gt, dets, { protocol: vocProtocol }))).toBeCloseTo(0.5, 12);
  });

  it('several thresholds and a range in one pass', () => {
    const gt = groundTruth(['a'], [{ name: 'v', tubes: [[0, 1, [[0, 0, 10, 10]]]] }]);
    const dets = frameDetections([['v', 1, 0, 0.9, 0, 0, 10, 7]]); // IoU 0.7
    const r = frameMeanAP(gt, dets, { protocol: vocProtocol, iou: [0.5, 0.75, '0.5:0.95'] });
    expect(r.results.map((x) => x.iou)).toEqual([0.5, 0.75, '0.5:0.95']);
    expect(r.results.map((x) => x.mAP)).toEqual([1, 0, 0.5]); // 0.50…0.70 match: 5 of 10
  });
});

describe('frameMeanAP: bad input and streaming', () => {
  const gt = groundTruth(
    ['a'],
    [{ name: 'v', nframes: 10, tubes: [[0, 1, [[0, 0, 10, 10]]]] }, { name: 'w' }],
  );

  it.each([
    ['unknown-video', ['x', 1, 0, 0.9, 0, 0, 10, 10]],
    ['unknown-label', ['v', 1, 3, 0.9, 0, 0, 10, 10]],
    ['bad-score', ['v', 1, 0, Number.NaN, 0, 0, 10, 10]],
    ['bad-score', ['v', 1, 0, -0.5, 0, 0, 10, 10]],
    ['bad-frame', ['v', 11, 0, 0.9, 0, 0, 10, 10]],
    ['bad-box', ['v', 1, 0, 0.9, 10, 0, 0, 10]],
  ] as const)('%s is an error naming the row, or a counted skip when lenient', (kind, row) => {
    const dets = frameDetections([['v', 1, 0, 0.8, 0, 0, 10, 10], [...row]]);
    let error: unknown;
    try {
      frameMeanAP(gt, dets, { protocol: vocProtocol });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(MetricsInputError);
    expect((error as MetricsInputError).kind).toBe(kind);
    expect((error as MetricsInputError).row).toBe(1);
    const r = frameMeanAP(gt, dets, { protocol: vocProtocol, lenient: true });
    expect(r.warnings.skipped[kind]).toBe(1);
    expect(r.results[0]!.mAP).toBe(1);
  });

  it('streams video by video with the same result, and refuses a video twice', () => {
    const dets = frameDetections([
      ['w', 1, 0, 0.95, 0, 0, 10, 10],
      ['v', 1, 0, 0.9, 0, 0, 10, 10],
      ['v', 2, 0, 0.3, 0, 0, 10, 10],
    ]);
    const whole = frameMeanAP(gt, dets, { protocol: actProtocol });
    const ev = new FrameMeanAPEvaluator(gt, { protocol: actProtocol });
    ev.addVideo('v', {
      frame: new Int32Array([2, 1]),
      label: new Int32Array([0, 0]),
      score: new Float64Array([0.3, 0.9]),
      boxes: new Float64Array([0, 0, 10, 10, 0, 0, 10, 10]),
      length: 2,
    });
    ev.addVideo('w', {
      frame: new Int32Array([1]),
      label: new Int32Array([0]),
      score: new Float64Array([0.95]),
      boxes: new Float64Array([0, 0, 10, 10]),
      length: 1,
    });
    expect(ev.result().results).toEqual(whole.results);
    expect(() => ev.addVideo('v', frameDetections([]))).toThrow(/already added/);
  });

  it('evaluates a subset of videos and counts detections outside it', () => {
    const dets = frameDetections([
      ['w', 1, 0, 0.95, 0, 0, 10, 10],
      ['v', 1, 0, 0.9, 0, 0, 10, 10],
    ]);
    const r = frameMeanAP(gt, dets, { protocol: vocProtocol, videos: ['v'] });
    expect(r.results[0]!.mAP).toBe(1);
    expect(r.warnings.outsideEvaluatedVideos).toBe(1);
    expect(() => frameMeanAP(gt, dets, { protocol: vocProtocol, videos: ['nope'] })).toThrow(
      /not in the ground truth/,
    );
  });

  it('returns PR curves on request', () => {
    const dets = frameDetections([
      ['v', 1, 0, 0.9, 0, 0, 10, 10],
      ['v', 2, 0, 0.3, 0, 0, 10, 10],
    ]);
    const c = frameMeanAP(gt, dets, { protocol: vocProtocol, curves: true }).results[0]!.classes[0]!
      .curve!;
    expect(Array.from(c.precision)).toEqual([1, 0.5]);
    expect(Array.from(c.recall)).toEqual([1, 1]);
    expect(Array.from(c.score)).toEqual([0.9, 0.3]);
  });
});

describe('FrameMeanAPEvaluator: true-positive ranks in the score log', () => {
  it('gives the AP of the whole ranked lists (curves), ties and float32 scores included', () => {
    // 3 labels, 2 videos, GT on some frames; detections with many tied scores
    let state = 7;
    const random = () => {
      state = (state * 1103515245 + 12345) % 2147483648;
      return state / 2147483648;
    };
    const gtVideos = ['v', 'w'].map((name) => ({
      name,
      tubes: [0, 1, 2].map((label): [number, number, number[][]] => [
        label,
        1 + label * 3,
        Array.from({ length: 12 }, (_, t) => [10 * label, t, 10 * label + 20, t + 20]),
      ]),
    }));
    const gt = groundTruth(['a', 'b', 'c'], gtVideos);
    const rows: Array<[string, number, number, number, number, number, number, number]> = [];
    for (let i = 0; i < 3000; i++) {
      const label = Math.floor(random() * 3);
      const frame = 1 + Math.floor(random() * 20);
      const x = 10 * label + Math.floor(random() * 8);
      // scores on a coarse grid (ties), some raised by less than float32 can tell (ties under singh)
      const score = Math.floor(random() * 40) / 40 + (random() < 0.3 ? 1e-9 : 0);
      rows.push([i < 1500 ? 'v' : 'w', frame, label, score, x, frame, x + 20, frame + 20]);
    }
    const dets = frameDetections(rows);
    for (const protocol of [vocProtocol, actProtocol, singhProtocol, yowoProtocol]) {
      const options = { protocol, iou: [0.3, '0.5:0.95'] as (number | string)[] };
      const whole = frameMeanAP(gt, dets, { ...options, curves: true });
      const ranks = frameMeanAP(gt, dets, options);
      const strip = (r: typeof whole) =>
        r.results.map((t) => ({ ...t, classes: t.classes.map(({ curve, ...c }) => c) }));
      expect(strip(ranks)).toEqual(strip(whole));
      expect(whole.results[0]!.mAP).toBeGreaterThan(0);
      expect(whole.results[0]!.mAP).toBeLessThan(1);
    }
  });
});

describe('FrameMeanAPEvaluator: shards', () => {
  it('shards of whole videos, merged in file order, give the result of one evaluator bit for bit', () => {
    let state = 11;
    const random = () => {
      state = (state * 1103515245 + 12345) % 2147483648;
      return state / 2147483648;
    };
    const names = ['v0', 'v1', 'v2', 'v3', 'v4', 'v5'];
    const gt = groundTruth(
      ['a', 'b', 'c'],
      names.map((name) => ({
        name,
        tubes: [0, 1, 2].map((label): [number, number, number[][]] => [
          label,
          1 + label * 2,
          Array.from({ length: 10 }, (_, t) => [10 * label, t, 10 * label + 20, t + 20]),
        ]),
      })),
    );
    type Row = [string, number, number, number, number, number, number, number];
    const rows: Row[] = [];
    for (const name of names)
      for (let i = 0; i < 400; i++) {
        const label = Math.floor(random() * 3);
        const frame = 1 + Math.floor(random() * 14);
        const x = 10 * label + Math.floor(random() * 8);
        // scores on a coarse grid: ties within and across shards; some rows bad (lenient)
        const score = random() < 0.01 ? -1 : Math.floor(random() * 20) / 20;
        rows.push([name, frame, label, score, x, frame, x + 20, frame + 20]);
      }
    for (const protocol of [vocProtocol, actProtocol, singhProtocol, yowoProtocol]) {
      const options = { protocol, iou: [0.3, '0.5:0.95'] as (number | string)[], lenient: true };
      const one = frameMeanAP(gt, frameDetections(rows), options);
      for (const cuts of [[2], [1, 4], [1, 2, 3, 4, 5]]) {
        const bounds = [0, ...cuts, names.length];
        const evaluators = bounds.slice(1).map((end, s) => {
          const ev = new FrameMeanAPEvaluator(gt, options);
          const mine = new Set(names.slice(bounds[s]!, end));
          ev.add(frameDetections(rows.filter((r) => mine.has(r[0]))));
          return ev;
        });
        const merged = mergeFrameShards(evaluators.map((ev) => ev.shard()));
        const counts = evaluators.map((ev, s) => ev.countBefore(merged, s));
        expect(evaluators[0]!.resultOfShards(merged, counts)).toEqual(one);
      }
    }
  });

  it('refuses a video in two shards', () => {
    const gt = groundTruth(['a'], [{ name: 'v', tubes: [[0, 1, [[0, 0, 10, 10]]]] }]);
    const shard = () => {
      const ev = new FrameMeanAPEvaluator(gt, { protocol: vocProtocol });
      ev.add(frameDetections([['v', 1, 0, 0.5, 0, 0, 10, 10]]));
      return ev.shard();
    };
    expect(() => mergeFrameShards([shard(), shard()])).toThrow('video "v" is in two shards');
  });
});
