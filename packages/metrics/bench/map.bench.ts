import { defineBenchSuite } from '@tubekit/benchmarks';
import { frameMeanAP } from '../src/frame-map';
import { actProtocol, vocProtocol } from '../src/protocol';
import { videoMeanAP } from '../src/video-map';
import { syntheticFrameDetections, syntheticGroundTruth, syntheticTubes } from './fixtures';

const MiB = 1024 * 1024;

/**
 * Runs `work` twice — cold (first call, JIT warming up) and warm — and reports both wall times,
 * the CPU time and heap growth of the warm run and the process's peak RSS so far (which includes the
 * synthetic inputs, ~60 MiB for 10^6 frame detections).
 */
function measure(work: () => number): Record<string, number> {
  const rssBefore = process.resourceUsage().maxRSS;
  let t0 = performance.now();
  work();
  const coldMs = performance.now() - t0;
  // how far the cold run pushed the process's peak RSS above its peak so far (inputs excluded)
  const peakRssGrowthMiB = (process.resourceUsage().maxRSS - rssBefore) / 1024;
  globalThis.gc?.();
  const heapBefore = process.memoryUsage().heapUsed;
  const cpu0 = process.cpuUsage();
  t0 = performance.now();
  const mAP = work();
  const wallMs = performance.now() - t0;
  const cpu = process.cpuUsage(cpu0);
  return {
    wallMs,
    coldMs,
    // CPU time of the warm run: stable when the machine is shared (wall time is not)
    cpuMs: (cpu.user + cpu.system) / 1000,
    heapGrowthMiB: (process.memoryUsage().heapUsed - heapBefore) / MiB,
    peakRssMiB: process.resourceUsage().maxRSS / 1024,
    peakRssGrowthMiB,
    mAP,
  };
}

const gt = syntheticGroundTruth(910, 24, 1);
const frameDets = syntheticFrameDetections(gt, 1_000_000, 2);
const tubes = syntheticTubes(gt, 50_000, 3);
const ten = ['0.5:0.95'];

export default defineBenchSuite({
  name: 'metrics: frame-mAP and video-mAP',
  cases: [
    {
      kind: 'measure',
      name: 'frame-mAP voc, 10^6 detections, 24 classes, 910 videos',
      run: () =>
        measure(() => frameMeanAP(gt, frameDets, { protocol: vocProtocol }).results[0]!.mAP),
      targets: { wallMs: { atMost: 2000 }, cpuMs: { atMost: 2000 } },
    },
    {
      kind: 'measure',
      name: 'frame-mAP act, 10^6 detections, 24 classes, 910 videos',
      run: () =>
        measure(() => frameMeanAP(gt, frameDets, { protocol: actProtocol }).results[0]!.mAP),
      targets: { wallMs: { atMost: 2000 }, cpuMs: { atMost: 2000 } },
    },
    {
      kind: 'measure',
      name: 'video-mAP voc at ten IoUs (0.5:0.95), 5·10^4 tubes, 910 videos',
      run: () =>
        measure(() => videoMeanAP(gt, tubes, { protocol: vocProtocol, iou: ten }).results[0]!.mAP),
      targets: { wallMs: { atMost: 3000 }, cpuMs: { atMost: 3000 } },
    },
    {
      kind: 'measure',
      name: 'video-mAP act (tube NMS 0.3) at ten IoUs, 5·10^4 tubes, 910 videos',
      run: () =>
        measure(() => videoMeanAP(gt, tubes, { protocol: actProtocol, iou: ten }).results[0]!.mAP),
      targets: { wallMs: { atMost: 3000 }, cpuMs: { atMost: 3000 } },
    },
  ],
});
