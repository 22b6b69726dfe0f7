/**
 * The SynthTubes action classes. Every class is a periodic *motion* of an articulated figure;
 * appearance (colours, size, position) is drawn independently of the class. Classes come in pairs
 * that share one pose cycle and differ only in how it unfolds in time — tempo, displacement
 * amplitude or direction — so the distribution of poses in a single frame is the same for both
 * members of a pair, and only temporal context (a clip, or optical flow) separates them. That is
 * the property STEP's progressive clips, CFAD's temporal modelling and PCSC's flow stream rely
 * on. The names are mnemonic.
 */

/**
 * The pose cycles (the skeleton's joint angles as a function of phase, see `skeleton.ts`): the
 * four of {@link SYNTH_CLASSES} and the four sub-actions of the order classes of
 * {@link SYNTH_CLASSES_V2}.
 */
export type SynthPoseCycle =
  | 'gait'
  | 'arms'
  | 'bounce'
  | 'arm-circle'
  | 'kick'
  | 'bow'
  | 'punch'
  | 'raise';

/** Every {@link SynthPoseCycle}, for validation. */
export const SYNTH_POSE_CYCLES: readonly SynthPoseCycle[] = [
  'gait',
  'arms',
  'bounce',
  'arm-circle',
  'kick',
  'bow',
  'punch',
  'raise',
];

/** The second sub-action of an order class: a pose cycle in place (no locomotion, no lift). */
export interface SynthSubAction {
  readonly cycle: SynthPoseCycle;
  /** Frames per cycle. */
  readonly period: number;
}

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
  readonly differsBy: 'tempo' | 'amplitude' | 'direction' | 'order';
  /**
   * Order classes only: the sub-action performed after this class's own cycle. The action
   * interval is split in two segments (at 40–60 % of it, each at least
   * {@link ORDER_MIN_SEGMENT} frames); the first runs `cycle`, the second `followedBy.cycle`, with a
   * smooth cross-fade of {@link ORDER_FADE} frames. The partner class swaps the two, so each
   * segment of one is, in motion, a segment of the other: only a window that spans the switch, or
   * more than one segment, tells the order.
   */
  readonly followedBy?: SynthSubAction;
}

/**
 * Shortest segment of an order class, in frames: 13 = 2K + 1 for STEP's K = 6, so a window of 2K
 * frames inside a segment never sees both sub-actions.
 */
export const ORDER_MIN_SEGMENT = 13;
/** Frames of the cross-fade between the two sub-actions of an order class. */
export const ORDER_FADE = 4;

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

const order = (
  name: string,
  first: SynthSubAction,
  second: SynthSubAction,
  pairedWith: string,
): SynthActionClass => ({
  name,
  cycle: first.cycle,
  period: first.period,
  speed: 0,
  lift: 0,
  direction: 1,
  pairedWith,
  differsBy: 'order',
  followedBy: second,
});
const KICK: SynthSubAction = { cycle: 'kick', period: 18 };
const BOW: SynthSubAction = { cycle: 'bow', period: 22 };
const PUNCH: SynthSubAction = { cycle: 'punch', period: 10 };
const RAISE: SynthSubAction = { cycle: 'raise', period: 20 };

/**
 * The twelve classes of the `-v2` presets: the eight of {@link SYNTH_CLASSES} (same ids 0–7) and
 * two *order* pairs, which need temporal context longer than a clip of 2K = 12 frames (STEP's
 * progressive temporal extension, CFAD's long-range modelling):
 *
 * | id | name | pair differs by |
 * |---|---|---|
 * | 8, 9 | kick-bow, bow-kick | order: a front kick (18-frame cycle), then a bow (22 frames), or the reverse |
 * | 10, 11 | punch-raise, raise-punch | order: jabs (10-frame cycle), then both arms raised overhead (20 frames), or the reverse |
 *
 * Every segment lasts at least {@link ORDER_MIN_SEGMENT} frames, so any window of 12 frames inside
 * a segment is, in motion, equally likely to come from either member of the pair.
 */
export const SYNTH_CLASSES_V2: readonly SynthActionClass[] = [
  ...SYNTH_CLASSES,
  order('kick-bow', KICK, BOW, 'bow-kick'),
  order('bow-kick', BOW, KICK, 'kick-bow'),
  order('punch-raise', PUNCH, RAISE, 'raise-punch'),
  order('raise-punch', RAISE, PUNCH, 'punch-raise'),
];
