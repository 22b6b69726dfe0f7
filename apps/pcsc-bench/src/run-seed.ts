import type { DetectedTube } from '@tubekit/geometry';
import type { ActionnessClassifiers, CrossStreamDetector } from '@tubekit/heads/cross-stream';
import { BENCH_VARIANTS, type BenchData, type BenchVariant, type BenchVideo } from './bench-data';
import { trimVideo } from './crop-video';
import { frameMaps, linkRun, refineTubes, runVideo, type VideoRun, videoMaps } from './evaluate';
import type { PcscProfile } from './profiles';
import { trainActionness } from './train-actionness';
import {
  createDetector,
  disposeTrainingFrames,
  MODELS,
  type PcscModel,
  trainDetector,
  trainingFrames,
} from './train-detector';
import { pretrainedTrunk } from './trunks';
import type { StreamTrunks } from './video-features';

/** Video-mAP rows of Table 6 (and its trimmed control). */
export type VideoRow = PcscModel | 'pcsc+tr-split' | 'pcsc+tr-ends';

/** Everything one seed measured (the report averages seeds). */
export interface SeedResults {
  seed: number;
  /** Mean training loss of the last tenth of the iterations, per model. */
  trainLoss: Record<PcscModel, number>;
  /** Table 5: frame-mAP@0.5 (%) per stage t = 0…n (frame output = union of stages 0…t). */
  table5: Record<'pcsc-no-fc' | 'pcsc', number[]>;
  /** Frame-mAP (%) at every IoU of Tables 1/3, of each model's final stage. */
  frame: Record<PcscModel, Record<string, number>>;
  /** Video-mAP (%) at every IoU: untrimmed test videos, and the same videos trimmed to their actions. */
  video: Partial<Record<VideoRow, Record<string, number>>>;
  trimmed: Partial<Record<VideoRow, Record<string, number>>>;
  /** Proposal recall (% of GT boxes with a proposal at IoU ≥ 0.5) per head pass `t/stream`, per variant. */
  recall: Record<PcscModel, Record<BenchVariant, Record<string, number>>>;
  /** Actionness training samples and positives. */
  actionness: { samples: number; positives: number };
}

/** The runs of a model on test videos and their linked (and, with classifiers, refined) tubes. */
export interface TestOutcome {
  runs: VideoRun[];
  tubes: Record<VideoRow, DetectedTube[]>;
}

/**
 * Runs a model on every video (each frame a key frame), links its final-stage detections into
 * tubes (Singh's online linker) and, with actionness classifiers, refines them both ways (TR).
 */
export function testVideos(
  det: CrossStreamDetector,
  trunks: StreamTrunks,
  videos: readonly BenchVideo[],
  k: number,
  model: PcscModel,
  classifiers?: ActionnessClassifiers,
): TestOutcome {
  const runs: VideoRun[] = [];
  const tubes: Partial<Record<VideoRow, DetectedTube[]>> = { [model]: [] };
  if (classifiers) {
    tubes['pcsc+tr-split'] = [];
    tubes['pcsc+tr-ends'] = [];
  }
  for (const video of videos)
    runs.push(
      runVideo(det, trunks, video, k, (input, run) => {
        const linked = linkRun(run).map((t) => ({ ...t, video: video.annotation.name }));
        tubes[model]!.push(...linked);
        if (classifiers)
          for (const cut of ['split', 'ends'] as const)
            tubes[`pcsc+tr-${cut}`]!.push(...refineTubes(det, classifiers, input, linked, cut));
      }),
    );
  return { runs, tubes: tubes as Record<VideoRow, DetectedTube[]> };
}

function recallByVariant(runs: readonly VideoRun[]): Record<BenchVariant, Record<string, number>> {
  const out = {} as Record<BenchVariant, Record<string, number>>;
  for (const variant of BENCH_VARIANTS) {
    const mine = runs.filter((r) => r.video.variant === variant);
    const row: Record<string, number> = {};
    (mine[0]?.passes ?? []).forEach((pass, i) => {
      const hit = mine.reduce((s, r) => s + r.recall[i]!.hit, 0);
      const total = mine.reduce((s, r) => s + r.recall[i]!.total, 0);
      row[pass] = total > 0 ? (100 * hit) / total : Number.NaN;
    });
    out[variant] = row;
  }
  return out;
}

/**
 * One seed of the bench: pretrained trunks (cached under `cacheDir`), the three detectors trained
 * on the same key frames, the actionness classifiers on PCSC's training tubes, and every test
 * measurement (untrimmed and trimmed test videos).
 */
export async function runSeed(
  profile: PcscProfile,
  data: BenchData,
  seed: number,
  cacheDir: string,
  log: (line: string) => void,
): Promise<SeedResults> {
  const C = data.labels.length;
  const trunks: StreamTrunks = {
    rgb: await pretrainedTrunk(profile, 'rgb', seed, data.train, C, cacheDir, log),
    flow: await pretrainedTrunk(profile, 'flow', seed, data.train, C, cacheDir, log),
  };
  const frames = trainingFrames(profile, trunks, data.train);
  const k = profile.stackLength;
  const trimmedTest = data.test.map(trimVideo);
  const results: SeedResults = {
    seed,
    trainLoss: {} as SeedResults['trainLoss'],
    table5: { 'pcsc-no-fc': [], pcsc: [] },
    frame: {} as SeedResults['frame'],
    video: {},
    trimmed: {},
    recall: {} as SeedResults['recall'],
    actionness: { samples: 0, positives: 0 },
  };
  try {
    for (const model of Object.keys(MODELS) as PcscModel[]) {
      const det = createDetector(profile, model, seed, C);
      const started = Date.now();
      results.trainLoss[model] = trainDetector(profile, det, frames, seed);
      log(
        `pcsc-bench: seed ${seed} ${model} trained (${profile.iterations} iterations, ${((Date.now() - started) / 1000).toFixed(0)} s, final loss ${results.trainLoss[model].toFixed(3)})`,
      );
      let classifiers: ActionnessClassifiers | undefined;
      if (model === 'pcsc') {
        const tr = trainActionness(profile, det, trunks, data.train, seed);
        classifiers = tr.classifiers;
        results.actionness = { samples: tr.samples, positives: tr.positives };
      }
      const test = testVideos(det, trunks, data.test, k, model, classifiers);
      const stages = det.options.stages;
      if (model !== 'fpn')
        for (let t = 0; t <= stages; t++)
          results.table5[model].push(frameMaps(data.labels, test.runs, t)['0.5']!);
      results.frame[model] = frameMaps(data.labels, test.runs, stages);
      results.recall[model] = recallByVariant(test.runs);
      const annotations = data.test.map((v) => v.annotation);
      for (const [row, tubes] of Object.entries(test.tubes))
        results.video[row as VideoRow] = videoMaps(data.labels, annotations, tubes);
      if (model !== 'pcsc-no-fc') {
        const trimmed = testVideos(det, trunks, trimmedTest, k, model, classifiers);
        const trimmedAnnotations = trimmedTest.map((v) => v.annotation);
        for (const [row, tubes] of Object.entries(trimmed.tubes))
          results.trimmed[row as VideoRow] = videoMaps(data.labels, trimmedAnnotations, tubes);
      }
      classifiers?.dispose();
      det.dispose();
      log(
        `pcsc-bench: seed ${seed} ${model} evaluated (${((Date.now() - started) / 1000).toFixed(0)} s with training)`,
      );
    }
  } finally {
    disposeTrainingFrames(frames);
    trunks.rgb.dispose();
    trunks.flow.dispose();
  }
  return results;
}
