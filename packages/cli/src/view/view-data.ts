import { open, stat } from 'node:fs/promises';
import { join } from 'node:path';
import {
  type ActionDataset,
  createSynthTubes,
  encodeFrameImage,
  type FrameSource,
  LruCache,
  loadDataset,
  openImageFolderSource,
  openVideoFileSource,
  type ProposalsFile,
  readFrameDetectionsCsv,
  readProposalsJson,
  readTubeDetectionsCsv,
  type SynthPreset,
  type VideoAnnotation,
} from '@tubekit/datasets';
import { type DetectedTube, emptyFrameDetections, type FrameDetections } from '@tubekit/geometry';
import {
  type DetectionOutcomes,
  frameDetectionOutcomes,
  PROTOCOL_NAMES,
  protocolProfile,
  videoDetectionOutcomes,
} from '@tubekit/metrics';
import { CliError } from '../cli-error';
import { describeError } from '../run-action';
import type { ViewDetection, ViewOutcome, ViewProposals, ViewSession, ViewVideo } from './view-api';

/** What `tubekit view` loads: a GT file (or a SynthTubes preset), detections, frames, proposals. */
export interface ViewDataOptions {
  /** GT file (any format `loadDataset` reads); absent: a SynthTubes preset with its frames. */
  gt?: string;
  /** SynthTubes preset and seed when `gt` is absent (default `smoke`, 0). */
  preset?: SynthPreset;
  seed?: number;
  /** Frame detections CSV or tube detections CSV (told apart by the `tube` column). */
  det?: string;
  /** A folder of frame folders `<frames>/<video>/00001.jpg`, or one video file (for `video`). */
  frames?: string;
  /** Image file name pattern inside frame folders, e.g. `%05d.jpg` (default: detected). */
  pattern?: string;
  /** ffmpeg executable for a video file. */
  ffmpeg?: string;
  /** Per-stage proposals JSON (docs/formats.md). */
  proposals?: string;
  /** The video shown first (name or 0-based index); a `frames` video file belongs to it. */
  video?: string;
  protocol?: string;
  iou?: number;
}

/** Protocols with frame and video rules (the AVA ones evaluate keyframe CSVs, not tubes). */
export const VIEW_PROTOCOLS: readonly string[] = PROTOCOL_NAMES.filter(
  (name) => protocolProfile(name).ava === null,
);

function findVideo(dataset: ActionDataset, name: string, where: string): VideoAnnotation {
  const byName = dataset.videos.find((v) => v.name === name);
  if (byName) return byName;
  const byIndex = /^\d+$/.test(name) ? dataset.videos[Number(name)] : undefined;
  if (byIndex) return byIndex;
  throw new CliError(
    `--video ${JSON.stringify(name.slice(0, 80))} is not in ${where} (${dataset.videos.length} videos, e.g. ${dataset.videos
      .slice(0, 2)
      .map((v) => v.name)
      .join(', ')}; a 0-based index also works)`,
  );
}

async function firstLine(path: string): Promise<string> {
  let handle: Awaited<ReturnType<typeof open>>;
  try {
    handle = await open(path, 'r');
  } catch (error) {
    throw new CliError(
      `cannot read --det ${path}: ${(error as NodeJS.ErrnoException).code ?? error}`,
    );
  }
  try {
    const buffer = Buffer.alloc(4096);
    const { bytesRead } = await handle.read(buffer, 0, buffer.length, 0);
    return buffer.subarray(0, bytesRead).toString('utf8').split(/\r?\n/)[0]!;
  } finally {
    await handle.close();
  }
}

const boxRows = (boxes: ArrayLike<number>): number[][] => {
  const rows: number[][] = [];
  for (let i = 0; i + 3 < boxes.length; i += 4)
    rows.push([boxes[i]!, boxes[i + 1]!, boxes[i + 2]!, boxes[i + 3]!]);
  return rows;
};

const finiteOrNull = (v: number): number | null => (Number.isFinite(v) ? v : null);

/** One video's frame detections (row numbers into the file's {@link FrameDetections}). */
function videoRows(dets: FrameDetections): Map<string, number[]> {
  const rows = new Map<string, number[]>();
  for (let i = 0; i < dets.length; i++) {
    const name = dets.videos[dets.videoIndex[i]!]!;
    let list = rows.get(name);
    if (list === undefined) rows.set(name, (list = []));
    list.push(i);
  }
  return rows;
}

/** `rows.length` detections of one video, read one by one by `read(k)`, as a FrameDetections. */
function subsetRows(
  video: string,
  rows: { length: number },
  read: (k: number) => { frame: number; label: number; score: number; box: ArrayLike<number> },
): FrameDetections {
  const n = rows.length;
  const out = emptyFrameDetections([video], n);
  for (let k = 0; k < n; k++) {
    const d = read(k);
    out.frame[k] = d.frame;
    out.label[k] = d.label;
    out.score[k] = d.score;
    out.boxes.set(d.box, 4 * k);
  }
  return out;
}

/**
 * The data behind `tubekit view`, loaded once; answers the page's requests. Outcomes (TP, FP,
 * duplicate, …) are `@tubekit/metrics`' {@link frameDetectionOutcomes} / {@link videoDetectionOutcomes}
 * of one video under the requested protocol and IoU — the page never recomputes a match.
 */
export class ViewData {
  private readonly frameCache = new LruCache<string, Buffer>(64);
  private readonly sources = new Map<string, Promise<FrameSource>>();

  private constructor(
    readonly title: string,
    readonly dataset: ActionDataset,
    private readonly frameSource: ((video: string) => Promise<FrameSource>) | undefined,
    private readonly framesFor: (video: string) => boolean,
    private readonly frameDets: { dets: FrameDetections; rows: Map<string, number[]> } | undefined,
    private readonly tubes: Map<string, DetectedTube[]> | undefined,
    private readonly proposalsFile: ProposalsFile | undefined,
    readonly firstVideo: string,
    readonly defaultProtocol: string,
    readonly defaultIoU: number,
    /** Detections on videos that are not in the GT (not shown). */
    readonly outsideGt: number,
  ) {}

  /** Loads everything named in `options`; bad inputs throw one-line errors naming the file. */
  static async load(options: ViewDataOptions): Promise<ViewData> {
    const protocol = options.protocol ?? 'voc';
    if (!VIEW_PROTOCOLS.includes(protocol))
      throw new CliError(`--protocol ${protocol}: expected one of ${VIEW_PROTOCOLS.join(', ')}`);
    const iou = options.iou ?? 0.5;
    if (!(iou > 0 && iou <= 1)) throw new CliError(`--iou must be in (0, 1], got ${iou}`);
    let dataset: ActionDataset;
    let title: string;
    let source: ((video: string) => Promise<FrameSource>) | undefined;
    let framesFor: (video: string) => boolean = () => false;
    let first: string;
    if (options.gt === undefined) {
      if (options.frames !== undefined)
        throw new CliError('--frames needs --gt (SynthTubes renders its own frames)');
      const synth = createSynthTubes({
        preset: options.preset ?? 'smoke',
        seed: options.seed ?? 0,
      });
      dataset = synth.dataset;
      title = `SynthTubes ${synth.config.name} (seed ${synth.config.seed})`;
      source = async (video) => synth.frameSource(video, 'rgb');
      framesFor = () => true;
      first = findVideo(dataset, options.video ?? '0', title).name;
    } else {
      dataset = await loadDataset(options.gt);
      title = options.gt;
      if (dataset.videos.length === 0) throw new CliError(`--gt ${options.gt} has no videos`);
      first = findVideo(dataset, options.video ?? '0', options.gt).name;
      if (options.frames !== undefined) {
        const root = options.frames;
        let isFolder: boolean;
        try {
          isFolder = (await stat(root)).isDirectory();
        } catch (error) {
          throw new CliError(
            `cannot read --frames ${root}: ${(error as NodeJS.ErrnoException).code ?? error}`,
          );
        }
        if (isFolder) {
          source = (video) =>
            openImageFolderSource(join(root, video), { video, pattern: options.pattern });
          framesFor = () => true;
        } else {
          const owner = first;
          source = (video) => openVideoFileSource(root, { video, ffmpegPath: options.ffmpeg });
          framesFor = (video) => video === owner;
        }
      }
    }
    const known = new Set(dataset.videos.map((v) => v.name));
    let frameDets: { dets: FrameDetections; rows: Map<string, number[]> } | undefined;
    let tubes: Map<string, DetectedTube[]> | undefined;
    let outsideGt = 0;
    if (options.det !== undefined) {
      const header = (await firstLine(options.det)).split(',').map((c) => c.trim());
      if (header.includes('tube')) {
        tubes = new Map();
        for (const t of await readTubeDetectionsCsv(options.det)) {
          if (!known.has(t.video)) {
            outsideGt++;
            continue;
          }
          let list = tubes.get(t.video);
          if (list === undefined) tubes.set(t.video, (list = []));
          list.push(t);
        }
      } else {
        const dets = await readFrameDetectionsCsv(options.det);
        const rows = videoRows(dets);
        for (const [video, list] of rows)
          if (!known.has(video)) {
            outsideGt += list.length;
            rows.delete(video);
          }
        frameDets = { dets, rows };
      }
    }
    const proposalsFile =
      options.proposals === undefined ? undefined : await readProposalsJson(options.proposals);
    if (proposalsFile) {
      const unknown = proposalsFile.clips.findIndex((c) => !known.has(c.video));
      if (unknown >= 0)
        throw new CliError(
          `${options.proposals} (key clips[${unknown}].video): video ${JSON.stringify(proposalsFile.clips[unknown]!.video.slice(0, 80))} is not in the GT`,
        );
    }
    return new ViewData(
      title,
      dataset,
      source,
      framesFor,
      frameDets,
      tubes,
      proposalsFile,
      first,
      protocol,
      iou,
      outsideGt,
    );
  }

  private detectionCount(video: string): number {
    return this.frameDets?.rows.get(video)?.length ?? this.tubes?.get(video)?.length ?? 0;
  }

  /** `GET /api/session`. */
  session(): ViewSession {
    return {
      title: this.title,
      labels: [...this.dataset.labels],
      videos: this.dataset.videos.map((v) => ({
        name: v.name,
        nframes: v.nframes,
        width: v.width,
        height: v.height,
        tubes: v.tubes.length,
        detections: this.detectionCount(v.name),
        frames: this.frameSource !== undefined && this.framesFor(v.name),
      })),
      protocols: [...VIEW_PROTOCOLS],
      detections: this.frameDets ? 'frame' : this.tubes ? 'tube' : null,
      proposals: this.proposalsFile !== undefined,
      defaults: {
        video: this.firstVideo,
        protocol: this.defaultProtocol,
        iou: this.defaultIoU,
        level: 'frame',
      },
    };
  }

  private video(name: string): VideoAnnotation {
    const video = this.dataset.videos.find((v) => v.name === name);
    if (video === undefined)
      throw new ViewRequestError(
        404,
        `video ${JSON.stringify(name.slice(0, 80))} is not in the GT`,
      );
    return video;
  }

  /** `GET /api/video`: GT, detections and their outcomes under `protocol` at `iou`, at `level`. */
  videoView(name: string, protocolName: string, iou: number, level: string): ViewVideo {
    const video = this.video(name);
    if (!VIEW_PROTOCOLS.includes(protocolName))
      throw new ViewRequestError(
        400,
        `protocol ${JSON.stringify(protocolName.slice(0, 40))}: expected one of ${VIEW_PROTOCOLS.join(', ')}`,
      );
    if (!(iou > 0 && iou <= 1))
      throw new ViewRequestError(400, `iou must be in (0, 1], got ${iou}`);
    if (level !== 'frame' && level !== 'video')
      throw new ViewRequestError(
        400,
        `level must be frame or video, got ${JSON.stringify(level.slice(0, 40))}`,
      );
    if (level === 'video' && this.frameDets)
      throw new ViewRequestError(
        400,
        'level video needs tube detections; these are frame detections',
      );
    const protocol = protocolProfile(protocolName);
    const options = { protocol, iou, videos: [name] };
    const detections: ViewDetection[] = [];
    const outcome = (o: DetectionOutcomes, i: number) => o.outcome[i] as ViewOutcome;
    if (this.frameDets) {
      const { dets, rows } = this.frameDets;
      const mine = rows.get(name) ?? [];
      const subset = subsetRows(name, mine, (k) => ({
        frame: dets.frame[mine[k]!]!,
        label: dets.label[mine[k]!]!,
        score: dets.score[mine[k]!]!,
        box: dets.boxes.subarray(4 * mine[k]!, 4 * mine[k]! + 4),
      }));
      const o = frameDetectionOutcomes(this.dataset, subset, options);
      for (let k = 0; k < subset.length; k++)
        detections.push({
          id: String(k),
          label: subset.label[k]!,
          score: subset.score[k]!,
          start: subset.frame[k]!,
          boxes: boxRows(subset.boxes.subarray(4 * k, 4 * k + 4)),
          outcomes: [outcome(o, k)],
          iou: [finiteOrNull(o.bestIoU[k]!)],
        });
    } else if (this.tubes) {
      const tubes = this.tubes.get(name) ?? [];
      if (level === 'video') {
        const o = videoDetectionOutcomes(this.dataset, tubes, options);
        tubes.forEach((t, i) => {
          const T = t.boxes.length / 4;
          detections.push({
            id: String(t.id ?? i),
            label: t.label,
            score: t.score,
            start: t.start,
            boxes: boxRows(t.boxes),
            outcomes: new Array<ViewOutcome>(T).fill(outcome(o, i)),
            iou: new Array<number | null>(T).fill(finiteOrNull(o.bestIoU[i]!)),
          });
        });
      } else {
        // Frame level: every tube box is a frame detection scored with its tube's score.
        const owner: Array<[number, number]> = [];
        tubes.forEach((t, i) => {
          for (let k = 0; k < t.boxes.length / 4; k++) owner.push([i, k]);
        });
        const subset = subsetRows(name, owner, (j) => {
          const [i, k] = owner[j]!;
          const t = tubes[i]!;
          return {
            frame: t.start + k,
            label: t.label,
            score: t.score,
            box: t.boxes.subarray(4 * k, 4 * k + 4),
          };
        });
        const o = frameDetectionOutcomes(this.dataset, subset, options);
        let j = 0;
        tubes.forEach((t, i) => {
          const T = t.boxes.length / 4;
          const outcomes: ViewOutcome[] = [];
          const ious: (number | null)[] = [];
          for (let k = 0; k < T; k++, j++) {
            outcomes.push(outcome(o, j));
            ious.push(finiteOrNull(o.bestIoU[j]!));
          }
          detections.push({
            id: String(t.id ?? i),
            label: t.label,
            score: t.score,
            start: t.start,
            boxes: boxRows(t.boxes),
            outcomes,
            iou: ious,
          });
        });
      }
    }
    return {
      name,
      nframes: video.nframes,
      width: video.width,
      height: video.height,
      protocol: protocol.name,
      iou,
      level,
      gt: video.tubes.map((t) => ({ label: t.label, start: t.start, boxes: boxRows(t.boxes) })),
      detections,
    };
  }

  /** `GET /api/proposals`: the video's clips and their stages. */
  proposals(name: string): ViewProposals {
    this.video(name);
    if (this.proposalsFile === undefined)
      throw new ViewRequestError(404, 'no proposals were loaded (tubekit view --proposals <file>)');
    return {
      method: this.proposalsFile.method,
      clips: this.proposalsFile.clips
        .filter((c) => c.video === name)
        .map((c) => ({
          start: c.start,
          length: c.length,
          stages: c.stages.map((s) => ({
            name: s.name,
            proposals: s.proposals.map((p) => ({
              start: p.start,
              boxes: boxRows(p.boxes),
              label: p.label,
              score: p.score,
            })),
          })),
        })),
    };
  }

  /** `GET /api/frame`: frame `frame` of `name` as JPEG. */
  async frame(name: string, frame: number): Promise<Buffer> {
    const video = this.video(name);
    if (this.frameSource === undefined || !this.framesFor(name))
      throw new ViewRequestError(
        404,
        `no frames for ${JSON.stringify(name.slice(0, 80))} (tubekit view --frames <dir or video>)`,
      );
    if (!(Number.isInteger(frame) && frame >= 1 && frame <= video.nframes))
      throw new ViewRequestError(
        400,
        `frame must be an integer in 1…${video.nframes}, got ${frame}`,
      );
    const key = `${name}\u0000${frame}`;
    const cached = this.frameCache.get(key);
    if (cached) return cached;
    let source = this.sources.get(name);
    if (source === undefined) {
      source = this.frameSource(name);
      this.sources.set(name, source);
      source.catch(() => this.sources.delete(name));
    }
    let s: FrameSource;
    try {
      s = await source;
    } catch (error) {
      throw new ViewRequestError(404, describeError(error));
    }
    if (frame > s.nframes)
      throw new ViewRequestError(
        404,
        `${name}: the frames have ${s.nframes} frames, the GT says ${video.nframes}`,
      );
    const image = await encodeFrameImage(await s.read(frame), s.width, s.height, 'jpeg', {
      quality: 85,
    });
    this.frameCache.set(key, image);
    return image;
  }
}

/** A request the server answers with `status` and `{error: message}`. */
export class ViewRequestError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
    this.name = 'ViewRequestError';
  }
}
