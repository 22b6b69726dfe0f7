import type { DetectedTube } from '@tubekit/geometry';
import { LinkingInputError } from './errors';
import { runLinkingPipeline } from './pipeline';
import {
  calibrateTubes,
  fitPlattScaling,
  type PlattScaling,
  plattProbability,
} from './score-calibration';
import { ACT_LINKING } from './tubelet-linking';
import { SAHA_TRIMMING, twoStateTrimming } from './two-state-trimming';

/** Deterministic uniform numbers in [0, 1) (a 32-bit LCG). */
function uniform(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return state / 2 ** 32;
  };
}

/** Platt's smoothed log-loss of a scaling, as the fit defines it. */
function smoothedLoss(s: PlattScaling, scores: number[], outcomes: number[]): number {
  const positives = outcomes.reduce((x, y) => x + y, 0);
  const hi = (positives + 1) / (positives + 2);
  const lo = 1 / (outcomes.length - positives + 2);
  let l = 0;
  scores.forEach((score, i) => {
    const p = plattProbability(s, score);
    const t = outcomes[i] === 1 ? hi : lo;
    l -= t * Math.log(p) + (1 - t) * Math.log(1 - p);
  });
  return l;
}

describe('fitPlattScaling', () => {
  it('recovers the scaling that generated the outcomes', () => {
    const next = uniform(7);
    const truth: PlattScaling = { a: 2, b: 3, floor: 1e-6 };
    const scores: number[] = [];
    const outcomes: number[] = [];
    for (let i = 0; i < 20000; i++) {
      const s = 0.001 + 0.999 * next();
      scores.push(s);
      outcomes.push(next() < plattProbability(truth, s) ? 1 : 0);
    }
    const fit = fitPlattScaling(scores, outcomes);
    expect(fit.a).toBeCloseTo(2, 0);
    expect(fit.b).toBeCloseTo(3, 0);
    expect(Math.abs(fit.a - 2)).toBeLessThan(0.15);
    expect(Math.abs(fit.b - 3)).toBeLessThan(0.3);
  });

  it('minimises the smoothed log-loss (no nearby scaling does better)', () => {
    const scores = [0.01, 0.02, 0.05, 0.1, 0.12, 0.2, 0.25, 0.3, 0.4, 0.6];
    const outcomes = [0, 0, 0, 1, 0, 0, 1, 1, 0, 1];
    const fit = fitPlattScaling(scores, outcomes);
    const best = smoothedLoss(fit, scores, outcomes);
    for (const [da, db] of [
      [0.01, 0],
      [-0.01, 0],
      [0, 0.01],
      [0, -0.01],
      [0.01, 0.01],
      [-0.01, -0.01],
    ])
      expect(
        smoothedLoss({ ...fit, a: fit.a + da, b: fit.b + db }, scores, outcomes),
      ).toBeGreaterThan(best);
    expect(fit.a).toBeGreaterThan(0);
  });

  it('lifts low but telling scores above ½: what a two-state trimmer needs', () => {
    // right detections score 0.2–0.3, wrong ones 0.01–0.1: every raw score is below ½
    const scores = [0.2, 0.25, 0.3, 0.22, 0.28, 0.01, 0.05, 0.1, 0.02, 0.08];
    const outcomes = [1, 1, 1, 1, 1, 0, 0, 0, 0, 0];
    const fit = fitPlattScaling(scores, outcomes);
    for (const s of [0.2, 0.3]) expect(plattProbability(fit, s)).toBeGreaterThan(0.5);
    for (const s of [0.01, 0.1]) expect(plattProbability(fit, s)).toBeLessThan(0.5);
  });

  it('stays finite without positives or with one repeated score', () => {
    const none = fitPlattScaling([0.1, 0.2, 0.3, 0.4], [0, 0, 0, 0]);
    expect(Number.isFinite(none.a) && Number.isFinite(none.b)).toBe(true);
    for (const s of [0, 0.1, 0.9, 1]) expect(plattProbability(none, s)).toBeLessThan(0.5);
    // one score: only the offset can move; it reaches the smoothed rate (2 + 1) / (4 + 2)
    const flat = fitPlattScaling([0.3, 0.3, 0.3, 0.3], [1, 1, 0, 0]);
    expect(flat.a).toBe(0);
    expect(plattProbability(flat, 0.3)).toBeCloseTo(0.5, 9);
  });

  it('names the source and index of bad input', () => {
    const source = { source: 'calibration videos' };
    expect(() => fitPlattScaling([0.1, 0.2], [1], source)).toThrow(
      'calibration videos: fitPlattScaling: 2 scores but 1 outcomes, expected one outcome per score',
    );
    expect(() => fitPlattScaling([0.1, Number.NaN], [1, 0], source)).toThrow(
      'calibration videos: fitPlattScaling: score 1 is NaN, expected a finite number ≥ 0',
    );
    expect(() => fitPlattScaling([0.1, -1], [1, 0])).toThrow(LinkingInputError);
    expect(() => fitPlattScaling([0.1, 0.2], [1, 2])).toThrow(
      'fitPlattScaling: outcome 1 is 2, expected 0 or 1',
    );
    expect(() => fitPlattScaling([], [])).toThrow('fitPlattScaling: no scores to fit');
    expect(() => fitPlattScaling([0.1], [1], { floor: 0 })).toThrow(RangeError);
  });
});

function tube(scores: number[]): DetectedTube {
  const T = scores.length;
  return {
    video: 'v',
    label: 1,
    score: Math.max(...scores),
    start: 1,
    boxes: new Float64Array(4 * T).map((_, i) => (i % 4 < 2 ? 10 : 40)),
    scores: Float64Array.from(scores),
  };
}

describe('calibrateTubes', () => {
  const scaling: PlattScaling = { a: 3, b: 5, floor: 1e-6 };

  it('maps every frame score and the tube score, keeping their order and the boxes', () => {
    const input = tube([0.05, 0.3, 0.2]);
    const [out] = calibrateTubes([input], scaling);
    expect(out!.boxes).toBe(input.boxes);
    expect(Array.from(out!.scores!)).toEqual(
      [0.05, 0.3, 0.2].map((s) => plattProbability(scaling, s)),
    );
    expect(out!.score).toBe(plattProbability(scaling, 0.3));
    expect(out!.scores![1]).toBeGreaterThan(out!.scores![2]!);
    expect(input.scores![0]).toBe(0.05);
  });

  it('refuses tubes without per-frame scores, naming the tube', () => {
    const { scores: _, ...bare } = tube([0.1]);
    expect(() => calibrateTubes([bare], scaling, { source: 'tubes.csv' })).toThrow(
      /tubes\.csv: calibrateTubes: tube 0 \(video "v"\)/,
    );
  });

  it('lets the two-state trimmer keep an action whose raw scores never reach ½', () => {
    // 20 idle frames at 0.02, then 40 action frames at 0.25
    const raw = tube([...new Array(20).fill(0.02), ...new Array(40).fill(0.25)]);
    const options = { ...SAHA_TRIMMING, longerThan: 6 };
    expect(twoStateTrimming([raw], options)).toEqual([]);
    const [kept, ...rest] = twoStateTrimming(calibrateTubes([raw], scaling), options);
    expect(rest).toEqual([]);
    expect(kept!.start).toBe(21);
    expect(kept!.boxes.length / 4).toBe(40);
  });
});

describe('a pipeline with a calibration', () => {
  const scaling: PlattScaling = { a: 3, b: 5, floor: 1e-6 };

  it('calibrates the linked tubes before trimming and records the scaling', () => {
    const K = 2;
    const clips = 30; // tubelets starting at 1, 3, …, 59: 60 frames
    const dets = {
      videos: ['v'],
      K,
      videoIndex: new Int32Array(clips),
      start: Int32Array.from({ length: clips }, (_, i) => 1 + K * i),
      label: new Int32Array(clips).fill(1),
      score: Float64Array.from({ length: clips }, (_, i) => (i < 10 ? 0.02 : 0.25)),
      boxes: new Float64Array(clips * K * 4).map((_, i) => (i % 4 < 2 ? 10 : 40)),
      length: clips,
    };
    const pipeline = {
      name: 'calibrated',
      frameNMS: null,
      linker: {
        method: 'tubelet' as const,
        options: { ...ACT_LINKING, closeAfter: K, minLength: K },
      },
      trimmer: { method: 'two-state' as const, options: { ...SAHA_TRIMMING, longerThan: K } },
    };
    expect(runLinkingPipeline(dets, pipeline).tubes).toEqual([]);
    const calibrated = runLinkingPipeline(dets, { ...pipeline, calibration: scaling });
    expect(calibrated.tubes).toHaveLength(1);
    expect(calibrated.tubes[0]!.start).toBe(21);
    expect(calibrated.metadata.pipeline.calibration).toEqual(scaling);
  });
});
