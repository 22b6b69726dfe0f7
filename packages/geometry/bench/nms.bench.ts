import { defineBenchSuite } from '@tubekit/benchmarks';
import { boxNMS } from '../src/box-nms';
import { tubeletNMS } from '../src/tubelet-nms';
import { timeCalls } from './cpu-time';
import { detectorLikeBoxes, detectorLikeTubelets, scatteredBoxes } from './fixtures';

const clustered = detectorLikeBoxes(10_000, 50, 11);
const scattered = scatteredBoxes(10_000, 12);
const K = 6;
const { tubelets, scores: tubeletScores } = detectorLikeTubelets(2_000, K, 20, 13);

export default defineBenchSuite({
  name: 'geometry: NMS',
  cases: [
    {
      kind: 'micro',
      name: 'boxNMS hard, 10 000 detector-like boxes (50 objects), IoU 0.5',
      fn: () => boxNMS(clustered.boxes, clustered.scores, { iouThreshold: 0.5 }),
      target: { atMostMs: 20 },
    },
    {
      kind: 'micro',
      name: 'boxNMS hard, 10 000 scattered boxes (few overlaps), IoU 0.5',
      fn: () => boxNMS(scattered.boxes, scattered.scores, { iouThreshold: 0.5 }),
      target: { atMostMs: 20 },
      timeMs: 2000,
    },
    {
      kind: 'measure',
      name: 'boxNMS hard, 10 000 boxes, CPU time per call (load-independent)',
      run: () => {
        const c = timeCalls(
          () => boxNMS(clustered.boxes, clustered.scores, { iouThreshold: 0.5 }),
          30,
        );
        const s = timeCalls(
          () => boxNMS(scattered.boxes, scattered.scores, { iouThreshold: 0.5 }),
          30,
        );
        return {
          detectorLikeCpuMs: c.cpuMs,
          scatteredCpuMs: s.cpuMs,
          detectorLikeWallMs: c.wallMs,
          scatteredWallMs: s.wallMs,
          loadAverage1m: s.loadAverage1m,
        };
      },
      targets: { detectorLikeCpuMs: { atMost: 20 }, scatteredCpuMs: { atMost: 20 } },
    },
    {
      kind: 'micro',
      name: 'boxNMS soft gaussian, 10 000 detector-like boxes, scoreThreshold 0.001',
      fn: () =>
        boxNMS(clustered.boxes, clustered.scores, {
          iouThreshold: 0.3,
          scoreThreshold: 0.001,
          soft: { method: 'gaussian', sigma: 0.5 },
        }),
      timeMs: 2000,
    },
    {
      kind: 'micro',
      name: `tubeletNMS hard, 2 000 tubelets of K = ${K} on 20 actors, IoU 0.3 (ACT)`,
      fn: () => tubeletNMS(tubelets, K, tubeletScores, { iouThreshold: 0.3, pixelInclusive: true }),
    },
    {
      kind: 'micro',
      name: `tubeletNMS MOC soft ('sum'), 2 000 tubelets of K = ${K}, IoU 0.6, top 10`,
      fn: () =>
        tubeletNMS(tubelets, K, tubeletScores, {
          iouThreshold: 0.6,
          soft: { method: 'linear' },
          softOverlap: 'sum',
          pixelInclusive: true,
          topK: 10,
        }),
    },
  ],
});
