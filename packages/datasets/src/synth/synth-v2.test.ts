import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { formatDatasetJson } from '../dataset-json';
import { validateDataset } from '../validate-dataset';
import { ORDER_MIN_SEGMENT, SYNTH_CLASSES_V2 } from './classes';
import { type SynthTubesConfig, type SynthVariant, synthPresetConfig } from './config';
import { OWNER_BACKGROUND, OWNER_DISTRACTOR_BASE, OWNER_PROP_BASE } from './renderer';
import { type ActorTrack, poseInputAt } from './scene';
import { blendedPose, POSE_ANGLES, type PoseInput } from './skeleton';
import { stableCos, stableSin } from './stable-math';
import { SynthTubesCache } from './synth-cache';
import { createSynthTubes } from './synth-tubes';

const fnv = (data: Uint8Array) => {
  let h = 0x811c9dc5;
  for (let i = 0; i < data.length; i++) h = Math.imul(h ^ (data[i] as number), 0x01000193);
  return (h >>> 0).toString(16).padStart(8, '0');
};
const bytesOf = (a: Float32Array) => new Uint8Array(a.buffer, a.byteOffset, a.byteLength);
/** Byte equality without jest's element-by-element diffing of large arrays. */
const same = (a: Float32Array, b: Float32Array) => Buffer.from(bytesOf(a)).equals(bytesOf(b));
const median = (values: number[]) => values.sort((a, b) => a - b)[Math.floor(values.length / 2)]!;

/** Only the GT (scene scripts), no pixels: `videos` train videos of a v2 preset. */
function scripts(videos: number, patch: Partial<SynthTubesConfig> = {}) {
  return createSynthTubes({
    ...synthPresetConfig('smoke-v2', 4),
    videos: { train: videos, test: 0 },
    ...patch,
  });
}

describe('SynthTubes v2 presets', () => {
  it('keep the v1 presets as they were and are deterministic per seed', async () => {
    for (const preset of ['smoke', 'quick', 'full'] as const) {
      const c = synthPresetConfig(preset);
      expect(c.flowErrors ?? c.sceneContext ?? c.motion ?? c.appearance).toBeUndefined();
      expect(c.actors.build).toBeUndefined();
    }
    const a = createSynthTubes({ preset: 'smoke-v2', seed: 3 });
    const b = createSynthTubes({ preset: 'smoke-v2', seed: 3 });
    expect(formatDatasetJson(a.dataset)).toBe(formatDatasetJson(b.dataset));
    expect(() => validateDataset(a.dataset, a.config.name)).not.toThrow();
    const video = a.dataset.videos[9]!; // an order class
    expect(video.name).toBe('bow-kick/bow-kick_0009');
    const hashes: string[] = [];
    for (const s of [a, b]) {
      const rgb = await s.frameSource(video.name, 'rgb').read(7);
      const flow = await s.frameSource(video.name, 'flow').read(7);
      hashes.push(`${fnv(bytesOf(rgb))} ${fnv(bytesOf(flow))}`);
    }
    expect(hashes[0]).toBe(hashes[1]);
    // Pinned like the v1 bytes: change only on purpose, with a changeset.
    expect(hashes[0]).toBe('f8fbf5d5 379b42a0');
    expect(fnv(new TextEncoder().encode(formatDatasetJson(a.dataset)))).toBe('4dec19c7');
  });

  it('draw actors of UCF101-24 size, at least 10 px wide at 112 px', () => {
    const quick = synthPresetConfig('quick-v2', 1);
    expect(quick.videos.train).toBe(600);
    // smoke-v2 draws actors exactly like quick-v2 (same frame size and heights).
    const s = scripts(240);
    expect(s.config.width).toBe(quick.width);
    expect(s.config.actors).toEqual(quick.actors);
    const heights: number[] = [];
    const widths: number[] = [];
    for (const video of s.dataset.videos.slice(0, 240))
      for (const tube of video.tubes)
        for (let t = 0; t < tube.boxes.length / 4; t++) {
          const [x1, y1, x2, y2] = tube.boxes.subarray(4 * t, 4 * t + 4) as unknown as number[];
          widths.push(x2! - x1!);
          heights.push((y2! - y1!) / video.height);
        }
    expect(Math.min(...widths)).toBeGreaterThanOrEqual(10);
    expect(median(heights)).toBeGreaterThan(0.5);
    expect(median(heights)).toBeLessThan(0.6);
    expect(median(widths) / 112).toBeGreaterThan(0.19);
    expect(median(widths) / 112).toBeLessThan(0.27);
  });
});

/** (sin, cos) of the blended pose angles of actor a at frame f. */
function pose(a: ActorTrack, f: number, input: PoseInput, angles: Float64Array): number[] {
  poseInputAt(a, f, input);
  blendedPose(input, angles);
  const out: number[] = [];
  for (let k = 0; k < POSE_ANGLES; k++)
    out.push(stableSin(angles[k] as number), stableCos(angles[k] as number));
  return out;
}

/** Leave-one-out 1-nearest-neighbour accuracy over labelled feature vectors. */
function nearestNeighbourAccuracy(points: (readonly [number[], number])[]): number {
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

describe('SynthTubes order classes', () => {
  const s = scripts(12 * 30);
  const input: PoseInput = { cycle: 'gait', phase: 0, weight: 0, idlePhase: 0, lift: 0 };
  const angles = new Float64Array(POSE_ANGLES);
  for (const [first, second] of [
    [8, 9],
    [10, 11],
  ] as const) {
    const names = `${SYNTH_CLASSES_V2[first]!.name}/${SYNTH_CLASSES_V2[second]!.name}`;
    it(`${names}: 12-frame windows inside a segment are at chance, the whole action separates`, () => {
      const windows: [number[], number][] = [];
      const wholes: [number[], number][] = [];
      for (const video of s.dataset.videos) {
        for (const a of s.scene(video.name).actors) {
          if (a.label !== first && a.label !== second) continue;
          const split = a.split as number;
          // Each segment holds ≥ ORDER_MIN_SEGMENT frames of one sub-action in full action.
          const pure = (f: number) => a.weight[f] === 1 && (a.mix![f] === 0 || a.mix![f] === 1);
          let run = 0;
          const longest = [0, 0];
          for (let f = a.start; f <= a.end; f++) {
            run = pure(f) && (run === 0 || a.mix![f] === a.mix![f - 1]) ? run + 1 : pure(f) ? 1 : 0;
            longest[f < split ? 0 : 1] = Math.max(longest[f < split ? 0 : 1]!, run);
          }
          expect(Math.min(...longest)).toBeGreaterThanOrEqual(ORDER_MIN_SEGMENT);
          // One 12-frame window per segment, taken where the segment is pure.
          for (const [lo, hi] of [
            [a.start, split - 1],
            [split, a.end],
          ] as const) {
            for (let f = lo; f + 11 <= hi; f++) {
              let ok = true;
              for (let g = f; g <= f + 11; g++) ok &&= pure(g) && a.mix![g] === a.mix![f];
              if (!ok) continue;
              const features: number[] = [];
              for (let g = f; g <= f + 11; g += 2) features.push(...pose(a, g, input, angles));
              windows.push([features, a.label]);
              break;
            }
          }
          // The whole action: mean pose of its first and of its second half.
          const mid = Math.floor((a.start + a.end) / 2);
          const half = (lo: number, hi: number) => {
            const sum = new Array<number>(2 * POSE_ANGLES).fill(0);
            for (let f = lo; f <= hi; f++)
              pose(a, f, input, angles).forEach((v, k) => {
                sum[k] = sum[k]! + v / (hi - lo + 1);
              });
            return sum;
          };
          wholes.push([[...half(a.start, mid), ...half(mid + 1, a.end)], a.label]);
        }
      }
      expect(windows.length).toBeGreaterThan(80);
      const windowAcc = nearestNeighbourAccuracy(windows);
      expect(windowAcc).toBeGreaterThan(0.3);
      expect(windowAcc).toBeLessThan(0.7);
      expect(nearestNeighbourAccuracy(wholes)).toBeGreaterThan(0.9);
    });
  }
});

describe('SynthTubes scene context', () => {
  it('gives the class prop at the configured rate, and draws it', () => {
    for (const rate of [0, 0.5, 1]) {
      const s = scripts(300, { sceneContext: { rate } });
      let own = 0;
      for (const video of s.dataset.videos) {
        const scene = s.scene(video.name);
        expect(scene.props).toHaveLength(1);
        if (scene.props[0]!.propClass === scene.label) own++;
      }
      expect(Math.abs(own / 300 - rate)).toBeLessThan(0.07);
    }
    const s = scripts(2);
    const owner = new Uint8Array(112 * 112);
    s.renderer(s.dataset.videos[0]!.name).render(1, { owner });
    expect(owner.includes(OWNER_PROP_BASE)).toBe(true);
  });
});

describe('SynthTubes flow errors', () => {
  const base = synthPresetConfig('smoke-v2', 5);
  const W = 112;
  const N = W * W;
  const exact = new Float32Array(2 * N);
  const degraded = new Float32Array(2 * N);
  const owner = new Uint8Array(N);

  /**
   * Mean end-point error of the degraded flow on actor pixels that move relative to the camera,
   * over their mean motion, and its mean on the background (every 4th frame of each video).
   */
  const flowErrors = (s: ReturnType<typeof scripts>) => {
    let actorError = 0;
    let actorMotion = 0;
    let actorCount = 0;
    let backgroundError = 0;
    let backgroundCount = 0;
    for (const video of s.dataset.videos) {
      const scene = s.scene(video.name);
      for (let f = 2; f < video.nframes; f += 4) {
        s.renderer(video.name).render(f, { flow: exact, owner });
        s.flowField(video.name, f, degraded);
        const u0 = (scene.cameraX[f] as number) - (scene.cameraX[f + 1] as number);
        const v0 = (scene.cameraY[f] as number) - (scene.cameraY[f + 1] as number);
        for (let i = 0; i < N; i++) {
          const e = Math.hypot(
            degraded[2 * i]! - exact[2 * i]!,
            degraded[2 * i + 1]! - exact[2 * i + 1]!,
          );
          const o = owner[i]!;
          if (o === OWNER_BACKGROUND) {
            backgroundError += e;
            backgroundCount++;
          } else if (o < OWNER_DISTRACTOR_BASE) {
            const m = Math.hypot(exact[2 * i]! - u0, exact[2 * i + 1]! - v0);
            if (m < 0.5) continue;
            actorError += e;
            actorMotion += m;
            actorCount++;
          }
        }
      }
    }
    return {
      actorCount,
      relative: actorError / actorMotion,
      background: backgroundError / backgroundCount,
    };
  };

  it('keeps the end-point error on moving actors near half their motion, small on the background', () => {
    const { actorCount, relative, background } = flowErrors(scripts(4, { seed: 5 }));
    expect(actorCount).toBeGreaterThan(1000);
    expect(relative).toBeGreaterThan(0.25);
    expect(relative).toBeLessThan(0.6);
    expect(background).toBeLessThan(0.35);
    expect(background).toBeGreaterThan(0.05);
  });

  it('loses more of the moving actors motion on motion-hard-v2', () => {
    const plain = flowErrors(scripts(4, { seed: 5 }));
    const hard = flowErrors(
      scripts(4, {
        ...synthPresetConfig('smoke-v2', 5, 'motion-hard-v2'),
        videos: { train: 4, test: 0 },
      }),
    );
    // measured: 0.69 of the actors' motion against 0.45 on the plain preset
    expect(hard.actorCount).toBeGreaterThan(500);
    expect(hard.relative).toBeGreaterThan(1.4 * plain.relative);
  });

  it('gives the exact field on request or without errors, and each error term changes it', () => {
    const none = { occlusion: false, boundary: 0, smoothing: 0, noise: 0, noiseCell: 8 };
    const fields: Record<string, string> = {};
    for (const [name, errors] of [
      ['none', none],
      ['occlusion', { ...none, occlusion: true }],
      ['boundary', { ...none, boundary: 1 }],
      ['smoothing', { ...none, smoothing: 2 }],
      ['noise', { ...none, noise: 0.3 }],
    ] as const) {
      const s = scripts(1, { seed: 5, flowErrors: errors });
      const video = s.dataset.videos[0]!.name;
      s.flowField(video, 10, degraded);
      fields[name] = fnv(bytesOf(degraded));
      s.flowField(video, 10, degraded, { exact: true });
      s.renderer(video).render(10, { flow: exact });
      expect(fnv(bytesOf(degraded))).toBe(fnv(bytesOf(exact)));
      fields.exact = fnv(bytesOf(exact));
    }
    expect(fields.none).toBe(fields.exact);
    // In-order reads reuse frame t + 1's render: the same bytes as a read out of order.
    const s = scripts(1, { seed: 5 });
    const video = s.dataset.videos[0]!.name;
    s.flowField(video, 11, degraded);
    const direct = fnv(bytesOf(degraded));
    s.flowField(video, 10, degraded);
    s.flowField(video, 11, degraded);
    expect(fnv(bytesOf(degraded))).toBe(direct);
    for (const name of ['occlusion', 'boundary', 'smoothing', 'noise'])
      expect(fields[name]).not.toBe(fields.exact);
    expect(base.flowErrors).toBeDefined();
  });
});

describe('SynthTubes variants', () => {
  /** Mean per-frame actor displacement on screen (or in the scene, without the camera's). */
  const travel = (s: ReturnType<typeof scripts>, camera = true) => {
    let sum = 0;
    let count = 0;
    for (const video of s.dataset.videos) {
      const scene = s.scene(video.name);
      for (const a of scene.actors)
        for (let f = 1; f < video.nframes; f++) {
          const pan = camera ? scene.cameraX[f + 1]! - scene.cameraX[f]! : 0;
          const dx = a.x[f + 1]! - a.x[f]! - pan;
          sum += Math.abs(dx) / a.height;
          count++;
        }
    }
    return sum / count;
  };
  const of = (variant?: SynthVariant) => {
    const c = synthPresetConfig('smoke-v2', 6, variant);
    return createSynthTubes({ ...c, videos: { train: 48, test: 0 } });
  };
  it('dynamic moves actors more, static less; motion-hard barely acts; appearance-hard lowers contrast', () => {
    const plain = of();
    expect(of('dynamic').config.name).toBe('synthtubes-smoke-v2-dynamic');
    expect(travel(of('dynamic'))).toBeGreaterThan(2 * travel(plain));
    expect(travel(of('static'))).toBeLessThan(0.8 * travel(plain));
    const hard = of('motion-hard');
    for (const video of hard.dataset.videos)
      for (const a of hard.scene(video.name).actors)
        expect(Math.max(...a.weight)).toBeLessThanOrEqual(0.3);
    const spread = (s: ReturnType<typeof of>) => {
      let sum = 0;
      for (const video of s.dataset.videos) {
        const scene = s.scene(video.name);
        const bg = [0, 1, 2].map(
          (c) => (scene.background.colourA[c]! + scene.background.colourB[c]!) / 2,
        );
        for (const a of scene.actors)
          for (let k = 0; k < a.palette.length; k++) sum += Math.abs(a.palette[k]! - bg[k % 3]!);
      }
      return sum;
    };
    expect(spread(of('appearance-hard'))).toBeLessThan(0.4 * spread(plain));
    expect(spread(of('appearance-hard-v2'))).toBeLessThan(0.2 * spread(plain));
    expect(of('appearance-hard-v2').config.noise).toBe(0.1);
  });

  it('motion-hard-v2 keeps the full poses, holds the actors in place and degrades the flow more', () => {
    const plain = of();
    const hard = of('motion-hard-v2');
    expect(hard.config.name).toBe('synthtubes-smoke-v2-motion-hard-v2');
    let peak = 0;
    for (const video of hard.dataset.videos)
      for (const a of hard.scene(video.name).actors) peak = Math.max(peak, ...a.weight);
    expect(peak).toBe(1);
    // only the walkers' own gait moves an actor across the scene
    expect(travel(hard, false)).toBeLessThan(0.8 * travel(plain, false));
    expect(hard.config.camera.maxPan).toBe(2.5 * plain.config.camera.maxPan);
    const e = plain.config.flowErrors!;
    expect(hard.config.flowErrors).toEqual({
      ...e,
      boundary: 2 * e.boundary,
      smoothing: e.smoothing + 1,
      noise: 3 * e.noise,
    });
  });

  it('names a bad new option', () => {
    const c = synthPresetConfig('smoke-v2');
    expect(() => createSynthTubes({ ...c, frames: { min: 20, max: 40 } })).toThrow(
      /frames\.min must be ≥ 36 with order classes/,
    );
    expect(() => createSynthTubes({ ...c, sceneContext: { rate: 1.5 } })).toThrow(
      /sceneContext\.rate must be in \[0, 1\], got 1\.5/,
    );
  });
});

describe('SynthTubesCache', () => {
  it('renders once, reads back the same 8-bit frames, and re-renders a damaged file', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'synth-cache-'));
    try {
      // Small frames: rendering under jest is far slower than under node.
      const base = synthPresetConfig('smoke-v2', 2);
      const synth = createSynthTubes({
        ...base,
        width: 48,
        height: 48,
        videos: { train: 2, test: 0 },
        frames: { min: 36, max: 36 },
        actors: { ...base.actors, minHeight: 19, maxHeight: 30 },
      });
      const first = new SynthTubesCache(synth, { dir });
      const summary = await first.prepare();
      expect(summary).toMatchObject({ rendered: 2, cached: 0, damaged: [] });
      const video = synth.dataset.videos[1]!.name;
      const rendered = synth.frameSource(video, 'flow').readSync(5);
      const quantised = rendered.map((v) => Math.round(255 * v) / 255);
      const cold = first.frameSource(video, 'flow').readSync(5);
      expect(same(cold, quantised)).toBe(true);
      expect(same(cold, rendered)).toBe(false);

      const damaged: string[] = [];
      const second = new SynthTubesCache(createSynthTubes({ ...synth.config }), {
        dir,
        onDamaged: (path, reason) => damaged.push(`${path}: ${reason}`),
      });
      expect(await second.prepare()).toMatchObject({ rendered: 0, cached: 2 });
      expect(same(second.frameSource(video, 'flow').readSync(5), cold)).toBe(true);

      // Flip one payload byte: the checksum catches it on load.
      const path = second.pathOf(video);
      const file = readFileSync(path);
      file[file.length - 7] ^= 0xff;
      writeFileSync(path, file);
      const third = new SynthTubesCache(synth, {
        dir,
        onDamaged: (p, reason) => damaged.push(`${p}: ${reason}`),
      });
      expect(same(third.frameSource(video, 'flow').readSync(5), cold)).toBe(true);
      expect(damaged).toEqual([`${path}: checksum mismatch`]);
      expect(readFileSync(`${path}.damaged`).equals(file)).toBe(true);
      // Truncated: prepare sees the wrong size.
      writeFileSync(path, file.subarray(0, 100));
      const fourth = await third.prepare();
      expect(fourth.damaged).toEqual([path]);
      expect(fourth.rendered).toBe(1);
      // Parts split the videos between processes.
      const parts = [0, 1].map((index) => third.prepare(undefined, { index, count: 2 }));
      expect((await Promise.all(parts)).map((p) => p.cached)).toEqual([1, 1]);
      await expect(third.prepare(undefined, { index: 2, count: 2 })).rejects.toThrow(
        /part must be integers 0 ≤ index < count/,
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
