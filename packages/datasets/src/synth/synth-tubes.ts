import type { ActionDataset, GroundTruthTube, VideoAnnotation } from '../annotation-model';
import { describeValue } from '../format-error';
import { type FrameModality, GeneratedFrameSource } from '../frame-source';
import { LruCache } from '../lru-cache';
import { ORDER_FADE, ORDER_MIN_SEGMENT, SYNTH_CLASSES, SYNTH_POSE_CYCLES } from './classes';
import {
  checkSynthOptions,
  type SynthPreset,
  type SynthTubesConfig,
  type SynthVariant,
  synthPresetConfig,
} from './config';
import type { FlowDegradationScratch } from './flow-degradation';
import { encodeFlow } from './flow-encoding';
import { hash3 } from './prng';
import { SceneRenderer } from './renderer';
import { ACTION_RAMP, type ActorTrack, actorJoints, buildScene, type SceneScript } from './scene';
import { JOINTS, type PoseInput, skeletonBox } from './skeleton';
import {
  degradeFrameFlow,
  type ExactFrame,
  exactFrame,
  renderVideoFrames,
  type VideoFrameTargets,
} from './video-frames';

/** A generated SynthTubes dataset: ground truth up front, frames rendered lazily on read. */
export interface SynthTubes {
  /** The full config it was generated from (seed included). */
  readonly config: SynthTubesConfig;
  /** Labels, videos with GT tubes (1-based frames, `[x1, y1, x2, y2]` px), `train`/`test` splits. */
  readonly dataset: ActionDataset;
  /**
   * The frames of one video: `'rgb'` (values in [0, 1]) or `'flow'` — the forward flow from frame
   * t to t+1 of {@link SynthTubes.flowField} (exact, or with `config.flowErrors`), as the
   * 3-channel image of `encodeFlow` with `config.flowBound`. Sources of the 16 most recently used
   * (video, modality) pairs are reused, with their frame caches.
   */
  frameSource(video: string, modality: FrameModality): GeneratedFrameSource;
  /**
   * The forward flow t → t+1 of one frame in px (H×W×2) into `out`: with the config's
   * `flowErrors` unless `exact` is set or the config has none (then the renderer's exact field).
   */
  flowField(video: string, frame: number, out: Float32Array, options?: { exact?: boolean }): void;
  /** The video's scene script (actors, tracks, camera), for analyses and tests. */
  scene(video: string): SceneScript;
  /** A renderer for the video that also gives raw flow (px) and the owner mask. */
  renderer(video: string): SceneRenderer;
  /**
   * Every frame of one video as 8-bit frames (nframes × H × W × 3 bytes per modality, frame 1
   * first, optionally resized to `size` = [width, height]): the bytes of quantising (`quantizeFrame`)
   * what `frameSource(video, modality).read(f, { size })` gives, rendered in one pass per frame
   * for both modalities and without a float copy of every frame (for bulk rendering: worker
   * threads, caches).
   *
   * @example
   * const v = synth.dataset.videos[0]!;
   * const rgb = new Uint8Array(v.nframes * v.width * v.height * 3);
   * const flow = new Uint8Array(rgb.length);
   * synth.renderVideo(v.name, { rgb, flow });
   */
  renderVideo(video: string, targets: VideoFrameTargets, size?: readonly [number, number]): void;
}

/** Options of {@link createSynthTubes}: a named preset (with an optional seed) or a full config. */
export type SynthTubesOptions =
  | { preset: SynthPreset; seed?: number; variant?: SynthVariant }
  | SynthTubesConfig;

function check(ok: boolean, field: string, expected: string, value: unknown): void {
  if (ok) return;
  let got = describeValue(value);
  if (typeof value === 'object' && value !== null) {
    const text = JSON.stringify(value);
    got = text.length > 80 ? `${text.slice(0, 79)}…` : text;
  }
  throw new RangeError(`SynthTubes config: ${field} must be ${expected}, got ${got}`);
}

/**
 * Validates a config; throws a message naming the field and what was expected.
 *
 * @example
 * validateSynthConfig({ ...synthPresetConfig('quick'), width: 8 }); // throws: width must be an integer ≥ 16, got 8
 */
export function validateSynthConfig(c: SynthTubesConfig): void {
  const posInt = (v: number) => Number.isInteger(v) && v > 0;
  check(typeof c.name === 'string' && c.name.length > 0, 'name', 'a non-empty string', c.name);
  check(Number.isSafeInteger(c.seed), 'seed', 'a safe integer', c.seed);
  check(posInt(c.width) && c.width >= 16, 'width', 'an integer ≥ 16', c.width);
  check(posInt(c.height) && c.height >= 16, 'height', 'an integer ≥ 16', c.height);
  check(
    Number.isInteger(c.videos.train) && c.videos.train >= 0,
    'videos.train',
    'an integer ≥ 0',
    c.videos.train,
  );
  check(
    Number.isInteger(c.videos.test) && c.videos.test >= 0,
    'videos.test',
    'an integer ≥ 0',
    c.videos.test,
  );
  check(posInt(c.frames.min) && c.frames.min >= 10, 'frames.min', 'an integer ≥ 10', c.frames.min);
  check(
    Number.isInteger(c.frames.max) && c.frames.max >= c.frames.min,
    'frames.max',
    'an integer ≥ frames.min',
    c.frames.max,
  );
  check(
    c.actionFraction.min > 0 &&
      c.actionFraction.max <= 1 &&
      c.actionFraction.min <= c.actionFraction.max,
    'actionFraction',
    '0 < min ≤ max ≤ 1',
    c.actionFraction,
  );
  check(
    posInt(c.actors.min) && Number.isInteger(c.actors.max) && c.actors.max >= c.actors.min,
    'actors.min/max',
    'integers 1 ≤ min ≤ max',
    c.actors,
  );
  check(
    c.actors.minHeight >= 4 && c.actors.maxHeight >= c.actors.minHeight,
    'actors.minHeight/maxHeight',
    '4 ≤ minHeight ≤ maxHeight',
    c.actors,
  );
  check(
    c.actors.maxHeight <= 0.9 * c.height,
    'actors.maxHeight',
    `≤ 0.9 × height (${0.9 * c.height})`,
    c.actors.maxHeight,
  );
  check(
    c.actors.build === undefined || (c.actors.build > 0 && c.actors.build <= 3),
    'actors.build',
    'in (0, 3]',
    c.actors.build,
  );
  check(c.classes.length > 0, 'classes', 'a non-empty list', c.classes.length);
  c.classes.forEach((k, i) => {
    const at = `classes[${i}] (${k.name})`;
    check(
      typeof k.name === 'string' && /^[^/\s]+$/.test(k.name),
      `${at}.name`,
      'a non-empty name without "/" or spaces',
      k.name,
    );
    check(
      SYNTH_POSE_CYCLES.includes(k.cycle),
      `${at}.cycle`,
      `one of ${SYNTH_POSE_CYCLES.map((c) => `'${c}'`).join(', ')}`,
      k.cycle,
    );
    if (k.followedBy) {
      check(
        SYNTH_POSE_CYCLES.includes(k.followedBy.cycle) && k.followedBy.period >= 2,
        `${at}.followedBy`,
        'a known cycle with period ≥ 2 frames',
        k.followedBy,
      );
      check(k.speed === 0 && k.lift === 0, `${at}.speed/lift`, '0 for an order class', k);
      const shortest = 2 * (ORDER_MIN_SEGMENT + ACTION_RAMP + ORDER_FADE / 2);
      check(
        c.frames.min >= shortest,
        'frames.min',
        `≥ ${shortest} with order classes (two segments of ≥ ${ORDER_MIN_SEGMENT} frames)`,
        c.frames.min,
      );
    }
    check(k.period >= 2, `${at}.period`, '≥ 2 frames', k.period);
    check(
      k.speed >= 0 && k.lift >= 0 && k.lift <= 0.5,
      `${at}.speed/lift`,
      'speed ≥ 0 and lift in [0, 0.5]',
      k,
    );
    check(k.direction === 1 || k.direction === -1, `${at}.direction`, '1 or -1', k.direction);
  });
  check(
    new Set(c.classes.map((k) => k.name)).size === c.classes.length,
    'classes',
    'distinct names',
    c.classes.map((k) => k.name),
  );
  check(
    c.camera.maxPan >= 0 && c.camera.shake >= 0,
    'camera',
    'non-negative maxPan and shake',
    c.camera,
  );
  check(
    Number.isInteger(c.distractors.min) &&
      c.distractors.min >= 0 &&
      c.distractors.max >= c.distractors.min,
    'distractors',
    'integers 0 ≤ min ≤ max',
    c.distractors,
  );
  check(
    c.texture.cell > 0 && c.texture.contrast >= 0 && c.texture.contrast <= 0.5,
    'texture',
    'cell > 0 and contrast in [0, 0.5]',
    c.texture,
  );
  check(c.noise >= 0 && c.noise < 0.5, 'noise', 'in [0, 0.5)', c.noise);
  check(c.flowBound > 0, 'flowBound', '> 0 px/frame', c.flowBound);
  const e = c.flowErrors;
  if (e)
    check(
      Number.isInteger(e.boundary) &&
        e.boundary >= 0 &&
        Number.isInteger(e.smoothing) &&
        e.smoothing >= 0 &&
        e.noise >= 0 &&
        e.noiseCell > 0 &&
        typeof e.occlusion === 'boolean',
      'flowErrors',
      'integer boundary, smoothing ≥ 0, noise ≥ 0, noiseCell > 0, boolean occlusion',
      e,
    );
  if (c.sceneContext)
    check(
      c.sceneContext.rate >= 0 && c.sceneContext.rate <= 1,
      'sceneContext.rate',
      'in [0, 1]',
      c.sceneContext.rate,
    );
  const m = c.motion;
  if (m)
    check(
      m.amplitude > 0 &&
        m.amplitude <= 1 &&
        m.drift >= 0 &&
        m.travel >= 0 &&
        m.turnProbability >= 0 &&
        m.turnProbability <= 1,
      'motion',
      'amplitude in (0, 1], drift ≥ 0, travel ≥ 0, turnProbability in [0, 1]',
      m,
    );
  if (c.appearance)
    check(
      c.appearance.actorContrast >= 0 && c.appearance.actorContrast <= 1,
      'appearance.actorContrast',
      'in [0, 1]',
      c.appearance.actorContrast,
    );
}

/** Rounds a box outward to 1/100 px (so it still encloses the rendered actor) and clips it to the frame. */
function roundBoxOutward(box: Float64Array, o: number, width: number, height: number): void {
  const lo = (v: number, max: number) => Math.min(max, Math.max(0, Math.floor(v * 100) / 100));
  const hi = (v: number, max: number) => Math.min(max, Math.max(0, Math.ceil(v * 100) / 100));
  box[o] = lo(box[o] as number, width);
  box[o + 1] = lo(box[o + 1] as number, height);
  box[o + 2] = hi(box[o + 2] as number, width);
  box[o + 3] = hi(box[o + 3] as number, height);
}

const boxJoints = new Float64Array(JOINTS * 2);
const boxPoseInput: PoseInput = { cycle: 'gait', phase: 0, weight: 0, idlePhase: 0, lift: 0 };

/**
 * The GT box of actor `a` at frame f in frame pixels: the tight box around its body parts
 * (capsule extents), clipped to the frame and rounded outward to 1/100 px.
 *
 * @example
 * const scene = synth.scene(video.name);
 * const box = new Float64Array(4);
 * actorBoxAt(scene, scene.actors[0]!, 1, box); // [x1, y1, x2, y2] at frame 1
 */
export function actorBoxAt(
  scene: SceneScript,
  a: ActorTrack,
  f: number,
  out: Float64Array,
  offset = 0,
): void {
  const joints = boxJoints;
  actorJoints(a, f, joints, boxPoseInput);
  skeletonBox(joints, a.height * (a.scale[f] as number), out, offset, a.build);
  const cx = scene.cameraX[f] as number;
  const cy = scene.cameraY[f] as number;
  out[offset] = (out[offset] as number) - cx;
  out[offset + 1] = (out[offset + 1] as number) - cy;
  out[offset + 2] = (out[offset + 2] as number) - cx;
  out[offset + 3] = (out[offset + 3] as number) - cy;
  roundBoxOutward(out, offset, scene.width, scene.height);
}

function annotate(scene: SceneScript): VideoAnnotation {
  const tubes: GroundTruthTube[] = [];
  for (const a of scene.actors) {
    if (a.label < 0) continue;
    const length = a.end - a.start + 1;
    const boxes = new Float64Array(4 * length);
    for (let t = 0; t < length; t++) actorBoxAt(scene, a, a.start + t, boxes, 4 * t);
    tubes.push({ label: a.label, start: a.start, boxes });
  }
  return {
    name: scene.name,
    nframes: scene.nframes,
    width: scene.width,
    height: scene.height,
    tubes,
  };
}

/**
 * The `flowField` of a dataset: the renderer's exact flow, or that field degraded by
 * `config.flowErrors` (occlusions need frame t + 1's owners and flow; the last frame reuses its
 * own flow for them, its t + 2 being undefined).
 */
function flowFieldOf(
  config: SynthTubesConfig,
  sceneOf: (video: string) => SceneScript,
  rendererOf: (video: string) => SceneRenderer,
): SynthTubes['flowField'] {
  let buffers:
    | {
        current: ExactFrame;
        next: ExactFrame;
        scratch: FlowDegradationScratch;
        /** The (frame, video) whose exact flow and owners `next` holds ('' if none). */
        nextKey: string;
      }
    | undefined;
  return (video, frame, out, options) => {
    const scene = sceneOf(video);
    const renderer = rendererOf(video);
    const errors = config.flowErrors;
    if (!errors || options?.exact) {
      renderer.render(frame, { flow: out });
      return;
    }
    const N = scene.width * scene.height;
    if (!buffers || buffers.current.owner.length !== N)
      buffers = {
        current: exactFrame(N),
        next: exactFrame(N),
        scratch: { field: new Float32Array(2 * N), sums: new Float64Array(2 * scene.width) },
        nextKey: '',
      };
    const b = buffers;
    // Frames are mostly read in order: frame t + 1 of the last call is this call's frame t.
    if (b.nextKey === `${frame}:${video}`) [b.current, b.next] = [b.next, b.current];
    else renderer.render(frame, { flow: b.current.flow, owner: b.current.owner });
    b.nextKey = '';
    if (errors.occlusion) {
      if (frame < scene.nframes) {
        renderer.render(frame + 1, { flow: b.next.flow, owner: b.next.owner });
        b.nextKey = `${frame + 1}:${video}`;
      } else {
        renderer.render(frame + 1, { owner: b.next.owner });
        b.next.flow.set(b.current.flow);
      }
    }
    degradeFrameFlow(config, scene, frame, b.current, b.next, out, b.scratch);
  };
}

const SPLIT_TRAIN = 1;
const SPLIT_TEST = 2;

/**
 * Generates a SynthTubes dataset (reproduction.md, "SynthTubes"): untrimmed videos of 1–2
 * articulated actors whose classes are defined by motion (pairs that share a pose cycle and differ
 * in tempo, amplitude or direction — see {@link SYNTH_CLASSES}), with camera pan/shake, moving
 * distractors, occluders, textured background and sensor noise. The GT is computed here (cheap:
 * skeletons only); pixels are rendered lazily when a frame is read. Video `i` of a split has label
 * `i mod classes` (balanced splits) and its own seed `hash(seed, split, i)`, so videos do not
 * depend on each other. Same options → byte-identical frames and GT on every machine. The `-v2`
 * presets add flow errors, order classes, scene props and UCF101-24-sized actors (see
 * `synthPresetConfig`); `SynthTubesCache` renders a dataset once to disk.
 *
 * @example
 * const synth = createSynthTubes({ preset: 'smoke', seed: 1 });
 * const video = synth.dataset.videos[0]!;
 * const rgb = await synth.frameSource(video.name, 'rgb').read(1);   // 64·64·3 values in [0, 1]
 * const flow = await synth.frameSource(video.name, 'flow').read(1); // encoded (u, v, |flow|)
 */
export function createSynthTubes(options: SynthTubesOptions): SynthTubes {
  checkSynthOptions(options);
  const config: SynthTubesConfig =
    'preset' in options
      ? synthPresetConfig(options.preset, options.seed ?? 0, options.variant)
      : options;
  validateSynthConfig(config);
  const scenes: SceneScript[] = [];
  const byName = new Map<string, SceneScript>();
  const splits: Record<string, string[]> = { train: [], test: [] };
  const C = config.classes.length;
  let index = 0;
  for (const [split, count, id] of [
    ['train', config.videos.train, SPLIT_TRAIN],
    ['test', config.videos.test, SPLIT_TEST],
  ] as const) {
    for (let i = 0; i < count; i++) {
      const scene = buildScene(config, index, i % C, hash3(config.seed, id, i));
      scenes.push(scene);
      byName.set(scene.name, scene);
      splits[split]?.push(scene.name);
      index++;
    }
  }
  const dataset: ActionDataset = {
    dataset: config.name,
    labels: config.classes.map((c) => c.name),
    videos: scenes.map(annotate),
    splits,
  };
  const renderers = new LruCache<string, SceneRenderer>(8);
  // Recently used sources (each keeps its own LRU of rendered frames).
  const sources = new LruCache<string, GeneratedFrameSource>(16);
  const sceneOf = (video: string): SceneScript => {
    const scene = byName.get(video);
    if (!scene)
      throw new RangeError(
        `SynthTubes ${config.name}: no video named "${video}" (names look like "${scenes[0]?.name ?? 'walk/walk_0000'}")`,
      );
    return scene;
  };
  const rendererOf = (video: string): SceneRenderer => {
    let r = renderers.get(video);
    if (!r) {
      r = new SceneRenderer(sceneOf(video));
      renderers.set(video, r);
    }
    return r;
  };
  const flowField = flowFieldOf(config, sceneOf, rendererOf);
  return {
    config,
    dataset,
    scene: sceneOf,
    renderer: rendererOf,
    flowField,
    renderVideo: (video, targets, size) =>
      renderVideoFrames(config, sceneOf(video), rendererOf(video), targets, size),
    frameSource(video: string, modality: FrameModality): GeneratedFrameSource {
      const key = `${modality}:${video}`;
      const cached = sources.get(key);
      if (cached) return cached;
      const scene = sceneOf(video);
      const W = scene.width;
      const H = scene.height;
      let flow: Float32Array | undefined;
      const source = new GeneratedFrameSource({
        video,
        width: W,
        height: H,
        nframes: scene.nframes,
        render:
          modality === 'rgb'
            ? (frame, out) => rendererOf(video).render(frame, { rgb: out })
            : (frame, out) => {
                flow ??= new Float32Array(W * H * 2);
                flowField(video, frame, flow);
                encodeFlow(flow, config.flowBound, out);
              },
      });
      sources.set(key, source);
      return source;
    },
  };
}
