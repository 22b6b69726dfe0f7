import { readFile, stat } from 'node:fs/promises';
import { dirname, extname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import {
  type ActionDataset,
  type CsvByteRange,
  csvShards,
  type FrameDetectionRows,
  quoteInput,
  readAvaCsv,
  readAvaExclusions,
  readAvaLabelmap,
  readFrameDetectionsByVideo,
  readTubeDetectionsWithLines,
} from '@tubekit/datasets';
import {
  avaFrameMeanAP,
  DEFAULT_VIDEO_IOUS,
  FrameMeanAPEvaluator,
  type MeanAPOptions,
  type MeanAPResult,
  MetricsInputError,
  mergeFrameShards,
  PROTOCOL_NAMES,
  type ProtocolProfile,
  protocolProfile,
  videoMeanAP,
} from '@tubekit/metrics';
import { svgPrCurves, writeFileAtomic } from '@tubekit/report';
import type { Command } from 'commander';
import { CliError } from '../cli-error';
import { isMatFile, readMatDetectionTubes, refuseMatFile } from '../detection-tubes';
import { loadGroundTruth } from '../ground-truth-cache';
import { type CliIO, processIO, runAction } from '../run-action';
import type {
  FrameShardMerged,
  FrameShardMessage,
  FrameShardRequest,
} from './frame-shard-protocol';
import { scoreSpillFile } from './score-spill-file';

/** Options shared by `tubekit eval frame|video|ava`. */
export interface EvalCommandOptions {
  gt: string;
  det: string;
  protocol: string;
  iou?: string[];
  videos?: string;
  split?: string;
  lenient?: boolean;
  json?: boolean;
  plot?: string;
  labelmap?: string;
  exclusions?: string;
  /** `eval frame`: threads to use (shards of whole videos evaluated at once when ≥ 2). */
  threads?: string;
}

/** The `--json` document: exactly `{protocol, results: [{iou, mAP, classes: [{label, ap, gt, det}]}]}`. */
export function evalJson(result: MeanAPResult): string {
  return JSON.stringify({
    protocol: result.protocol,
    results: result.results.map((r) => ({
      iou: r.iou,
      mAP: Number.isFinite(r.mAP) ? r.mAP : null,
      classes: r.classes.map((c) => ({ label: c.label, ap: c.ap, gt: c.gt, det: c.det })),
    })),
  });
}

const pct = (v: number | null) => (v === null || !Number.isFinite(v) ? '–' : (100 * v).toFixed(2));

/** Which classes the mAP averages and why, e.g. `(mean over 66 classes; 62 have neither GT nor detections, counted as 0 under act)`. */
function meanNote({ mean: m, protocol }: MeanAPResult): string {
  const n = m.classesWithoutGroundTruth;
  const none = m.classesWithoutGroundTruthOrDetections;
  const why =
    m.rule === 'labels-with-gt'
      ? ' with GT'
      : m.rule === 'labels-with-gt-and-detections'
        ? ' with GT and detections'
        : n === 0
          ? ''
          : `; ${n === none ? `${n} have neither GT nor detections` : `${n} have no GT (${none} no detections either)`}, counted as 0 under ${protocol}`;
  return `(mean over ${m.classesInMean} classes${why})`;
}

/** A readable table: one AP column per requested IoU, APs in percent. */
export function evalTable(kind: string, result: MeanAPResult, note: string): string {
  const heads = result.results.map((r) => `AP@${r.iou}`);
  const labels = result.results[0]?.classes.map((c) => c.label) ?? [];
  const w = Math.max(8, ...labels.map((l) => l.length));
  const cols = heads.map((h) => Math.max(7, h.length));
  const pad = (s: string, n: number) => s.padStart(n);
  const lines = [
    `${kind} · protocol ${result.protocol} · ${note}`,
    ['label'.padEnd(w), ...heads.map((h, i) => pad(h, cols[i]!)), pad('GT', 7), pad('det', 8)].join(
      '  ',
    ),
  ];
  let hidden = 0;
  labels.forEach((label, c) => {
    const first = result.results[0]!.classes[c]!;
    if (first.gt === 0 && first.det === 0) {
      hidden++;
      return;
    }
    lines.push(
      [
        label.padEnd(w),
        ...result.results.map((r, i) => pad(pct(r.classes[c]!.ap), cols[i]!)),
        pad(String(first.gt), 7),
        pad(String(first.det), 8),
      ].join('  '),
    );
  });
  lines.push(
    [
      'mAP'.padEnd(w),
      ...result.results.map((r, i) => pad(pct(r.mAP), cols[i]!)),
      meanNote(result),
    ].join('  '),
    `(AP in %; – = left out of the mean by the protocol${hidden ? `; ${hidden} labels without GT or detections not shown` : ''})`,
  );
  return `${lines.join('\n')}\n`;
}

function profile(name: string): ProtocolProfile {
  try {
    return protocolProfile(name);
  } catch {
    throw new CliError(`--protocol ${name}: expected one of ${PROTOCOL_NAMES.join(', ')}`);
  }
}

async function evaluatedVideos(
  gt: ActionDataset,
  options: EvalCommandOptions,
): Promise<{ videos: string[] | undefined; note: string }> {
  if (options.videos !== undefined && options.split !== undefined)
    throw new CliError('give either --videos or --split, not both');
  if (options.videos !== undefined) {
    let text: string;
    try {
      text = await readFile(options.videos, 'utf8');
    } catch (error) {
      throw new CliError(
        `cannot read --videos ${options.videos}: ${(error as NodeJS.ErrnoException).code ?? error}`,
      );
    }
    const known = new Set(gt.videos.map((v) => v.name));
    const videos: string[] = [];
    text.split(/\r?\n/).forEach((raw, i) => {
      const name = raw.trim();
      if (name === '' || name.startsWith('#')) return;
      if (!known.has(name))
        throw new CliError(
          `${options.videos}:${i + 1}: video ${quoteInput(name)} is not in --gt ${options.gt}`,
        );
      videos.push(name);
    });
    if (videos.length === 0)
      throw new CliError(
        `${options.videos}: no video names (expected one GT video name per line; blank lines and # comments are skipped)`,
      );
    return { videos, note: `${videos.length} videos from ${options.videos}` };
  }
  const split = options.split ?? (gt.splits.test ? 'test' : undefined);
  if (split === undefined) return { videos: undefined, note: `all ${gt.videos.length} videos` };
  const videos = gt.splits[split];
  if (videos === undefined)
    throw new CliError(
      `--split ${split}: ${options.gt} has splits ${Object.keys(gt.splits).join(', ') || '(none)'}`,
    );
  return { videos, note: `split ${split} (${videos.length} videos)` };
}

function warn(io: CliIO, what: string, counts: Record<string, number>): void {
  const parts = Object.entries(counts)
    .filter(([, n]) => n > 0)
    .map(([kind, n]) => `${kind} ×${n}`);
  if (parts.length) io.stderr(`tubekit eval: warning: ${what}: ${parts.join(', ')}\n`);
}

/**
 * Runs `run`, turning the evaluator's input errors into one-line CLI errors naming `file` and,
 * when `lines` maps the evaluator's rows to file lines, the 1-based file line.
 */
function withFile<T>(file: string, lines: Int32Array | undefined, run: () => T): T {
  try {
    return run();
  } catch (error) {
    if (error instanceof MetricsInputError) {
      const line = lines?.[error.row];
      throw new CliError(`${file}${line !== undefined ? `:${line}` : ''}: ${error.detail}`);
    }
    if (error instanceof RangeError) throw new CliError(error.message);
    throw error;
  }
}

async function output(
  io: CliIO,
  kind: string,
  result: MeanAPResult,
  options: EvalCommandOptions,
  note: string,
): Promise<void> {
  warn(io, 'skipped bad detections (--lenient)', result.warnings.skipped);
  if (result.warnings.outsideEvaluatedVideos > 0)
    io.stderr(
      `tubekit eval: note: ${result.warnings.outsideEvaluatedVideos} detections on videos outside the evaluated set were not used\n`,
    );
  if (options.plot !== undefined) {
    const single = result.results.find((r) => r.classes.some((c) => c.curve !== undefined));
    if (!single)
      throw new CliError('--plot needs at least one single IoU threshold (not only a range)');
    await writeFileAtomic(
      options.plot,
      svgPrCurves(single.classes, {
        title: `${kind} PR curves · ${result.protocol} · IoU ${single.iou}`,
      }),
    );
  }
  io.stdout(options.json ? `${evalJson(result)}\n` : evalTable(kind, result, note));
}

/**
 * The shared body of `eval frame` and `eval video`: load the GT and the evaluated videos,
 * evaluate the detections under the protocol (input errors name the detection file and line),
 * print.
 */
async function evalDetections(
  options: EvalCommandOptions,
  io: CliIO,
  how: {
    kind: 'frame-mAP' | 'video-mAP';
    defaultIoU: ReadonlyArray<number | string>;
    /** Reads `options.det` and evaluates it; returns the result and a count for the table. */
    evaluate: (
      gt: ActionDataset,
      options: MeanAPOptions,
    ) => Promise<{ result: MeanAPResult; count: string }>;
  },
): Promise<MeanAPResult> {
  const protocol = profile(options.protocol);
  const gt = await loadGroundTruth(options.gt);
  const { videos, note } = await evaluatedVideos(gt, options);
  const { result, count } = await how.evaluate(gt, {
    protocol,
    iou: options.iou ?? how.defaultIoU,
    videos,
    lenient: options.lenient === true,
    curves: options.plot !== undefined,
  });
  await output(io, how.kind, result, options, `${note} · ${count}`);
  return result;
}

/** What {@link streamFrameMeanAP} gives: the result, the detection rows, the shards evaluated at once. */
export interface FrameEvaluation {
  result: MeanAPResult;
  rows: number;
  shards: number;
}

/** Below this size a frame CSV is evaluated on one thread whatever `--threads` says. */
export const WORKER_MIN_BYTES = 32 * 2 ** 20;

/**
 * Starts a shard worker: the built `.js`/`.cjs` next to this module, or (running from sources,
 * as in tests and benchmarks) the `.ts` source through tsx's loader.
 */
function startShardWorker(request: FrameShardRequest): Worker {
  const here = typeof __filename === 'string' ? __filename : fileURLToPath(import.meta.url);
  const extension = extname(here);
  const entry = join(dirname(here), `frame-shard-worker${extension}`);
  if (extension !== '.ts') return new Worker(entry, { workerData: request });
  const bootstrap = `const { createRequire } = require('node:module');
const api = createRequire(${JSON.stringify(entry)})('tsx/cjs/api');
api.register();
require(${JSON.stringify(entry)});`;
  return new Worker(bootstrap, { eval: true, workerData: request });
}

/** The worker's next message; an error or exit comes back as an `error` message. */
function nextMessage(worker: Worker): Promise<FrameShardMessage> {
  return new Promise((resolve) => {
    const done = (message: FrameShardMessage) => {
      worker.off('message', done);
      worker.off('error', failed);
      worker.off('exit', exited);
      resolve(message);
    };
    const failed = (error: Error) => done({ type: 'error', detail: error.message });
    const exited = (code: number) => done({ type: 'error', detail: `exit code ${code}` });
    worker.on('message', done);
    worker.on('error', failed);
    worker.on('exit', exited);
  });
}

/**
 * Frame-mAP of `det` in shards, one per byte range of whole videos (`csvShards`): this thread
 * evaluates the first range, a worker thread each other one (`frame-shard-worker.ts`); the
 * shards merge exactly (`mergeFrameShards`: positions offset by the earlier shards' score logs,
 * so ties keep file order), bit for bit the result of one thread. `undefined` on any failure (a
 * bad row, a quote, a video in two ranges): the caller then evaluates on one thread, which
 * reports a problem in full (file line and all).
 */
async function shardedFrameMeanAP(
  det: string,
  gt: ActionDataset,
  options: MeanAPOptions,
  ranges: CsvByteRange[],
): Promise<FrameEvaluation | undefined> {
  const lenient = options.lenient === true;
  const workers = ranges.slice(1).map((range, i) =>
    startShardWorker({
      det,
      range,
      index: i + 1,
      gt,
      protocol: options.protocol.name,
      iou: options.iou ?? [0.5],
      videos: options.videos,
      lenient,
    }),
  );
  const shardsIn = workers.map(nextMessage);
  const spill = scoreSpillFile();
  try {
    const evaluator = new FrameMeanAPEvaluator(gt, { ...options, scoreSpill: spill });
    let rows = 0;
    // the evaluator keeps nothing of a video's rows: they may be the reader's own arrays
    await readFrameDetectionsByVideo(
      det,
      { lenient, range: ranges[0], borrowRows: true },
      () => (video) => {
        rows += video.length;
        evaluator.addVideo(video.videos[0]!, video);
      },
    );
    const shards = [evaluator.shard()];
    for (const reply of await Promise.all(shardsIn)) {
      if (reply.type !== 'shard') return undefined;
      shards.push(reply.shard);
      rows += reply.rows;
    }
    const merged = mergeFrameShards(shards);
    const countsIn = workers.map(nextMessage);
    for (const worker of workers) worker.postMessage({ merged } satisfies FrameShardMerged);
    const counts = [evaluator.countBefore(merged, 0)];
    for (const reply of await Promise.all(countsIn)) {
      if (reply.type !== 'counts') return undefined;
      counts.push(reply.counts);
    }
    return { result: evaluator.resultOfShards(merged, counts), rows, shards: shards.length };
  } catch {
    return undefined;
  } finally {
    spill.close();
    await Promise.all(workers.map((worker) => worker.terminate()));
  }
}

/**
 * Frame-mAP of a frame-detection CSV, streamed video by video into a
 * {@link FrameMeanAPEvaluator}: memory holds the GT, a few videos' rows, the true positives and
 * at most 8 MiB of the evaluator's score log, the rest of which goes to an unlinked temporary
 * file ({@link scoreSpillFile}); files whose videos are interleaved are read whole. With
 * `threads ≥ 2` and a file of at least `minWorkerBytes` (and no PR curves), the file is
 * evaluated in up to `threads` shards of whole videos at once ({@link shardedFrameMeanAP}); the
 * result is identical.
 */
export async function streamFrameMeanAP(
  det: string,
  gt: ActionDataset,
  options: MeanAPOptions,
  threads = 1,
  minWorkerBytes = WORKER_MIN_BYTES,
): Promise<FrameEvaluation> {
  if (threads >= 2 && options.curves !== true) {
    const size = await stat(det).then(
      (s) => s.size,
      () => 0,
    );
    const ranges =
      size >= minWorkerBytes ? await csvShards(det, threads).catch(() => undefined) : undefined;
    const sharded = ranges && (await shardedFrameMeanAP(det, gt, options, ranges));
    if (sharded) return sharded;
  }
  // each evaluator's score log goes to its own unlinked temporary file past 8 MiB
  let spill = scoreSpillFile();
  let evaluator = new FrameMeanAPEvaluator(gt, { ...options, scoreSpill: spill });
  let rows = 0;
  const start = () => {
    spill.close();
    spill = scoreSpillFile();
    evaluator = new FrameMeanAPEvaluator(gt, { ...options, scoreSpill: spill });
    rows = 0;
    return (video: FrameDetectionRows) => {
      rows += video.length;
      withFile(det, video.line, () => evaluator.addVideo(video.videos[0]!, video));
    };
  };
  try {
    await readFrameDetectionsByVideo(
      det,
      { lenient: options.lenient === true, borrowRows: true },
      start,
    );
    return { result: withFile(det, undefined, () => evaluator.result()), rows, shards: 1 };
  } finally {
    spill.close();
  }
}

/** `tubekit eval frame`: frame-mAP of a canonical frame-detection CSV. */
export function evalFrame(
  options: EvalCommandOptions,
  io: CliIO = processIO,
): Promise<MeanAPResult> {
  return evalDetections(options, io, {
    kind: 'frame-mAP',
    defaultIoU: [0.5],
    evaluate: async (gt, mapOptions) => {
      await refuseMatFile(options.det, 'a frame-detection CSV');
      const threads = Number(options.threads ?? 1);
      if (!(Number.isInteger(threads) && threads >= 1))
        throw new CliError(`--threads ${options.threads}: expected a whole number ≥ 1`);
      const { result, rows } = await streamFrameMeanAP(options.det, gt, mapOptions, threads);
      return { result, count: `${rows} detections` };
    },
  });
}

/** `tubekit eval video`: video-mAP of a canonical tube-detection CSV. */
export function evalVideo(
  options: EvalCommandOptions,
  io: CliIO = processIO,
): Promise<MeanAPResult> {
  return evalDetections(options, io, {
    kind: 'video-mAP',
    defaultIoU: DEFAULT_VIDEO_IOUS,
    evaluate: async (gt, mapOptions) => {
      // UCF-Sports' published detection tubes come as a MAT-file (no CSV lines to point at)
      const { tubes, lines } = (await isMatFile(options.det))
        ? { tubes: await readMatDetectionTubes(options.det), lines: undefined }
        : await readTubeDetectionsWithLines(options.det, { labels: gt.labels });
      // a tube's problems are located at its first row
      const result = withFile(options.det, lines, () => videoMeanAP(gt, tubes, mapOptions));
      return { result, count: `${tubes.length} tubes` };
    },
  });
}

/** `tubekit eval ava`: AVA frame-mAP from the official CSVs. */
export async function evalAva(
  options: EvalCommandOptions,
  io: CliIO = processIO,
): Promise<MeanAPResult> {
  const protocol = profile(options.protocol);
  if (protocol.ava === null)
    throw new CliError(
      `--protocol ${protocol.name} is not an AVA protocol; use ava-2018, ava-2019, ava-2020 or mmaction2`,
    );
  if (options.labelmap === undefined) throw new CliError('eval ava needs --labelmap <pbtxt>');
  if (options.videos !== undefined || options.split !== undefined)
    throw new CliError(
      'eval ava evaluates the keyframes of the GT CSV; --videos/--split do not apply',
    );
  const lenient = options.lenient === true;
  const groundTruth = await readAvaCsv(options.gt, {
    kind: 'ground-truth',
    lenient,
    timestamps: protocol.ava.fractionalTimestamps ? 'fractional' : 'whole',
  });
  const detections = await readAvaCsv(options.det, { kind: 'detections', lenient });
  const labelmap = await readAvaLabelmap(options.labelmap);
  const exclusions = options.exclusions ? await readAvaExclusions(options.exclusions) : undefined;
  warn(io, `${options.gt} (--lenient)`, { ...groundTruth.warnings });
  warn(io, `${options.det} (--lenient)`, { ...detections.warnings });
  noteUnlistedActions(io, options.labelmap, labelmap, {
    [options.gt]: groundTruth,
    [options.det]: detections,
  });
  const result = withFile(options.det, undefined, () => {
    try {
      return avaFrameMeanAP(
        { groundTruth, detections, labelmap, exclusions },
        { protocol, iou: options.iou ?? [0.5], lenient, curves: options.plot !== undefined },
      );
    } catch (error) {
      if (error instanceof MetricsInputError)
        throw new CliError(`${options.det}:${detections.line[error.row]}: ${error.detail}`);
      throw error;
    }
  });
  await output(
    io,
    'AVA frame-mAP',
    result,
    options,
    `${labelmap.length} classes · ${detections.length} detections`,
  );
  return result;
}

/**
 * Says how many rows carry action ids that the labelmap does not list: the official script drops
 * them without a word (its class whitelist), and so does the evaluation, but not silently.
 */
function noteUnlistedActions(
  io: CliIO,
  labelmapFile: string,
  labelmap: readonly { id: number }[],
  files: Record<string, { action: Int32Array; length: number }>,
): void {
  const listed = new Set(labelmap.map((l) => l.id));
  for (const [file, rows] of Object.entries(files)) {
    const ids = new Set<number>();
    let count = 0;
    for (let i = 0; i < rows.length; i++) {
      const id = rows.action[i]!;
      if (id >= 1 && !listed.has(id)) {
        count++;
        ids.add(id);
      }
    }
    if (count > 0) {
      const shown = [...ids].sort((a, b) => a - b);
      io.stderr(
        `tubekit eval: note: ${file}: ${count} rows with action ids not in --labelmap ${labelmapFile} were dropped, as the official script does (ids ${shown.slice(0, 10).join(', ')}${shown.length > 10 ? ', …' : ''})\n`,
      );
    }
  }
}

const collect = (value: string, previous: string[] | undefined) => [...(previous ?? []), value];

/**
 * `tubekit eval frame|video|ava`: frame-mAP, video-mAP and AVA frame-mAP under a named protocol,
 * as a table or (`--json`) `{"protocol", "results": [{"iou", "mAP", "classes": [{"label", "ap",
 * "gt", "det"}]}]}` with AP and mAP as fractions in [0, 1].
 */
export function registerEvalCommand(program: Command): void {
  const evalCommand = program
    .command('eval')
    .description(
      'evaluate detections: frame-mAP, video-mAP or AVA frame-mAP under a named protocol',
    );
  const common = (cmd: Command, gtHelp: string, detHelp: string, iouDefault: string) =>
    cmd
      .requiredOption('--gt <file>', gtHelp)
      .requiredOption('--det <csv>', detHelp)
      .requiredOption('--protocol <name>', `evaluation protocol: ${PROTOCOL_NAMES.join(' | ')}`)
      .option(
        '--iou <values...>',
        `IoU thresholds, or ranges a:b (step 0.05) / a:step:b, e.g. --iou 0.5 0.2 or --iou 0.5:0.95 (default ${iouDefault})`,
        collect,
      )
      .option('--lenient', 'skip bad detections with a counted warning per kind instead of failing')
      .option('--plot <svg>', 'also write per-class PR curves (first single IoU) as an SVG file')
      .option('--json', 'machine-readable output on stdout');

  common(
    evalCommand.command('frame').description('frame-mAP of per-frame detections'),
    'ground truth: *.tubes.json, ACT/MultiSports *-GT.pkl, UCF101-24 pyannot*.pkl, …',
    'frame detections CSV video,frame,label,score,x1,y1,x2,y2',
    '0.5',
  )
    .option('--videos <list>', 'evaluate the videos named in this file (one per line)')
    .option('--split <name>', 'evaluate a split of the ground truth (default: test when present)')
    .option(
      '--threads <n>',
      'threads (default 1); with 2 or more, a CSV of 32 MiB or more is cut into that many parts of whole videos, evaluated at once and merged exactly (same result)',
    )
    .addHelpText(
      'after',
      "\nThe CSV is streamed video by video (memory: one video at a time when each video's rows are together; otherwise it is read whole).\n\nExample:\n  tubekit eval frame --gt fixtures/multisports/gt.pkl --det frame_dets.csv --protocol voc --iou 0.5 --json",
    )
    .action(
      runAction('eval', (options: EvalCommandOptions) => evalFrame(options).then(() => undefined)),
    );

  common(
    evalCommand.command('video').description('video-mAP of detected tubes'),
    'ground truth: *.tubes.json, ACT/MultiSports *-GT.pkl, UCF101-24 pyannot*.pkl, …',
    'tube detections CSV video,tube,label,score,frame,x1,y1,x2,y2, or UCF-Sports ucfsports_tubes_test.mat',
    '0.2 0.5 0.75 0.5:0.95',
  )
    .option('--videos <list>', 'evaluate the videos named in this file (one per line)')
    .option('--split <name>', 'evaluate a split of the ground truth (default: test when present)')
    .addHelpText(
      'after',
      '\nExample:\n  tubekit eval video --gt pyannot.pkl --det tubes.csv --protocol act --iou 0.2 0.5 0.5:0.95',
    )
    .action(
      runAction('eval', (options: EvalCommandOptions) => evalVideo(options).then(() => undefined)),
    );

  common(
    evalCommand.command('ava').description('AVA frame-mAP from the official CSVs'),
    'AVA GT CSV video_id,timestamp,x1,y1,x2,y2,action_id,person_id',
    'AVA detections CSV video_id,timestamp,x1,y1,x2,y2,action_id,score',
    '0.5',
  )
    .option('--labelmap <pbtxt>', 'AVA labelmap (item { name: "…" id: N })')
    .option('--exclusions <csv>', 'excluded keyframes video_id,timestamp (not with ava-2020)')
    .addHelpText(
      'after',
      '\nExample:\n  tubekit eval ava --gt gt.csv --det dets.csv --labelmap labelmap.pbtxt --exclusions excluded.csv --protocol ava-2018 --json',
    )
    .action(
      runAction('eval', (options: EvalCommandOptions) => evalAva(options).then(() => undefined)),
    );
}
