import { defineBenchSuite } from '@tubekit/benchmarks';
import { initBackend } from '@tubekit/nn';
import type { BenchVideo } from '../src/bench-data';
import { PROFILES, stepProfileOf } from '../src/profiles';
import { detectionFps } from '../src/timing';
import { freshStreamTrunks } from '../src/trunks';

const quick = PROFILES.quick;
const S = stepProfileOf(quick).frameSize;
const T = 24;
const frames = () => Float32Array.from({ length: T * S * S * 3 }, (_, i) => (i % 97) / 97);
const video: BenchVideo = {
  variant: 'plain',
  annotation: { name: 'bench/v', nframes: T, width: S, height: S, tubes: [] },
  rgb: frames(),
  flow: frames(),
};

async function fps(stages: number): Promise<Record<string, number>> {
  await initBackend({ log: () => undefined });
  const trunks = freshStreamTrunks(quick);
  detectionFps(quick, trunks, video, 8, stages); // warm-up
  const value = detectionFps(quick, trunks, video, 8, stages);
  trunks.rgb.dispose();
  trunks.flow.dispose();
  return { fps: value };
}

/**
 * PCSC on the trunks, CPU (quick profile: step's quick trunks' frame size, 8 classes, both streams' trunks, FPN and
 * heads): detection fps of `timingFrames` key frames by number of refinement stages.
 */
export default defineBenchSuite({
  name: 'heads/cross-stream: PCSC detection fps by stage count',
  cases: Array.from({ length: quick.stages + 1 }, (_, stages) => ({
    kind: 'measure' as const,
    name: `${stages} refinement stage${stages === 1 ? '' : 's'}`,
    run: () => fps(stages),
  })),
});
