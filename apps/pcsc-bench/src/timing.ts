import type { BenchVideo } from './bench-data';
import type { PcscProfile } from './profiles';
import { createDetector } from './train-detector';
import { disposeInput, type StreamTrunks, videoInput } from './video-features';

/**
 * Detection speed per refinement-stage count (spec: `pnpm bench` reports PCSC fps per stage
 * count): frames per second of `timingFrames` key frames of a video, trunks and stack averaging
 * included, with freshly initialised detectors of 0…`stages` stages (speed does not depend on
 * training, only on the proposal counts, which the caps bound).
 */
export function fpsByStages(
  profile: PcscProfile,
  trunks: StreamTrunks,
  video: BenchVideo,
  numClasses: number,
): { stages: number; fps: number }[] {
  const n = Math.min(profile.timingFrames, video.annotation.nframes);
  const keys = Array.from({ length: n }, (_, i) => i + 1);
  const out: { stages: number; fps: number }[] = [];
  for (let stages = 0; stages <= profile.stages; stages++) {
    const det = createDetector({ ...profile, stages }, 'pcsc', 1, numClasses);
    const started = performance.now();
    const input = videoInput(trunks, video, keys, profile.stackLength);
    det.detect(input);
    disposeInput(input);
    out.push({ stages, fps: (1000 * n) / (performance.now() - started) });
    det.dispose();
  }
  return out;
}
