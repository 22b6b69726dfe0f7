/**
 * How far does calibration take STEP's temporal trimming? Reads a finished run's cached model
 * results (the hybrid fusion's three models: early fusion, the RGB stream model and flow), fuses
 * their tubelets as Table 2 does, and prints the fused scores' quantiles and the test videos'
 * video-mAP after linking alone, after Saha's two-state trimming of the raw scores, after
 * trimming scores calibrated as the report does (a Platt scaling fit on the calibration training
 * videos' linked tubes: `fitTrimmingCalibration`), and after trimming scores calibrated by an
 * oracle: the same fit on the test videos themselves, which no honest run can use, an upper bound
 * on what any Platt scaling of these scores can give.
 *
 *   npx tsx apps/step-bench/scripts/trimming-calibration.ts [profile] [seed cache dir]
 *
 * The cache dir defaults to `results/step/cache/<profile>/seed-<seed>` of the profile's first seed.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createSynthTubes } from '@tubekit/datasets';
import type { DetectedTube } from '@tubekit/geometry';
import { type PlattScaling, plattProbability } from '@tubekit/linking';
import { hybridFusionModelIds } from '../src/configurations';
import {
  calibrationVideos,
  fitTrimmingCalibration,
  frameMapOf,
  linkTubes,
  trimmingOutcomes,
  videoMapOf,
} from '../src/evaluate';
import { PROFILES, type StepProfileName, synthConfigOf } from '../src/profiles';
import { decodeTubelets, fuseVideoTubelets } from '../src/seed-results';
import type { ModelSummary } from '../src/train-models';

function main() {
  const name = (process.argv[2] ?? 'quick') as StepProfileName;
  const profile = PROFILES[name];
  if (!profile)
    throw new Error(`no profile "${name}"; expected one of ${Object.keys(PROFILES).join(', ')}`);
  const dir =
    process.argv[3] ?? join('results', 'step', 'cache', profile.name, `seed-${profile.seeds[0]}`);
  const synth = createSynthTubes(synthConfigOf(profile));
  const byName = new Map(synth.dataset.videos.map((v) => [v.name, v]));
  const pick = (split: string, max?: number) =>
    (synth.dataset.splits[split] ?? [])
      .slice(0, max)
      .map((n) => byName.get(n) ?? (undefined as never));
  const train = pick('train', profile.maxTrainVideos);
  const test = pick('test', profile.maxTestVideos);
  const calibration = calibrationVideos({ train, test });
  const K = profile.clipLength;
  const summaries = hybridFusionModelIds(profile.baseStream).map(
    (id): ModelSummary => JSON.parse(readFileSync(join(dir, `${id}.json`), 'utf8')),
  );
  const fused = (pick: (s: ModelSummary) => ModelSummary['tubelets'], videos: typeof test) =>
    fuseVideoTubelets(
      videos,
      summaries.map((s) => {
        const tubelets = pick(s);
        if (!tubelets) throw new Error(`${dir}/${s.id}.json holds no such tubelets`);
        return decodeTubelets(tubelets);
      }),
      K,
    );
  const hybrid = fused((s) => s.tubelets, test);
  const scores = [...hybrid.values()]
    .flatMap((list) => list.map((t) => t.score))
    .sort((a, b) => a - b);
  const quantiles = (values: number[]) =>
    [0.5, 0.9, 0.99, 1]
      .map((p) => values[Math.floor(p * (values.length - 1))].toFixed(3))
      .join(' / ');
  const maps = (record: Record<string, number>) =>
    Object.entries(record)
      .map(([iou, v]) => `${iou}: ${v.toFixed(1)}`)
      .join(', ');
  const trimmed = (scaling: PlattScaling | null) => linkTubes(test, hybrid, K, true, scaling).tubes;
  const linked = linkTubes(test, hybrid, K, false).tubes;
  console.log(
    `${dir}: hybrid fusion of ${test.length} test videos, ${scores.length} tubelets, frame-mAP@0.5 ${frameMapOf(synth.dataset, test, hybrid, K).toFixed(1)}%`,
  );
  console.log(`fused scores, quantiles 50 / 90 / 99 / 100%: ${quantiles(scores)}`);
  console.log(`video-mAP, linking only:          ${maps(videoMapOf(synth.dataset, test, linked))}`);
  console.log(
    `video-mAP, trimming raw scores:   ${maps(videoMapOf(synth.dataset, test, trimmed(null)))}`,
  );
  const describe = (label: string, fit: ReturnType<typeof fitTrimmingCalibration>) => {
    if (!fit) return console.log(`${label}: no tube linked, nothing to fit`);
    const p = (s: number) => plattProbability(fit.scaling, s);
    console.log(
      `${label} (a ${fit.scaling.a.toFixed(3)}, b ${fit.scaling.b.toFixed(3)}; ${fit.actionFrames} of ${fit.frames} tube frames on an acting actor; calibrated tubelet quantiles ${quantiles(scores.map(p))}):`,
    );
    const tubes = trimmed(fit.scaling);
    console.log(
      `  video-mAP, trimming calibrated:  ${maps(videoMapOf(synth.dataset, test, tubes))}`,
    );
    console.log(`  ${whatIsCut(tubes)}`);
  };
  // Which linked frames the calibrated trimmer keeps and cuts, and how many of each are on an
  // acting actor (the outcome it was calibrated for).
  const { outcomes } = trimmingOutcomes(test, linked);
  const frameKey = (video: string, label: number, frame: number, box: Float64Array) =>
    `${video}|${label}|${frame}|${box.join(',')}`;
  const whatIsCut = (trimmedTubes: DetectedTube[]) => {
    const kept = new Set<string>();
    for (const t of trimmedTubes)
      for (let k = 0; k < t.boxes.length / 4; k++)
        kept.add(frameKey(t.video, t.label, t.start + k, t.boxes.subarray(4 * k, 4 * k + 4)));
    const n = { kept: 0, keptActing: 0, cut: 0, cutActing: 0 };
    let i = 0;
    for (const t of linked)
      for (let k = 0; k < t.boxes.length / 4; k++, i++) {
        const acting = outcomes[i];
        if (kept.has(frameKey(t.video, t.label, t.start + k, t.boxes.subarray(4 * k, 4 * k + 4)))) {
          n.kept++;
          n.keptActing += acting;
        } else {
          n.cut++;
          n.cutActing += acting;
        }
      }
    const pct = (a: number, b: number) => `${((100 * a) / Math.max(1, b)).toFixed(1)}%`;
    return `of ${i} linked test frames it keeps ${n.kept} (${pct(n.keptActing, n.kept)} on an acting actor) and cuts ${n.cut} (${pct(n.cutActing, n.cut)} on an acting actor)`;
  };
  if (summaries.every((s) => s.calibrationTubelets))
    describe(
      `calibrated on ${calibration.length} training videos`,
      fitTrimmingCalibration(
        calibration,
        fused((s) => s.calibrationTubelets, calibration),
        K,
      ),
    );
  else console.log('(a summary holds no calibration tubelets: rerun `pnpm reproduce` to add them)');
  describe('oracle: calibrated on the test videos', fitTrimmingCalibration(test, hybrid, K));
}

main();
