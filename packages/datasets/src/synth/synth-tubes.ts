import type { ActionDataset, GroundTruthTube, VideoAnnotation } from '../annotation-model';
import { describeValue } from '../format-error';
import { type FrameModality, GeneratedFrameSource } from '../frame-source';
import { LruCache } from '../lru-cache';
import { SYNTH_CLASSES } from './classes';
import {
  checkSynthOptions,
  type SynthPreset,
  type SynthTubesConfig,
  synthPresetConfig,
} from './config';
import { encodeFlow } from './flow-encoding';
import { hash3 } from './prng';
import { SceneRenderer } from './renderer';
import { type ActorTrack, actorJoints, buildScene, type SceneScript } from './scene';
import { JOINTS, type PoseInput, skeletonBox } from './skeleton';

/** A generated SynthTubes dataset: ground truth up front, frames rendered lazily on read. */
export interface SynthTubes {
  /** The full config it was generated from (seed included). */
  readonly config: SynthTubesConfig;
  /** Labels, videos with GT tubes (1-based frames, `[x1, y1, x2, y2]` px), `train`/`test` splits. */
  readonly dataset: ActionDataset;
  /**
   * The frames of one video: `'rgb'` (values in [0, 1]) or `'flow'` — the exact forward flow of
   * the renderer from frame t to t+1, as the 3-channel image of `encodeFlow` with
   * `config.flowBound`. Sources of the 16 most recently used (video, modality) pairs are reused,
   * with their frame caches.
   */
  frameSource(video: string, modality: FrameModality): GeneratedFrameSource;
  /** The video's scene script (actors, tracks, camera), for analyses and tests. */
  scene(video: string): SceneScript;
  /** A renderer for the video that also gives raw flow (px) and the owner mask. */
  renderer(video: string): SceneRenderer;
}

/** Options of {@link createSynthTubes}: a named preset (with an optional seed) or a full config. */
export type SynthTubesOptions = { preset: SynthPreset; seed?: number } | SynthTubesConfig;

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
      ['gait', 'arms', 'bounce', 'arm-circle'].includes(k.cycle),
      `${at}.cycle`,
      "one of 'gait', 'arms', 'bounce', 'arm-circle'",
      k.cycle,
    );
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
  skeletonBox(joints, a.height * (a.scale[f] as number), out, offset);
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

const SPLIT_TRAIN = 1;
const SPLIT_TEST = 2;

/**
 * Generates a SynthTubes dataset (reproduction.md, "SynthTubes"): untrimmed videos of 1–2
 * articulated actors whose classes are defined by motion (pairs that share a pose cycle and differ
 * in tempo, amplitude or direction — see {@link SYNTH_CLASSES}), with camera pan/shake, moving
 * distractors, occluders, textured background and sensor noise. The GT is computed here (cheap:
 * skeletons only); pixels are rendered lazily when a frame is read. Video `i` of a split has label
 * `i mod classes` (balanced splits) and its own seed `hash(seed, split, i)`, so videos do not
 * depend on each other. Same options → byte-identical frames and GT on every machine.
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
    'preset' in options ? synthPresetConfig(options.preset, options.seed ?? 0) : options;
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
  return {
    config,
    dataset,
    scene: sceneOf,
    renderer: rendererOf,
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
                rendererOf(video).render(frame, { flow });
                encodeFlow(flow, config.flowBound, out);
              },
      });
      sources.set(key, source);
      return source;
    },
  };
}
