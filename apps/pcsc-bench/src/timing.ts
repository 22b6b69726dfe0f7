import type { BenchVideo } from './bench-data';
import type { PcscProfile } from './profiles';
import { createDetector } from './train-detector';
import { disposeInput, type StreamTrunks, videoInput } from './video-features';

/**
 * Detection frames per second of a detector with `stages` refinement stages on the first
 * `timingFrames` key frames of a video, trunks and stack averaging included. A freshly initialised
 * detector: speed depends on the proposal counts (bounded by the profile's caps), not on training.
 */
export function detectionFps(
  profile: PcscProfile,
  trunks: StreamTrunks,
  video: BenchVideo,
  numClasses: number,
  stages: number,
): number {
  const n = Math.min(profile.timingFrames, video.annotation.nframes);
  const keys = Array.from({ length: n }, (_, i) => i + 1);
  const det = createDetector({ ...profile, stages }, 'pcsc', 1, numClasses);
  const started = performance.now();
  const input = videoInput(trunks, video, keys, profile.stacks);
  det.detect(input);
  disposeInput(input);
  const fps = (1000 * n) / (performance.now() - started);
  det.dispose();
  return fps;
}

/**
 * {@link detectionFps} for 0…`profile.stages` stages (the report's speed table), after one untimed
 * run that warms the kernels and onnxruntime's sessions up (the first run of a process is slower).
 */
export function fpsByStages(
  profile: PcscProfile,
  trunks: StreamTrunks,
  video: BenchVideo,
  numClasses: number,
): { stages: number; fps: number }[] {
  detectionFps(profile, trunks, video, numClasses, profile.stages);
  return Array.from({ length: profile.stages + 1 }, (_, stages) => ({
    stages,
    fps: detectionFps(profile, trunks, video, numClasses, stages),
  }));
}
