import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import {
  type ActionDataset,
  createSynthTubes,
  loadDataset,
  tubekitDataPath,
  type VideoAnnotation,
} from '@tubekit/datasets';
import { type ClipTubelet, fuseTubelets, gridSize } from '@tubekit/heads/progressive';
import { initBackend } from '@tubekit/nn';
import { type ClaimResult, createProgress, writeFileAtomic } from '@tubekit/report';
import { STEP_MODELS, type StepModelConfig } from './configurations';
import { frameMapOf, linkTubes, type VideoTubelets, videoMapOf } from './evaluate';
import { FrameCache } from './frame-cache';
import { PROFILES, type StepProfile, type StepProfileName } from './profiles';
import { checkStepClaims, type StepRunInfo, stepFigures, stepReportMarkdown } from './report';
import { runModel } from './run-model';
import type { StepResults } from './step-results';
import { spatialDisplacement } from './tier2-displacement';

/** Options of {@link reproduce}. */
export interface ReproduceOptions {
  /** Benchmark profile (default `quick`). */
  profile?: StepProfileName;
  /** Output folder (default `results/step` under the current directory). */
  outDir?: string;
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

/** A model's evaluated numbers, cached on disk so an interrupted run resumes. */
interface ModelSummary {
  id: string;
  config: StepModelConfig;
  /** The profile it was trained and tested with (a cached result is reused only for the same one). */
  profile: StepProfile;
  frameMapByStep: number[];
  fpsByStep: number[];
  train: { iterations: number; resumedFrom: number; finalLoss: number; wallMs: number };
  testWallMs: number;
  /** Last-step tubelets ([video, [start, label, score, ...boxes][]]), for the fusion models only. */
  tubelets?: Array<[string, number[][]]>;
}

const FUSION_INPUTS = new Set(['anticipation', 'flow', 'early']);

function encodeTubelets(videos: Array<[string, ClipTubelet[]]>): Array<[string, number[][]]> {
  return videos.map(([v, list]) => [v, list.map((t) => [t.start, t.label, t.score, ...t.boxes])]);
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
  log(`step-bench: profile ${profile.name}, ${STEP_MODELS.length} models, output ${outDir}`);

  const tier2Results = await tier2(log);

  const synth = createSynthTubes({ preset: profile.synth.preset, seed: profile.synth.seed });
  const byName = new Map(synth.dataset.videos.map((v) => [v.name, v]));
  const pick = (split: string, max?: number): VideoAnnotation[] => {
    const names = synth.dataset.splits[split] ?? [];
    return names.slice(0, max ?? names.length).map((n) => {
      const v = byName.get(n);
      if (!v) throw new Error(`SynthTubes split ${split} names unknown video ${n}`);
      return v;
    });
  };
  const train = pick('train', profile.maxTrainVideos);
  const test = pick('test', profile.maxTestVideos);
  const frames = new FrameCache(synth, profile.frameSize);
  const loadBar = createProgress({ label: 'render SynthTubes', total: train.length + test.length });
  await frames.preload([...train, ...test], () => loadBar.tick());
  loadBar.done(`${train.length} train + ${test.length} test videos at ${profile.frameSize}px`);

  const summaries = new Map<string, ModelSummary>();
  const resumed: string[] = [];
  for (const [i, config] of STEP_MODELS.entries()) {
    const path = join(cacheDir, `${config.id}.json`);
    if (existsSync(path)) {
      const cached = JSON.parse(readFileSync(path, 'utf8')) as ModelSummary;
      if (
        JSON.stringify(cached.config) === JSON.stringify(config) &&
        JSON.stringify(cached.profile) === JSON.stringify(profile)
      ) {
        summaries.set(config.id, cached);
        resumed.push(config.id);
        log(`[${i + 1}/${STEP_MODELS.length}] ${config.id}: cached result`);
        continue;
      }
    }
    log(`[${i + 1}/${STEP_MODELS.length}] ${config.id}`);
    const isSteps = config.id.startsWith('smax');
    const run = await runModel({
      profile,
      config,
      numClasses: synth.dataset.labels.length,
      train,
      test,
      frames,
      allSteps: isSteps,
      timeAllSteps: config.id === 'smax3' || config.id === 'anticipation',
      // The checkpoint name carries a hash of profile + config, so a changed setting never resumes
      // from weights trained under another.
      checkpointPath: join(
        cacheDir,
        `${config.id}.${createHash('sha256')
          .update(JSON.stringify([profile, config]))
          .digest('hex')
          .slice(0, 12)}.ckpt`,
      ),
    });
    if (run.train.resumedFrom > 0) resumed.push(`${config.id}@${run.train.resumedFrom}`);
    const summary: ModelSummary = {
      id: config.id,
      config,
      profile,
      frameMapByStep: run.stepTubelets.map((s) =>
        frameMapOf(synth.dataset, test, new Map(s.videos), profile.clipLength),
      ),
      fpsByStep: run.fpsByStep,
      train: run.train,
      testWallMs: run.testWallMs,
    };
    if (FUSION_INPUTS.has(config.id))
      summary.tubelets = encodeTubelets(run.stepTubelets[run.stepTubelets.length - 1].videos);
    await writeFileAtomic(path, JSON.stringify(summary));
    summaries.set(config.id, summary);
    log(`    frame-mAP by step: ${summary.frameMapByStep.map((x) => x.toFixed(1)).join(' → ')}`);
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
  const rgb = decodeTubelets(get('anticipation').tubelets ?? []);
  const flow = decodeTubelets(get('flow').tubelets ?? []);
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
      rgb: final('anticipation'),
      flow: final('flow'),
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
    resumed,
    models: STEP_MODELS.map((m) => {
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
        models: STEP_MODELS,
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
  const held = claims.filter((c) => c.holds).length;
  (options.log ?? ((line: string) => process.stdout.write(`${line}\n`)))(
    `step-bench: ${held}/${claims.length} STEP claims hold (profile ${profile.name}, ${wallSeconds.toFixed(0)} s, ${info.backend}) — report: ${reportPath}`,
  );
  return { reportPath, jsonPath, results, claims, wallSeconds };
}
