/**
 * Where does a PCSC detector lose its frame-mAP? Trains one model of a profile through the
 * benchmark's own path (step's pretrained trunks, the training key frames, `trainDetector`) once
 * per iteration count, one after another in this process, then runs it on the test videos and
 * prints, for every head pass alone (stage 0 RGB, stage 0 Flow, stages 1…n) and for the final
 * frame output (`all`, the union of every pass):
 * - frame-mAP at 0.2 / 0.5 / 0.75 (does it find, localise and name the action?);
 * - class-agnostic frame-AP at the same IoUs (does it find and localise the acting actors,
 *   whatever it names them?);
 * - both again with each detection's box replaced by its proposal (what the heads' box
 *   regression adds);
 * - per class, how the final output names the GT boxes it finds at IoU 0.5 (its best-scoring
 *   box there), and which class it names most often instead;
 * - the final output's frame-mAP with its boxes rescored along the tubes Singh's linker makes of
 *   them (`rescoreAlongTubes`, windows of ±2 / 4 / 8 / 16 frames).
 * Every output is combined as the bench combines it (the profile's `frameOutput`).
 * Nothing is cached: each count trains afresh.
 *
 *   nice -n 10 npx tsx apps/pcsc-bench/scripts/diagnose-pcsc.ts [profile] [model] [--seed 1] [--iterations 300,900] [--train-every 10] [--train-of annotated|all] [--train-videos 40] [--stack 6:1,18:3] [--pretrain iterations:batchFrames:rate[:stage-0|every-stage]] [--rate 1e-3] [--decay 0.667:0.1] [--batch-frames 4] [--sampling 128:64:0.25] [--proposals 100:50] [--stress v1|v2] [--actionness] [--step-out dir] [--conv onnxruntime|wasm]
 *
 * `--train-every n` and `--train-of annotated|all` replace the profile's training key frames
 * (`keyFrames`: every n-th annotated frame, or every n-th frame of the video).
 * `--train-videos n` replaces the profile's training videos per variant (`videos.train`; the test
 * videos stay the profile's).
 * `--pretrain iterations:batchFrames:rate[:stage-0|every-stage]` replaces the profile's head
 * pretraining (0 iterations: none; `stage-0`: the refinement stages start as copies of stage 0's
 * heads, `every-stage`: they pretrain too, default the profile's `refinementStages`); `--rate` the end-to-end training's Adam rate, `--decay at:gamma` its step decay (×gamma
 * once that fraction of the iterations is done), `--batch-frames` its key frames per batch,
 * `--sampling rpnBatch:headBatch[:positiveFraction]` the anchors and RoIs per frame that reach
 * the losses (and the heads' largest fraction of positives), `--proposals train:test` the RPN's
 * proposals per frame in training and testing.
 * `--stack frames:segments[,frames:segments]` replaces the profile's key-centred stacks: one for
 * both trunk levels, or the stride-4 level's then the stride-8 level's (each its length, and the consecutive
 * parts averaged separately).
 * `--actionness` also trains PCSC's actionness classifiers (temporal refinement) as the bench does
 * and prints how they score the boxes of tubes linked on their own training videos and on the test
 * videos.
 * `--stress v1|v2` picks the SynthTubes variants of the two stress roles (`STRESS_VARIANTS`;
 * default the profile's).
 * `--step-out` is step-bench's output folder whose cache holds the pretrained trunks (default
 * `results/step`, as `pnpm reproduce` arranges); they are pretrained there first if missing.
 */
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { boxIoU } from '@tubekit/geometry';
import {
  type ActionnessClassifiers,
  type CrossStreamDetector,
  type HeadDetections,
  type ScoredBoxes,
  unionFrameOutput,
} from '@tubekit/heads/cross-stream';
import { initBackend } from '@tubekit/nn';
import { createProgress } from '@tubekit/report';
import {
  DEFAULT_CONVOLUTIONS,
  parseConvolutions,
  selectConvolutions,
} from '@tubekit/step-bench/convolutions';
import { prepareSynthBench } from '@tubekit/step-bench/train-models';
import {
  BENCH_VARIANTS,
  type BenchData,
  type BenchVideo,
  frameGroundTruth,
  loadBenchData,
} from '../src/bench-data';
import {
  type ActionnessSamples,
  actionnessOf,
  actionnessSamples,
  classAgnosticFrameAps,
  frameMaps,
  linkRun,
  runVideo,
  type VideoRun,
} from '../src/evaluate';
import { describeKeyFrames } from '../src/key-frames';
import {
  type PcscProfile,
  type PcscProfileName,
  PROFILES,
  STRESS_VARIANTS,
  stepProfileOf,
} from '../src/profiles';
import { spreadVideos, trainActionness } from '../src/train-actionness';
import { createDetector, MODELS, type PcscModel, trainDetector } from '../src/train-detector';
import { disposeTrainingData, trainingDataOf } from '../src/training-data';
import { benchStreamTrunks } from '../src/trunks';
import { describeStacks, type LevelStacks, type StreamTrunks } from '../src/video-features';

function positiveIntegers(option: string, text: string): number[] {
  return text.split(',').map((v) => {
    const n = Number(v);
    if (!(Number.isInteger(n) && n > 0))
      throw new Error(`--${option} expects positive integers separated by commas, got "${v}"`);
    return n;
  });
}

/** AP or mAP (%) at IoU 0.2 / 0.5 / 0.75, as the printout's columns. */
function pct(r: Record<string, number>): string {
  return ['0.2', '0.5', '0.75'].map((iou) => r[iou]!.toFixed(1).padStart(5)).join(' /');
}

/** A head's detections with every class's box replaced by the proposal it was regressed from. */
function atProposals(d: HeadDetections, proposals: ScoredBoxes): HeadDetections {
  const C = d.numClasses;
  const boxes = Float64Array.from(d.boxes);
  for (let n = 0; n < proposals.scores.length; n++)
    for (let c = 0; c < C; c++)
      boxes.set(proposals.boxes.subarray(4 * n, 4 * n + 4), 4 * (n * C + c));
  return { ...d, boxes };
}

/**
 * The test videos' frame outputs of every head pass alone (`t/stream`) and of all passes
 * (`all`), each also at proposals, as single-stage runs that the bench's evaluators read.
 */
function passRuns(
  det: CrossStreamDetector,
  trunks: StreamTrunks,
  data: BenchData,
  stacks: LevelStacks,
): Map<string, VideoRun[]> {
  const runs = new Map<string, VideoRun[]>();
  for (const video of data.test) {
    const outputs = new Map<string, VideoRun['frameOutputs'][number]>();
    const add = (name: string, heads: HeadDetections[]) => {
      if (!outputs.has(name)) outputs.set(name, []);
      outputs.get(name)!.push(unionFrameOutput(heads, det.options.frameOutput));
    };
    runVideo(det, trunks, video, stacks, {
      onStages: (stages) => {
        for (let b = 0; b < stages[0]!.detections.length; b++) {
          const regressed = stages.map((s) => s.detections[b]!);
          const proposed = stages.map((s) => atProposals(s.detections[b]!, s.proposals[b]!));
          stages.forEach((s, i) => {
            add(`${s.stage}/${s.stream}`, [regressed[i]!]);
            add(`${s.stage}/${s.stream} at proposals`, [proposed[i]!]);
          });
          add('all', regressed);
          add('all at proposals', proposed);
        }
      },
    });
    for (const [name, frameOutputs] of outputs) {
      if (!runs.has(name)) runs.set(name, []);
      runs.get(name)!.push({ video, frameOutputs: [frameOutputs], recall: [], passes: [] });
    }
  }
  return runs;
}

/**
 * How the final output names the acting actors it finds: for every GT box of the runs' videos, the
 * highest-scoring detection at IoU ≥ 0.5 (any class) names it, or nothing does. Returns the
 * confusion (GT class by named class, 0-based) and the GT boxes per class.
 */
function namingCounts(
  runs: readonly VideoRun[],
  C: number,
): { confusion: number[][]; gtCount: number[] } {
  const confusion = Array.from({ length: C }, () => new Array<number>(C).fill(0));
  const gtCount = new Array<number>(C).fill(0);
  for (const run of runs)
    run.frameOutputs[0]!.forEach((out, i) => {
      const gt = frameGroundTruth(run.video.annotation, i + 1);
      for (let g = 0; g < gt.labels.length; g++) {
        const c = gt.labels[g]! - 1;
        gtCount[c]!++;
        let best = -1;
        let bestScore = -Infinity;
        for (let j = 0; j < out.scores.length; j++)
          if (
            out.scores[j]! > bestScore &&
            boxIoU(gt.boxes.subarray(4 * g, 4 * g + 4), out.boxes.subarray(4 * j, 4 * j + 4)) >= 0.5
          ) {
            best = out.labels[j]! - 1;
            bestScore = out.scores[j]!;
          }
        if (best >= 0) confusion[c]![best]!++;
      }
    });
  return { confusion, gtCount };
}

/**
 * {@link namingCounts} per GT class: its boxes, how many are found, how many named right, and the
 * class most often named instead.
 */
function namingTable(runs: readonly VideoRun[], labels: readonly string[]): string[] {
  const C = labels.length;
  const { confusion, gtCount } = namingCounts(runs, C);
  return labels.map((name, c) => {
    const row = confusion[c]!;
    const found = row.reduce((a, b) => a + b, 0);
    let other = -1;
    for (let k = 0; k < C; k++) if (k !== c && (other < 0 || row[k]! > row[other]!)) other = k;
    const instead = other >= 0 && row[other]! > 0 ? `${labels[other]} ${row[other]}` : '–';
    return `  ${name.padEnd(18)} ${String(gtCount[c]).padStart(5)} ${String(found).padStart(6)} ${String(row[c]).padStart(6)}   ${instead}`;
  });
}

/**
 * A pass's output per variant of the test videos (plain, appearance-hard, motion-hard): GT
 * boxes, found (IoU ≥ 0.5), named right, and class-agnostic AP (a per-variant frame-mAP would
 * count the classes a variant's few test videos lack as 0 under the `act` protocol).
 */
function variantLines(pass: string, runs: readonly VideoRun[], C: number): string[] {
  return BENCH_VARIANTS.flatMap((variant) => {
    const mine = runs.filter((r) => r.video.variant === variant);
    if (mine.length === 0) return [];
    const { confusion, gtCount } = namingCounts(mine, C);
    const boxes = gtCount.reduce((a, b) => a + b, 0);
    const found = confusion.reduce((a, row) => a + row.reduce((x, y) => x + y, 0), 0);
    const named = confusion.reduce((a, row, c) => a + row[c]!, 0);
    const share = found > 0 ? `${((100 * named) / found).toFixed(0)}%` : '–';
    return [
      `  ${pass.padEnd(8)} ${variant.padEnd(16)} ${String(boxes).padStart(5)} ${String(found).padStart(6)} ${String(named).padStart(6)} ${share.padStart(6)}   ${pct(classAgnosticFrameAps(mine, 0))}`,
    ];
  });
}

/** `6:1` (both levels) or `6:1,18:3` (stride 4, then stride 8) as {@link LevelStacks}. */
function parseStacks(text: string): LevelStacks {
  const parts = text.split(',').map((p) => p.split(':').map(Number));
  if (
    (parts.length !== 1 && parts.length !== 2) ||
    !parts.every((p) => p.length === 2 && p.every((n) => Number.isInteger(n) && n > 0))
  )
    throw new Error(
      `--stack expects frames:segments for both levels, or two of them separated by a comma (stride 4, then stride 8), with positive integers, got "${text}"`,
    );
  const [fine, coarse = fine] = parts.map(([frames, segments]) => ({
    frames: frames!,
    segments: segments!,
  }));
  return [fine!, coarse!];
}

async function main() {
  await initBackend({ log: () => undefined });
  const { values, positionals } = parseArgs({
    options: {
      'step-out': { type: 'string' },
      conv: { type: 'string' },
      iterations: { type: 'string' },
      seed: { type: 'string' },
      'train-every': { type: 'string' },
      'train-of': { type: 'string' },
      'train-videos': { type: 'string' },
      stack: { type: 'string' },
      pretrain: { type: 'string' },
      rate: { type: 'string' },
      'batch-frames': { type: 'string' },
      decay: { type: 'string' },
      sampling: { type: 'string' },
      proposals: { type: 'string' },
      stress: { type: 'string' },
      actionness: { type: 'boolean' },
    },
    allowPositionals: true,
  });
  const convolutions = await selectConvolutions(
    values.conv === undefined ? DEFAULT_CONVOLUTIONS : parseConvolutions(values.conv),
  );
  const name = (positionals[0] ?? 'quick') as PcscProfileName;
  const base = PROFILES[name];
  if (!base)
    throw new Error(`no profile "${name}"; expected one of ${Object.keys(PROFILES).join(', ')}`);
  const model = (positionals[1] ?? 'fpn') as PcscModel;
  if (!(model in MODELS))
    throw new Error(`no model "${model}"; expected one of ${Object.keys(MODELS).join(', ')}`);
  const seed = positiveIntegers('seed', values.seed ?? String(base.seeds[0]))[0]!;
  const counts = positiveIntegers('iterations', values.iterations ?? String(base.iterations));
  const trainEvery = positiveIntegers(
    'train-every',
    values['train-every'] ?? String(base.keyFrames.every),
  )[0]!;
  const trainOf = values['train-of'] ?? base.keyFrames.of;
  if (trainOf !== 'annotated' && trainOf !== 'all')
    throw new Error(`--train-of expects annotated or all, got "${trainOf}"`);
  const trainVideos = positiveIntegers(
    'train-videos',
    values['train-videos'] ?? String(base.videos.train),
  )[0]!;
  const stacks = values.stack === undefined ? base.stacks : parseStacks(values.stack);
  const pretrainParts = values.pretrain?.split(':');
  const pretrain = pretrainParts?.slice(0, 3).map(Number);
  const pretrainScope = pretrainParts?.[3];
  if (
    pretrainParts &&
    (pretrainParts.length < 3 ||
      pretrainParts.length > 4 ||
      !pretrain!.every((n) => Number.isFinite(n) && n >= 0) ||
      (pretrainScope !== undefined &&
        pretrainScope !== 'stage-0' &&
        pretrainScope !== 'every-stage'))
  )
    throw new Error(
      `--pretrain expects iterations:batchFrames:learningRate[:stage-0|every-stage], got "${values.pretrain}"`,
    );
  const rate = values.rate === undefined ? base.learningRate : Number(values.rate);
  if (!(rate > 0)) throw new Error(`--rate expects a positive number, got "${values.rate}"`);
  const decay = values.decay?.split(':').map(Number);
  if (decay && !(decay.length === 2 && decay[0]! > 0 && decay[0]! <= 1 && decay[1]! >= 0))
    throw new Error(
      `--decay expects at:gamma, a fraction in (0, 1] and a factor ≥ 0, got "${values.decay}"`,
    );
  const batchFrames = positiveIntegers(
    'batch-frames',
    values['batch-frames'] ?? String(base.batchFrames),
  )[0]!;
  const sampling = values.sampling?.split(':').map(Number);
  if (
    sampling &&
    !(
      (sampling.length === 2 || sampling.length === 3) &&
      sampling.slice(0, 2).every((n) => Number.isInteger(n) && n > 0) &&
      (sampling[2] === undefined || (sampling[2] > 0 && sampling[2] <= 1))
    )
  )
    throw new Error(
      `--sampling expects rpnBatch:headBatch[:positiveFraction], positive integers and a fraction in (0, 1], got "${values.sampling}"`,
    );
  const proposals = values.proposals?.split(':').map(Number);
  if (
    proposals &&
    !(proposals.length === 2 && proposals.every((n) => Number.isInteger(n) && n > 0))
  )
    throw new Error(
      `--proposals expects train:test, two positive integers, got "${values.proposals}"`,
    );
  if (values.stress !== undefined && !Object.hasOwn(STRESS_VARIANTS, values.stress))
    throw new Error(
      `--stress expects ${Object.keys(STRESS_VARIANTS).join(' or ')}, got "${values.stress}"`,
    );
  const profile: PcscProfile = {
    ...base,
    stress:
      values.stress === undefined
        ? base.stress
        : STRESS_VARIANTS[values.stress as keyof typeof STRESS_VARIANTS],
    learningRate: rate,
    batchFrames,
    sampling: sampling
      ? {
          rpnBatch: sampling[0]!,
          headBatch: sampling[1]!,
          ...(sampling[2] === undefined ? {} : { headPositiveFraction: sampling[2] }),
        }
      : base.sampling,
    rpnTopN: proposals ? { train: proposals[0]!, test: proposals[1]! } : base.rpnTopN,
    decay: decay ? { at: decay[0]!, gamma: decay[1]! } : base.decay,
    headPretraining: pretrain
      ? {
          iterations: pretrain[0]!,
          batchFrames: pretrain[1]!,
          learningRate: pretrain[2]!,
          refinementStages:
            pretrainScope === undefined
              ? base.headPretraining.refinementStages
              : pretrainScope === 'every-stage',
        }
      : base.headPretraining,
    keyFrames: { every: trainEvery, of: trainOf },
    videos: { ...base.videos, train: trainVideos },
    stacks,
  };
  const log = (line: string) => console.log(line);
  const step = stepProfileOf(profile);
  const bench = await prepareSynthBench(
    step,
    resolve(values['step-out'] ?? join('results', 'step')),
    log,
  );
  const data = await loadBenchData(profile);
  const training = trainingDataOf(profile, data, await benchStreamTrunks(bench));
  log(
    `${model} seed ${seed}: ${training.frames.items.length} training key frames (${describeKeyFrames(profile.keyFrames)}), key-centred stacks of ${describeStacks(profile.stacks)}, ${data.test.length} test videos, convolutions ${convolutions}`,
  );
  try {
    for (const iterations of counts) {
      const trained = { ...profile, iterations };
      const det = createDetector(trained, model, seed, data.labels.length);
      try {
        const started = Date.now();
        const bar = createProgress({
          label: `  ${model} ${iterations}`,
          total: trained.headPretraining.iterations + iterations,
        });
        const loss = trainDetector(trained, det, training.frames, seed, (_, l, phase) =>
          bar.tick(1, `${phase} loss ${l.toFixed(3)}`),
        );
        bar.done();
        log(
          `${trained.headPretraining.iterations} head-pretraining and ${iterations} end-to-end iterations: training ${((Date.now() - started) / 1000).toFixed(0)} s, final loss ${loss.toFixed(3)}`,
        );
        log(`  ${'pass'.padEnd(24)} frame-mAP@0.2/0.5/0.75   class-agnostic AP@0.2/0.5/0.75`);
        const passes = passRuns(det, training.trunks, data, profile.stacks);
        for (const [pass, runs] of passes)
          log(
            `  ${pass.padEnd(24)} ${pct(frameMaps(data.labels, runs, 0))}      ${pct(classAgnosticFrameAps(runs, 0))}`,
          );
        log('  naming by the final output (its best-scoring box at IoU ≥ 0.5 on each GT box):');
        log(
          `  ${'class'.padEnd(18)} ${'GT'.padStart(5)} ${'found'.padStart(6)} ${'named'.padStart(6)}   named instead most often`,
        );
        for (const line of namingTable(passes.get('all')!, data.labels)) log(line);
        log(
          '  by variant, the final output and each stream at stage 0 (named: of the found boxes; class-agnostic AP@0.2/0.5/0.75):',
        );
        log(
          `  ${'pass'.padEnd(8)} ${'variant'.padEnd(16)} ${'GT'.padStart(5)} ${'found'.padStart(6)} ${'named'.padStart(6)} ${'share'.padStart(6)}   class-agnostic AP`,
        );
        for (const pass of ['all', '0/rgb', '0/flow'])
          for (const line of variantLines(pass, passes.get(pass)!, data.labels.length)) log(line);
        log('  frame-mAP@0.2/0.5/0.75 of the final output on the test videos of two variants:');
        for (const left of BENCH_VARIANTS) {
          const runs = passes.get('all')!.filter((r) => r.video.variant !== left);
          const classes = new Set(
            runs.flatMap((r) => r.video.annotation.tubes.map((t) => t.label)),
          );
          log(
            `  without ${left.padEnd(16)} ${pct(frameMaps(data.labels, runs, 0))}   (${classes.size} of ${data.labels.length} classes have GT there)`,
          );
        }
        const allRuns = passes.get('all')!;
        const tubes = allRuns.flatMap((r) => linkRun(r));
        log(
          `  frame-mAP@0.2/0.5/0.75 of the final output rescored along its ${tubes.length} linked tubes (rescoreAlongTubes; the profile's window: ±${profile.tubeRescoring.window}):`,
        );
        for (const window of [2, 4, 8, 16])
          log(
            `  ±${String(window).padEnd(23)} ${pct(frameMaps(data.labels, allRuns, 0, { tubes, rescoring: { window } }))}`,
          );
        if (values.actionness) {
          const { classifiers } = trainActionness(profile, det, training.trunks, data.train, seed);
          try {
            log(
              "  actionness (temporal refinement) on the boxes of linked tubes, positive = IoU > 0.5 with a GT box of the tube's class:",
            );
            log(
              `  ${'videos'.padEnd(30)} ${'boxes'.padStart(7)} ${'pos'.padStart(6)}   mean p pos / neg   p > 0.5: pos / neg   AUC`,
            );
            const trainVideos = spreadVideos(data.train, profile.actionness.videos).map((v) =>
              v.load(),
            );
            for (const [label, videos] of [
              [`its training (${trainVideos.length})`, trainVideos],
              [`test (${data.test.length})`, data.test],
            ] as const)
              log(actionnessLine(label, det, classifiers, training.trunks, videos, profile.stacks));
          } finally {
            classifiers.dispose();
          }
        }
      } finally {
        det.dispose();
      }
    }
  } finally {
    disposeTrainingData(training);
  }
}

/**
 * How the actionness classifiers score the boxes of tubes linked on `videos`, labelled as their
 * training samples are (`actionnessSamples`): mean probability and share above the trimmer's 0.5
 * for positive and negative boxes, and the area under the ROC curve.
 */
function actionnessLine(
  label: string,
  det: CrossStreamDetector,
  classifiers: ActionnessClassifiers,
  trunks: StreamTrunks,
  videos: readonly BenchVideo[],
  stacks: LevelStacks,
): string {
  const samples: ActionnessSamples = { features: [], classes: [], labels: [] };
  for (const video of videos) actionnessSamples(det, trunks, video, stacks, samples);
  const N = samples.labels.length;
  if (N === 0) return `  ${label.padEnd(30)} no linked boxes`;
  const p = actionnessOf(classifiers, samples.features, samples.classes);
  const side = (l: number) => {
    const ps = [...p].filter((_, i) => samples.labels[i] === l);
    return {
      ps,
      mean: ps.reduce((a, b) => a + b, 0) / Math.max(1, ps.length),
      above: ps.filter((v) => v > 0.5).length / Math.max(1, ps.length),
    };
  };
  const pos = side(1);
  const neg = side(0);
  // AUC: the chance that a positive box scores above a negative one (ties count half)
  const sortedNeg = Float64Array.from(neg.ps).sort();
  let wins = 0;
  for (const v of pos.ps) {
    let lo = 0;
    let hi = sortedNeg.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (sortedNeg[mid]! < v) lo = mid + 1;
      else hi = mid;
    }
    let ties = lo;
    while (ties < sortedNeg.length && sortedNeg[ties] === v) ties++;
    wins += lo + (ties - lo) / 2;
  }
  const auc = pos.ps.length && neg.ps.length ? wins / (pos.ps.length * neg.ps.length) : Number.NaN;
  return `  ${label.padEnd(30)} ${String(N).padStart(7)} ${String(pos.ps.length).padStart(6)}   ${pos.mean.toFixed(2)} / ${neg.mean.toFixed(2)}          ${(100 * pos.above).toFixed(0).padStart(3)}% / ${(100 * neg.above).toFixed(0).padStart(3)}%       ${auc.toFixed(3)}`;
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
