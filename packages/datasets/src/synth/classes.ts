/**
 * The SynthTubes action classes. Every class is a periodic *motion* of an articulated figure;
 * appearance (colours, size, position) is drawn independently of the class. Classes come in pairs
 * that share one pose cycle and differ only in how it unfolds in time — tempo, displacement
 * amplitude or direction — so the distribution of poses in a single frame is the same for both
 * members of a pair, and only temporal context (a clip, or optical flow) separates them. That is
 * the property STEP's progressive clips, CFAD's temporal modelling and PCSC's flow stream rely
 * on. The names are mnemonic.
 */

/** The four pose cycles (the skeleton's joint angles as a function of phase, see `skeleton.ts`). */
export type SynthPoseCycle = 'gait' | 'arms' | 'bounce' | 'arm-circle';

/** One SynthTubes class: a pose cycle plus how it unfolds in time. */
export interface SynthActionClass {
  /** Label name, used as the class folder of video names (`walk/walk_0007`). */
  readonly name: string;
  readonly cycle: SynthPoseCycle;
  /** Frames per cycle at the reference actor height. */
  readonly period: number;
  /** Ground speed in actor heights per frame (locomotion along the facing direction), 0 if none. */
  readonly speed: number;
  /** Peak vertical lift in actor heights while airborne (bounce cycle), 0 if none. */
  readonly lift: number;
  /** +1: phase runs forward; −1: the cycle is played backwards (same poses, reversed order). */
  readonly direction: 1 | -1;
  /** Name of the class that shares this class's pose cycle. */
  readonly pairedWith: string;
  /** What differs inside the pair. */
  readonly differsBy: 'tempo' | 'amplitude' | 'direction';
}

/**
 * The eight SynthTubes classes, in label order (label id = index):
 *
 * | id | name | pair differs by |
 * |---|---|---|
 * | 0, 1 | walk, run | tempo: the same gait cycle, run at 2× cadence and 2× ground speed |
 * | 2, 3 | wave, clap | tempo: the same two-arm cycle in front of the chest, clap 2.5× faster |
 * | 4, 5 | hop, jump | amplitude: the same crouch–extend cycle, jump lifts the body 4× higher |
 * | 6, 7 | circle-forward, circle-backward | direction: one arm circling, phase played forwards or backwards |
 */
export const SYNTH_CLASSES: readonly SynthActionClass[] = [
  {
    name: 'walk',
    cycle: 'gait',
    period: 24,
    speed: 0.6 / 24,
    lift: 0,
    direction: 1,
    pairedWith: 'run',
    differsBy: 'tempo',
  },
  {
    name: 'run',
    cycle: 'gait',
    period: 12,
    speed: 0.6 / 12,
    lift: 0,
    direction: 1,
    pairedWith: 'walk',
    differsBy: 'tempo',
  },
  {
    name: 'wave',
    cycle: 'arms',
    period: 20,
    speed: 0,
    lift: 0,
    direction: 1,
    pairedWith: 'clap',
    differsBy: 'tempo',
  },
  {
    name: 'clap',
    cycle: 'arms',
    period: 8,
    speed: 0,
    lift: 0,
    direction: 1,
    pairedWith: 'wave',
    differsBy: 'tempo',
  },
  {
    name: 'hop',
    cycle: 'bounce',
    period: 14,
    speed: 0,
    lift: 0.06,
    direction: 1,
    pairedWith: 'jump',
    differsBy: 'amplitude',
  },
  {
    name: 'jump',
    cycle: 'bounce',
    period: 14,
    speed: 0,
    lift: 0.24,
    direction: 1,
    pairedWith: 'hop',
    differsBy: 'amplitude',
  },
  {
    name: 'circle-forward',
    cycle: 'arm-circle',
    period: 16,
    speed: 0,
    lift: 0,
    direction: 1,
    pairedWith: 'circle-backward',
    differsBy: 'direction',
  },
  {
    name: 'circle-backward',
    cycle: 'arm-circle',
    period: 16,
    speed: 0,
    lift: 0,
    direction: -1,
    pairedWith: 'circle-forward',
    differsBy: 'direction',
  },
];
