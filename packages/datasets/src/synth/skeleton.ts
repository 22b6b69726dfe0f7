/**
 * The articulated SynthTubes figure: a 2-D side-view skeleton of 14 joints and 13 body parts
 * (head disc, torso, upper/lower arms, thighs, shins, feet as capsules), posed by 9 joint angles.
 * Everything here is closed-form in the frame number, so any frame renders without simulating
 * the ones before it.
 */
import type { SynthPoseCycle } from './classes';
import { stableCos, stableSin } from './stable-math';

/** Number of pose angles: lean, near hip, near knee, far hip, far knee, near shoulder, near elbow, far shoulder, far elbow. */
export const POSE_ANGLES = 9;
/** Joints: pelvis, neck, head, shoulder, near elbow/hand, far elbow/hand, near knee/ankle/toe, far knee/ankle/toe. */
export const JOINTS = 14;

export const J_PELVIS = 0;
export const J_NECK = 1;
export const J_HEAD = 2;
export const J_SHOULDER = 3;
const J_N_ELBOW = 4;
const J_N_HAND = 5;
const J_F_ELBOW = 6;
const J_F_HAND = 7;
const J_N_KNEE = 8;
const J_N_ANKLE = 9;
const J_N_TOE = 10;
const J_F_KNEE = 11;
const J_F_ANKLE = 12;
const J_F_TOE = 13;

/** Segment lengths and radii as fractions of the actor's standing height. */
const L_TORSO = 0.3;
const L_NECK = 0.115;
const L_SHOULDER = 0.27;
const L_THIGH = 0.23;
const L_SHIN = 0.23;
const L_FOOT = 0.075;
const L_UPPER_ARM = 0.17;
const L_FOREARM = 0.16;

/** Palette slots of an actor: shirt, trousers, skin, shoes. */
export const PALETTE_SLOTS = 4;

/**
 * Body parts in drawing order (far limbs first). Each row: joint a, joint b, radius (fraction of
 * height; 0 marks the head disc centred on b), palette slot, shade (far limbs darker).
 */
export const BODY_PARTS: readonly (readonly [number, number, number, number, number])[] = [
  [J_SHOULDER, J_F_ELBOW, 0.037, 0, 0.72],
  [J_F_ELBOW, J_F_HAND, 0.031, 2, 0.72],
  [J_PELVIS, J_F_KNEE, 0.052, 1, 0.72],
  [J_F_KNEE, J_F_ANKLE, 0.042, 1, 0.72],
  [J_F_ANKLE, J_F_TOE, 0.03, 3, 0.72],
  [J_PELVIS, J_NECK, 0.08, 0, 1],
  [J_NECK, J_HEAD, 0, 2, 1],
  [J_PELVIS, J_N_KNEE, 0.052, 1, 1],
  [J_N_KNEE, J_N_ANKLE, 0.042, 1, 1],
  [J_N_ANKLE, J_N_TOE, 0.03, 3, 1],
  [J_SHOULDER, J_N_ELBOW, 0.037, 0, 1],
  [J_N_ELBOW, J_N_HAND, 0.031, 2, 1],
];
/** Head radius as a fraction of height. */
export const HEAD_RADIUS = 0.08;
/** Smallest drawn radius in pixels, so that small actors keep visible limbs. */
export const MIN_RADIUS_PX = 0.75;

const TWO_PI = 2 * Math.PI;

/** x − 2π·round(x / 2π): the angle in [−π, π]. */
function wrapAngle(x: number): number {
  return x - TWO_PI * Math.round(x / TWO_PI);
}

/**
 * The idle pose (standing, breathing) at idle phase ψ, written to `out[0…8]`.
 */
function idlePose(psi: number, out: Float64Array): void {
  const s = stableSin(psi);
  out[0] = 0.03 + 0.02 * s;
  out[1] = 0.05;
  out[2] = 0.06;
  out[3] = -0.05;
  out[4] = 0.06;
  out[5] = 0.1 + 0.05 * s;
  out[6] = 0.25;
  out[7] = -0.08 + 0.04 * s;
  out[8] = 0.2;
}

/**
 * The pose of `cycle` at phase φ (radians), written to `out[0…8]`. The same function serves both
 * classes of a pair; they differ only in how φ advances.
 */
export function cyclePose(cycle: SynthPoseCycle, phi: number, out: Float64Array): void {
  const s = stableSin(phi);
  const c = stableCos(phi);
  switch (cycle) {
    case 'gait':
      out[0] = 0.1;
      out[1] = 0.42 * s;
      out[2] = 0.1 + 0.75 * Math.max(0, c);
      out[3] = -0.42 * s;
      out[4] = 0.1 + 0.75 * Math.max(0, -c);
      out[5] = -0.5 * s;
      out[6] = 0.45;
      out[7] = 0.5 * s;
      out[8] = 0.45;
      return;
    case 'arms':
      out[0] = 0.05;
      out[1] = 0.05;
      out[2] = 0.06;
      out[3] = -0.05;
      out[4] = 0.06;
      out[5] = 1.3 + 0.35 * s;
      out[6] = 0.9 + 0.7 * c;
      out[7] = 1.1 + 0.35 * s;
      out[8] = 0.9 + 0.7 * c;
      return;
    case 'bounce': {
      const air = Math.max(0, s);
      const crouch = Math.max(0, -s);
      out[0] = 0.08 + 0.45 * crouch;
      out[1] = 0.05 + 0.75 * crouch;
      out[2] = 0.1 + 1.4 * crouch;
      out[3] = 0.0 + 0.75 * crouch;
      out[4] = 0.1 + 1.4 * crouch;
      out[5] = -0.7 * crouch + 2.3 * air;
      out[6] = 0.3;
      out[7] = -0.6 * crouch + 2.1 * air;
      out[8] = 0.3;
      return;
    }
    case 'arm-circle':
      out[0] = 0.03;
      out[1] = 0.05;
      out[2] = 0.06;
      out[3] = -0.05;
      out[4] = 0.06;
      out[5] = phi;
      out[6] = 0.12;
      out[7] = -0.08;
      out[8] = 0.2;
      return;
    default:
      subActionPose(cycle, phi, out);
  }
}

/**
 * The sub-action cycles of the order classes (`kick`, `bow`, `punch`, `raise`), each driven by
 * p = (1 − cos φ)/2, which rises from 0 to 1 and back once per cycle.
 */
function subActionPose(cycle: SynthPoseCycle, phi: number, out: Float64Array): void {
  const p = 0.5 - 0.5 * stableCos(phi);
  const chamber = Math.max(0, stableSin(phi));
  // Idle-like defaults, then the moving joints.
  out[0] = 0.03;
  out[1] = 0.05;
  out[2] = 0.06;
  out[3] = -0.05;
  out[4] = 0.06;
  out[5] = 0.1;
  out[6] = 0.25;
  out[7] = -0.08;
  out[8] = 0.2;
  switch (cycle) {
    case 'kick':
      // Near leg: knee chambers on the way up, extends at the top; torso leans back a little.
      out[0] = 0.03 - 0.15 * p;
      out[1] = 0.05 + 1.35 * p;
      out[2] = 0.1 + 1.2 * chamber;
      out[5] = 0.1 - 0.5 * p;
      out[7] = 0.4 * p;
      return;
    case 'bow':
      // Torso bends forward from the hips, arms hang and swing forward with it.
      out[0] = 0.03 + 0.85 * p;
      out[1] = -0.2 * p;
      out[3] = -0.25 * p;
      out[5] = 0.1 + 0.6 * p;
      out[7] = -0.08 + 0.6 * p;
      return;
    case 'punch':
      // Near arm: guard (fist at the chin) → straight jab; far arm stays in guard.
      out[5] = 0.7 + 0.85 * p;
      out[6] = 1.7 * (1 - p);
      out[7] = 0.7;
      out[8] = 1.7;
      return;
    case 'raise':
      // Both arms swing forward and up overhead, elbows nearly straight.
      out[5] = 0.1 + 2.7 * p;
      out[6] = 0.2;
      out[7] = -0.05 + 2.6 * p;
      out[8] = 0.2;
      return;
    default:
      throw new RangeError(`SynthTubes: unknown pose cycle "${cycle}"`);
  }
}

/** Per-actor motion parameters that {@link posedJoints} reads at one frame. */
export interface PoseInput {
  cycle: SynthPoseCycle;
  /** Cycle phase (radians). */
  phase: number;
  /** Action weight in [0, 1]: 0 idle, 1 fully performing the cycle. */
  weight: number;
  /** Idle (breathing) phase (radians). */
  idlePhase: number;
  /** Peak lift as a fraction of height (bounce cycle). */
  lift: number;
  /**
   * Order classes: the second sub-action's cycle, its phase, and its share `mix` ∈ [0, 1] of the
   * pose (0 or absent: only `cycle`).
   */
  cycle2?: SynthPoseCycle;
  phase2?: number;
  mix?: number;
}

const cycleScratch = new Float64Array(POSE_ANGLES);
const cycle2Scratch = new Float64Array(POSE_ANGLES);

/**
 * The blended pose angles: idle + weight · wrap(cycle − idle), per angle (wrapping makes the
 * onset of a full arm circle take the short way round); for an order class, `cycle` is first
 * cross-faded to `cycle2` by `mix`.
 */
export function blendedPose(input: PoseInput, out: Float64Array): void {
  idlePose(input.idlePhase, out);
  if (input.weight <= 0) return;
  cyclePose(input.cycle, input.phase, cycleScratch);
  const mix = input.mix ?? 0;
  if (mix > 0 && input.cycle2) {
    // Cross-fade to the second sub-action (order classes), angle by angle the short way round.
    cyclePose(input.cycle2, input.phase2 ?? 0, cycle2Scratch);
    for (let k = 0; k < POSE_ANGLES; k++) {
      const a = cycleScratch[k] as number;
      cycleScratch[k] = a + mix * wrapAngle((cycle2Scratch[k] as number) - a);
    }
  }
  for (let k = 0; k < POSE_ANGLES; k++) {
    const idle = out[k] as number;
    out[k] = idle + input.weight * wrapAngle((cycleScratch[k] as number) - idle);
  }
}

const poseScratch = new Float64Array(POSE_ANGLES);

function limb(
  out: Float64Array,
  from: number,
  to: number,
  length: number,
  angle: number,
  facing: number,
): void {
  out[2 * to] = (out[2 * from] as number) + length * facing * stableSin(angle);
  out[2 * to + 1] = (out[2 * from + 1] as number) + length * stableCos(angle);
}

/**
 * Joint positions (world pixels, y down) of an actor whose feet rest on `groundY` (the lower foot
 * touches it unless lifted), pelvis at horizontal position `x`, standing height `height` px,
 * facing +1 (right) or −1 (left). Writes `JOINTS × 2` numbers to `out`.
 */
export function posedJoints(
  input: PoseInput,
  x: number,
  groundY: number,
  height: number,
  facing: number,
  out: Float64Array,
): void {
  const pose = poseScratch;
  blendedPose(input, pose);
  const h = height;
  // Build relative to a pelvis at (x, 0), then shift vertically so the lower foot is grounded.
  out[0] = x;
  out[1] = 0;
  const lean = pose[0] as number;
  out[2 * J_NECK] = x + L_TORSO * h * facing * stableSin(lean);
  out[2 * J_NECK + 1] = -L_TORSO * h * stableCos(lean);
  out[2 * J_HEAD] = (out[2 * J_NECK] as number) + L_NECK * h * facing * stableSin(lean);
  out[2 * J_HEAD + 1] = (out[2 * J_NECK + 1] as number) - L_NECK * h * stableCos(lean);
  out[2 * J_SHOULDER] = x + L_SHOULDER * h * facing * stableSin(lean);
  out[2 * J_SHOULDER + 1] = -L_SHOULDER * h * stableCos(lean);
  const hipN = pose[1] as number;
  const shinN = hipN - (pose[2] as number);
  const hipF = pose[3] as number;
  const shinF = hipF - (pose[4] as number);
  limb(out, J_PELVIS, J_N_KNEE, L_THIGH * h, hipN, facing);
  limb(out, J_N_KNEE, J_N_ANKLE, L_SHIN * h, shinN, facing);
  limb(out, J_N_ANKLE, J_N_TOE, L_FOOT * h, shinN + Math.PI / 2, facing);
  limb(out, J_PELVIS, J_F_KNEE, L_THIGH * h, hipF, facing);
  limb(out, J_F_KNEE, J_F_ANKLE, L_SHIN * h, shinF, facing);
  limb(out, J_F_ANKLE, J_F_TOE, L_FOOT * h, shinF + Math.PI / 2, facing);
  const shN = pose[5] as number;
  const shF = pose[7] as number;
  limb(out, J_SHOULDER, J_N_ELBOW, L_UPPER_ARM * h, shN, facing);
  limb(out, J_N_ELBOW, J_N_HAND, L_FOREARM * h, shN + (pose[6] as number), facing);
  limb(out, J_SHOULDER, J_F_ELBOW, L_UPPER_ARM * h, shF, facing);
  limb(out, J_F_ELBOW, J_F_HAND, L_FOREARM * h, shF + (pose[8] as number), facing);
  const lowest = Math.max(
    out[2 * J_N_ANKLE + 1] as number,
    out[2 * J_N_TOE + 1] as number,
    out[2 * J_F_ANKLE + 1] as number,
    out[2 * J_F_TOE + 1] as number,
  );
  const lift = input.lift * h * input.weight * Math.max(0, stableSin(input.phase));
  const dy = groundY - lowest - 0.03 * h - lift;
  for (let j = 0; j < JOINTS; j++) out[2 * j + 1] = (out[2 * j + 1] as number) + dy;
}

/**
 * The tight box `[x1, y1, x2, y2]` around all body parts of posed joints (continuous pixels,
 * before any clipping), written to `out[offset…offset+3]`; `build` multiplies every radius.
 */
export function skeletonBox(
  joints: Float64Array,
  height: number,
  out: Float64Array,
  offset = 0,
  build = 1,
): void {
  let x1 = Number.POSITIVE_INFINITY;
  let y1 = Number.POSITIVE_INFINITY;
  let x2 = Number.NEGATIVE_INFINITY;
  let y2 = Number.NEGATIVE_INFINITY;
  for (const [a, b, radiusFrac] of BODY_PARTS) {
    const head = radiusFrac === 0;
    const r = Math.max(MIN_RADIUS_PX, (head ? HEAD_RADIUS : radiusFrac) * height * build);
    for (let e = head ? 1 : 0; e < 2; e++) {
      const j = e === 0 ? a : b;
      const x = joints[2 * j] as number;
      const y = joints[2 * j + 1] as number;
      if (x - r < x1) x1 = x - r;
      if (y - r < y1) y1 = y - r;
      if (x + r > x2) x2 = x + r;
      if (y + r > y2) y2 = y + r;
    }
  }
  out[offset] = x1;
  out[offset + 1] = y1;
  out[offset + 2] = x2;
  out[offset + 3] = y2;
}
