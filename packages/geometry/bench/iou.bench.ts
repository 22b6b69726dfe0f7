import { defineBenchSuite } from '@tubekit/benchmarks';
import { pairwiseIoU } from '../src/box-iou';
import { tubeIoU } from '../src/tube-iou';
import { timeCalls } from './cpu-time';
import { detectorLikeBoxes } from './fixtures';

const N = 1000;
const M = 1000;
const a = detectorLikeBoxes(N, 30, 1).boxes;
const b = detectorLikeBoxes(M, 30, 2).boxes;
const b32 = Float32Array.from(b);
const a32 = Float32Array.from(a);
const out = new Float64Array(N * M);

const T = 300;
const tubeA = { start: 1, boxes: detectorLikeBoxes(T, 1, 3).boxes };
const tubeB = { start: 51, boxes: detectorLikeBoxes(T, 1, 3).boxes };

export default defineBenchSuite({
  name: 'geometry: IoU',
  cases: [
    {
      kind: 'micro',
      name: `pairwiseIoU ${N}×${M} Float64, continuous`,
      fn: () => pairwiseIoU(a, b, undefined, out),
      units: { perCall: N * M, name: 'pairs' },
      target: { atLeastPerSecond: 100e6 },
    },
    {
      kind: 'micro',
      name: `pairwiseIoU ${N}×${M} Float32, pixelInclusive`,
      fn: () => pairwiseIoU(a32, b32, { pixelInclusive: true }, out),
      units: { perCall: N * M, name: 'pairs' },
      target: { atLeastPerSecond: 100e6 },
    },
    {
      kind: 'measure',
      name: `pairwiseIoU ${N}×${M} Float64, per CPU second (load-independent)`,
      run: () => {
        const t = timeCalls(() => pairwiseIoU(a, b, undefined, out), 30);
        return {
          pairsPerCpuSecond: (N * M) / (t.cpuMs / 1000),
          pairsPerWallSecond: (N * M) / (t.wallMs / 1000),
          loadAverage1m: t.loadAverage1m,
        };
      },
      targets: { pairsPerCpuSecond: { atLeast: 100e6 } },
    },
    {
      kind: 'micro',
      name: `tubeIoU act, two ${T}-frame tubes (250 shared frames)`,
      fn: () => tubeIoU(tubeA, tubeB, { convention: 'act' }),
      units: { perCall: 250, name: 'frame pairs' },
    },
  ],
});
