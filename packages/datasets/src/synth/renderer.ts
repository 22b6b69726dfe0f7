/**
 * Rasteriser for SynthTubes scenes: RGB, the exact forward optical flow to the next frame, and an
 * owner mask, in one pass over the scene's shapes in painter's order (background, scene-context
 * props, distractors behind, actors from far to near, distractors in front, occluders).
 *
 * Exact flow: every surface is rigid or similarity-transformed between frames — the background
 * and occluders move with the camera, distractors translate, and each body part maps by the
 * similarity that carries its bone `a→b` at frame f onto `a'→b'` at f+1 (as complex numbers,
 * `p' = a' + (b'−a')/(b−a) · (p − a)`); textures live in those same coordinates, so
 * `rgb_f(p) = rgb_{f+1}(p + flow_f(p))` wherever p stays visible (up to sensor noise and
 * interpolation).
 */
import { hash2, hash3 } from './prng';
import type { ActorTrack, SceneScript } from './scene';
import { actorJoints } from './scene';
import { BODY_PARTS, HEAD_RADIUS, JOINTS, MIN_RADIUS_PX, type PoseInput } from './skeleton';
import { stableSin } from './stable-math';

/** Owner-mask codes: 0 background, 1 + i actor i (scene order), these bases for the rest. */
export const OWNER_BACKGROUND = 0;
export const OWNER_DISTRACTOR_BASE = 64;
export const OWNER_OCCLUDER_BASE = 128;
export const OWNER_PROP_BASE = 192;

/** Buffers {@link SceneRenderer.render} fills; pass only those you need. */
export interface SceneRenderTargets {
  /** H×W×3 RGB in [0, 1], row-major, interleaved. */
  rgb?: Float32Array;
  /** H×W×2 forward flow (u, v) to the next frame in px. */
  flow?: Float32Array;
  /** H×W owner codes (see {@link OWNER_BACKGROUND}). */
  owner?: Uint8Array;
}

/** Renders the frames of one scene; holds the scene's background texture once built. */
export class SceneRenderer {
  readonly scene: SceneScript;
  private texture: Float32Array | undefined;
  private texOriginX = 0;
  private texOriginY = 0;
  private texWidth = 0;
  private texHeight = 0;
  private readonly jointsA = new Float64Array(JOINTS * 2);
  private readonly jointsB = new Float64Array(JOINTS * 2);
  private readonly poseInput: PoseInput = {
    cycle: 'gait',
    phase: 0,
    weight: 0,
    idlePhase: 0,
    lift: 0,
  };

  constructor(scene: SceneScript) {
    this.scene = scene;
  }

  /**
   * Renders frame `frame` (1-based; 0 … nframes + 1 are defined) into the given targets.
   *
   * @example
   * const r = new SceneRenderer(scene);
   * const rgb = new Float32Array(scene.width * scene.height * 3);
   * r.render(1, { rgb });
   */
  render(frame: number, targets: SceneRenderTargets): void {
    const scene = this.scene;
    if (!Number.isInteger(frame) || frame < 0 || frame > scene.nframes + 1)
      throw new RangeError(
        `SynthTubes ${scene.name}: frame ${frame} is outside 1…${scene.nframes}`,
      );
    const W = scene.width;
    const H = scene.height;
    const { rgb, flow, owner } = targets;
    for (const [what, buffer, channels] of [
      ['rgb', rgb, 3],
      ['flow', flow, 2],
      ['owner', owner, 1],
    ] as const) {
      if (buffer && buffer.length !== W * H * channels)
        throw new RangeError(
          `SynthTubes ${scene.name}: ${what} buffer has ${buffer.length} values, expected ${W}×${H}×${channels}`,
        );
    }
    const f = frame;
    const camX = scene.cameraX[f] as number;
    const camY = scene.cameraY[f] as number;
    const camDX = (scene.cameraX[f + 1] as number) - camX;
    const camDY = (scene.cameraY[f + 1] as number) - camY;

    this.drawBackground(camX, camY, rgb);
    if (flow) {
      for (let i = 0; i < W * H; i++) {
        flow[2 * i] = -camDX;
        flow[2 * i + 1] = -camDY;
      }
    }
    if (owner) owner.fill(OWNER_BACKGROUND);
    for (let p = 0; p < scene.props.length; p++) this.drawProp(p, camX, camY, targets);

    for (let d = 0; d < scene.distractors.length; d++)
      if (!scene.distractors[d]?.front) this.drawDistractor(d, f, targets);
    for (let a = 0; a < scene.actors.length; a++) this.drawActor(a, f, targets);
    for (let d = 0; d < scene.distractors.length; d++)
      if (scene.distractors[d]?.front) this.drawDistractor(d, f, targets);
    for (let o = 0; o < scene.occluders.length; o++) this.drawOccluder(o, f, targets);

    const noise = scene.noise;
    if (rgb && noise > 0) {
      const amp = (2 * noise) / 4294967296;
      const seed = hash2(scene.seed, f);
      for (let i = 0, o = 0; i < W * H; i++, o += 3) {
        const n = hash2(seed, i) * amp - noise;
        const r = (rgb[o] as number) + n;
        const g = (rgb[o + 1] as number) + n;
        const b = (rgb[o + 2] as number) + n;
        rgb[o] = r < 0 ? 0 : Math.min(r, 1);
        rgb[o + 1] = g < 0 ? 0 : Math.min(g, 1);
        rgb[o + 2] = b < 0 ? 0 : Math.min(b, 1);
      }
    }
  }

  /** Builds the world-space background texture covering the whole camera path. */
  private ensureTexture(): Float32Array {
    if (this.texture) return this.texture;
    const scene = this.scene;
    let minX = Number.POSITIVE_INFINITY;
    let maxX = Number.NEGATIVE_INFINITY;
    let minY = Number.POSITIVE_INFINITY;
    let maxY = Number.NEGATIVE_INFINITY;
    for (let f = 0; f < scene.cameraX.length; f++) {
      minX = Math.min(minX, scene.cameraX[f] as number);
      maxX = Math.max(maxX, scene.cameraX[f] as number);
      minY = Math.min(minY, scene.cameraY[f] as number);
      maxY = Math.max(maxY, scene.cameraY[f] as number);
    }
    this.texOriginX = Math.floor(minX) - 1;
    this.texOriginY = Math.floor(minY) - 1;
    this.texWidth = scene.width + Math.ceil(maxX) - Math.floor(minX) + 3;
    this.texHeight = scene.height + Math.ceil(maxY) - Math.floor(minY) + 3;
    const tw = this.texWidth;
    const th = this.texHeight;
    const tex = new Float32Array(tw * th * 3);
    const { colourA, colourB, cell, contrast, gradient } = scene.background;
    const seed = hash2(scene.seed, 0x6b67);
    for (let j = 0; j < th; j++) {
      const wy = this.texOriginY + j + 0.5;
      const shade = 1 + gradient * (wy / scene.height - 0.5);
      for (let i = 0; i < tw; i++) {
        const wx = this.texOriginX + i + 0.5;
        const n =
          (2 * valueNoise(seed, wx / cell, wy / cell) +
            valueNoise(seed + 1, (2.7 * wx) / cell, (2.7 * wy) / cell)) /
          3;
        const t = 0.5 + contrast * (2 * n - 1);
        const o = 3 * (j * tw + i);
        for (let c = 0; c < 3; c++) {
          const a = colourA[c] as number;
          tex[o + c] = shade * (a + t * ((colourB[c] as number) - a));
        }
      }
    }
    this.texture = tex;
    return tex;
  }

  private drawBackground(camX: number, camY: number, rgb: Float32Array | undefined): void {
    if (!rgb) return;
    const tex = this.ensureTexture();
    const scene = this.scene;
    const W = scene.width;
    const H = scene.height;
    const tw = this.texWidth;
    // Screen pixel centre (x + 0.5) is world camX + x + 0.5 = texel (camX − originX + x).
    const ux = camX - this.texOriginX;
    const uy = camY - this.texOriginY;
    const ix = Math.floor(ux);
    const iy = Math.floor(uy);
    const fx = ux - ix;
    const fy = uy - iy;
    const w00 = (1 - fx) * (1 - fy);
    const w10 = fx * (1 - fy);
    const w01 = (1 - fx) * fy;
    const w11 = fx * fy;
    for (let y = 0; y < H; y++) {
      let t0 = 3 * ((iy + y) * tw + ix);
      let t1 = t0 + 3 * tw;
      let o = 3 * y * W;
      for (let x = 0; x < W; x++) {
        rgb[o] =
          w00 * (tex[t0] as number) +
          w10 * (tex[t0 + 3] as number) +
          w01 * (tex[t1] as number) +
          w11 * (tex[t1 + 3] as number);
        rgb[o + 1] =
          w00 * (tex[t0 + 1] as number) +
          w10 * (tex[t0 + 4] as number) +
          w01 * (tex[t1 + 1] as number) +
          w11 * (tex[t1 + 4] as number);
        rgb[o + 2] =
          w00 * (tex[t0 + 2] as number) +
          w10 * (tex[t0 + 5] as number) +
          w01 * (tex[t1 + 2] as number) +
          w11 * (tex[t1 + 5] as number);
        t0 += 3;
        t1 += 3;
        o += 3;
      }
    }
  }

  private drawActor(index: number, f: number, targets: SceneRenderTargets): void {
    const scene = this.scene;
    const actor = scene.actors[index] as ActorTrack;
    const ja = this.jointsA;
    const jb = this.jointsB;
    actorJoints(actor, f, ja, this.poseInput);
    const camX = scene.cameraX[f] as number;
    const camY = scene.cameraY[f] as number;
    for (let j = 0; j < JOINTS; j++) {
      ja[2 * j] = (ja[2 * j] as number) - camX;
      ja[2 * j + 1] = (ja[2 * j + 1] as number) - camY;
    }
    if (targets.flow) {
      actorJoints(actor, f + 1, jb, this.poseInput);
      const camX1 = scene.cameraX[f + 1] as number;
      const camY1 = scene.cameraY[f + 1] as number;
      for (let j = 0; j < JOINTS; j++) {
        jb[2 * j] = (jb[2 * j] as number) - camX1;
        jb[2 * j + 1] = (jb[2 * j + 1] as number) - camY1;
      }
    }
    const h = actor.height * (actor.scale[f] as number);
    const ownerCode = 1 + index;
    for (const [a, b, radiusFrac, slot, shade] of BODY_PARTS) {
      const head = radiusFrac === 0;
      const r = Math.max(MIN_RADIUS_PX, (head ? HEAD_RADIUS : radiusFrac) * h * actor.build);
      this.drawCapsule(
        ja[2 * a] as number,
        ja[2 * a + 1] as number,
        ja[2 * b] as number,
        ja[2 * b + 1] as number,
        jb[2 * a] as number,
        jb[2 * a + 1] as number,
        jb[2 * b] as number,
        jb[2 * b + 1] as number,
        r,
        head,
        actor.palette,
        3 * slot,
        actor.stripes[slot] as number,
        shade,
        ownerCode,
        targets,
      );
    }
  }

  /**
   * Fills a capsule (segment a–b dilated by r) or, when `disc`, the disc of radius r centred on b.
   * Texture: a shade gradient along the bone (parameter s of a→b) and `stripes` stripes across
   * it, both preserved by the similarity to the next frame.
   */
  private drawCapsule(
    ax: number,
    ay: number,
    bx: number,
    by: number,
    ax1: number,
    ay1: number,
    bx1: number,
    by1: number,
    r: number,
    disc: boolean,
    palette: Float32Array,
    paletteOffset: number,
    stripes: number,
    shade: number,
    ownerCode: number,
    targets: SceneRenderTargets,
  ): void {
    const scene = this.scene;
    const W = scene.width;
    const H = scene.height;
    const { rgb, flow, owner } = targets;
    const dx = bx - ax;
    const dy = by - ay;
    const len2 = dx * dx + dy * dy;
    const inv = len2 > 0 ? 1 / len2 : 0;
    // Similarity z = (b'−a')/(b−a) as complex numbers.
    const ex = bx1 - ax1;
    const ey = by1 - ay1;
    const zr = (ex * dx + ey * dy) * inv;
    const zi = (ey * dx - ex * dy) * inv;
    const x0 = Math.max(0, Math.floor((disc ? bx : Math.min(ax, bx)) - r));
    const x1 = Math.min(W - 1, Math.ceil((disc ? bx : Math.max(ax, bx)) + r));
    const y0 = Math.max(0, Math.floor((disc ? by : Math.min(ay, by)) - r));
    const y1 = Math.min(H - 1, Math.ceil((disc ? by : Math.max(ay, by)) + r));
    const r2 = r * r;
    const cr = (palette[paletteOffset] as number) * shade;
    const cg = (palette[paletteOffset + 1] as number) * shade;
    const cb = (palette[paletteOffset + 2] as number) * shade;
    for (let y = y0; y <= y1; y++) {
      const py = y + 0.5;
      for (let x = x0; x <= x1; x++) {
        const px = x + 0.5;
        const qx = px - ax;
        const qy = py - ay;
        let t = (qx * dx + qy * dy) * inv;
        let d2: number;
        if (disc) {
          const ux = px - bx;
          const uy = py - by;
          d2 = ux * ux + uy * uy;
          t = 1;
        } else {
          if (t < 0) t = 0;
          else if (t > 1) t = 1;
          const ux = qx - t * dx;
          const uy = qy - t * dy;
          d2 = ux * ux + uy * uy;
        }
        if (d2 > r2) continue;
        const i = y * W + x;
        if (rgb) {
          // Texture in bone coordinates (s along a→b), which the similarity to the next frame
          // preserves: a shade gradient and optional stripes.
          const s = (qx * dx + qy * dy) * inv;
          let g = 0.82 + 0.3 * s;
          if (stripes > 0 && Math.floor(2 * stripes * s) & 1) g *= 0.72;
          rgb[3 * i] = cr * g;
          rgb[3 * i + 1] = cg * g;
          rgb[3 * i + 2] = cb * g;
        }
        if (flow) {
          flow[2 * i] = ax1 + zr * qx - zi * qy - px;
          flow[2 * i + 1] = ay1 + zi * qx + zr * qy - py;
        }
        if (owner) owner[i] = ownerCode;
      }
    }
  }

  private drawDistractor(index: number, f: number, targets: SceneRenderTargets): void {
    const scene = this.scene;
    const d = scene.distractors[index];
    if (!d) return;
    const W = scene.width;
    const H = scene.height;
    const centre = (g: number, axis: 0 | 1) =>
      axis === 0
        ? d.x0 + d.vx * g + d.ax * stableSin(d.omega * g + d.phaseX) - (scene.cameraX[g] as number)
        : d.y0 + d.vy * g + d.ay * stableSin(d.omega * g + d.phaseY) - (scene.cameraY[g] as number);
    const cx = centre(f, 0);
    const cy = centre(f, 1);
    const u = centre(f + 1, 0) - cx;
    const v = centre(f + 1, 1) - cy;
    const hw = d.halfWidth;
    const hh = d.halfHeight;
    const x0 = Math.max(0, Math.floor(cx - hw));
    const x1 = Math.min(W - 1, Math.ceil(cx + hw));
    const y0 = Math.max(0, Math.floor(cy - hh));
    const y1 = Math.min(H - 1, Math.ceil(cy + hh));
    const { rgb, flow, owner } = targets;
    const code = OWNER_DISTRACTOR_BASE + index;
    const disc = d.shape === 'disc';
    const r2 = hw * hw;
    for (let y = y0; y <= y1; y++) {
      const ly = y + 0.5 - cy;
      if (ly < -hh || ly > hh) continue;
      for (let x = x0; x <= x1; x++) {
        const lx = x + 0.5 - cx;
        if (disc ? lx * lx + ly * ly > r2 : lx < -hw || lx > hw) continue;
        const i = y * W + x;
        if (rgb) {
          const g = Math.floor((lx + ly) / d.stripe) & 1 ? 1 : 0.75;
          rgb[3 * i] = (d.colour[0] as number) * g;
          rgb[3 * i + 1] = (d.colour[1] as number) * g;
          rgb[3 * i + 2] = (d.colour[2] as number) * g;
        }
        if (flow) {
          flow[2 * i] = u;
          flow[2 * i + 1] = v;
        }
        if (owner) owner[i] = code;
      }
    }
  }

  /** A static prop: world-fixed like the background, so its flow is the background's (already written). */
  private drawProp(index: number, camX: number, camY: number, targets: SceneRenderTargets): void {
    const scene = this.scene;
    const p = scene.props[index];
    if (!p) return;
    const { rgb, owner } = targets;
    if (!rgb && !owner) return;
    const W = scene.width;
    const H = scene.height;
    const cx = p.cx - camX;
    const cy = p.cy - camY;
    const r = p.size;
    const x0 = Math.max(0, Math.floor(cx - r));
    const x1 = Math.min(W - 1, Math.ceil(cx + r));
    const y0 = Math.max(0, Math.floor(cy - r));
    const y1 = Math.min(H - 1, Math.ceil(cy + r));
    const code = OWNER_PROP_BASE + index;
    for (let y = y0; y <= y1; y++) {
      const ly = y + 0.5 - cy;
      for (let x = x0; x <= x1; x++) {
        const lx = x + 0.5 - cx;
        const d2 = lx * lx + ly * ly;
        let inside: boolean;
        switch (p.shape) {
          case 'disc':
            inside = d2 <= r * r;
            break;
          case 'box':
            inside = Math.abs(lx) <= 0.8 * r && Math.abs(ly) <= r;
            break;
          case 'triangle':
            inside = ly >= -r && ly <= r && Math.abs(lx) <= 0.5 * (ly + r);
            break;
          default:
            inside = d2 <= r * r && d2 >= 0.3 * r * r;
        }
        if (!inside) continue;
        const i = y * W + x;
        if (rgb) {
          const g = 0.8 + (0.2 * (r - ly)) / (2 * r);
          rgb[3 * i] = (p.colour[0] as number) * g;
          rgb[3 * i + 1] = (p.colour[1] as number) * g;
          rgb[3 * i + 2] = (p.colour[2] as number) * g;
        }
        if (owner) owner[i] = code;
      }
    }
  }

  private drawOccluder(index: number, f: number, targets: SceneRenderTargets): void {
    const scene = this.scene;
    const o = scene.occluders[index];
    if (!o) return;
    const W = scene.width;
    const H = scene.height;
    const camX = scene.cameraX[f] as number;
    const camY = scene.cameraY[f] as number;
    const x0 = Math.max(0, Math.ceil(o.x1 - camX - 0.5));
    const x1 = Math.min(W - 1, Math.floor(o.x2 - camX - 0.5));
    const y0 = Math.max(0, Math.ceil(o.y1 - camY - 0.5));
    const y1 = Math.min(H - 1, Math.floor(o.y2 - camY - 0.5));
    const { rgb, flow, owner } = targets;
    const u = camX - (scene.cameraX[f + 1] as number);
    const v = camY - (scene.cameraY[f + 1] as number);
    const code = OWNER_OCCLUDER_BASE + index;
    for (let y = y0; y <= y1; y++) {
      for (let x = x0; x <= x1; x++) {
        const i = y * W + x;
        if (rgb) {
          const g = Math.floor((x + 0.5 + camX - (y + 0.5 + camY)) / 6) & 1 ? 1 : 0.8;
          rgb[3 * i] = (o.colour[0] as number) * g;
          rgb[3 * i + 1] = (o.colour[1] as number) * g;
          rgb[3 * i + 2] = (o.colour[2] as number) * g;
        }
        // Flow of a static world object is the background's (already written).
        if (flow) {
          flow[2 * i] = u;
          flow[2 * i + 1] = v;
        }
        if (owner) owner[i] = code;
      }
    }
  }
}

/** Smooth value noise in [0, 1] on the integer lattice (hash values, smoothstep interpolation). */
function valueNoise(seed: number, x: number, y: number): number {
  const ix = Math.floor(x);
  const iy = Math.floor(y);
  let fx = x - ix;
  let fy = y - iy;
  fx = fx * fx * (3 - 2 * fx);
  fy = fy * fy * (3 - 2 * fy);
  const s = 1 / 4294967296;
  const v00 = hash3(seed, ix, iy) * s;
  const v10 = hash3(seed, ix + 1, iy) * s;
  const v01 = hash3(seed, ix, iy + 1) * s;
  const v11 = hash3(seed, ix + 1, iy + 1) * s;
  return v00 + fx * (v10 - v00) + fy * (v01 - v00) + fx * fy * (v00 - v10 - v01 + v11);
}
