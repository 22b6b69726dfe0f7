import { availableParallelism, loadavg } from 'node:os';
import { defineBenchSuite } from '@tubekit/benchmarks';
import { createSynthTubes } from '@tubekit/datasets';
import { FrameCache } from '../src/frame-cache';

const synth = createSynthTubes({ preset: 'quick-v2', seed: 1 });
// 48 videos spread over the preset's 720 (train and test), as `quick` renders all of them.
const videos = Array.from({ length: 48 }, (_, i) => synth.dataset.videos[i * 15]!);

/** Wall seconds and this process's CPU seconds (worker threads included) of one preload. */
async function preload(workers: number) {
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  await new FrameCache(synth, 112).preload(videos, undefined, { workers });
  const used = process.cpuUsage(cpu0);
  return { wall: (performance.now() - t0) / 1000, cpu: (used.user + used.system) / 1e6 };
}

const round2 = (x: number) => Math.round(100 * x) / 100;

export default defineBenchSuite({
  name: 'step-bench: SynthTubes frames',
  cases: [
    {
      kind: 'measure',
      name: `FrameCache.preload quick-v2 at 112 px (rgb + flow), 1 vs ${Math.max(2, availableParallelism())} worker threads (videos/s wall; shared machines: see load)`,
      run: async () => {
        const n = Math.max(2, availableParallelism());
        const one = await preload(1);
        const many = await preload(n);
        return {
          videos: videos.length,
          load1: round2(loadavg()[0] ?? 0),
          videosPerS1: round2(videos.length / one.wall),
          videosPerCpuS1: round2(videos.length / one.cpu),
          [`videosPerS${n}`]: round2(videos.length / many.wall),
          [`cpuS${n}`]: round2(many.cpu),
          speedup: round2(one.wall / many.wall),
        };
      },
      targets: { videosPerS1: { atLeast: 3 } },
    },
  ],
});
