import type { VideoAnnotation } from '@tubekit/datasets';
import type { ClipTubelet } from '@tubekit/heads/progressive';
import {
  fitTrimmingCalibration,
  frameAPsOf,
  frameMapOf,
  linkTubes,
  trimmingOutcomes,
  type VideoTubelets,
  videoMapOf,
} from './evaluate';

const K = 4;
const box = [20, 20, 60, 90];
const elsewhere = [70, 10, 100, 50];

/** An 80-frame video whose actor performs class 0 on frames 21–60. */
function video(name: string): VideoAnnotation {
  const boxes = new Float64Array(40 * 4);
  for (let t = 0; t < 40; t++) boxes.set(box, 4 * t);
  return { name, nframes: 80, width: 112, height: 112, tubes: [{ label: 0, start: 21, boxes }] };
}

/**
 * Tubelets every K frames on the actor: class 0 scores `action` while the actor acts and `idle`
 * before and after; class 1 scores 0.1 throughout, on the actor too.
 */
function tubelets(v: VideoAnnotation, action: number, idle: number): VideoTubelets {
  const list: ClipTubelet[] = [];
  for (let start = 1; start + K - 1 <= v.nframes; start += K) {
    const boxes = new Float64Array(K * 4);
    for (let k = 0; k < K; k++) boxes.set(box, 4 * k);
    const acting = start >= 21 && start + K - 1 <= 60;
    list.push({ start, label: 0, score: acting ? action : idle, boxes });
    list.push({ start, label: 1, score: 0.1, boxes });
  }
  return new Map([[v.name, list]]);
}

describe('frameAPsOf', () => {
  it("gives each class's frame-AP@0.5, whose mean over the labels is frameMapOf's frame-mAP", () => {
    // class 0 scores highest on its 40 acting frames (AP 1: the idle frames' boxes rank below);
    // class 1 has no GT, so its boxes are all false positives (AP 0)
    const v = video('v');
    const t = tubelets(v, 0.9, 0.2);
    const dataset = { labels: ['a', 'b'] };
    const aps = frameAPsOf(dataset, [v], t, K).byClass;
    expect(Object.keys(aps)).toEqual(['a', 'b']);
    expect(aps.a).toBeCloseTo(100, 6);
    expect(aps.b).toBe(0);
    expect(frameMapOf(dataset, [v], t, K)).toBeCloseTo((aps.a! + aps.b!) / 2, 6);
  });
});

describe('trimmingOutcomes', () => {
  it('marks the frames where the tube follows an acting actor, whatever its class', () => {
    const v = video('a/1');
    const boxes = new Float64Array(10 * 4);
    for (let k = 0; k < 10; k++) boxes.set(k < 5 ? box : elsewhere, 4 * k);
    const scores = Float64Array.from({ length: 10 }, (_, k) => k / 10);
    const tube = { video: v.name, label: 0, score: 0.9, start: 18, boxes, scores };
    const { scores: s, outcomes } = trimmingOutcomes([v], [tube]);
    // frames 18–20 precede the action, 21–22 are on the actor, 23–27 are elsewhere
    expect(outcomes).toEqual([0, 0, 0, 1, 1, 0, 0, 0, 0, 0]);
    expect(s).toEqual(Array.from(scores));
    // the trimmer decides action or background, not the class
    expect(trimmingOutcomes([v], [{ ...tube, label: 1 }]).outcomes).toEqual(outcomes);
    // a looser IoU threshold counts a tube beside the actor
    const beside = { ...tube, boxes: boxes.map((x, i) => (i % 2 === 0 ? x + 25 : x)) };
    expect(trimmingOutcomes([v], [beside]).outcomes.slice(3, 5)).toEqual([1, 1]);
    expect(trimmingOutcomes([v], [beside], 0.5).outcomes.slice(3, 5)).toEqual([0, 0]);
  });
});

describe("Table 2's calibrated trimming", () => {
  it('recovers the action that raw scores below ½ lose to the trimmer', () => {
    const train = ['t/1', 't/2', 't/3'].map(video);
    const fitOn: VideoTubelets = new Map(
      train.flatMap((v) => [...tubelets(v, 0.3, 0.04)].map(([n, l]) => [n, l] as const)),
    );
    const fit = fitTrimmingCalibration(train, fitOn, K);
    expect(fit).not.toBeNull();
    expect(fit!.actionFrames).toBeGreaterThan(0);
    expect(fit!.scaling.a).toBeGreaterThan(0);

    const test = video('a/1');
    const seen = tubelets(test, 0.25, 0.03);
    const dataset = { labels: ['jump', 'wave'] };
    const raw = videoMapOf(dataset, [test], linkTubes([test], seen, K).tubes);
    const calibrated = linkTubes([test], seen, K, true, fit!.scaling);
    expect(raw['0.5']).toBe(0);
    // AP 100 for jump; wave has no GT tube and counts as 0 in the mean
    expect(videoMapOf(dataset, [test], calibrated.tubes)['0.5']).toBe(50);
    expect(calibrated.pipeline.name).toBe(
      'step: act tubelet linking + calibrated two-state trimming',
    );
    // one tube is left: the class-0 tube cut to the action; class 1 (0.1 throughout) is gone
    expect(calibrated.tubes.map((t) => [t.label, t.start, t.boxes.length / 4])).toEqual([
      [0, 21, 40],
    ]);
  });

  it('has nothing to fit when no tube was linked', () => {
    const train = [video('t/1')];
    expect(fitTrimmingCalibration(train, new Map(), K)).toBeNull();
  });
});
