import { describeValue } from '../format-error';
import { SYNTH_CLASSES, type SynthActionClass } from './classes';

/**
 * Everything that defines a SynthTubes dataset. Same config (seed included) → byte-identical
 * frames, flow and ground truth on every machine. Lengths are pixels of the rendered frame,
 * speeds pixels per frame.
 */
export interface SynthTubesConfig {
  /** Dataset name written into the GT (`dataset` field). */
  readonly name: string;
  readonly seed: number;
  /** Frame size in pixels. */
  readonly width: number;
  readonly height: number;
  /** Number of videos in each split. */
  readonly videos: { readonly train: number; readonly test: number };
  /** Video length range in frames (inclusive). */
  readonly frames: { readonly min: number; readonly max: number };
  /** Length of the action interval as a fraction of the video (untrimmed: idle before/after). */
  readonly actionFraction: { readonly min: number; readonly max: number };
  readonly actors: {
    /** Actors per video (inclusive range, 1–2 in the presets). */
    readonly min: number;
    readonly max: number;
    /** Standing height range in pixels (the presets span 4×; small actors are the more frequent). */
    readonly minHeight: number;
    readonly maxHeight: number;
    /** Probability that an extra actor is an unannotated bystander who stays idle all along. */
    readonly bystanderProbability: number;
  };
  /** Action classes in label order (default {@link SYNTH_CLASSES}). */
  readonly classes: readonly SynthActionClass[];
  readonly camera: {
    /** Largest mean pan speed in px/frame (per video drawn in [−maxPan, maxPan] on each axis). */
    readonly maxPan: number;
    /** Probability that a video has hand-held shake. */
    readonly shakeProbability: number;
    /** Shake amplitude in pixels (a smoothed random walk within [−shake, shake]). */
    readonly shake: number;
  };
  /** Moving distractor objects per video (inclusive range). */
  readonly distractors: { readonly min: number; readonly max: number };
  /** Probability that a distractor passes in front of the actors (occluding them). */
  readonly distractorFrontProbability: number;
  /** Probability that a video has a static foreground occluder (pole or bar). */
  readonly occluderProbability: number;
  /** Background texture: cell size of the value noise in pixels and its contrast in [0, 1]. */
  readonly texture: { readonly cell: number; readonly contrast: number };
  /** Per-pixel sensor noise amplitude (uniform in [−noise, noise], intensity units of [0, 1]). */
  readonly noise: number;
  /**
   * Flow encoding range in px/frame: the 3-channel flow image maps u, v ∈ [−bound, bound] to
   * [0, 1] (values beyond are saturated) and the magnitude [0, bound] to [0, 1].
   */
  readonly flowBound: number;
}

/** The named presets, sized for the benchmark profiles (see reproduction.md). */
export type SynthPreset = 'smoke' | 'quick' | 'full';

const common = {
  classes: SYNTH_CLASSES,
  actionFraction: { min: 0.35, max: 0.75 },
  distractorFrontProbability: 0.35,
  occluderProbability: 0.3,
  noise: 0.015,
} as const;

/**
 * The preset configs:
 *
 * | preset | frame | train / test videos | frames | actor height | use |
 * |---|---|---|---|---|---|
 * | smoke | 64×64 | 16 / 8 | 24–32 | 11–44 px | unit tests, seconds of training |
 * | quick | 112×112 | 128 / 48 | 40–64 | 19–76 px | the default benchmark profile, minutes on 2 cores |
 * | full | 160×160 | 640 / 240 | 48–96 | 27–108 px | long runs or a GPU |
 *
 * @example
 * const config = synthPresetConfig('quick', 7); // the quick preset with seed 7
 */
export function synthPresetConfig(preset: SynthPreset, seed = 0): SynthTubesConfig {
  switch (preset) {
    case 'smoke':
      return {
        ...common,
        name: 'synthtubes-smoke',
        seed,
        width: 64,
        height: 64,
        videos: { train: 16, test: 8 },
        frames: { min: 24, max: 32 },
        actors: { min: 1, max: 2, minHeight: 11, maxHeight: 44, bystanderProbability: 0.3 },
        camera: { maxPan: 0.4, shakeProbability: 0.3, shake: 0.6 },
        distractors: { min: 0, max: 1 },
        texture: { cell: 8, contrast: 0.35 },
        flowBound: 5,
      };
    case 'quick':
      return {
        ...common,
        name: 'synthtubes-quick',
        seed,
        width: 112,
        height: 112,
        videos: { train: 128, test: 48 },
        frames: { min: 40, max: 64 },
        actors: { min: 1, max: 2, minHeight: 19, maxHeight: 76, bystanderProbability: 0.3 },
        camera: { maxPan: 0.7, shakeProbability: 0.3, shake: 1 },
        distractors: { min: 1, max: 3 },
        texture: { cell: 12, contrast: 0.35 },
        flowBound: 8,
      };
    case 'full':
      return {
        ...common,
        name: 'synthtubes-full',
        seed,
        width: 160,
        height: 160,
        videos: { train: 640, test: 240 },
        frames: { min: 48, max: 96 },
        actors: { min: 1, max: 2, minHeight: 27, maxHeight: 108, bystanderProbability: 0.3 },
        camera: { maxPan: 1, shakeProbability: 0.3, shake: 1.4 },
        distractors: { min: 1, max: 4 },
        texture: { cell: 16, contrast: 0.35 },
        flowBound: 10,
      };
  }
}

const PRESET_NAMES: readonly SynthPreset[] = ['smoke', 'quick', 'full'];

function isRecord(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

function shapeError(key: string, expected: string, value: unknown): never {
  throw new RangeError(
    `SynthTubes config: ${key} must be ${expected}, got ${describeValue(value)}`,
  );
}

/** Checks `value` against the structure of `template` (types, nested objects, arrays, no unknown keys). */
function checkShape(value: Record<string, unknown>, template: object, at: string): void {
  const path = (key: string) => (at ? `${at}.${key}` : key);
  for (const [key, t] of Object.entries(template)) {
    const v = value[key];
    if (Array.isArray(t)) {
      if (!Array.isArray(v)) shapeError(path(key), 'an array', v);
      (v as unknown[]).forEach((item, i) => {
        if (!isRecord(item)) shapeError(`${path(key)}[${i}]`, 'an object', item);
        checkShape(item as Record<string, unknown>, t[0] as object, `${path(key)}[${i}]`);
      });
    } else if (isRecord(t)) {
      if (!isRecord(v)) shapeError(path(key), `an object with ${Object.keys(t).join(', ')}`, v);
      checkShape(v as Record<string, unknown>, t, path(key));
    } else if (typeof v !== typeof t) shapeError(path(key), `a ${typeof t}`, v);
  }
  for (const key of Object.keys(value))
    if (!(key in template))
      shapeError(
        path(key),
        `absent (not a config key; expected ${Object.keys(template).join(', ')})`,
        key,
      );
}

/**
 * Checks the structure of SynthTubes options read from JSON (`tubekit synth --config`) before
 * anything uses them: either `{preset: "smoke" | "quick" | "full", seed?: integer}` or a full
 * {@link SynthTubesConfig} with every key of the presets and the right types. Throws a
 * `RangeError` naming the key and what was expected; the value ranges are checked afterwards by
 * `validateSynthConfig`.
 *
 * @example
 * checkSynthOptions({ preset: 5 }); // throws: SynthTubes config: preset must be one of "smoke", "quick", "full", got 5
 */
export function checkSynthOptions(options: unknown): void {
  if (!isRecord(options))
    shapeError('the config', 'an object: {"preset": …, "seed": …} or a full config', options);
  const o = options as Record<string, unknown>;
  if ('preset' in o) {
    if (!PRESET_NAMES.includes(o.preset as SynthPreset))
      shapeError('preset', `one of ${PRESET_NAMES.map((p) => `"${p}"`).join(', ')}`, o.preset);
    if (o.seed !== undefined && !Number.isSafeInteger(o.seed))
      shapeError('seed', 'a safe integer', o.seed);
    for (const key of Object.keys(o))
      if (key !== 'preset' && key !== 'seed')
        shapeError(key, 'absent with "preset" (give "preset" and "seed", or a full config)', key);
    return;
  }
  checkShape(o, synthPresetConfig('smoke'), '');
}
