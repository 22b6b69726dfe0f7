/**
 * Child process of `eval-stream.bench.ts` (run with tsx): `gt det threads` → evaluates a
 * frame-detection CSV the way `tubekit eval frame` does and prints one JSON line with its CPU
 * time, wall time and peak RSS (`process.resourceUsage().maxRSS`, this process only).
 */
import { loadDataset } from '@tubekit/datasets';
import { protocolProfile } from '@tubekit/metrics';
import { streamFrameMeanAP } from '../src/commands/eval';

const [gtPath, det, threads] = process.argv.slice(2) as [string, string, string];
const cpu = () => {
  const c = process.cpuUsage();
  return (c.user + c.system) / 1000;
};
const c0 = cpu();
const gt = await loadDataset(gtPath);
const c1 = cpu();
const t1 = performance.now();
const { result, rows, shards } = await streamFrameMeanAP(
  det,
  gt,
  { protocol: protocolProfile('voc'), iou: [0.5], videos: gt.splits.test },
  Number(threads),
);
const t2 = performance.now();
const c2 = cpu();
process.stdout.write(
  `${JSON.stringify({
    rows,
    shards,
    gtCpuMs: c1 - c0,
    evalCpuMs: c2 - c1,
    evalWallMs: t2 - t1,
    maxRssMiB: process.resourceUsage().maxRSS / 1024,
    mAP: result.results[0]!.mAP,
  })}\n`,
);
