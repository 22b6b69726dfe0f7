import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { defineBenchSuite } from '@tubekit/benchmarks';
import { ClipSampler } from '../src/clip-sampler';
import { quantizeFrame } from '../src/frame-bytes';
import { SynthTubesCache } from '../src/synth/synth-cache';
import { createSynthTubes } from '../src/synth/synth-tubes';

const quick = createSynthTubes({ preset: 'quick', seed: 0 });
const videos = quick.dataset.videos.slice(0, 16);
const W = quick.config.width;
const H = quick.config.height;
const rgb = new Float32Array(W * H * 3);
const flow = new Float32Array(W * H * 2);

/** Cycles through the frames of 16 quick-preset videos (112×112), one frame per call. */
function cursor() {
  let v = 0;
  let f = 1;
  return () => {
    const video = videos[v]!;
    const frame = f;
    if (++f > video.nframes) {
      f = 1;
      v = (v + 1) % videos.length;
    }
    return { renderer: quick.renderer(video.name), frame };
  };
}
const quickV2 = createSynthTubes({ preset: 'quick-v2', seed: 0 });
const v2Videos = quickV2.dataset.videos.slice(0, 16);
let v2Video = 0;
let v2Frame = 1;
const nextRgb = cursor();
const nextBoth = cursor();
const nextSource = cursor();

const sampler = new ClipSampler(quick.dataset, {
  split: 'train',
  K: 6,
  step: 6,
  seed: 1,
  size: [96, 96],
  augment: { flip: true, crop: { minScale: 0.8 } },
});
const clips = sampler.epoch(0).slice(0, 64);
let clipIndex = 0;

export default defineBenchSuite({
  name: 'datasets: SynthTubes',
  cases: [
    {
      kind: 'micro',
      name: 'render RGB frame 112×112 (quick preset, one core)',
      fn: () => {
        const { renderer, frame } = nextRgb();
        renderer.render(frame, { rgb });
      },
      units: { perCall: 1, name: 'frames' },
      target: { atLeastPerSecond: 500 },
      timeMs: 1500,
    },
    {
      kind: 'micro',
      name: 'render RGB + exact flow 112×112',
      fn: () => {
        const { renderer, frame } = nextBoth();
        renderer.render(frame, { rgb, flow });
      },
      units: { perCall: 1, name: 'frames' },
      timeMs: 1000,
    },
    {
      kind: 'micro',
      name: 'quick-v2: flow with errors 112×112 (flowField, frames in order)',
      fn: () => {
        const video = v2Videos[v2Video]!;
        quickV2.flowField(video.name, v2Frame, flow);
        if (++v2Frame > video.nframes) {
          v2Frame = 1;
          v2Video = (v2Video + 1) % v2Videos.length;
        }
      },
      units: { perCall: 1, name: 'frames' },
      target: { atLeastPerSecond: 100 },
      timeMs: 1500,
    },
    {
      kind: 'measure',
      name: 'quick-v2 videos, rgb + flow as 8-bit frames: frame sources frame by frame vs renderVideo (per CPU second, one thread)',
      run: async () => {
        // 12 videos spread over the preset (as FrameCache.preload renders all 720 of them).
        const all = quickV2.dataset.videos;
        const videos = Array.from({ length: 12 }, (_, i) => all[i * 60]!);
        const cpuSeconds = (since: NodeJS.CpuUsage) => {
          const used = process.cpuUsage(since);
          return (used.user + used.system) / 1e6;
        };
        const S = quickV2.config.width;
        const frameBytes = S * S * 3;
        const viaSources = async (v: (typeof videos)[number]) => {
          for (const modality of ['rgb', 'flow'] as const) {
            const bytes = new Uint8Array(v.nframes * frameBytes);
            const source = quickV2.frameSource(v.name, modality);
            for (let f = 1; f <= v.nframes; f++)
              quantizeFrame(bytes, (f - 1) * frameBytes, await source.read(f), frameBytes);
          }
        };
        const viaRenderVideo = (v: (typeof videos)[number]) => {
          const rgb = new Uint8Array(v.nframes * frameBytes);
          quickV2.renderVideo(v.name, { rgb, flow: new Uint8Array(rgb.length) });
        };
        // Warm both paths up (JIT) on another video first.
        await viaSources(all[1]!);
        viaRenderVideo(all[1]!);
        let t0 = process.cpuUsage();
        for (const v of videos) await viaSources(v);
        const framesSeconds = cpuSeconds(t0);
        t0 = process.cpuUsage();
        for (const v of videos) viaRenderVideo(v);
        const renderVideoSeconds = cpuSeconds(t0);
        const frames = videos.reduce((n, v) => n + v.nframes, 0);
        return {
          videos: videos.length,
          frames,
          renderVideoVideosPerS: Math.round((100 * videos.length) / renderVideoSeconds) / 100,
          renderVideoFramesPerS: Math.round(frames / renderVideoSeconds),
          frameSourceVideosPerS: Math.round((100 * videos.length) / framesSeconds) / 100,
          speedup: Math.round((100 * framesSeconds) / renderVideoSeconds) / 100,
        };
      },
      targets: { renderVideoVideosPerS: { atLeast: 3 } },
    },
    {
      kind: 'measure',
      name: 'SynthTubesCache: render + write, then load 8 quick-v2 videos (rgb + flow, per CPU second)',
      run: async () => {
        const dir = mkdtempSync(join(tmpdir(), 'synth-cache-bench-'));
        try {
          const synth = createSynthTubes({
            ...quickV2.config,
            videos: { train: 8, test: 0 },
          });
          const frames = synth.dataset.videos.reduce((n, v) => n + v.nframes, 0);
          // CPU time of this process: the machine is shared, wall time is noise.
          const cpuSeconds = (since: NodeJS.CpuUsage) => {
            const used = process.cpuUsage(since);
            return (used.user + used.system) / 1e6;
          };
          let t0 = process.cpuUsage();
          await new SynthTubesCache(synth, { dir }).prepare();
          const renderSeconds = cpuSeconds(t0);
          t0 = process.cpuUsage();
          const cache = new SynthTubesCache(createSynthTubes(synth.config), { dir });
          await cache.prepare();
          for (const v of synth.dataset.videos)
            for (const m of ['rgb', 'flow'] as const) {
              const source = cache.frameSource(v.name, m);
              for (let f = 1; f <= v.nframes; f++) source.readSync(f);
            }
          const loadSeconds = cpuSeconds(t0);
          return {
            frames,
            renderFps: Math.round(frames / renderSeconds),
            loadFps: Math.round(frames / loadSeconds),
            loadSpeedup: Math.round((10 * renderSeconds) / loadSeconds) / 10,
          };
        } finally {
          rmSync(dir, { recursive: true, force: true });
        }
      },
      targets: { loadSpeedup: { atLeast: 2 } },
    },
    {
      kind: 'micro',
      name: 'frameSource(rgb).read resized to 96×96',
      fn: async () => {
        const { renderer, frame } = nextSource();
        await quick.frameSource(renderer.scene.name, 'rgb').read(frame, { size: [96, 96] });
      },
      units: { perCall: 1, name: 'frames' },
      timeMs: 1000,
    },
    {
      kind: 'micro',
      name: 'ClipSampler.load K=6 rgb+flow, flip/crop, 96×96',
      fn: async () => {
        const clip = clips[clipIndex++ % clips.length]!;
        await sampler.load(clip, {
          rgb: quick.frameSource(clip.video, 'rgb'),
          flow: quick.frameSource(clip.video, 'flow'),
        });
      },
      units: { perCall: 1, name: 'clips' },
      timeMs: 1000,
    },
    {
      kind: 'measure',
      name: 'createSynthTubes: GT of every preset',
      run: () => {
        const out: Record<string, number> = {};
        for (const preset of ['smoke', 'quick', 'full', 'quick-v2'] as const) {
          const t0 = performance.now();
          const s = createSynthTubes({ preset, seed: 0 });
          out[`${preset}Ms`] = Math.round(performance.now() - t0);
          out[`${preset}Frames`] = s.dataset.videos.reduce((n, v) => n + v.nframes, 0);
        }
        return out;
      },
      targets: { quickMs: { atMost: 2000 }, 'quick-v2Ms': { atMost: 5000 } },
    },
  ],
});
