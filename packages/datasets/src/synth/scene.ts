/**
 * A SynthTubes video's scene script: every random choice of one video (actors, their classes,
 * action interval, trajectories, camera path, distractors, occluders, background), drawn from
 * that video's own seeded stream, plus per-frame tracks precomputed for frames 0 … nframes + 1
 * (one past the end, so that forward flow of the last frame is defined).
 */
import { ORDER_FADE, ORDER_MIN_SEGMENT, type SynthActionClass } from './classes';
import type { SynthTubesConfig } from './config';
import { Prng } from './prng';
import { JOINTS, PALETTE_SLOTS, type PoseInput, posedJoints, skeletonBox } from './skeleton';
import { smoothstep, stableCos, stableSin } from './stable-math';

/** Frames of the smooth ramp at each end of an action interval. */
export const ACTION_RAMP = 3;

/** One actor's script and per-frame tracks (index = frame number, 0 … nframes + 1). */
export interface ActorTrack {
  /** 0-based label, or −1 for a bystander who idles all along (not annotated). */
  readonly label: number;
  readonly actionClass: SynthActionClass | undefined;
  /** Action interval, 1-based inclusive (`start > end` for a bystander). */
  readonly start: number;
  readonly end: number;
  /** Standing height in pixels before the per-frame scale. */
  readonly height: number;
  /** Multiplier of every body part's radius (`config.actors.build`, default 1). */
  readonly build: number;
  /** Four RGB colours (shirt, trousers, skin, shoes), drawn independently of the class. */
  readonly palette: Float32Array;
  /** Stripes per bone for each palette slot (0: plain) — clothing texture that moves with the body. */
  readonly stripes: Uint8Array;
  /** Pelvis x and ground (feet) y in world pixels, per frame. */
  readonly x: Float64Array;
  readonly ground: Float64Array;
  /** Height multiplier per frame (the actor approaches or recedes). */
  readonly scale: Float64Array;
  /** +1 facing right, −1 facing left, per frame (walkers turn at the frame edges). */
  readonly facing: Int8Array;
  /** Cycle phase (radians) and action weight in [0, 1], per frame. */
  readonly phase: Float64Array;
  readonly weight: Float64Array;
  /** Idle (breathing) phase per frame. */
  readonly idlePhase: Float64Array;
  /**
   * Order classes only: the frame where the second sub-action takes over, its phase per frame and
   * its share of the pose per frame (0 before the cross-fade, 1 after).
   */
  readonly split?: number;
  readonly phase2?: Float64Array;
  readonly mix?: Float64Array;
}

/** Prop shapes, one per class modulo 4 (see {@link propStyle}). */
export type PropShape = 'disc' | 'box' | 'triangle' | 'ring';

/** A static prop standing in the scene (world pixels), styled as the prop of class `propClass`. */
export interface PropTrack {
  /** The class whose prop this is (equal to the video's label at the scene-context rate). */
  readonly propClass: number;
  readonly shape: PropShape;
  readonly colour: Float32Array;
  /** Centre and half-size in world pixels. */
  readonly cx: number;
  readonly cy: number;
  readonly size: number;
}

/** A moving distractor (disc or box) with a striped texture; closed-form trajectory. */
export interface DistractorTrack {
  readonly shape: 'disc' | 'box';
  /** Drawn after the actors (occluding them) or before. */
  readonly front: boolean;
  /** Half-width and half-height (disc: radius = halfWidth). */
  readonly halfWidth: number;
  readonly halfHeight: number;
  readonly colour: Float32Array;
  /** Stripe period in px (texture that moves with the object). */
  readonly stripe: number;
  /** Centre in world px: x0 + vx·f + ax·sin(ω f + p), likewise y. */
  readonly x0: number;
  readonly y0: number;
  readonly vx: number;
  readonly vy: number;
  readonly ax: number;
  readonly ay: number;
  readonly omega: number;
  readonly phaseX: number;
  readonly phaseY: number;
}

/** A static foreground rectangle in world pixels (a pole or a bar). */
export interface OccluderTrack {
  readonly x1: number;
  readonly y1: number;
  readonly x2: number;
  readonly y2: number;
  readonly colour: Float32Array;
}

/** The complete script of one video. */
export interface SceneScript {
  /** ACT-style name `<class>/<class>_<index>`. */
  readonly name: string;
  /** Index of the video in the dataset (train first, then test). */
  readonly index: number;
  readonly label: number;
  readonly nframes: number;
  readonly width: number;
  readonly height: number;
  /** This video's own seed (derives its per-pixel noise). */
  readonly seed: number;
  /** Actors in drawing order (farther = smaller first). */
  readonly actors: readonly ActorTrack[];
  readonly distractors: readonly DistractorTrack[];
  readonly occluders: readonly OccluderTrack[];
  /** Scene-context props, drawn behind the actors (empty without `config.sceneContext`). */
  readonly props: readonly PropTrack[];
  /** Camera (viewport top-left) in world pixels per frame, 0 … nframes + 1. */
  readonly cameraX: Float64Array;
  readonly cameraY: Float64Array;
  /** Background: two colours blended by value noise, and a vertical gradient. */
  readonly background: {
    readonly colourA: Float32Array;
    readonly colourB: Float32Array;
    readonly cell: number;
    readonly contrast: number;
    readonly gradient: number;
  };
  readonly noise: number;
}

function randomColour(rng: Prng): Float32Array {
  // Saturated-ish random colours: one channel high, one low, one anywhere; independent of class.
  const c = new Float32Array(3);
  const hi = rng.int(0, 2);
  const lo = (hi + rng.int(1, 2)) % 3;
  for (let k = 0; k < 3; k++) c[k] = rng.uniform(0.25, 0.75);
  c[hi] = rng.uniform(0.6, 0.95);
  c[lo] = rng.uniform(0.05, 0.35);
  return c;
}

/** A background colour: a random colour pulled halfway towards mid grey. */
function mutedColour(rng: Prng): Float32Array {
  const c = randomColour(rng);
  for (let k = 0; k < 3; k++) c[k] = 0.5 * (c[k] as number) + 0.25;
  return c;
}

const PROP_SHAPES: readonly PropShape[] = ['disc', 'box', 'triangle', 'ring'];

/**
 * The prop of class c among `classes`: shape `c mod 4` and a saturated hue that steps with
 * ⌊c / 4⌋, so every class of up to 4 · ⌈classes / 4⌉ has its own (shape, colour).
 *
 * @example
 * propStyle(5, 12); // { shape: 'box', colour: (second hue) }
 */
export function propStyle(c: number, classes: number): { shape: PropShape; colour: Float32Array } {
  const hues = Math.max(1, Math.ceil(classes / 4));
  const hue = Math.floor(c / 4) / hues;
  // Piecewise-linear hue → RGB (no trigonometry): a bright, saturated colour.
  const colour = new Float32Array(3);
  for (let k = 0; k < 3; k++) {
    let d = Math.abs(((hue + k / 3) % 1) * 6 - 3);
    d = Math.min(1, Math.max(0, d - 1));
    colour[k] = 0.1 + 0.85 * d;
  }
  return { shape: PROP_SHAPES[c % 4] as PropShape, colour };
}

/** The action weight at frame f for an interval [start, end]: smooth ramps of {@link ACTION_RAMP} frames. */
export function actionWeight(f: number, start: number, end: number): number {
  if (f < start || f > end) return 0;
  return (
    smoothstep((f - start + 1) / (ACTION_RAMP + 1)) * smoothstep((end - f + 1) / (ACTION_RAMP + 1))
  );
}

const jointScratch = new Float64Array(JOINTS * 2);
const boxScratch = new Float64Array(4);

/** The pose input of actor `a` at frame f (for {@link posedJoints}). */
export function poseInputAt(a: ActorTrack, f: number, out: PoseInput): PoseInput {
  out.cycle = a.actionClass?.cycle ?? 'gait';
  out.phase = a.phase[f] as number;
  out.weight = a.weight[f] as number;
  out.idlePhase = a.idlePhase[f] as number;
  out.lift = a.actionClass?.lift ?? 0;
  if (a.mix && a.phase2 && a.actionClass?.followedBy) {
    out.cycle2 = a.actionClass.followedBy.cycle;
    out.phase2 = a.phase2[f] as number;
    out.mix = a.mix[f] as number;
  } else out.mix = 0;
  return out;
}

/** Joint positions of actor `a` at frame f in world pixels (`JOINTS × 2`). */
export function actorJoints(a: ActorTrack, f: number, out: Float64Array, input: PoseInput): void {
  poseInputAt(a, f, input);
  posedJoints(
    input,
    a.x[f] as number,
    a.ground[f] as number,
    a.height * (a.scale[f] as number),
    a.facing[f] as number,
    out,
  );
}

function buildActor(
  rng: Prng,
  config: SynthTubesConfig,
  nframes: number,
  actionClass: SynthActionClass | undefined,
  label: number,
  cameraX: Float64Array,
  cameraY: Float64Array,
): ActorTrack {
  const { width: W, height: H } = config;
  const { minHeight, maxHeight } = config.actors;
  // (1 + u)² spans [1, 4] with more mass near 1: small actors are common.
  const u = rng.next();
  const spread = Math.sqrt(maxHeight / minHeight) - 1;
  const base = 1 + spread * u;
  const height = minHeight * base * base;
  const palette = new Float32Array(PALETTE_SLOTS * 3);
  for (let s = 0; s < PALETTE_SLOTS; s++) palette.set(randomColour(rng), 3 * s);
  // Skin-like colour for slot 2 half of the time, still class-independent.
  if (rng.chance(0.5))
    palette.set([rng.uniform(0.55, 0.9), rng.uniform(0.4, 0.7), rng.uniform(0.3, 0.55)], 6);
  const stripes = new Uint8Array(PALETTE_SLOTS);
  for (const slot of [0, 1]) stripes[slot] = rng.chance(0.5) ? rng.int(2, 4) : 0;

  let start = 1;
  let end = 0;
  if (actionClass) {
    const fraction = rng.uniform(config.actionFraction.min, config.actionFraction.max);
    const shortest = actionClass.followedBy ? ORDER_MIN_ACTION : 2 * ACTION_RAMP + 2;
    const length = Math.min(nframes, Math.max(shortest, Math.round(fraction * nframes)));
    start = rng.int(1, nframes - length + 1);
    end = start + length - 1;
  }
  const n = nframes + 2;
  const x = new Float64Array(n);
  const ground = new Float64Array(n);
  const scale = new Float64Array(n);
  const facing = new Int8Array(n);
  const phase = new Float64Array(n);
  const weight = new Float64Array(n);
  const idlePhase = new Float64Array(n);

  const scaleAmp = rng.uniform(0, 0.12);
  const scaleOmega = (2 * Math.PI) / rng.uniform(60, 160);
  const scalePhase = rng.uniform(0, 2 * Math.PI);
  const drift = config.motion?.drift ?? 1;
  const driftX = rng.uniform(0, 0.15) * height * drift;
  const driftY = rng.uniform(0, 0.05) * height * drift;
  const driftOmegaX = (2 * Math.PI) / rng.uniform(40, 120);
  const driftOmegaY = (2 * Math.PI) / rng.uniform(40, 120);
  const driftPhaseX = rng.uniform(0, 2 * Math.PI);
  const driftPhaseY = rng.uniform(0, 2 * Math.PI);
  const phase0 = rng.uniform(0, 2 * Math.PI);
  const idlePeriod = rng.uniform(40, 80);
  const idle0 = rng.uniform(0, 2 * Math.PI);
  let direction: number = rng.sign();
  const x0 = rng.uniform(0.25 * W, 0.75 * W);
  const g0 = rng.uniform(0.6 * H, 0.95 * H);
  const period = actionClass?.period ?? 1;
  const speed = (actionClass?.speed ?? 0) * height;
  const cycleSign = actionClass?.direction ?? 1;
  const margin = 0.3 * height;
  const amplitude = config.motion?.amplitude ?? 1;
  // Extra travel (motion.travel): its own stream, drawn only when configured.
  const travel = (config.motion?.travel ?? 0) * height;
  const turnProbability = config.motion?.turnProbability ?? 0;
  const travelRng = travel > 0 ? new Prng(rng.fork()) : undefined;
  let travelDirection: number = travelRng ? travelRng.sign() : 1;
  let travelExtra = 0;
  // Order classes: the switch to the second sub-action, 40–60 % into the interval, each segment
  // at least ORDER_MIN_SEGMENT frames in full action.
  const second = actionClass?.followedBy;
  let split = 0;
  let phase2: Float64Array | undefined;
  let mix: Float64Array | undefined;
  let phase0b = 0;
  if (second) {
    const length = end - start + 1;
    const edge = ORDER_MIN_SEGMENT + ACTION_RAMP + ORDER_FADE / 2;
    split = Math.min(
      end + 1 - edge,
      Math.max(start + edge, start + Math.round(rng.uniform(0.4, 0.6) * length)),
    );
    phase0b = rng.uniform(0, 2 * Math.PI);
    phase2 = new Float64Array(n);
    mix = new Float64Array(n);
  }

  let travelled = 0;
  for (let f = 0; f < n; f++) {
    const w = actionClass ? amplitude * actionWeight(f, start, end) : 0;
    if (phase2 && mix && second) {
      phase2[f] = phase0b + (2 * Math.PI * (f - split)) / second.period;
      mix[f] = smoothstep((f - split + ORDER_FADE / 2) / ORDER_FADE);
    }
    scale[f] = 1 + scaleAmp * stableSin(scaleOmega * f + scalePhase);
    weight[f] = w;
    phase[f] = phase0 + (cycleSign * 2 * Math.PI * (f - start)) / period;
    idlePhase[f] = idle0 + (2 * Math.PI * f) / idlePeriod;
    if (f > 0) travelled += direction * speed * w;
    if (travelRng && f > 0) {
      if (travelRng.chance(turnProbability)) travelDirection = -travelDirection;
      travelExtra += travelDirection * travel;
    }
    const px = x0 + travelled + travelExtra + driftX * stableSin(driftOmegaX * f + driftPhaseX);
    const screen = px - (cameraX[f] as number);
    // Walkers and runners turn round before they leave the frame.
    if (speed > 0 && ((direction > 0 && screen > W - margin) || (direction < 0 && screen < margin)))
      direction = -direction;
    if (
      travelRng &&
      ((travelDirection > 0 && screen > W - margin) || (travelDirection < 0 && screen < margin))
    )
      travelDirection = -travelDirection;
    x[f] = px;
    // Actors that travel without a gait of their own face where they go.
    facing[f] = travelRng && speed === 0 ? travelDirection : direction;
    ground[f] = g0 + driftY * stableSin(driftOmegaY * f + driftPhaseY);
  }

  const track: ActorTrack = {
    label,
    actionClass,
    start,
    end,
    height,
    build: config.actors.build ?? 1,
    palette,
    stripes,
    x,
    ground,
    scale,
    facing,
    phase,
    weight,
    idlePhase,
    ...(second ? { split, phase2, mix } : {}),
  };
  fitIntoFrame(track, W, H, cameraX, cameraY);
  return track;
}

/** Shortest action interval of an order class: two segments, each with its ramp and half the fade. */
const ORDER_MIN_ACTION = 2 * (ORDER_MIN_SEGMENT + ACTION_RAMP + ORDER_FADE / 2);

/**
 * Shifts an actor's whole world path (a constant offset, so trajectories stay smooth) so that its
 * body stays inside the frame on every frame; when the path is wider than the frame it is centred.
 */
function fitIntoFrame(
  a: ActorTrack,
  W: number,
  H: number,
  cameraX: Float64Array,
  cameraY: Float64Array,
): void {
  let minX = Number.POSITIVE_INFINITY;
  let minY = Number.POSITIVE_INFINITY;
  let maxX = Number.NEGATIVE_INFINITY;
  let maxY = Number.NEGATIVE_INFINITY;
  const input: PoseInput = { cycle: 'gait', phase: 0, weight: 0, idlePhase: 0, lift: 0 };
  for (let f = 0; f < a.x.length; f++) {
    actorJoints(a, f, jointScratch, input);
    skeletonBox(jointScratch, a.height * (a.scale[f] as number), boxScratch, 0, a.build);
    const cx = cameraX[f] as number;
    const cy = cameraY[f] as number;
    minX = Math.min(minX, (boxScratch[0] as number) - cx);
    minY = Math.min(minY, (boxScratch[1] as number) - cy);
    maxX = Math.max(maxX, (boxScratch[2] as number) - cx);
    maxY = Math.max(maxY, (boxScratch[3] as number) - cy);
  }
  const pad = 1;
  const shift = (lo: number, hi: number, size: number) =>
    hi - lo > size - 2 * pad
      ? size / 2 - (lo + hi) / 2
      : lo < pad
        ? pad - lo
        : hi > size - pad
          ? size - pad - hi
          : 0;
  const dx = shift(minX, maxX, W);
  const dy = shift(minY, maxY, H);
  for (let f = 0; f < a.x.length; f++) {
    a.x[f] = (a.x[f] as number) + dx;
    a.ground[f] = (a.ground[f] as number) + dy;
  }
}

/**
 * Draws the script of video `index` of a dataset. Deterministic: depends only on the config, the
 * index and the label.
 */
export function buildScene(
  config: SynthTubesConfig,
  index: number,
  label: number,
  videoSeed: number,
): SceneScript {
  const rng = new Prng(videoSeed);
  const { width: W, height: H } = config;
  const nframes = rng.int(config.frames.min, config.frames.max);
  const n = nframes + 2;
  const actionClass = config.classes[label] as SynthActionClass;

  // Camera: mean pan, a slow sinusoidal sway, optional hand-held shake.
  const cameraX = new Float64Array(n);
  const cameraY = new Float64Array(n);
  const panX = rng.uniform(-config.camera.maxPan, config.camera.maxPan);
  const panY = rng.uniform(-0.3 * config.camera.maxPan, 0.3 * config.camera.maxPan);
  const swayAmp = rng.uniform(0, 2) * config.camera.maxPan;
  const swayOmega = (2 * Math.PI) / rng.uniform(30, 90);
  const swayPhase = rng.uniform(0, 2 * Math.PI);
  const shake = rng.chance(config.camera.shakeProbability) ? config.camera.shake : 0;
  const shakeRng = new Prng(rng.fork());
  // Hand-held shake: a smoothed random walk (AR(1), coefficient 0.5) scaled to ±shake.
  let shakeX = 0;
  let shakeY = 0;
  for (let f = 0; f < n; f++) {
    shakeX = 0.5 * shakeX + 0.5 * shakeRng.uniform(-1, 1);
    shakeY = 0.5 * shakeY + 0.5 * shakeRng.uniform(-1, 1);
    cameraX[f] = panX * f + swayAmp * stableSin(swayOmega * f + swayPhase) + shake * shakeX;
    cameraY[f] = panY * f + shake * shakeY;
  }

  const actorCount = rng.int(config.actors.min, config.actors.max);
  const actors: ActorTrack[] = [];
  for (let i = 0; i < actorCount; i++) {
    const bystander = i > 0 && rng.chance(config.actors.bystanderProbability);
    actors.push(
      buildActor(
        new Prng(rng.fork()),
        config,
        nframes,
        bystander ? undefined : actionClass,
        bystander ? -1 : label,
        cameraX,
        cameraY,
      ),
    );
  }
  actors.sort((p, q) => p.height - q.height);

  const distractors: DistractorTrack[] = [];
  const distractorCount = rng.int(config.distractors.min, config.distractors.max);
  for (let i = 0; i < distractorCount; i++) {
    const size = rng.uniform(0.04, 0.14) * Math.min(W, H);
    const shape = rng.chance(0.5) ? 'disc' : 'box';
    const speed = rng.uniform(0.2, 1.5) * (Math.min(W, H) / 112);
    const angle = rng.uniform(0, 2 * Math.PI);
    const vx = speed * stableCos(angle);
    const vy = speed * stableSin(angle);
    distractors.push({
      shape,
      front: rng.chance(config.distractorFrontProbability),
      halfWidth: size,
      halfHeight: shape === 'disc' ? size : size * rng.uniform(0.4, 1.2),
      colour: randomColour(rng),
      stripe: rng.uniform(3, 8),
      // Start so that the object crosses the middle of the frame around mid-video.
      x0: W / 2 - (vx * nframes) / 2 + rng.uniform(-0.3, 0.3) * W,
      y0: H / 2 - (vy * nframes) / 2 + rng.uniform(-0.3, 0.3) * H,
      vx,
      vy,
      ax: rng.uniform(0, 0.1) * W,
      ay: rng.uniform(0, 0.1) * H,
      omega: (2 * Math.PI) / rng.uniform(20, 60),
      phaseX: rng.uniform(0, 2 * Math.PI),
      phaseY: rng.uniform(0, 2 * Math.PI),
    });
  }

  const occluders: OccluderTrack[] = [];
  if (rng.chance(config.occluderProbability)) {
    const vertical = rng.chance(0.6);
    const thickness = rng.uniform(0.04, 0.09) * W;
    const cx = rng.uniform(0.2, 0.8) * W;
    const cy = rng.uniform(0.45, 0.85) * H;
    occluders.push(
      vertical
        ? {
            x1: cx - thickness / 2,
            y1: -H,
            x2: cx + thickness / 2,
            y2: 3 * H,
            colour: randomColour(rng),
          }
        : {
            x1: -W,
            y1: cy - thickness / 2,
            x2: 3 * W,
            y2: cy + thickness / 2,
            colour: randomColour(rng),
          },
    );
  }

  const background = {
    colourA: mutedColour(rng),
    colourB: mutedColour(rng),
    cell: config.texture.cell * rng.uniform(0.7, 1.4),
    contrast: config.texture.contrast,
    gradient: rng.uniform(-0.15, 0.15),
  };

  const props: PropTrack[] = [];
  if (config.sceneContext) {
    const C = config.classes.length;
    const own = rng.chance(config.sceneContext.rate) || C === 1;
    // Another class uniformly: skip the label.
    const other = rng.int(0, C - 2);
    const propClass = own ? label : other >= label ? other + 1 : other;
    const style = propStyle(propClass, C);
    const size = rng.uniform(0.07, 0.11) * Math.min(W, H);
    props.push({
      propClass,
      ...style,
      cx: rng.uniform(0.15, 0.85) * W + (cameraX[0] as number),
      cy: rng.uniform(0.3, 0.85) * H + (cameraY[0] as number),
      size,
    });
  }

  const contrast = config.appearance?.actorContrast;
  if (contrast !== undefined) {
    // Pull every actor colour towards the background's mean colour.
    for (const a of actors)
      for (let k = 0; k < a.palette.length; k++) {
        const c = k % 3;
        const bg = 0.5 * ((background.colourA[c] as number) + (background.colourB[c] as number));
        a.palette[k] = bg + contrast * ((a.palette[k] as number) - bg);
      }
  }

  const index4 = String(index).padStart(4, '0');
  return {
    name: `${actionClass.name}/${actionClass.name}_${index4}`,
    index,
    label,
    nframes,
    width: W,
    height: H,
    seed: videoSeed,
    actors,
    distractors,
    occluders,
    props,
    cameraX,
    cameraY,
    background,
    noise: config.noise,
  };
}
