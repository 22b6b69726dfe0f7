import { float32Mean } from '../src/float32-mean';
import { linkViterbi, YOWO_LINKING } from '../src/viterbi-linking';
import { frameDets } from './fixtures';

/**
 * YOWO's linking, detail by detail. Reference: YOWO (wei-tim/YOWO, commit 9d202c1)
 * `core/eval_results.py` `link_bbxes_between_frames` and `link_video_one_class(…, bNMS3d=True)`,
 * `core/utils.py` `bbox_iou`, `iou3dt`, `nms_3d`. Each expected value is worked out by hand from
 * that code in the comment above it (`f(x)` is float32 rounding, YOWO's arrays are `np.float32`).
 */
type Row = [string, number, number, number, number, number, number, number];
const link = (rows: Row[], nframes: number) =>
  linkViterbi(frameDets(rows), YOWO_LINKING, { nframes: new Map([['v', nframes]]) });
const boxes = (t: { boxes: Float64Array }) => {
  const out: number[][] = [];
  for (let i = 0; i < t.boxes.length; i += 4) out.push(Array.from(t.boxes.subarray(i, i + 4)));
  return out;
};
const f = Math.fround;

describe('YOWO linking (yowo preset) against core/eval_results.py', () => {
  it('links every frame 1…nframes, filling empty frames from the nearest one (earlier on ties)', () => {
    // Video of 5 frames; class detections only on frame 2 (A, 0.9) and frame 4 (B, 0.6).
    // `link_video_one_class` gets one entry per frame of the video; frames 1, 3, 5 are empty and
    // take `bbox_list[ind_notempty[argmin(|ind_notempty − i|)]]`: frame 1 ← 2 (distance 1 vs 3),
    // frame 3 ← 2 (distances 1 and 1: argmin returns the first, the earlier frame), frame 5 ← 4.
    // One box per frame → one path A A A B B, then every frame is empty. `this[:, 0] = 1 +
    // arange(nframes)`: frames 1…5. Score `np.mean` of f(0.9)×3, f(0.6)×2 in float32 =
    // 0.7799999117851257 (float32 pairwise sum 3.8999996 / 5).
    // Before: the tube spanned the detections only (frames 2…4: A A B).
    const A = [0, 0, 10, 10];
    const B = [2, 0, 12, 10];
    const tubes = link(
      [
        ['v', 2, 0, 0.9, ...A],
        ['v', 4, 0, 0.6, ...B],
      ] as Row[],
      5,
    );
    expect(tubes).toHaveLength(1);
    expect(tubes[0]!.start).toBe(1);
    expect(boxes(tubes[0]!)).toEqual([A, A, A, B, B]);
    expect(Array.from(tubes[0]!.scores!)).toEqual([f(0.9), f(0.9), f(0.9), f(0.6), f(0.6)]);
    expect(tubes[0]!.score).toBe(0.7799999117851257);
  });

  it('stops after 3 paths, or as soon as a frame is left without boxes', () => {
    // Four disjoint boxes k = 0…3 (x from 100k, score 0.9 − 0.1k) on each of 3 frames: the
    // paths take the boxes in score order; `if len(res) == 3: break` → 3 tubes.
    // With only 2 boxes on frame 1: after the second path `isempty_vertex[0]` is set → 2 tubes.
    const rows = (perFrame: number[]): Row[] =>
      perFrame.flatMap((n, t) =>
        Array.from(
          { length: n },
          (_, k): Row => ['v', t + 1, 0, 0.9 - 0.1 * k, 100 * k, 0, 100 * k + 50, 50],
        ),
      );
    const three = link(rows([4, 4, 4]), 3);
    expect(three.map((t) => boxes(t)[0]![0])).toEqual([0, 100, 200]);
    expect(link(rows([2, 4, 4]), 3)).toHaveLength(2);
  });

  it('decodes from the first frame: equal paths go to the lower box index there', () => {
    // All scores 0.5. X = [0,0,10,10], Y = [20,0,30,10], Z = [5,0,25,10]; bbox_iou(X,Z) =
    // bbox_iou(Y,Z) = 5·10 / 250 = 0.2, X–Y 0, X–X = Y–Y 1. Frame 1: X, Y; frame 2: Y, X; frame 3: Z.
    // Edges (iou + s_i + s_j + 0.5 s_i s_j): same box 2.125, X–Y 1.125, to Z f(1.325).
    // Backward DP: scores[1] = [f(1.325), f(1.325)]; scores[0][X] = max(1.125, 2.125) + 1.325 =
    // 3.45 via X; scores[0][Y] = 3.45 via Y. `idx[0] = argmax(scores[0])` = X → path X X Z; then
    // frame 3 is empty → 1 tube.
    // Before (forward DP, decoded from the last frame): Z's first best predecessor is Y → Y Y Z.
    const X = [0, 0, 10, 10];
    const Y = [20, 0, 30, 10];
    const Z = [5, 0, 25, 10];
    const tubes = link(
      [
        ['v', 1, 0, 0.5, ...X],
        ['v', 1, 0, 0.5, ...Y],
        ['v', 2, 0, 0.5, ...Y],
        ['v', 2, 0, 0.5, ...X],
        ['v', 3, 0, 0.5, ...Z],
      ] as Row[],
      3,
    );
    expect(tubes.map(boxes)).toEqual([[X, X, Z]]);
  });

  it('nms_3d at 0.3 visits equal tube scores from the later path (ascending argsort, I[-1])', () => {
    // Frames 1–2 each hold A = [0,0,10,10] and B = [1,0,11,10], both 0.5 (no per-frame NMS in
    // YOWO's linker). Path 1: A A (argmax tie at frame 1 → A), path 2: B B; both score 0.5.
    // nms_3d: I = argsort([0.5, 0.5]) = [0, 1]; i = I[-1] = path 2 is kept; iou3dt(A A, B B) =
    // 1 · mean(+1 IoU) = 10·11 / (121 + 121 − 110) = 0.8333 > 0.3 → path 1 removed.
    // Before: per-frame NMS 0.3 removed B first and the tube was A A.
    const A = [0, 0, 10, 10];
    const B = [1, 0, 11, 10];
    const rows: Row[] = [1, 2].flatMap((t): Row[] => [
      ['v', t, 0, 0.5, ...A] as Row,
      ['v', t, 0, 0.5, ...B] as Row,
    ]);
    expect(link(rows, 2).map(boxes)).toEqual([[B, B]]);
  });

  it('nms_3d compares tubes with +1 pixel areas (overlap2d, area2d)', () => {
    // A = [0,0,2,2] (0.6) and C = [1.5,0,3.5,2] (0.5) on frames 1–2: paths A A and C C.
    // Continuous IoU 1/7 ≤ 0.3 would keep both; +1: overlap 1.5·3 = 4.5, areas 9 → 4.5/13.5 = 1/3
    // > 0.3 → C C is removed (`I[ious <= overlap]`).
    const A = [0, 0, 2, 2];
    const C = [1.5, 0, 3.5, 2];
    const rows: Row[] = [1, 2].flatMap((t): Row[] => [
      ['v', t, 0, 0.6, ...A] as Row,
      ['v', t, 0, 0.5, ...C] as Row,
    ]);
    expect(link(rows, 2).map(boxes)).toEqual([[A, A]]);
  });

  it('a one-frame video: the first box of the frame first, and iou3dt = 0 (tmax ≤ tmin) keeps both', () => {
    // nframes 1, rows A 0.5 then A 0.6 (identical boxes). No edges, `scores[0]` all zero →
    // argmax → the first row (0.5) is path 1, 0.6 path 2, then the frame is empty.
    // nms_3d: the 0.6 tube first; iou3dt returns 0.0 because tmax = tmin = 1, so 0 ≤ 0.3 keeps the
    // 0.5 tube too. Before: per-frame NMS merged the two boxes → one tube.
    const A = [0, 0, 2, 2];
    const tubes = link(
      [
        ['v', 1, 0, 0.5, ...A],
        ['v', 1, 0, 0.6, ...A],
      ] as Row[],
      1,
    );
    expect(tubes.map((t) => t.score)).toEqual([f(0.6), f(0.5)]);
    expect(tubes.map((t) => t.id)).toEqual([1, 2]);
  });

  it('needs each video frame count, and refuses frames beyond it', () => {
    const rows: Row[] = [['v', 9, 0, 0.5, 0, 0, 2, 2]];
    expect(() => linkViterbi(frameDets(rows), YOWO_LINKING)).toThrow(
      /video "v": this linker links every frame of the video and needs its frame count/,
    );
    expect(() => link(rows, 8)).toThrow(
      /row 0 \(video "v"\) has frame 9, beyond the video's 8 frames/,
    );
  });
});

describe('float32Mean (np.mean of a float32 array)', () => {
  it('matches NumPy 2.4 bit for bit across the pairwise-sum block sizes', () => {
    // values[i] = f(((i·7919) mod 1000) / 997); expected: np.mean(np.array(values, np.float32)).
    const expected: Array<[number, number]> = [
      [3, 0.5874289870262146],
      [7, 0.6159908175468445],
      [8, 0.5932798385620117],
      [9, 0.5665886402130127],
      [17, 0.5300607681274414],
      [128, 0.498620867729187],
      [129, 0.4996695816516876],
      [300, 0.5020059943199158],
      [1000, 0.5010029673576355],
    ];
    for (const [n, mean] of expected) {
      const values = Float64Array.from({ length: n }, (_, i) => f(((i * 7919) % 1000) / 997));
      expect([n, float32Mean(values, 0, n)]).toEqual([n, mean]);
    }
  });
});
