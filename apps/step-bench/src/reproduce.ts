import { join, resolve } from 'node:path';
import { type ActionDataset, loadDataset, tubekitDataPath } from '@tubekit/datasets';
import { fuseTubelets, gridSize } from '@tubekit/heads/progressive';
import { initBackend } from '@tubekit/nn';
import { type ClaimResult, writeFileAtomic } from '@tubekit/report';
import { streamModelId } from './configurations';
import { frameMapOf, linkTubes, type VideoTubelets, videoMapOf } from './evaluate';
import { figure4Of, figure4Svg } from './figure4';
import { PROFILES, type StepProfile, type StepProfileName } from './profiles';
import { checkStepClaims, type StepRunInfo, stepFigures, stepReportMarkdown } from './report';
import type { StepResults } from './step-results';
import { spatialDisplacement } from './tier2-displacement';
import {
  cachedSummary,
  type ModelSummary,
  prepareSynthBench,
  profileModels,
  trainAndSummarize,
  trainInWorkers,
} from './train-models';

/** Options of {@link reproduce}. */
export interface ReproduceOptions {
  /** Benchmark profile (default `quick`). */
  profile?: StepProfileName;
  /** Output folder (default `results/step` under the current directory). */
  outDir?: string;
  /**
   * Child processes that train models concurrently (default 1: in this process). tfjs-wasm runs
   * one thread, so on a machine with n cores `workers: n` trains about n models at once.
   */
  workers?: number;
  /** Progress and summary lines (default stderr / stdout). */
  log?: (line: string) => void;
}

/** What {@link reproduce} wrote and found. */
export interface ReproduceResult {
  reportPath: string;
  jsonPath: string;
  results: StepResults;
  claims: ClaimResult[];
  wallSeconds: number;
}

function decodeTubelets(videos: Array<[string, number[][]]>): VideoTubelets {
  return new Map(
    videos.map(([v, rows]) => [
      v,
      rows.map((r) => ({
        start: r[0],
        label: r[1],
        score: r[2],
        boxes: Float64Array.from(r.slice(3)),
      })),
    ]),
  );
}

async function tier2(log: (line: string) => void): Promise<StepResults['tier2']> {
  const out: StepResults['tier2'] = {};
  for (const [name, rel] of [
    ['UCF101-24', 'ucf101-24/pyannot.pkl'],
    ['J-HMDB-21', 'jhmdb-21/groundtruths_jhmdb.zip'],
  ] as const) {
    let dataset: ActionDataset;
    try {
      dataset = await loadDataset(tubekitDataPath(rel));
    } catch (error) {
      out[name] = { unavailable: (error as Error).message.split('\n')[0] };
      log(
        `step-bench: tier 2 ${name} unavailable — ${(out[name] as { unavailable: string }).unavailable}`,
      );
      continue;
    }
    out[name] = { rows: spatialDisplacement(dataset, 6) };
  }
  return out;
}

/**
 * `pnpm reproduce --paper step`: reproduces every STEP table and figure of reproduction.md on
 * SynthTubes (tier 1: trains each configuration with a seed, detects, links, evaluates) and the
 * displacement analysis on real annotations (tier 2), and writes `report.md`, `report.json` and the
 * SVG figures atomically into `results/step/`. Trained models' results are cached under
 * `results/step/cache/<profile>/` (with resumable checkpoints), so an interrupted run resumes.
 *
 * @example
 * const { reportPath, claims } = await reproduce({ profile: 'smoke' });
 */
export async function reproduce(options: ReproduceOptions = {}): Promise<ReproduceResult> {
  const t0 = Date.now();
  const profile: StepProfile = PROFILES[options.profile ?? 'quick'];
  const outDir = resolve(options.outDir ?? join(process.cwd(), 'results', 'step'));
  const log = options.log ?? ((line: string) => process.stderr.write(`${line}\n`));
  const cacheDir = join(outDir, 'cache', profile.name);
  const backend = await initBackend({ log });
  log(
    `step-bench: profile ${profile.name}, ${profileModels(profile).length} models (single-stream experiments on ${profile.baseStream}), output ${outDir}`,
  );

  const tier2Results = await tier2(log);

  const models = profileModels(profile);
  const pending = models.filter((m) => !cachedSummary(cacheDir, profile, m));
  const workers = Math.max(1, Math.floor(options.workers ?? 1));
  if (workers > 1 && pending.length > 1) {
    log(`step-bench: training ${pending.length} models in ${workers} worker processes`);
    await trainInWorkers(
      profile,
      outDir,
      pending.map((m) => m.id),
      workers,
      log,
    );
  }
  const bench = await prepareSynthBench(profile, outDir);
  const { synth, train, test } = bench;
  const summaries = new Map<string, ModelSummary>();
  const resumed: string[] = [];
  for (const [i, config] of models.entries()) {
    const cached = cachedSummary(cacheDir, profile, config);
    if (cached && !pending.includes(config)) {
      summaries.set(config.id, cached);
      resumed.push(config.id);
      log(`[${i + 1}/${models.length}] ${config.id}: cached result`);
      continue;
    }
    let summary = cached;
    if (!summary) {
      log(`[${i + 1}/${models.length}] ${config.id}`);
      summary = await trainAndSummarize(bench, config);
      log(`    frame-mAP by step: ${summary.frameMapByStep.map((x) => x.toFixed(1)).join(' → ')}`);
    }
    if (summary.train.resumedFrom > 0) resumed.push(`${config.id}@${summary.train.resumedFrom}`);
    summaries.set(config.id, summary);
  }

  const get = (id: string): ModelSummary => {
    const s = summaries.get(id);
    if (!s) throw new Error(`step-bench: model ${id} has no result`);
    return s;
  };
  const final = (id: string) => {
    const m = get(id).frameMapByStep;
    return m[m.length - 1];
  };
  const K = profile.clipLength;
  const rgb = decodeTubelets(get(streamModelId('rgb', profile.baseStream)).tubelets ?? []);
  const flow = decodeTubelets(get(streamModelId('flow', profile.baseStream)).tubelets ?? []);
  const early = decodeTubelets(get('early').tubelets ?? []);
  const fuse = (streams: VideoTubelets[]): VideoTubelets =>
    new Map(
      test.map((v) => [
        v.name,
        fuseTubelets(
          streams.map((s) => s.get(v.name) ?? []),
          { clipLength: K },
        ),
      ]),
    );
  const late = fuse([rgb, flow]);
  const hybrid = fuse([early, rgb, flow]);
  const hybridMap = frameMapOf(synth.dataset, test, hybrid, K);
  const linked = linkTubes(test, hybrid, K);

  const results: StepResults = {
    table1a: {
      '1': get('smax1').frameMapByStep,
      '2': get('smax2').frameMapByStep,
      '3': get('smax3').frameMapByStep,
      '4': get('smax4').frameMapByStep,
    },
    table1b: {
      rgb: final(streamModelId('rgb', profile.baseStream)),
      flow: final(streamModelId('flow', profile.baseStream)),
      late: frameMapOf(synth.dataset, test, late, K),
      early: final('early'),
      hybrid: hybridMap,
    },
    figure5: {
      k6: final('smax3'),
      k30: final('k30-direct'),
      extrapolation: final('extrapolation'),
      anticipation: final('anticipation'),
    },
    ablations: {
      full: final('smax3'),
      noSceneContext: final('no-scene-context'),
      uniformSampling: final('uniform-sampling'),
      constantIoU: final('constant-iou'),
    },
    figure6a: {
      steps: [1, 2, 3],
      fpsNoExtension: get('smax3').fpsByStep,
      fpsExtension: get('anticipation').fpsByStep,
    },
    figure6b: (['proposals-5', 'smax3', 'proposals-34'] as const).map((id) => {
      const s = get(id);
      return {
        proposals: gridSize(s.config.grid),
        frameMap: final(id),
        fps: s.fpsByStep[s.fpsByStep.length - 1],
      };
    }),
    table2: {
      frameMap: hybridMap,
      videoMap: videoMapOf(synth.dataset, test, linked.tubes),
      videoMapLinkingOnly: videoMapOf(synth.dataset, test, linkTubes(test, hybrid, K, false).tubes),
      protocol: 'act',
      linking: linked.pipeline.name,
    },
    tier2: tier2Results,
  };
  const claims = checkStepClaims(results);
  const wallSeconds = (Date.now() - t0) / 1000;
  const info: StepRunInfo = {
    profile: profile.name,
    tier: 'tier 1 SynthTubes',
    seeds: { dataset: profile.synth.seed, models: profile.seed },
    backend: `${backend.name}${backend.threads ? ` (${backend.threads} thread${backend.threads > 1 ? 's' : ''})` : ''}`,
    wallSeconds,
    startedAt: new Date(t0).toISOString(),
    dataset: `SynthTubes preset "${profile.synth.preset}" (${synth.dataset.labels.length} classes; ${train.length} train / ${test.length} test videos, frames resized to ${profile.frameSize}×${profile.frameSize})`,
    baseStream: {
      stream: profile.baseStream,
      note:
        profile.baseStream === 'rgb'
          ? undefined
          : `SynthTubes' classes differ only in motion, and within this profile's training budget an RGB model does not learn them (see Table 1(b)'s RGB row), so the progressive mechanics are compared on flow.`,
    },
    resumed,
    models: models.map((m) => {
      const s = get(m.id);
      return {
        id: m.id,
        trainSeconds: s.train.wallMs / 1000,
        testSeconds: s.testWallMs / 1000,
        finalLoss: s.train.finalLoss,
        iterations: s.train.iterations,
      };
    }),
  };
  const reportPath = join(outDir, 'report.md');
  const jsonPath = join(outDir, 'report.json');
  await writeFileAtomic(reportPath, stepReportMarkdown(results, claims, info));
  await writeFileAtomic(
    jsonPath,
    `${JSON.stringify(
      {
        paper: 'STEP (CVPR 2019)',
        info,
        profile,
        models,
        linking: linked.pipeline,
        results,
        claims,
      },
      (_, v) => (typeof v === 'number' && !Number.isFinite(v) ? null : v),
      2,
    )}\n`,
  );
  for (const [file, svg] of Object.entries(stepFigures(results)))
    await writeFileAtomic(join(outDir, file), svg);
  // STEP Fig. 4: proposal–GT IoU at each step's input, of the 3-step model.
  const fig4 = figure4Of(get('smax3').inputIoUByStep ?? []);
  await writeFileAtomic(join(outDir, 'figure4.json'), `${JSON.stringify(fig4)}\n`);
  await writeFileAtomic(join(outDir, 'figure4.svg'), figure4Svg(fig4));
  const held = claims.filter((c) => c.holds).length;
  (options.log ?? ((line: string) => process.stdout.write(`${line}\n`)))(
    `step-bench: ${held}/${claims.length} STEP claims hold (profile ${profile.name}, ${wallSeconds.toFixed(0)} s, ${info.backend}) — report: ${reportPath}`,
  );
  return { reportPath, jsonPath, results, claims, wallSeconds };
}
