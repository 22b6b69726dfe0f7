/** A stream of PCSC: appearance (RGB) or motion (optical flow). */
export type Stream = 'rgb' | 'flow';

/** One refinement stage of {@link cooperationSchedule}. */
export interface CooperationStage {
  /** Stage index t ≥ 1. */
  stage: number;
  /** The stream `i` whose head runs at this stage (RGB at odd t, Flow at even t). */
  target: Stream;
  /** The other stream `j`, which sends its detections and RoI features. */
  source: Stream;
  /** The stage whose `target`-stream detections are the own proposals: `max(t − 2, 0)`. */
  ownStage: number;
  /** The stage whose `source`-stream detections are the assistant proposals: `t − 1`. */
  sourceStage: number;
}

/**
 * The alternation of PCSC's refinement stages (Su et al. CVPR 2019, §3.2, Fig. 1; spec S6): at
 * stage t the target stream is RGB for odd t and Flow for even t, and its proposals are
 * `P^(i)_t = B^(i)_{t−2} ∪ B^(j)_{t−1}`, with `B^(i)_{−1}` read as `B^(i)_0` (Fig. 1(a):
 * `P^RGB_1 = B^RGB_0 ∪ B^Flow_0`, `P^Flow_2 = B^Flow_0 ∪ B^RGB_1`, `P^RGB_3 = B^RGB_1 ∪ B^Flow_2`,
 * `P^Flow_4 = B^Flow_2 ∪ B^RGB_3`). Stage 0 (both streams' RPN proposals and heads) is not listed.
 *
 * @param stages - refinement stages n ≥ 0 (the paper shows 4).
 * @example
 * ```ts
 * cooperationSchedule(2);
 * // [{ stage: 1, target: 'rgb', source: 'flow', ownStage: 0, sourceStage: 0 },
 * //  { stage: 2, target: 'flow', source: 'rgb', ownStage: 0, sourceStage: 1 }]
 * ```
 */
export function cooperationSchedule(stages: number): CooperationStage[] {
  if (!(Number.isInteger(stages) && stages >= 0))
    throw new RangeError(`cooperationSchedule: stages = ${stages}; expected an integer ≥ 0`);
  const out: CooperationStage[] = [];
  for (let t = 1; t <= stages; t++) {
    const target: Stream = t % 2 === 1 ? 'rgb' : 'flow';
    out.push({
      stage: t,
      target,
      source: target === 'rgb' ? 'flow' : 'rgb',
      ownStage: Math.max(t - 2, 0),
      sourceStage: t - 1,
    });
  }
  return out;
}
