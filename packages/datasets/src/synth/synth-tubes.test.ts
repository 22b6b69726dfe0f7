import { formatDatasetJson } from '../dataset-json';
import { validateDataset } from '../validate-dataset';
import { SYNTH_CLASSES } from './classes';
import { type SynthTubesConfig, synthPresetConfig } from './config';
import { OWNER_BACKGROUND, SceneRenderer } from './renderer';
import { type ActorTrack, poseInputAt } from './scene';
import { blendedPose, POSE_ANGLES, type PoseInput } from './skeleton';
import { stableCos, stableSin } from './stable-math';
import { createSynthTubes } from './synth-tubes';

function bytes(a: Float32Array): Buffer {
  return Buffer.from(a.buffer, a.byteOffset, a.byteLength);
}

describe('createSynthTubes', () => {
  it('gives byte-identical frames, flow and GT for the same seed, different ones for another', async () => {
    const a = createSynthTubes({ preset: 'smoke', seed: 5 });
    const b = createSynthTubes({ preset: 'smoke', seed: 5 });
    const c = createSynthTubes({ preset: 'smoke', seed: 6 });
    const gt = (s: typeof a) =>
      JSON.stringify(s.dataset, (_k, v) => (v instanceof Float64Array ? Array.from(v) : v));
    expect(gt(a)).toBe(gt(b));
    expect(gt(a)).not.toBe(gt(c));
    for (const video of a.dataset.videos.slice(0, 4)) {
      for (const modality of ['rgb', 'flow'] as const) {
        const fa = await a.frameSource(video.name, modality).read(video.nframes);
        const fb = await b.frameSource(video.name, modality).read(video.nframes);
        expect(bytes(fa).equals(bytes(fb))).toBe(true);
      }
    }
    const v0 = a.dataset.videos[0]!;
    const v0c = c.dataset.videos[0]!;
    const fa = await a.frameSource(v0.name, 'rgb').read(1);
    const fc = await c.frameSource(v0c.name, 'rgb').read(1);
    expect(bytes(fa).equals(bytes(fc))).toBe(false);
  });

  it('pins the exact bytes of frames, flow and GT (same on every machine)', async () => {
    // FNV-1a of the Float32 bytes. These change only when the generator changes on purpose:
    // then update them and say in the changeset that SynthTubes data changed.
    const fnv = (data: Uint8Array) => {
      let h = 0x811c9dc5;
      for (let i = 0; i < data.length; i++) h = Math.imul(h ^ (data[i] as number), 0x01000193);
      return (h >>> 0).toString(16).padStart(8, '0');
    };
    const s = createSynthTubes({ preset: 'smoke', seed: 0 });
    const video = s.dataset.videos[3]!;
    expect(video.name).toBe('clap/clap_0003');
    const rgb = await s.frameSource(video.name, 'rgb').read(video.nframes);
    const flow = await s.frameSource(video.name, 'flow').read(5);
    expect(fnv(new Uint8Array(rgb.buffer))).toBe('8c83f509');
    expect(fnv(new Uint8Array(flow.buffer))).toBe('fe97399d');
    expect(fnv(new TextEncoder().encode(formatDatasetJson(s.dataset)))).toBe('afcb2c60');
  });

  it('builds balanced train/test splits with untrimmed tubes in the canonical model', () => {
    const s = createSynthTubes({ preset: 'smoke' });
    const { dataset, config } = s;
    expect(dataset.labels).toEqual(config.classes.map((k) => k.name));
    expect(dataset.splits.train).toHaveLength(config.videos.train);
    expect(dataset.splits.test).toHaveLength(config.videos.test);
    let untrimmed = 0;
    for (const video of dataset.videos) {
      expect(video.name.startsWith(`${dataset.labels[video.tubes[0]!.label]}/`)).toBe(true);
      expect(video.nframes).toBeGreaterThanOrEqual(config.frames.min);
      expect(video.nframes).toBeLessThanOrEqual(config.frames.max);
      for (const tube of video.tubes) {
        const T = tube.boxes.length / 4;
        expect(tube.start).toBeGreaterThanOrEqual(1);
        expect(tube.start + T - 1).toBeLessThanOrEqual(video.nframes);
        if (tube.start > 1 || tube.start + T - 1 < video.nframes) untrimmed++;
        for (let t = 0; t < T; t++) {
          const [x1, y1, x2, y2] = tube.boxes.subarray(4 * t, 4 * t + 4);
          expect(x2!).toBeGreaterThan(x1!);
          expect(y2!).toBeGreaterThan(y1!);
          expect(x1!).toBeGreaterThanOrEqual(0);
          expect(x2!).toBeLessThanOrEqual(video.width);
        }
      }
    }
    expect(untrimmed).toBeGreaterThan(dataset.videos.length / 2);
  });

  it('keeps actors on screen before and after the action, at heights spanning 4×', () => {
    const s = createSynthTubes({ preset: 'quick', seed: 1 });
    const heights: number[] = [];
    let idleFramesChecked = 0;
    for (const video of s.dataset.videos.slice(0, 24)) {
      const scene = s.scene(video.name);
      const owner = new Uint8Array(video.width * video.height);
      const renderer = new SceneRenderer(scene);
      scene.actors.forEach((a, i) => {
        heights.push(a.height);
        if (a.label < 0 || a.start === 1) return;
        // Idle before the action: weight 0, yet the actor is drawn.
        expect(a.weight[a.start - 1]).toBe(0);
        renderer.render(a.start - 1, { owner });
        if (owner.includes(1 + i)) idleFramesChecked++;
      });
    }
    expect(idleFramesChecked).toBeGreaterThan(10);
    const { minHeight, maxHeight } = s.config.actors;
    expect(maxHeight / minHeight).toBeCloseTo(4, 1);
    expect(Math.min(...heights)).toBeLessThan(1.5 * minHeight);
    expect(Math.max(...heights)).toBeGreaterThan(0.6 * maxHeight);
  });

  it('passes the canonical-model validation of the readers', () => {
    const s = createSynthTubes({ preset: 'quick' });
    expect(() => validateDataset(s.dataset, s.config.name)).not.toThrow();
  });

  it('names the bad field of an invalid config', () => {
    const config = { ...synthPresetConfig('smoke'), width: 3 };
    expect(() => createSynthTubes(config)).toThrow(/width must be an integer ≥ 16, got 3/);
    const classes = [...SYNTH_CLASSES, { ...SYNTH_CLASSES[0]!, name: 'walk/fast' }];
    expect(() => createSynthTubes({ ...synthPresetConfig('smoke'), classes })).toThrow(
      /classes\[8\] \(walk\/fast\)\.name must be a non-empty name without "\/"/,
    );
    expect(() => createSynthTubes({ preset: 'smoke' }).frameSource('nope', 'rgb')).toThrow(
      /no video named "nope"/,
    );
  });
});

describe('SynthTubes ground truth', () => {
  it('encloses every rendered pixel of its actor, tightly when nothing occludes it', () => {
    const base = synthPresetConfig('smoke', 11);
    const clean: SynthTubesConfig = {
      ...base,
      videos: { train: 8, test: 0 },
      actors: { ...base.actors, min: 1, max: 1 },
      distractors: { min: 0, max: 0 },
      occluderProbability: 0,
    };
    for (const [config, tight] of [
      [base, false],
      [clean, true],
    ] as const) {
      const s = createSynthTubes(config);
      let checked = 0;
      const outside: string[] = [];
      for (const video of s.dataset.videos) {
        const scene = s.scene(video.name);
        const renderer = new SceneRenderer(scene);
        const owner = new Uint8Array(video.width * video.height);
        const acting = scene.actors.map((a, i) => [a, i] as const).filter(([a]) => a.label >= 0);
        expect(acting).toHaveLength(video.tubes.length);
        for (let k = 0; k < video.tubes.length; k++) {
          const tube = video.tubes[k]!;
          const code = 1 + acting[k]![1];
          for (let t = 0; t < tube.boxes.length / 4; t++) {
            renderer.render(tube.start + t, { owner });
            const [x1, y1, x2, y2] = tube.boxes.subarray(4 * t, 4 * t + 4) as unknown as number[];
            let mx1 = Number.POSITIVE_INFINITY;
            let my1 = Number.POSITIVE_INFINITY;
            let mx2 = Number.NEGATIVE_INFINITY;
            let my2 = Number.NEGATIVE_INFINITY;
            for (let y = 0; y < video.height; y++)
              for (let x = 0; x < video.width; x++) {
                if (owner[y * video.width + x] !== code) continue;
                // Pixel centres of the actor lie inside its GT box.
                if (x + 0.5 < x1! || x + 0.5 > x2! || y + 0.5 < y1! || y + 0.5 > y2!)
                  outside.push(`${video.name} frame ${tube.start + t} pixel ${x},${y}`);
                mx1 = Math.min(mx1, x);
                my1 = Math.min(my1, y);
                mx2 = Math.max(mx2, x + 1);
                my2 = Math.max(my2, y + 1);
              }
            if (tight) {
              expect(Math.abs(mx1 - x1!)).toBeLessThanOrEqual(1.5);
              expect(Math.abs(my1 - y1!)).toBeLessThanOrEqual(1.5);
              expect(Math.abs(mx2 - x2!)).toBeLessThanOrEqual(1.5);
              expect(Math.abs(my2 - y2!)).toBeLessThanOrEqual(1.5);
            }
            checked++;
          }
        }
      }
      expect(outside.slice(0, 5)).toEqual([]);
      expect(checked).toBeGreaterThan(50);
    }
  });
});

describe('SynthTubes optical flow', () => {
  it('warps each frame onto the next wherever a surface stays visible', () => {
    const config: SynthTubesConfig = {
      ...synthPresetConfig('quick', 3),
      videos: { train: 8, test: 0 },
      noise: 0,
    };
    const s = createSynthTubes(config);
    let warpError = 0;
    let stillError = 0;
    let count = 0;
    let moving = 0;
    for (const video of s.dataset.videos) {
      const W = video.width;
      const H = video.height;
      const r = s.renderer(video.name);
      const rgb0 = new Float32Array(W * H * 3);
      const rgb1 = new Float32Array(W * H * 3);
      const flow = new Float32Array(W * H * 2);
      const own0 = new Uint8Array(W * H);
      const own1 = new Uint8Array(W * H);
      for (const f of [2, Math.floor(video.nframes / 2)]) {
        r.render(f, { rgb: rgb0, flow, owner: own0 });
        r.render(f + 1, { rgb: rgb1, owner: own1 });
        for (let y = 0; y < H; y++)
          for (let x = 0; x < W; x++) {
            const i = y * W + x;
            const qx = x + (flow[2 * i] as number);
            const qy = y + (flow[2 * i + 1] as number);
            const x0 = Math.floor(qx);
            const y0 = Math.floor(qy);
            if (x0 < 0 || y0 < 0 || x0 + 1 >= W || y0 + 1 >= H) continue;
            const o = own0[i];
            const corners = [
              y0 * W + x0,
              y0 * W + x0 + 1,
              (y0 + 1) * W + x0,
              (y0 + 1) * W + x0 + 1,
            ];
            if (corners.some((j) => own1[j] !== o)) continue;
            // Stay away from texture/shape edges of the same owner: require the source pixel's
            // own neighbours to share its owner too.
            if (x === 0 || y === 0 || x === W - 1 || y === H - 1) continue;
            if (own0[i - 1] !== o || own0[i + 1] !== o || own0[i - W] !== o || own0[i + W] !== o)
              continue;
            const fx = qx - x0;
            const fy = qy - y0;
            for (let c = 0; c < 3; c++) {
              const v = (j: number) => rgb1[3 * j + c] as number;
              const [a, b, d, e] = corners as [number, number, number, number];
              const warped =
                (1 - fy) * ((1 - fx) * v(a) + fx * v(b)) + fy * ((1 - fx) * v(d) + fx * v(e));
              warpError += Math.abs(warped - (rgb0[3 * i + c] as number));
              stillError += Math.abs((rgb1[3 * i + c] as number) - (rgb0[3 * i + c] as number));
            }
            count++;
            if (
              Math.hypot(flow[2 * i] as number, flow[2 * i + 1] as number) > 0.5 &&
              o !== OWNER_BACKGROUND
            )
              moving++;
          }
      }
    }
    expect(count).toBeGreaterThan(10000);
    expect(moving).toBeGreaterThan(100);
    const meanWarp = warpError / (3 * count);
    const meanStill = stillError / (3 * count);
    expect(meanWarp).toBeLessThan(0.01);
    expect(meanWarp).toBeLessThan(meanStill / 3);
  });
});

/** Features of one actor at one frame: (sin, cos) of each pose angle. */
function poseFeatures(
  a: ActorTrack,
  f: number,
  input: PoseInput,
  angles: Float64Array,
  out: number[],
): void {
  poseInputAt(a, f, input);
  blendedPose(input, angles);
  for (let k = 0; k < POSE_ANGLES; k++)
    out.push(stableSin(angles[k] as number), stableCos(angles[k] as number));
}

/** Leave-one-out 1-nearest-neighbour accuracy of two labelled point sets. */
function nearestNeighbourAccuracy(a: number[][], b: number[][]): number {
  const points = [...a.map((p) => [p, 0] as const), ...b.map((p) => [p, 1] as const)];
  let correct = 0;
  for (let i = 0; i < points.length; i++) {
    let best = Number.POSITIVE_INFINITY;
    let label = -1;
    for (let j = 0; j < points.length; j++) {
      if (i === j) continue;
      let d = 0;
      const p = points[i]![0];
      const q = points[j]![0];
      for (let k = 0; k < p.length; k++) d += ((p[k] as number) - (q[k] as number)) ** 2;
      if (d < best) {
        best = d;
        label = points[j]![1];
      }
    }
    if (label === points[i]![1]) correct++;
  }
  return correct / points.length;
}

describe('SynthTubes paired classes', () => {
  const base = synthPresetConfig('smoke', 2);
  const s = createSynthTubes({
    ...base,
    videos: { train: 8 * 40, test: 0 },
    frames: { min: 48, max: 64 },
  });
  const input: PoseInput = { cycle: 'gait', phase: 0, weight: 0, idlePhase: 0, lift: 0 };
  const angles = new Float64Array(POSE_ANGLES);
  const gap = 2;
  const window = 8;
  const samples = (label: number, clip: boolean): number[][] => {
    const out: number[][] = [];
    for (const video of s.dataset.videos) {
      const scene = s.scene(video.name);
      for (const a of scene.actors) {
        if (a.label !== label) continue;
        // Frames in full action (weight 1), at most 3 per actor, spread over the interval.
        const full: number[] = [];
        for (let f = a.start; f + window <= a.end; f++)
          if (a.weight[f] === 1 && a.weight[f + window] === 1) full.push(f);
        for (let k = 0; k < 3 && k < full.length; k++) {
          const f = full[Math.floor(((k + 0.5) * full.length) / 3)]!;
          const features: number[] = [];
          poseFeatures(a, f, input, angles, features);
          if (clip) {
            poseFeatures(a, f + gap, input, angles, features);
            // Vertical lift range over an 8-frame clip relative to the actor's height (hop vs
            // jump: the renderer lifts the skeleton by lift·height·max(0, sin φ)).
            let lo = Number.POSITIVE_INFINITY;
            let hi = Number.NEGATIVE_INFINITY;
            for (let g = f; g <= f + window; g++) {
              const lift =
                (a.actionClass?.lift ?? 0) * Math.max(0, stableSin(a.phase[g] as number));
              lo = Math.min(lo, lift);
              hi = Math.max(hi, lift);
            }
            features.push(4 * (hi - lo));
          }
          out.push(features);
        }
      }
    }
    return out;
  };
  for (const [first, second] of [
    [0, 1],
    [2, 3],
    [4, 5],
    [6, 7],
  ] as const) {
    const names = `${s.dataset.labels[first]}/${s.dataset.labels[second]}`;
    it(`${names}: one frame's pose is at chance, a clip separates them`, () => {
      expect(samples(first, false).length).toBeGreaterThan(100);
      expect(samples(second, false).length).toBeGreaterThan(100);
      const frameAcc = nearestNeighbourAccuracy(samples(first, false), samples(second, false));
      const clipAcc = nearestNeighbourAccuracy(samples(first, true), samples(second, true));
      expect(frameAcc).toBeGreaterThan(0.35);
      expect(frameAcc).toBeLessThan(0.65);
      expect(clipAcc).toBeGreaterThan(0.85);
    });
  }
});
