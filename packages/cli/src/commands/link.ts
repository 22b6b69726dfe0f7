import { open, rm } from 'node:fs/promises';
import { resolve } from 'node:path';
import type { ActionDataset, FrameDetectionRows, TubeletDetectionRows } from '@tubekit/datasets';
import {
  quoteInput,
  readFrameDetectionsByVideo,
  readTubeDetectionsCsv,
  readTubeletDetectionsByVideo,
  writeTubeDetectionsCsv,
} from '@tubekit/datasets';
import type { DetectedTube } from '@tubekit/geometry';
import {
  ACT_PIPELINE,
  ACTIONNESS_TRIMMER,
  actionnessTrimming,
  classScoresFromRows,
  type LinkingPipeline,
  linkVideos,
  MOC_PIPELINE,
  MULTISPORTS_PIPELINE,
  ONLINE_PIPELINE,
  SAHA_TRIMMER,
  SINGH_TRIMMER,
  type TrimmerSpec,
  twoStateTrimming,
  VITERBI_PIPELINE,
  YOWO_PIPELINE,
} from '@tubekit/linking';
import { stageFileAtomic } from '@tubekit/report';
import type { Command } from 'commander';
import { CliError } from '../cli-error';
import { refuseMatFile } from '../detection-tubes';
import { loadGroundTruth } from '../ground-truth-cache';
import { runAction } from '../run-action';

/** `--method` values of `tubekit link`. */
export type LinkMethod = 'act' | 'moc' | 'multisports' | 'viterbi' | 'yowo' | 'online';
/** `--trim` values of `tubekit link`. */
export type TrimMethod = 'saha' | 'singh' | 'actionness';

const METHODS: readonly LinkMethod[] = ['act', 'moc', 'multisports', 'viterbi', 'yowo', 'online'];
const TRIMS: readonly TrimMethod[] = ['saha', 'singh', 'actionness'];

/** The published pipeline behind a `--method` (and `--trim`) choice. */
export function linkPipeline(method: LinkMethod, trim?: TrimMethod): LinkingPipeline {
  let base: LinkingPipeline;
  switch (method) {
    case 'act':
      base = ACT_PIPELINE;
      break;
    case 'moc':
      base = MOC_PIPELINE;
      break;
    case 'multisports':
      base = MULTISPORTS_PIPELINE;
      break;
    case 'viterbi':
      base = VITERBI_PIPELINE;
      break;
    case 'yowo':
      base = YOWO_PIPELINE;
      break;
    case 'online':
      base = ONLINE_PIPELINE;
      break;
  }
  if (trim === undefined) return base;
  let trimmer: TrimmerSpec;
  switch (trim) {
    case 'saha':
      trimmer = SAHA_TRIMMER;
      break;
    case 'singh':
      trimmer = SINGH_TRIMMER;
      break;
    case 'actionness':
      trimmer = ACTIONNESS_TRIMMER;
      break;
  }
  return { ...base, name: `${base.name}+${trim}`, trimmer };
}

/** Reads the first line of a CSV to tell frame detections from tubelet detections. */
async function csvHeader(path: string): Promise<string[]> {
  const file = await open(path, 'r').catch((error: NodeJS.ErrnoException) => {
    throw new CliError(`cannot read --det ${path}: ${error.code ?? error.message}`);
  });
  try {
    const buffer = Buffer.alloc(4096);
    const { bytesRead } = await file.read(buffer, 0, buffer.length, 0);
    const line = buffer.subarray(0, bytesRead).toString('utf8').split(/\r?\n/)[0] ?? '';
    return line.split(',').map((c) => c.trim());
  } finally {
    await file.close();
  }
}

/** One video's detections must be of a GT video, every label a GT label index. */
function checkAgainstGt(
  rows: FrameDetectionRows | TubeletDetectionRows,
  gt: ActionDataset,
  videos: ReadonlySet<string>,
  det: string,
  gtPath: string,
): void {
  const video = rows.videos[0]!;
  if (!videos.has(video))
    throw new CliError(
      `${det}:${rows.line[0]}: video ${JSON.stringify(video).slice(0, 80)} is not in the ground truth ${gtPath}`,
    );
  for (let i = 0; i < rows.length; i++)
    if (rows.label[i]! >= gt.labels.length)
      throw new CliError(
        `${det}:${rows.line[i]}: column label: label ${rows.label[i]}, but ${gtPath} has ${gt.labels.length} labels (0…${gt.labels.length - 1})`,
      );
}

/** Each GT video's frame count (videos without one are left out), for the linkers' checks and YOWO's span. */
function gtFrameCounts(gt: ActionDataset): Map<string, number> {
  return new Map(gt.videos.filter((v) => v.nframes > 0).map((v) => [v.name, v.nframes]));
}

interface LinkCommandOptions {
  method?: string;
  trim?: string;
  det: string;
  gt: string;
  out: string;
  metadata?: string;
  json?: boolean;
}

/**
 * `tubekit link --method act|moc|multisports|viterbi|yowo|online [--trim saha|singh|actionness]
 * --det <frames or tubelets CSV> --gt <GT file> --out tubes.csv [--metadata meta.json] [--json]`:
 * links detections into tubes with a published linker (@tubekit/linking presets) and writes the
 * canonical tube CSV atomically, ready for `tubekit eval video`. Given a tube CSV (with
 * `box_score`) and only `--trim`, it trims those tubes instead.
 */
export function registerLinkCommand(program: Command): void {
  program
    .command('link')
    .description(
      'link frame or tubelet detections into action tubes with a published linker, or trim tubes',
    )
    .option('--method <method>', `linker: ${METHODS.join(' | ')} (omit when --det holds tubes)`)
    .option('--trim <trimmer>', `temporal trimmer: ${TRIMS.join(' | ')}`)
    .requiredOption(
      '--det <csv>',
      'frame detections (video,frame,label,score,x1,y1,x2,y2), tubelets (video,start,label,score,x1_1,…), or tubes (video,tube,…,box_score) to trim only',
    )
    .requiredOption(
      '--gt <file>',
      'ground truth (*.tubes.json, ACT/MultiSports *-GT.pkl, UCF101-24 pyannot.pkl): video names and labels',
    )
    .requiredOption(
      '--out <csv>',
      'tube CSV to write (video,tube,label,score,frame,x1,y1,x2,y2,box_score)',
    )
    .option('--metadata <json>', 'also write the pipeline with every parameter as JSON')
    .option('--json', 'machine-readable output')
    .addHelpText(
      'after',
      `
Methods (all defaults as published; see @tubekit/linking):
  act          ACT tubelet linking (Kalogeiton et al. 2017), K from the tubelet CSV
  moc          MOC's variant: soft tubelet NMS on summed IoUs (negative scores kept), overlap 0.5
  multisports  MOC's with K = 1 on frame detections, continuous link IoU (MultiSports baseline)
  viterbi      Gkioxari & Malik (2015) Viterbi paths after per-frame NMS 0.3
  yowo         YOWO's Viterbi variant (every frame of the video, gaps filled from the
               nearest frame, ≤ 3 paths, tube NMS 0.3)
  online       Singh et al. (2017) online incremental linking
Input order: rows may come in any order; each video's rows are sorted by frame (stably) before
  linking. Files with each video's rows together are streamed one video at a time; otherwise
  the file is read whole.
Trimmers: saha (two-state), singh (multi-class; with --method online, class-score vectors
  rebuilt from rows sharing a box), actionness (PCSC; the per-frame scores as actionness)

Example:
  tubekit link --method multisports --det frame_dets.csv --gt gt.pkl --out tubes.csv
  tubekit eval video --gt gt.pkl --det tubes.csv --protocol voc
  tubekit link --trim saha --det tubes.csv --gt gt.pkl --out trimmed.csv`,
    )
    .action(
      runAction('link', async (options: LinkCommandOptions) => {
        if (options.method !== undefined && !METHODS.includes(options.method as LinkMethod))
          throw new CliError(`--method ${options.method}: expected one of ${METHODS.join(', ')}`);
        if (options.trim !== undefined && !TRIMS.includes(options.trim as TrimMethod))
          throw new CliError(`--trim ${options.trim}: expected one of ${TRIMS.join(', ')}`);
        await refuseMatFile(options.det, 'a CSV of frame detections, tubelets or tubes');
        const header = await csvHeader(options.det);
        const metadata = header.includes('tube')
          ? await trimTubesCsv(options, options.trim as TrimMethod | undefined)
          : await linkDetectionsCsv(options, header);
        const { input, output } = metadata;
        process.stdout.write(
          options.json
            ? `${JSON.stringify({ command: 'link', ...metadata })}\n`
            : `${metadata.pipeline.linker === null ? 'trimmed' : 'linked'} ${input.rows} ${ROW_NOUNS[input.kind]} of ${input.videos} videos into ${output.tubes} tubes with ${metadata.pipeline.name} → ${options.out}\n`,
        );
      }),
    );
}

/** What one input row is, for the summary line: detection rows, not frames. */
const ROW_NOUNS = {
  frames: 'frame-detection rows',
  tubelets: 'tubelet rows',
  tubes: 'tubes',
} as const;

/** What `tubekit link` records (and prints with `--json`): the pipeline with every parameter. */
interface LinkRunMetadata {
  pipeline: LinkingPipeline | { name: string; linker: null; trimmer: TrimmerSpec };
  input: {
    detections: string;
    kind: 'frames' | 'tubelets' | 'tubes';
    K?: number;
    rows: number;
    videos: number;
    groundTruth: string;
  };
  output: { file: string; videos: number; tubes: number };
}

/** Frame or tubelet detections → linker (→ trimmer) → tube CSV. */
async function linkDetectionsCsv(
  options: LinkCommandOptions,
  header: string[],
): Promise<LinkRunMetadata> {
  if (options.method === undefined)
    throw new CliError(
      `--method is required to link ${options.det} (expected one of ${METHODS.join(', ')})`,
    );
  const pipeline = linkPipeline(
    options.method as LinkMethod,
    options.trim as TrimMethod | undefined,
  );
  const singh = pipeline.trimmer?.method === 'multi-class';
  if (singh && pipeline.linker.method !== 'online')
    throw new CliError(
      `--trim singh needs tubes that carry each box's class-score vector, which only --method online keeps (got --method ${options.method})`,
    );
  const tubelets = header.includes('start');
  if (!tubelets && !header.includes('frame'))
    throw new CliError(
      `${options.det}: header ${quoteInput(header.join(','))} is neither frame detections (…,frame,…), tubelets (…,start,…) nor tubes (…,tube,…)`,
    );
  if (tubelets && pipeline.linker.method !== 'tubelet')
    throw new CliError(
      `${options.det} holds K-frame tubelets; --method ${options.method} links frame detections (use act or moc)`,
    );
  const gt = await loadGroundTruth(options.gt);
  const gtVideos = new Set(gt.videos.map((v) => v.name));
  const classes = gt.labels.length;
  let tubes: DetectedTube[] = [];
  let rows = 0;
  const nframes = gtFrameCounts(gt);
  let videos = 0;
  let linked = 0;
  let K = 1;
  // one video at a time, its rows sorted by frame (the order the linkers need)
  const start = () => {
    tubes = [];
    rows = 0;
    videos = 0;
    linked = 0;
    return (dets: FrameDetectionRows | TubeletDetectionRows) => {
      checkAgainstGt(dets, gt, gtVideos, options.det, options.gt);
      rows += dets.length;
      videos++;
      if ('K' in dets) K = dets.K;
      const extra =
        singh && 'frame' in dets
          ? {
              source: options.det,
              nframes,
              classes,
              classScores: classScoresFromRows(dets, classes, { source: options.det }),
            }
          : { source: options.det, nframes };
      for (const video of linkVideos(dets, pipeline, extra)) {
        linked++;
        tubes.push(...video.tubes);
      }
    };
  };
  if (tubelets) await readTubeletDetectionsByVideo(options.det, start);
  else await readFrameDetectionsByVideo(options.det, { sortFrames: true }, start);
  return writeOutputs(options, tubes, gt.labels, {
    pipeline,
    input: {
      detections: options.det,
      kind: tubelets ? 'tubelets' : 'frames',
      K,
      rows,
      videos,
      groundTruth: options.gt,
    },
    output: { file: options.out, videos: linked, tubes: tubes.length },
  });
}

/** An existing tube CSV (with per-frame `box_score`) → trimmer → tube CSV. */
async function trimTubesCsv(
  options: LinkCommandOptions,
  trim: TrimMethod | undefined,
): Promise<LinkRunMetadata> {
  if (options.method !== undefined)
    throw new CliError(
      `${options.det} already holds tubes: drop --method and give only --trim to trim them`,
    );
  if (trim === undefined)
    throw new CliError(
      `${options.det} already holds tubes: give --trim ${TRIMS.join('|')} to trim them`,
    );
  const gt = await loadGroundTruth(options.gt);
  const input = await readTubeDetectionsCsv(options.det, { labels: gt.labels });
  const names = new Set(gt.videos.map((v) => v.name));
  for (const tube of input)
    if (!names.has(tube.video))
      throw new CliError(
        `${options.det}: video "${tube.video}" is not in the ground truth ${options.gt}`,
      );
  const unscored = input.findIndex((tube) => tube.scores === undefined);
  if (unscored >= 0)
    throw new CliError(
      `${options.det}: no box_score for the tubes of video ${quoteInput(input[unscored]!.video)}; --trim ${trim} needs each box's score (a box_score column, as tubekit link writes it)`,
    );
  let trimmer: TrimmerSpec;
  let tubes: DetectedTube[];
  switch (trim) {
    case 'saha':
      trimmer = SAHA_TRIMMER;
      tubes = twoStateTrimming(input, SAHA_TRIMMER.options, {
        source: options.det,
        nframes: gtFrameCounts(gt),
      });
      break;
    case 'actionness':
      trimmer = ACTIONNESS_TRIMMER;
      tubes = actionnessTrimming(input, ACTIONNESS_TRIMMER.options, undefined, {
        source: options.det,
        nframes: gtFrameCounts(gt),
      });
      break;
    case 'singh':
      throw new CliError(
        `--trim singh needs each box's class-score vector, which a tube CSV does not carry; link frame detections with --method online --trim singh`,
      );
  }
  return writeOutputs(options, tubes, gt.labels, {
    pipeline: { name: `trim:${trim}`, linker: null, trimmer },
    input: {
      detections: options.det,
      kind: 'tubes',
      rows: input.length,
      videos: new Set(input.map((t) => t.video)).size,
      groundTruth: options.gt,
    },
    output: {
      file: options.out,
      videos: new Set(tubes.map((t) => t.video)).size,
      tubes: tubes.length,
    },
  });
}

/**
 * Writes the tube CSV and, with `--metadata`, the run's JSON: both or neither. The metadata is
 * staged in full first (a bad `--metadata` path fails before the CSV exists), the CSV is written
 * atomically, then the metadata is published; should that last rename fail, the CSV is removed.
 */
async function writeOutputs(
  options: LinkCommandOptions,
  tubes: DetectedTube[],
  labels: string[],
  metadata: LinkRunMetadata,
): Promise<LinkRunMetadata> {
  if (options.metadata !== undefined && resolve(options.metadata) === resolve(options.out))
    throw new CliError(`--metadata ${options.metadata}: the same file as --out`);
  const staged = options.metadata
    ? await stageFileAtomic(options.metadata, `${JSON.stringify(metadata, null, 2)}\n`)
    : undefined;
  try {
    await writeTubeDetectionsCsv(options.out, tubes, { labels });
  } catch (error) {
    await staged?.abort();
    throw error;
  }
  try {
    await staged?.commit();
  } catch (error) {
    await rm(options.out, { force: true });
    throw error;
  }
  return metadata;
}
