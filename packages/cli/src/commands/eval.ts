import { readFile } from 'node:fs/promises';
import {
  type ActionDataset,
  loadDataset,
  readAvaCsv,
  readAvaExclusions,
  readAvaLabelmap,
  readFrameDetectionsCsv,
  readTubeDetectionsCsv,
} from '@tubekit/datasets';
import {
  avaFrameMeanAP,
  DEFAULT_VIDEO_IOUS,
  frameMeanAP,
  type MeanAPOptions,
  type MeanAPResult,
  MetricsInputError,
  PROTOCOL_NAMES,
  type ProtocolProfile,
  protocolProfile,
  videoMeanAP,
} from '@tubekit/metrics';
import { svgPrCurves, writeFileAtomic } from '@tubekit/report';
import type { Command } from 'commander';
import { CliError } from '../cli-error';
import { type CliIO, processIO, runAction } from '../run-action';

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
          `${options.videos} (line ${i + 1}): video ${JSON.stringify(name)} is not in --gt ${options.gt}`,
        );
      videos.push(name);
    });
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

function withFile<T>(file: string, rowsAreLines: boolean, run: () => T): T {
  try {
    return run();
  } catch (error) {
    if (error instanceof MetricsInputError)
      throw new CliError(
        rowsAreLines
          ? `${file} (data row ${error.row + 1}): ${error.detail}`
          : `${file}: ${error.detail}`,
      );
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
 * The shared body of `eval frame` and `eval video`: load the GT and the evaluated videos, read the
 * detections, evaluate under the protocol (input errors name the detection file), print.
 */
async function evalDetections<D>(
  options: EvalCommandOptions,
  io: CliIO,
  how: {
    kind: 'frame-mAP' | 'video-mAP';
    read: (path: string) => Promise<D>;
    count: (detections: D) => string;
    /** Whether the evaluator's row numbers are the CSV's data rows (frame CSVs: one row each). */
    rowsAreLines: boolean;
    defaultIoU: ReadonlyArray<number | string>;
    evaluate: (gt: ActionDataset, detections: D, options: MeanAPOptions) => MeanAPResult;
  },
): Promise<MeanAPResult> {
  const protocol = profile(options.protocol);
  const gt = await loadDataset(options.gt);
  const { videos, note } = await evaluatedVideos(gt, options);
  const detections = await how.read(options.det);
  const result = withFile(options.det, how.rowsAreLines, () =>
    how.evaluate(gt, detections, {
      protocol,
      iou: options.iou ?? how.defaultIoU,
      videos,
      lenient: options.lenient === true,
      curves: options.plot !== undefined,
    }),
  );
  await output(io, how.kind, result, options, `${note} · ${how.count(detections)}`);
  return result;
}

/** `tubekit eval frame`: frame-mAP of a canonical frame-detection CSV. */
export function evalFrame(
  options: EvalCommandOptions,
  io: CliIO = processIO,
): Promise<MeanAPResult> {
  return evalDetections(options, io, {
    kind: 'frame-mAP',
    read: (path) => readFrameDetectionsCsv(path, { lenient: options.lenient === true }),
    count: (dets) => `${dets.length} detections`,
    rowsAreLines: true,
    defaultIoU: [0.5],
    evaluate: frameMeanAP,
  });
}

/** `tubekit eval video`: video-mAP of a canonical tube-detection CSV. */
export function evalVideo(
  options: EvalCommandOptions,
  io: CliIO = processIO,
): Promise<MeanAPResult> {
  return evalDetections(options, io, {
    kind: 'video-mAP',
    read: (path) => readTubeDetectionsCsv(path),
    count: (tubes) => `${tubes.length} tubes`,
    rowsAreLines: false,
    defaultIoU: DEFAULT_VIDEO_IOUS,
    evaluate: videoMeanAP,
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
  const groundTruth = await readAvaCsv(options.gt, { kind: 'ground-truth', lenient });
  const detections = await readAvaCsv(options.det, { kind: 'detections', lenient });
  const labelmap = await readAvaLabelmap(options.labelmap);
  const exclusions = options.exclusions ? await readAvaExclusions(options.exclusions) : undefined;
  warn(io, `${options.gt} (--lenient)`, { ...groundTruth.warnings });
  warn(io, `${options.det} (--lenient)`, { ...detections.warnings });
  const result = withFile(options.det, false, () => {
    try {
      return avaFrameMeanAP(
        { groundTruth, detections, labelmap, exclusions },
        { protocol, iou: options.iou ?? [0.5], lenient, curves: options.plot !== undefined },
      );
    } catch (error) {
      if (error instanceof MetricsInputError)
        throw new CliError(`${options.det} (line ${detections.line[error.row]}): ${error.detail}`);
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
    .addHelpText(
      'after',
      '\nExample:\n  tubekit eval frame --gt fixtures/multisports/gt.pkl --det frame_dets.csv --protocol voc --iou 0.5 --json',
    )
    .action(
      runAction('eval', (options: EvalCommandOptions) => evalFrame(options).then(() => undefined)),
    );

  common(
    evalCommand.command('video').description('video-mAP of detected tubes'),
    'ground truth: *.tubes.json, ACT/MultiSports *-GT.pkl, UCF101-24 pyannot*.pkl, …',
    'tube detections CSV video,tube,label,score,frame,x1,y1,x2,y2',
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
