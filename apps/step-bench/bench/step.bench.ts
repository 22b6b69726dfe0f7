import { defineBenchSuite } from '@tubekit/benchmarks';
import type { VideoAnnotation } from '@tubekit/datasets';
import {
  detectVideo,
  ProgressiveDetector,
  type ProgressiveDetectorOptions,
  STEP_GRID_11,
  STEP_GRID_34,
} from '@tubekit/heads/progressive';
import { initBackend } from '@tubekit/nn';

const S = 48;
const video: VideoAnnotation = { name: 'bench/v', nframes: 60, width: S, height: S, tubes: [] };
function frameReader(channels: number) {
  const frame = new Float32Array(S * S * channels);
  for (let i = 0; i < frame.length; i++) frame[i] = (i % 97) / 97;
  return () => frame;
}

async function fps(options: Partial<ProgressiveDetectorOptions>): Promise<Record<string, number>> {
  await initBackend({ log: () => undefined });
  const det = new ProgressiveDetector({
    numClasses: 8,
    channels: 3,
    frameWidth: S,
    frameHeight: S,
    clipLength: 6,
    steps: 3,
    extension: 'none',
    seed: 1,
    ...options,
  });
  const read = frameReader(det.options.channels);
  detectVideo(det, video, read); // warm-up
  const t = performance.now();
  const rounds = 3;
  for (let r = 0; r < rounds; r++) detectVideo(det, video, read);
  const seconds = (performance.now() - t) / 1000;
  det.dispose();
  return { fps: (rounds * video.nframes) / seconds, msPerClip: (1000 * seconds) / (rounds * 10) };
}

/** STEP inference speed on CPU (heads only, 48 px frames, 8 classes, non-overlapping 6-frame clips). */
export default defineBenchSuite({
  name: 'heads/progressive: STEP inference fps',
  cases: [
    { kind: 'measure', name: '1 step, 11 proposals, RGB', run: () => fps({ steps: 1 }) },
    { kind: 'measure', name: '3 steps, 11 proposals, RGB', run: () => fps({}) },
    {
      kind: 'measure',
      name: '3 steps, 11 proposals, extrapolation 6→18→30',
      run: () => fps({ extension: 'extrapolation' }),
    },
    {
      kind: 'measure',
      name: '3 steps, 11 proposals, anticipation 6→18→30',
      run: () => fps({ extension: 'anticipation' }),
    },
    {
      kind: 'measure',
      name: '3 steps, 11 proposals, early fusion (6 ch) + anticipation',
      run: () => fps({ channels: 6, extension: 'anticipation' }),
    },
    { kind: 'measure', name: '3 steps, 34 proposals, RGB', run: () => fps({ grid: STEP_GRID_34 }) },
    {
      kind: 'measure',
      name: '3 steps, 11 proposals, no scene context',
      run: () => fps({ sceneContext: false, grid: STEP_GRID_11 }),
    },
  ],
});
