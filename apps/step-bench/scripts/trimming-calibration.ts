/**
 * Is score calibration what stops STEP's temporal trimming? Reads a finished run's cached model
 * results (the hybrid fusion's three models: early fusion, the RGB stream model and flow), fuses
 * their test tubelets as Table 2 does, and prints the fused scores' quantiles and the video-mAP
 * after linking alone and after Saha's two-state trimming, for the scores as they are and for the
 * best calibration there can be: Platt scaling, p = σ(a · ln s + b), fit by Newton's method on the
 * test tubelets themselves (an oracle), whose target is "this tubelet is a true positive": a GT
 * tube of its class overlaps it with a mean per-frame IoU ≥ 0.5 over its K frames. If even the
 * oracle leaves the trimmed video-mAP at 0, calibration is not the obstacle; the detector is.
 *
 *   npx tsx apps/step-bench/scripts/trimming-calibration.ts [profile] [seed cache dir]
 *
 * The cache dir defaults to `results/step/cache/<profile>/seed-<seed>` of the profile's first seed.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createSynthTubes } from '@tubekit/datasets';
import { boxIoU } from '@tubekit/geometry';
import type { ClipTubelet } from '@tubekit/heads/progressive';
import { streamModelId } from '../src/configurations';
import { frameMapOf, linkTubes, type VideoTubelets, videoMapOf } from '../src/evaluate';
import { PROFILES, type StepProfileName, synthConfigOf } from '../src/profiles';
import { decodeTubelets, fuseVideoTubelets } from '../src/seed-results';

/** Platt scaling's (a, b) for scores `s` and 0/1 targets `y`, by Newton's method on the log-loss. */
function fitPlatt(s: readonly number[], y: readonly number[]): { a: number; b: number } {
  const x = s.map((v) => Math.log(Math.max(1e-6, v)));
  let a = 1;
  let b = 0;
  for (let iteration = 0; iteration < 50; iteration++) {
    let ga = 0;
    let gb = 0;
    let haa = 0;
    let hab = 0;
    let hbb = 0;
    for (let i = 0; i < x.length; i++) {
      const p = 1 / (1 + Math.exp(-(a * x[i] + b)));
      const r = p - y[i];
      const w = p * (1 - p);
      ga += r * x[i];
      gb += r;
      haa += w * x[i] * x[i];
      hab += w * x[i];
      hbb += w;
    }
    const det = haa * hbb - hab * hab;
    a -= (hbb * ga - hab * gb) / det;
    b -= (haa * gb - hab * ga) / det;
  }
  return { a, b };
}

function main() {
  const name = (process.argv[2] ?? 'quick') as StepProfileName;
  const profile = PROFILES[name];
  if (!profile)
    throw new Error(`no profile "${name}"; expected one of ${Object.keys(PROFILES).join(', ')}`);
  const dir =
    process.argv[3] ?? join('results', 'step', 'cache', profile.name, `seed-${profile.seeds[0]}`);
  const synth = createSynthTubes(synthConfigOf(profile));
  const byName = new Map(synth.dataset.videos.map((v) => [v.name, v]));
  const test = (synth.dataset.splits.test ?? [])
    .slice(0, profile.maxTestVideos)
    .map((n) => byName.get(n) ?? (undefined as never));
  const K = profile.clipLength;
  const load = (id: string): VideoTubelets => {
    const path = join(dir, `${id}.json`);
    const summary = JSON.parse(readFileSync(path, 'utf8'));
    if (!summary.tubelets) throw new Error(`${path} holds no test tubelets`);
    return decodeTubelets(summary.tubelets);
  };
  const streams = [
    'early',
    streamModelId('rgb', profile.baseStream),
    streamModelId('flow', profile.baseStream),
  ].map(load);
  const hybrid = fuseVideoTubelets(test, streams, K);
  const scores: number[] = [];
  const truePositive: number[] = [];
  for (const v of test)
    for (const t of hybrid.get(v.name) ?? []) {
      scores.push(t.score);
      const overlaps = v.tubes.some((g) => {
        if (g.label !== t.label) return false;
        let sum = 0;
        for (let k = 0; k < K; k++) {
          const f = t.start + k - g.start;
          if (f >= 0 && f < g.boxes.length / 4)
            sum += boxIoU(t.boxes.subarray(4 * k, 4 * k + 4), g.boxes.subarray(4 * f, 4 * f + 4));
        }
        return sum / K >= 0.5;
      });
      truePositive.push(overlaps ? 1 : 0);
    }
  const quantiles = (values: number[]) => {
    const sorted = [...values].sort((x, y) => x - y);
    return [0.5, 0.9, 0.99, 1]
      .map((p) => sorted[Math.floor(p * (sorted.length - 1))].toFixed(3))
      .join(' / ');
  };
  const maps = (record: Record<string, number>) =>
    Object.entries(record)
      .map(([iou, v]) => `${iou}: ${v.toFixed(1)}`)
      .join(', ');
  const report = (label: string, tubelets: VideoTubelets, values: number[]) => {
    console.log(`${label}: score quantiles 50 / 90 / 99 / 100%: ${quantiles(values)}`);
    console.log(
      `  video-mAP, linking only:  ${maps(videoMapOf(synth.dataset, test, linkTubes(test, tubelets, K, false).tubes))}`,
    );
    console.log(
      `  video-mAP, with trimming: ${maps(videoMapOf(synth.dataset, test, linkTubes(test, tubelets, K).tubes))}`,
    );
  };
  console.log(
    `${dir}: hybrid fusion of ${test.length} test videos, ${scores.length} tubelets (${truePositive.filter(Boolean).length} true positives), frame-mAP@0.5 ${frameMapOf(synth.dataset, test, hybrid, K).toFixed(1)}%`,
  );
  report('scores as they are', hybrid, scores);
  const { a, b } = fitPlatt(scores, truePositive);
  const platt = (s: number) => 1 / (1 + Math.exp(-(a * Math.log(Math.max(1e-6, s)) + b)));
  const calibrated: VideoTubelets = new Map(
    [...hybrid].map(([v, list]) => [
      v,
      list.map((t): ClipTubelet => ({ ...t, score: platt(t.score) })),
    ]),
  );
  report(
    `oracle Platt scaling (a ${a.toFixed(3)}, b ${b.toFixed(3)})`,
    calibrated,
    scores.map(platt),
  );
}

main();
