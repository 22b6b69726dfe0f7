import type { DetectedTube } from '@tubekit/geometry';
import type {
  ActionnessClassifiers,
  CrossStreamDetector,
  Stream,
} from '@tubekit/heads/cross-stream';
import { createProgress } from '@tubekit/report';
import { BENCH_VARIANTS, type BenchData, type BenchVariant, type BenchVideo } from './bench-data';
import { trimVideo } from './crop-video';
import {
  frameClassAps,
  frameMaps,
  linkRun,
  refineTubes,
  runVideo,
  streamFrameAps,
  type VideoRun,
  videoMaps,
} from './evaluate';
import type { PcscProfile } from './profiles';
import { trainActionness } from './train-actionness';
import {
  createDetector,
  MODELS,
  type PcscModel,
  type TrainingFrames,
  trainDetector,
  trainingIterations,
  trainingSummary,
} from './train-detector';
import type { LevelStacks, StreamTrunks } from './video-features';

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
  /** The same, rescored along the linked tubes ({@link ModelResults.frameAlongTubes}), per model that has it. */
  frameAlongTubes: Partial<Record<PcscModel, Record<string, number>>>;
  /** Frame-AP@0.5 (%) of each class of each model's final stage ({@link ModelResults.frameByClass}), per model that has it. */
  frameByClass: Partial<Record<PcscModel, Record<string, number>>>;
  /** Video-mAP (%) at every IoU: untrimmed test videos, and the same videos trimmed to their actions. */
  video: Partial<Record<VideoRow, Record<string, number>>>;
  trimmed: Partial<Record<VideoRow, Record<string, number>>>;
  /** Proposal recall (% of GT boxes with a proposal at IoU ≥ 0.5) per head pass `t/stream`, per variant. */
  recall: Record<PcscModel, Record<BenchVariant, Record<string, number>>>;
  /** Per model, per variant: each stream's stage-0 frame-AP ({@link ModelResults.streams}). */
  streams: Partial<Record<PcscModel, StreamFindings>>;
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
  stacks: LevelStacks,
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
      runVideo(det, trunks, video, stacks, {
        keep: (input, run) => {
          const linked = linkRun(run).map((t) => ({ ...t, video: video.annotation.name }));
          tubes[model]!.push(...linked);
          if (classifiers) {
            const refined = refineTubes(det, classifiers, input, linked, ['split', 'ends']);
            tubes['pcsc+tr-split']!.push(...refined.split);
            tubes['pcsc+tr-ends']!.push(...refined.ends);
          }
        },
      }),
    );
  return { runs, tubes: tubes as Record<VideoRow, DetectedTube[]> };
}

/** Per variant, per stream: class-agnostic frame-AP@0.5 (%) of the stream's stage-0 head alone. */
export type StreamFindings = Record<BenchVariant, Record<Stream, number>>;

function streamsByVariant(runs: readonly VideoRun[]): StreamFindings {
  const out = {} as StreamFindings;
  for (const variant of BENCH_VARIANTS) {
    const mine = runs.filter((r) => r.video.variant === variant);
    out[variant] = {
      rgb: streamFrameAps(mine, 'rgb')['0.5']!,
      flow: streamFrameAps(mine, 'flow')['0.5']!,
    };
  }
  return out;
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

/** What one model of one seed measured (cached per model and seed, merged by {@link seedResultsOf}). */
export interface ModelResults {
  model: PcscModel;
  seed: number;
  /** Mean training loss of the last tenth of the iterations. */
  trainLoss: number;
  /** Table 5 row (models with stages only). */
  table5?: number[];
  frame: Record<string, number>;
  /**
   * Frame-mAP (%) at every IoU of Tables 1/3 of the final stage's boxes rescored along their
   * linked tubes (the profile's `tubeRescoring`; an analysis, not PCSC). Absent in results cached
   * before it was measured.
   */
  frameAlongTubes?: Record<string, number>;
  /**
   * Frame-AP@0.5 (%) of each class of the final stage's output, keyed by label
   * (`frameClassAps`). Absent in results cached before it was measured.
   */
  frameByClass?: Record<string, number>;
  video: Partial<Record<VideoRow, Record<string, number>>>;
  trimmed: Partial<Record<VideoRow, Record<string, number>>>;
  recall: Record<BenchVariant, Record<string, number>>;
  /**
   * Per variant, each stream's stage-0 head alone: class-agnostic frame-AP@0.5 (%). Does each
   * stream fail on different actors (spec §5)? Absent in results cached before it was measured.
   */
  streams?: StreamFindings;
  /** PCSC's actionness training samples and positives. */
  actionness?: { samples: number; positives: number };
}

/**
 * One model of one seed: trains its detector on the seed's training key frames (`frames`, from
 * the seed's pretrained `trunks`), PCSC's actionness classifiers too, and takes every test
 * measurement (untrimmed and trimmed test videos).
 */
export function runModel(
  profile: PcscProfile,
  data: BenchData,
  seed: number,
  model: PcscModel,
  trunks: StreamTrunks,
  frames: TrainingFrames,
  log: (line: string) => void,
): ModelResults {
  const det = createDetector(profile, model, seed, data.labels.length);
  let classifiers: ActionnessClassifiers | undefined;
  try {
    const started = Date.now();
    const bar = createProgress({
      label: `  pcsc ${model} seed ${seed}`,
      total: trainingIterations(profile),
    });
    const trainLoss = trainDetector(profile, det, frames, seed, (_, loss, phase) =>
      bar.tick(1, `${phase} loss ${loss.toFixed(3)}`),
    );
    bar.done();
    log(
      `pcsc-bench: seed ${seed} ${model} trained (${trainingSummary(profile)}, ${((Date.now() - started) / 1000).toFixed(0)} s, final loss ${trainLoss.toFixed(3)})`,
    );
    const out: ModelResults = {
      model,
      seed,
      trainLoss,
      frame: {},
      video: {},
      trimmed: {},
      recall: {} as ModelResults['recall'],
    };
    if (model === 'pcsc') {
      const tr = trainActionness(profile, det, trunks, data.train, seed);
      classifiers = tr.classifiers;
      out.actionness = { samples: tr.samples, positives: tr.positives };
    }
    const test = testVideos(det, trunks, data.test, profile.stacks, model, classifiers);
    const stages = det.options.stages;
    if (model !== 'fpn')
      out.table5 = Array.from(
        { length: stages + 1 },
        (_, t) => frameMaps(data.labels, test.runs, t)['0.5']!,
      );
    out.frame = frameMaps(data.labels, test.runs, stages);
    out.frameAlongTubes = frameMaps(data.labels, test.runs, stages, {
      tubes: test.tubes[model],
      rescoring: profile.tubeRescoring,
    });
    out.frameByClass = frameClassAps(data.labels, test.runs, stages);
    out.recall = recallByVariant(test.runs);
    out.streams = streamsByVariant(test.runs);
    const annotations = data.test.map((v) => v.annotation);
    for (const [row, tubes] of Object.entries(test.tubes))
      out.video[row as VideoRow] = videoMaps(data.labels, annotations, tubes);
    if (model !== 'pcsc-no-fc') {
      const trimmedTest = data.test.map(trimVideo);
      const trimmed = testVideos(det, trunks, trimmedTest, profile.stacks, model, classifiers);
      const trimmedAnnotations = trimmedTest.map((v) => v.annotation);
      for (const [row, tubes] of Object.entries(trimmed.tubes))
        out.trimmed[row as VideoRow] = videoMaps(data.labels, trimmedAnnotations, tubes);
    }
    log(
      `pcsc-bench: seed ${seed} ${model} evaluated (${((Date.now() - started) / 1000).toFixed(0)} s with training)`,
    );
    return out;
  } finally {
    classifiers?.dispose();
    det.dispose();
  }
}

/** A seed's results from its models' ({@link MODELS}: each one's {@link ModelResults}). */
export function seedResultsOf(seed: number, models: Record<PcscModel, ModelResults>): SeedResults {
  const out: SeedResults = {
    seed,
    trainLoss: {} as SeedResults['trainLoss'],
    table5: { 'pcsc-no-fc': [], pcsc: [] },
    frame: {} as SeedResults['frame'],
    frameAlongTubes: {},
    frameByClass: {},
    video: {},
    trimmed: {},
    recall: {} as SeedResults['recall'],
    streams: {},
    actionness: { samples: 0, positives: 0 },
  };
  for (const model of Object.keys(MODELS) as PcscModel[]) {
    const m = models[model];
    out.trainLoss[model] = m.trainLoss;
    if (model !== 'fpn') out.table5[model] = m.table5 ?? [];
    out.frame[model] = m.frame;
    if (m.frameAlongTubes) out.frameAlongTubes[model] = m.frameAlongTubes;
    if (m.frameByClass) out.frameByClass[model] = m.frameByClass;
    out.recall[model] = m.recall;
    if (m.streams) out.streams[model] = m.streams;
    Object.assign(out.video, m.video);
    Object.assign(out.trimmed, m.trimmed);
    if (m.actionness) out.actionness = m.actionness;
  }
  return out;
}
