import { cooperateProposals } from './cooperate-proposals';
import { cooperationSchedule } from './cooperation-schedule';
import { keyCentredFrames } from './key-centred-frames';
import { proposalsOf } from './scored-boxes';
import { unionFrameOutput } from './union-frame-output';

describe('cooperationSchedule (PCSC Fig. 1(a))', () => {
  it('alternates RGB and Flow with P_t = B_{t−2}^own ∪ B_{t−1}^other', () => {
    const s = cooperationSchedule(4).map((x) => [
      x.stage,
      x.target,
      x.ownStage,
      x.source,
      x.sourceStage,
    ]);
    expect(s).toEqual([
      [1, 'rgb', 0, 'flow', 0], // P^RGB_1 = B^RGB_0 ∪ B^Flow_0
      [2, 'flow', 0, 'rgb', 1], // P^Flow_2 = B^Flow_0 ∪ B^RGB_1
      [3, 'rgb', 1, 'flow', 2], // P^RGB_3 = B^RGB_1 ∪ B^Flow_2
      [4, 'flow', 2, 'rgb', 3], // P^Flow_4 = B^Flow_2 ∪ B^RGB_3
    ]);
    expect(cooperationSchedule(0)).toEqual([]);
    expect(() => cooperationSchedule(-1)).toThrow(/stages = -1/);
    expect(() => cooperationSchedule(1.5)).toThrow(/integer/);
  });
});

describe('keyCentredFrames (PCSC §3.5)', () => {
  it('centres the key frame and repeats the edge frames', () => {
    expect(Array.from(keyCentredFrames(1, 10, 5))).toEqual([1, 1, 1, 2, 3]);
    expect(Array.from(keyCentredFrames(5, 10, 5))).toEqual([3, 4, 5, 6, 7]);
    expect(Array.from(keyCentredFrames(10, 10, 6))).toEqual([8, 9, 10, 10, 10, 10]);
    expect(Array.from(keyCentredFrames(2, 3, 1))).toEqual([2]);
    expect(() => keyCentredFrames(11, 10, 5)).toThrow(/outside \[1, 10\]/);
    expect(() => keyCentredFrames(1, 10, 0)).toThrow(/k = 0/);
  });
});

const box = (x: number, y: number, w: number, h: number) => [x, y, x + w, y + h];

describe('cooperateProposals (PCSC §3.2)', () => {
  it('joins own boxes (NMS 0.7) and the other stream’s (lower NMS 0.5), above the floor', () => {
    // own: A and A' overlap by IoU 0.6 (both survive 0.7); a 0.01 box is below the floor
    const own = {
      boxes: Float64Array.from([...box(0, 0, 10, 10), ...box(0, 0, 10, 6), ...box(50, 50, 5, 5)]),
      scores: Float64Array.from([0.9, 0.8, 0.01]),
    };
    // other: B and B' overlap by 0.6 → B' suppressed at 0.5; C kept
    const other = {
      boxes: Float64Array.from([...box(20, 0, 10, 10), ...box(20, 0, 10, 6), ...box(40, 0, 8, 8)]),
      scores: Float64Array.from([0.7, 0.6, 0.3]),
    };
    const p = cooperateProposals(own, other);
    expect(Array.from(p.scores)).toEqual([0.9, 0.8, 0.7, 0.3]);
    expect(Array.from(p.fromSource)).toEqual([0, 0, 1, 1]);
    expect(Array.from(p.boxes.subarray(8, 12))).toEqual(box(20, 0, 10, 10));
    const capped = cooperateProposals(own, other, { topK: 1, minScore: 0.5 });
    expect(Array.from(capped.scores)).toEqual([0.9, 0.7]);
    expect(() => cooperateProposals(own, other, { sourceNms: 2 })).toThrow(/sourceNms = 2/);
  });

  it('turns head detections into proposals by their most probable foreground class', () => {
    // 2 RoIs × 2 classes; RoI 0 prefers class 2, RoI 1 class 1
    const det = {
      numClasses: 2,
      probs: Float64Array.from([0.2, 0.3, 0.5, 0.1, 0.6, 0.3]),
      boxes: Float64Array.from([
        ...box(0, 0, 1, 1),
        ...box(0, 0, 2, 2),
        ...box(5, 5, 3, 3),
        ...box(5, 5, 4, 4),
      ]),
    };
    const p = proposalsOf(det);
    expect(Array.from(p.scores)).toEqual([0.5, 0.6]);
    expect(Array.from(p.boxes)).toEqual([...box(0, 0, 2, 2), ...box(5, 5, 3, 3)]);
  });
});

describe('unionFrameOutput (PCSC §4.3)', () => {
  it('pools every stage’s class-specific boxes and applies per-class NMS', () => {
    const a = {
      numClasses: 2,
      probs: Float64Array.from([0.1, 0.6, 0.3]),
      boxes: Float64Array.from([...box(0, 0, 10, 10), ...box(0, 0, 10, 10)]),
    };
    const b = {
      numClasses: 2,
      probs: Float64Array.from([0.1, 0.8, 0.005]),
      boxes: Float64Array.from([...box(1, 0, 10, 10), ...box(30, 30, 5, 5)]),
    };
    const out = unionFrameOutput([a, b]);
    // class 1: b's 0.8 suppresses a's 0.6 (IoU 0.82); class 2: a's 0.3 kept, b's 0.005 under the floor
    expect(Array.from(out.labels)).toEqual([1, 2]);
    expect(Array.from(out.scores)).toEqual([0.8, 0.3]);
    expect(Array.from(out.boxes)).toEqual([...box(1, 0, 10, 10), ...box(0, 0, 10, 10)]);
    expect(unionFrameOutput([a]).scores.length).toBe(2);
    expect(() => unionFrameOutput([])).toThrow(/no head detections/);
  });

  it('box voting replaces each kept box by the score-weighted mean of its class’s overlapping boxes', () => {
    // class 1: 0.6 at x 0 and b's 0.2 at x 2 (IoU 0.67) vote; 0.2 at x 40 overlaps nothing.
    // Class 2: one box (the others under the 0.01 floor).
    const a = {
      numClasses: 2,
      probs: Float64Array.from([0.2, 0.6, 0.2, 0.795, 0.2, 0.005]),
      boxes: Float64Array.from([
        ...box(0, 0, 10, 10),
        ...box(50, 50, 10, 10),
        ...box(40, 0, 10, 10),
        ...box(40, 0, 10, 10),
      ]),
    };
    const b = {
      numClasses: 2,
      probs: Float64Array.from([0.8, 0.2, 0]),
      boxes: Float64Array.from([...box(2, 0, 10, 10), ...box(2, 0, 10, 10)]),
    };
    const plain = unionFrameOutput([a, b]);
    const voted = unionFrameOutput([a, b], { boxVoting: 0.5 });
    // the same boxes are kept, with the same scores and labels
    expect(Array.from(voted.labels)).toEqual(Array.from(plain.labels));
    expect(Array.from(voted.scores)).toEqual(Array.from(plain.scores));
    expect(Array.from(voted.labels)).toEqual([1, 1, 2]);
    expect(Array.from(plain.boxes.subarray(0, 4))).toEqual(box(0, 0, 10, 10));
    // (0.6·0 + 0.2·2) / 0.8 = 0.5 on x; the lone boxes stay as they are
    const expected = [...box(0.5, 0, 10, 10), ...box(40, 0, 10, 10), ...box(50, 50, 10, 10)];
    expect(voted.boxes.length).toBe(expected.length);
    expected.forEach((v, i) => {
      expect(voted.boxes[i]).toBeCloseTo(v, 12);
    });
    // at a threshold above their overlap the two class-1 boxes do not vote
    expect(Array.from(unionFrameOutput([a, b], { boxVoting: 0.9 }).boxes)).toEqual(
      Array.from(plain.boxes),
    );
    expect(() => unionFrameOutput([a], { boxVoting: 0 })).toThrow(
      /boxVoting = 0; expected an IoU in \(0, 1\]/,
    );
    expect(() => unionFrameOutput([a], { boxVoting: 1.5 })).toThrow(/boxVoting = 1.5/);
  });
});
